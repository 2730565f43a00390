import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { query, shot, signIn } from "./helpers";

const dir = path.resolve(import.meta.dirname, ".artifacts/files");

function write(name: string, content: string | Buffer) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

function rosterCount(code: string, term: string) {
  return query<{ n: number }>("select count(*) n from students s join terms t on t.id = s.term_id join courses c on c.id = t.course_id where c.code = ? and t.term = ?", code, term)[0].n;
}

test("a roster import with a bad row writes nothing until the file is fixed", async ({ page }) => {
  await signIn(page, "irene");
  await page.goto("/courses");
  await page.getByRole("link", { name: "datasci" }).click();
  await page.getByRole("link", { name: "WS25" }).click();
  await page.getByRole("link", { name: /Roster/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Roster · datasci WS25");
  const before = rosterCount("datasci", "WS25");

  // German Excel: BOM, semicolons, an umlaut, trailing spaces, a duplicate and one bad row (line 5)
  const bad = "\uFEFFUsername;\r\nneu1s ;\r\nneu2s;\r\nneu1s;\r\nbad user!;\r\nmüll3s;\r\n";
  await page.getByLabel("CSV file").setInputFiles(write("bad.csv", bad));
  await page.getByRole("button", { name: "Preview" }).click();
  const preview = page.getByTestId("import-preview");
  await expect(preview).toContainText("E2x");
  await expect(page.getByTestId("count-invalid")).not.toHaveText("0");
  await expect(page.getByTestId("invalid-row").first()).toContainText("5");
  await expect(page.getByRole("button", { name: "Apply import" })).toBeDisabled();
  await shot(page, "roster-import-invalid");
  expect(rosterCount("datasci", "WS25")).toBe(before);

  const good = "\uFEFFUsername;\r\nneu1s ;\r\nneu2s;\r\nneu1s;\r\nneu4s;\r\n";
  await page.getByLabel("CSV file").setInputFiles(write("good.csv", good));
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByTestId("count-added")).toHaveText("3");
  await expect(page.getByTestId("count-duplicates")).toHaveText("1");
  await expect(page.getByTestId("count-invalid")).toHaveText("0");
  await shot(page, "roster-import-preview");
  expect(rosterCount("datasci", "WS25")).toBe(before);
  await page.getByRole("button", { name: "Apply import" }).click();
  await expect(page.getByText(/Imported: 3 added/)).toBeVisible();
  expect(rosterCount("datasci", "WS25")).toBe(before + 3);
  await expect(page.getByRole("cell", { name: "neu4s", exact: true })).toBeVisible();
  await shot(page, "roster");

  // search and the E2x export
  await page.getByLabel("Search students").fill("neu2");
  await page.getByLabel("Search students").press("Enter");
  await expect(page.getByRole("heading", { name: /1 student matching/ })).toBeVisible();
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "E2x CSV" }).click();
  const file = await (await download).path();
  const text = fs.readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  expect(text.split(/\r?\n/)[0]).toBe("Username");
  expect(text).toContain("neu4s");
});

test("a file over 10 MB is refused before upload", async ({ page }) => {
  await signIn(page, "irene");
  await page.goto("/courses");
  await page.getByRole("link", { name: "datasci" }).click();
  await page.getByRole("link", { name: "WS25" }).click();
  await page.getByRole("link", { name: /Roster/ }).click();
  const big = Buffer.alloc(10 * 1024 * 1024 + 10, "a\n");
  await page.getByLabel("CSV file").setInputFiles(write("big.csv", big));
  await expect(page.locator("#file-error")).toContainText("over 10 MB");
  await expect(page.getByRole("button", { name: "Preview" })).toBeDisabled();
});
