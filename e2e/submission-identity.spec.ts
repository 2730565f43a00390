import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { query, shot, signIn } from "./helpers";

const EXCHANGE = path.resolve(import.meta.dirname, ".artifacts/data/exchange/mathe1-WS25/personalized-inbound");

/** Every file listed in SHA1SUM.txt still has its SHA-1 (the demo edits one submission afterwards). */
function intact(dir: string): boolean {
  return fs
    .readFileSync(path.join(dir, "SHA1SUM.txt"), "utf8")
    .split("\n")
    .every((line) => {
      const [sha1, rel] = [line.slice(0, 40), line.slice(42)];
      return createHash("sha1").update(fs.readFileSync(path.join(dir, rel))).digest("hex") === sha1;
    });
}

/** Demo students with exactly one untouched submission that has an info file. */
function plainSubmitters(): { user: string; folder: string }[] {
  return fs
    .readdirSync(EXCHANGE)
    .sort()
    .map((user) => ({ user, folders: fs.readdirSync(path.join(EXCHANGE, user)) }))
    .filter((x) => x.folders.length === 1 && fs.existsSync(path.join(EXCHANGE, x.user, x.folders[0], `${x.user}_info.txt`)) && intact(path.join(EXCHANGE, x.user, x.folders[0])))
    .map((x) => ({ user: x.user, folder: x.folders[0] }));
}

test("misfiled folders, info files of another student and files added later show up after a scan", async ({ page }) => {
  test.setTimeout(120_000);
  const [a, b, c, d, e] = plainSubmitters();
  // a's submission copied into b's inbound; c's submission renamed to d; a checkpoint added to e's
  fs.cpSync(path.join(EXCHANGE, a.user, a.folder), path.join(EXCHANGE, b.user, a.folder), { recursive: true });
  fs.cpSync(path.join(EXCHANGE, c.user, c.folder), path.join(EXCHANGE, d.user, c.folder.replace(`${c.user}+`, `${d.user}+`)), { recursive: true });
  fs.rmSync(path.join(EXCHANGE, d.user, d.folder), { recursive: true });
  fs.mkdirSync(path.join(EXCHANGE, e.user, e.folder, ".ipynb_checkpoints"));
  fs.writeFileSync(path.join(EXCHANGE, e.user, e.folder, ".ipynb_checkpoints", "week1-checkpoint.ipynb"), "{}");

  await signIn(page, "gustav");
  await page.goto("/courses");
  await page.getByRole("link", { name: "mathe1" }).click();
  await page.getByRole("link", { name: "WS25" }).click();
  await page.getByRole("link", { name: "Grading" }).click();
  // an earlier scan of this term may show "completed" already: wait for the one started here
  const last = query<{ id: number | null }>("select max(id) as id from submission_scans")[0].id ?? 0;
  await page.getByRole("button", { name: /Scan exchange|Scan again/ }).click();
  const latest = () => query<{ id: number | null }>("select max(id) as id from submission_scans")[0].id ?? 0;
  await expect.poll(latest, { timeout: 30_000 }).toBeGreaterThan(last);
  await expect(page.getByText(`Scan #${latest()}`, { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("scan-status")).toHaveText("completed", { timeout: 30_000 });
  const week1 = page.getByTestId("assignment-week1");
  await expect(week1.getByTestId("count-identity")).toHaveText("2");
  await shot(page, "grading-identity-overview");

  await page.getByRole("link", { name: "week1" }).click();
  await page.getByLabel("Status").selectOption("misfiled");
  await page.getByRole("button", { name: "Filter" }).click();
  const rows = page.getByTestId("submission-row");
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText(a.user);
  await expect(rows).toContainText("misfiled");
  await rows.getByRole("link").first().click();
  await expect(page.getByTestId("flags")).toContainText(`Filed under personalized-inbound/${b.user}/, but submitted as ${a.user}. It counts for neither of them`);
  await shot(page, "grading-misfiled");

  await page.goBack();
  await page.goBack();
  await page.getByLabel("Status").selectOption("wrong-student");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText(d.user);
  await rows.getByRole("link").first().click();
  await expect(page.getByTestId("flags")).toContainText(`The info file names another student than ${d.user}: its name is ${c.user}_info.txt and it says Username: ${c.user}`);
  await shot(page, "grading-wrong-student");

  await page.goBack();
  await page.getByLabel("Status").selectOption("");
  await page.getByLabel("Flag").selectOption("added-after-submission");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(rows.filter({ hasText: e.user })).toHaveCount(1);
  await rows.filter({ hasText: e.user }).getByRole("link").first().click();
  await expect(page.getByTestId("flags")).toContainText("Added after submission: .ipynb_checkpoints/week1-checkpoint.ipynb");
  await expect(page.getByTestId("flags")).toContainText("Verified");
  await shot(page, "grading-added-after-submission");
});
