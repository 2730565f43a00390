import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { openRoster, query, rosterCount, shot, signIn } from "./helpers";

const dir = path.resolve(import.meta.dirname, ".artifacts/files");
const E2X = path.resolve(import.meta.dirname, "../lib/rosters/__fixtures__/e2x/brsu_digital_exam_tools");

function write(name: string, content: string | Buffer) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

async function choose(page: Page, file: string) {
  await page.getByLabel("CSV file").setInputFiles(file);
  await page.getByRole("button", { name: "Preview", exact: true }).click();
}

test("a roster import with a bad row writes nothing until the file is fixed", async ({ page }) => {
  await signIn(page, "irene");
  await openRoster(page, "datasci", "WS25");
  const before = rosterCount("datasci", "WS25");

  // German Excel: BOM, semicolons, an umlaut, trailing spaces, a duplicate and one bad row (line 5)
  const bad = "\uFEFFUsername;\r\nneu1s ;\r\nneu2s;\r\nneu1s;\r\nbad user!;\r\nmüll3s;\r\n";
  await choose(page, write("bad.csv", bad));
  const preview = page.getByTestId("import-preview");
  await expect(preview).toContainText("E2x course roster");
  await expect(page.getByTestId("count-invalid")).toHaveText("2");
  await expect(page.getByTestId("invalid-row").first()).toContainText("5");
  await expect(page.getByRole("button", { name: "Apply import" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Import 2 valid rows only" })).toBeEnabled();
  await shot(page, "roster-import-invalid");
  expect(rosterCount("datasci", "WS25")).toBe(before);

  const good = "\uFEFFUsername;\r\nneu1s ;\r\nneu2s;\r\nneu1s;\r\nNeu4s;\r\n";
  await choose(page, write("good.csv", good));
  await expect(page.getByTestId("count-added")).toHaveText("3");
  await expect(page.getByTestId("count-duplicates")).toHaveText("1");
  await expect(page.getByTestId("count-invalid")).toHaveText("0");
  await expect(preview).toContainText("1 user name was lower-cased");
  await shot(page, "roster-import-preview");
  expect(rosterCount("datasci", "WS25")).toBe(before);
  await page.getByRole("button", { name: "Apply import" }).click();
  await expect(page.getByText(/Imported: 3 added/)).toBeVisible();
  // said where the button was, and the keyboard stays there (not back at the page's start)
  await expect(page.getByTestId("import-done")).toBeFocused();
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
  const text = fs.readFileSync(file, "utf8");
  expect(text.split("\n")[0]).toBe("Username");
  expect(text).toContain("neu4s");
});

test("a headerless E2x exam list goes through the column-mapping step, remembered for the course", async ({ page }) => {
  await signIn(page, "irene");
  await openRoster(page, "mathe1", "SS26");
  const before = rosterCount("mathe1", "SS26");

  await choose(page, path.join(E2X, "headerless-2019/exam_complete_list.csv"));
  const step = page.getByTestId("column-mapping");
  await expect(step).toContainText("This file has no header row");
  await expect(page.getByRole("checkbox", { name: /first row holds column names/ })).not.toBeChecked();
  // the E2x input layout by position, the first line shown as a student
  await expect(page.getByLabel("Meaning of column 1")).toHaveValue("displayName");
  await expect(page.getByLabel("Meaning of column 2")).toHaveValue("universityId");
  await expect(page.getByLabel("Meaning of column 3")).toHaveValue("matrikel");
  await expect(step.getByTestId("mapping-column")).toHaveCount(6);
  await expect(step.getByTestId("mapping-column").first()).toContainText("Test User 0·Test User 1");
  await shot(page, "roster-column-mapping");

  // a mapping without an identity column cannot be previewed
  await page.getByLabel("Meaning of column 2").selectOption("");
  await expect(step).toContainText("Choose the column with the username or the FB02UID.");
  await expect(page.getByRole("button", { name: "Preview with these columns" })).toBeDisabled();
  await page.getByLabel("Meaning of column 2").selectOption("universityId");
  // leave the seat out on purpose
  await page.getByLabel("Meaning of column 5").selectOption("");
  await page.getByRole("button", { name: "Preview with these columns" }).click();

  const preview = page.getByTestId("import-preview");
  await expect(preview).toContainText("columns as you mapped them");
  await expect(page.getByTestId("not-kept")).toContainText("Column 5: no meaning chosen (10 values)");
  await expect(page.getByTestId("count-added")).toHaveText("10");
  expect(rosterCount("mathe1", "SS26")).toBe(before);
  await shot(page, "roster-column-mapping-preview");
  await page.getByRole("button", { name: "Apply import" }).click();
  await expect(page.getByText(/Imported: 10 added/)).toBeVisible();
  expect(rosterCount("mathe1", "SS26")).toBe(before + 10);
  // leading zeros and the FB02UID are kept, the seat was left out as chosen
  expect(query("select username, university_id, matrikel, room, seat, exam_date from students where username = 'test02s'")).toEqual([
    { username: "test02s", university_id: "test02s", matrikel: "012345", room: "C175", seat: null, exam_date: "22.03.2019" },
  ]);

  // the same shape of file in another term of the course: no question asked
  await openRoster(page, "mathe1", "WS25");
  await choose(page, path.join(E2X, "headerless-2019/exam_complete_list.csv"));
  await expect(page.getByTestId("import-preview")).toContainText("columns as remembered for this course");
  await expect(page.getByTestId("column-mapping")).toHaveCount(0);
  // and it can still be changed
  await page.getByRole("button", { name: "Change columns" }).click();
  await expect(page.getByLabel("Meaning of column 5")).toHaveValue("");
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("import-preview")).toBeVisible();
});

test("the E2x tools' files import without renaming, a conflicting repeat is rejected and can be left out", async ({ page }) => {
  await signIn(page, "irene");
  await openRoster(page, "mathe1", "SS26");
  const before = rosterCount("mathe1", "SS26");

  // the exam account output: passwords and exam logins named as not kept
  await choose(page, path.join(E2X, "exam_complete_list_output.csv"));
  await expect(page.getByTestId("import-preview")).toContainText("E2x exam account list (output)");
  await expect(page.getByTestId("not-kept")).toContainText("Password: passwords are never stored (10 values dropped)");
  await expect(page.getByTestId("not-kept")).toContainText("Username: exam logins (10)");
  await expect(page.getByTestId("import-preview")).not.toContainText("84392");
  await shot(page, "roster-import-exam-output");

  // the input list names five FB02UIDs twice with other names and seats
  await choose(page, path.join(E2X, "exam_complete_list.csv"));
  await expect(page.getByTestId("count-invalid")).toHaveText("5");
  await expect(page.getByTestId("count-valid")).toHaveText("44");
  await expect(page.getByTestId("invalid-row").first()).toContainText("phillm2s is already on row 4 with a different name, seat");
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download rejected rows (CSV)" }).click();
  const rejected = fs.readFileSync(await (await download).path(), "utf8").split("\r\n");
  expect(rejected[0]).toBe("\uFEFFName,FB02UID,Matrikel,Raum,Platz,Date,Row in file,Problem");
  expect(rejected.slice(1, -1)).toHaveLength(5);
  expect(rejected[1]).toBe("Test User 19,phillm2s,12345,C175,9,22.03.2019,21,\"phillm2s is already on row 4 with a different name, seat\"");
  await shot(page, "roster-import-rejected");

  await page.getByRole("button", { name: "Import 44 valid rows only" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("5 rejected rows are not imported");
  await dialog.getByRole("button", { name: "Import 44 valid rows" }).click();
  await expect(page.getByText(/Imported: 44 added.*5 rejected rows left out/)).toBeVisible();
  expect(rosterCount("mathe1", "SS26")).toBe(before + 44);
});

test("search as Germans type, the German Excel export and the sample file", async ({ page }) => {
  await signIn(page, "irene");
  await openRoster(page, "datasci", "WS25");
  const muellers = query<{ n: number }>(
    "select count(*) n from students s join terms t on t.id = s.term_id join courses c on c.id = t.course_id where c.code = 'datasci' and t.term = 'WS25' and s.last_name = 'Müller'",
  )[0].n;
  expect(muellers).toBeGreaterThan(0);
  for (const q of ["mueller", "Müller", "muller"]) {
    await page.getByLabel("Search students").fill(q);
    await page.getByLabel("Search students").press("Enter");
    await expect(page.getByRole("heading", { name: new RegExp(`${muellers} students? matching`) })).toBeVisible();
  }
  await expect(page.getByRole("cell", { name: /Müller/ }).first()).toBeVisible();
  const one = query<{ matrikel: string; username: string }>(
    "select s.matrikel, s.username from students s join terms t on t.id = s.term_id join courses c on c.id = t.course_id where c.code = 'datasci' and s.matrikel is not null order by s.id limit 1",
  )[0];
  await page.getByLabel("Search students").fill(one.matrikel);
  await page.getByLabel("Search students").press("Enter");
  await expect(page.getByRole("heading", { name: /1 student matching/ })).toBeVisible();
  await expect(page.getByRole("cell", { name: one.username, exact: true })).toBeVisible();
  await shot(page, "roster-search-matrikel");

  const exports = () => query<{ n: number }>("select count(*) n from audit_log where action = 'roster.export'")[0].n;
  const before = exports();
  const excel = page.waitForEvent("download");
  await page.getByRole("link", { name: "Full CSV for German Excel (;)" }).click();
  const d = await excel;
  // one click, one export in the audit log (not a page fetch and then the file again)
  await expect.poll(exports).toBe(before + 1);
  await page.waitForTimeout(500);
  expect(exports()).toBe(before + 1);
  expect(d.suggestedFilename()).toBe("datasci-WS25.full.excel-de.csv");
  const bytes = fs.readFileSync(await d.path());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  expect(bytes.toString("utf8").slice(1).split("\r\n")[0]).toBe("Username;FB02UID;Name;First name;Last name;Matrikel;Room;Seat;Date;Backup");

  const sample = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download a sample CSV" }).click();
  const s = await sample;
  expect(s.suggestedFilename()).toBe("roster-sample.csv");
  const text = fs.readFileSync(await s.path(), "utf8");
  expect(text).toContain("mmuste2s,mmuste2s,\"Mustermann, Max\",Max,Mustermann,0123456");
});

test("a file over 10 MB is refused before upload", async ({ page }) => {
  await signIn(page, "irene");
  await openRoster(page, "datasci", "WS25");
  const big = Buffer.alloc(10 * 1024 * 1024 + 10, "a\n");
  await page.getByLabel("CSV file").setInputFiles(write("big.csv", big));
  await expect(page.locator("#file-error")).toContainText("over 10 MB");
  await expect(page.getByRole("button", { name: "Preview", exact: true })).toBeDisabled();
});

test("the print button and Ctrl+P print every row of the search, not the current page", async ({ page }) => {
  await signIn(page, "irene");
  await openRoster(page, "mathe1", "WS25");
  const total = query<{ n: number }>(
    "select count(*) n from students s join terms t on t.id = s.term_id join courses c on c.id = t.course_id where c.code = 'mathe1' and t.term = 'WS25'",
  )[0].n;
  expect(total).toBeGreaterThan(50);
  // the page view itself carries no print rows: they are loaded for the print
  await expect(page.getByTestId("roster-print").locator("tbody tr")).toHaveCount(0);
  // the browser's print dialog cannot be driven from here: print() notes the rows the document holds when it is called
  await page.evaluate(() => {
    const w = window as unknown as { printed: number[] };
    w.printed = [];
    window.print = () => void w.printed.push(document.querySelectorAll('[data-testid="roster-print"] tbody tr').length);
  });
  await page.getByRole("button", { name: "Print" }).click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { printed: number[] }).printed)).toEqual([total]);
  await page.keyboard.press("Control+p");
  await expect.poll(() => page.evaluate(() => (window as unknown as { printed: number[] }).printed)).toEqual([total, total]);
});

test("a print whose rows cannot be loaded prints the current page with a note", async ({ page }) => {
  await signIn(page, "irene");
  await openRoster(page, "mathe1", "WS25");
  // the connection to the portal fails for the print's rows (the network, not the portal)
  await page.route((url) => url.pathname.endsWith("/roster/rows"), (route) => route.abort("connectionfailed"));
  await page.emulateMedia({ media: "print" });
  const printed = page.getByTestId("roster-print");
  await expect(printed).toContainText("current page only");
  await expect(printed.locator("tbody tr")).toHaveCount(0);
  // the page's own table prints in their place: its fifty rows, without the selection boxes
  const own = page.locator("[data-print-screen]");
  await expect(own).toBeVisible();
  await expect(own.locator("tbody tr")).toHaveCount(50);
  await expect(own.getByRole("checkbox").first()).toBeHidden();
  // the note heads the printed page, above the table it speaks of
  const note = (await printed.getByText("current page only").boundingBox())!;
  expect(note.y).toBeLessThan((await own.boundingBox())!.y);
  const pdf = path.join(import.meta.dirname, ".artifacts", "files", "roster-print-current-page.pdf");
  fs.mkdirSync(path.dirname(pdf), { recursive: true });
  await page.pdf({ path: pdf, format: "A4" });
});

test("a roster of one page prints its print table once, and the page carries only the roster's client messages", async ({ page }) => {
  await signIn(page, "admin");
  await openRoster(page, "progbio", "WS25");
  const total = rosterCount("progbio", "WS25");
  expect(total).toBeGreaterThan(0);
  expect(total).toBeLessThanOrEqual(50);
  await page.emulateMedia({ media: "print" });
  await expect(page.getByTestId("roster-print").locator("tbody tr")).toHaveCount(total);
  await expect(page.locator("[data-print-screen]")).toBeHidden();
  // the page's own answer: the roster import's messages, none of the course pages' (the scan's problems)
  const html = await (await page.request.get(page.url())).text();
  expect(html).toContain("rosterImport");
  expect(html).not.toContain("scanProblems");
});
