// Faults a user meets through the pages: the database held by another program.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test } from "@playwright/test";
import { DB_FILE, openRoster, query, rosterCount, shot, signIn } from "./helpers";

/**
 * Another program with a long write transaction on the portal's database (here: this test
 * process, changing rows and not yet committing). Undone by release().
 */
function holdWriteLock() {
  const other = new Database(DB_FILE, { fileMustExist: true });
  other.exec("BEGIN IMMEDIATE");
  other.prepare("UPDATE courses SET title = title || ' (being edited)'").run();
  return {
    release() {
      other.exec("ROLLBACK");
      other.close();
    },
  };
}

// The students added here sort after everyone on the demo rosters (zz…), so that the roster
// pages other tests look at keep their first page.
test.describe("the database is busy", () => {
  test("adding a student answers 'busy, nothing changed' and works on retry", async ({ page }) => {
    test.setTimeout(90_000);
    await signIn(page, "irene");
    await openRoster(page, "datasci", "WS25");
    const before = rosterCount("datasci", "WS25");

    const lock = holdWriteLock();
    try {
      await page.getByLabel("Username").fill("zzbusy1s");
      await page.getByLabel("Last name").fill("Geduldig");
      await page.getByRole("button", { name: "Add student" }).click();
      // the portal waits for the lock (E2X_DB_BUSY_TIMEOUT_MS, 5 s), then gives up cleanly
      await expect(page.getByRole("alert").filter({ hasText: "busy" })).toHaveText("The database is busy: another program is writing to it. Nothing was changed; try again in a moment.", { timeout: 30_000 });
      expect(rosterCount("datasci", "WS25")).toBe(before);
      expect(query("select 1 from audit_log where summary like 'Added zzbusy1s%'")).toHaveLength(0);
      // what was typed is still there for the retry
      await expect(page.getByLabel("Username")).toHaveValue("zzbusy1s");
      await shot(page, "roster-add-busy");
    } finally {
      lock.release();
    }

    await page.getByRole("button", { name: "Add student" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Added zzbusy1s." })).toBeVisible();
    expect(rosterCount("datasci", "WS25")).toBe(before + 1);
    expect(query("select 1 from audit_log where summary like 'Added zzbusy1s%'")).toHaveLength(1);
  });

  test("a roster import previews while another program writes; applying waits on the lock, writes none of its rows, and all of them on retry", async ({ page }) => {
    test.setTimeout(90_000);
    await signIn(page, "irene");
    await openRoster(page, "datasci", "WS25");
    const before = rosterCount("datasci", "WS25");
    const dir = path.resolve(import.meta.dirname, ".artifacts/files");
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "busy.csv");
    fs.writeFileSync(file, "Username\n" + Array.from({ length: 200 }, (_, i) => `zzbusyimp${i}s`).join("\n") + "\n");
    await page.getByLabel("CSV file").setInputFiles(file);

    const lock = holdWriteLock();
    try {
      // the preview only reads: it does not wait for the other program's write
      await page.getByRole("button", { name: "Preview", exact: true }).click();
      await expect(page.getByTestId("count-added")).toHaveText("200");
      await expect(page.getByRole("alert").filter({ hasText: "busy" })).toHaveCount(0);
      await page.getByRole("button", { name: "Apply import" }).click();
      await expect(page.getByRole("alert").filter({ hasText: "The database is busy" })).toContainText("Nothing was changed", { timeout: 30_000 });
      expect(rosterCount("datasci", "WS25")).toBe(before);
    } finally {
      lock.release();
    }
    // the file is still chosen: preview it again and apply
    await shot(page, "roster-import-busy");
    await page.getByRole("button", { name: "Preview", exact: true }).click();
    await expect(page.getByTestId("count-added")).toHaveText("200");
    await page.getByRole("button", { name: "Apply import" }).click();
    await expect(page.getByText(/Imported: 200 added/)).toBeVisible();
    expect(rosterCount("datasci", "WS25")).toBe(before + 200);
    // the other program's change was its own: rolled back, never mixed into the portal's
    expect(query("select 1 from courses where title like '%(being edited)'")).toHaveLength(0);
  });
});
