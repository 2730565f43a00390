/**
 * Sheets for whoever joined after the sheets were printed: "Print the missing ones" on the sheets
 * page gives each of them a sheet with a new one-time password, and only them; the sheets printed
 * before keep working. A scheduled exam of its own (datasci WS25, one room, the whole roster),
 * taken back to a draft and deleted at the end.
 */
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { addRoom, confirm, createExam, deleteTestExam, FILES, PASSWORD_RE, pdfText, termOf, verifyStored } from "./exam-helpers";
import { query, shot, signIn } from "./helpers";

test.describe.configure({ mode: "serial" });

let examId = 0;
const hashes = () => new Map(query<{ username: string; password_hash: string | null }>("select username, password_hash from exam_participants where exam_id = ?", examId).map((p) => [p.username, p.password_hash]));

test.afterAll(async ({ browser }) => deleteTestExam(browser, test.info().project.use.baseURL, examId));

test("a backup account added after printing gets its sheet from 'Print the missing ones'; the earlier sheets stay valid", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, "irene");
  examId = await createExam(page, { course: "datasci", term: "WS25", title: "Klausur Datenanalyse (Nachdruck)", period: "PZ8", date: "2031-05-05", start: "09:00", end: "11:00" });
  // room for the whole roster (other tests add students to it) and the late backup account
  const roster = query<{ n: number }>("select count(*) n from students where term_id = ?", termOf("datasci", "WS25"))[0].n;
  await addRoom(page, examId, { name: "C-0201", seats: String(roster + 5), cidrs: "10.52.1.0/24" });
  await expect(page.getByTestId("room-C-0201")).toBeVisible();
  await page.goto(`/exams/${examId}/participants`);
  await page.getByRole("button", { name: /Add the whole roster \(\d+\)/ }).click();
  await expect(page.getByText(/Added \d+ participants\./)).toBeVisible();
  const people = query<{ n: number }>("select count(*) n from exam_participants where exam_id = ?", examId)[0].n;
  await page.goto(`/exams/${examId}/seating`);
  await confirm(page, "Seat automatically", "Seat automatically");
  await expect(page.getByText(/Seated \d+ participants/)).toBeVisible();
  await page.goto(`/exams/${examId}`);
  await page.getByRole("button", { name: "Schedule" }).first().click();
  await page.getByRole("dialog").getByRole("button", { name: "Schedule" }).click();
  await expect(page.getByText("The exam is scheduled now.")).toBeVisible();

  // everyone's sheets first; nobody is missing one then
  await page.goto(`/exams/${examId}/sheets`);
  const all = page.waitForEvent("download");
  await confirm(page, new RegExp(`Print all sheets \\(${people}\\)`), "Print sheets");
  await (await all).saveAs(path.join(FILES, "late-all.pdf"));
  await expect(page.getByRole("button", { name: /Print the missing ones/ })).toHaveCount(0);
  const printed = hashes();
  expect([...printed.values()].every(Boolean)).toBe(true);

  // a latecomer's backup account, added after printing
  await page.goto(`/exams/${examId}/participants`);
  await page.getByLabel("Room").selectOption({ label: "C-0201" });
  await page.getByLabel("How many").fill("1");
  await page.getByRole("button", { name: "Add backup accounts" }).click();
  await expect(page.getByText(/Added 1 backup account: /)).toBeVisible();
  const backup = query<{ username: string; seat: number }>("select username, seat from exam_participants where exam_id = ? and kind = 'backup'", examId)[0];

  await page.goto(`/exams/${examId}/sheets`);
  // what is left to print comes first, as the main button; printing everyone again is not
  await expect(page.getByTestId("sheets-panel").getByRole("button").first()).toHaveText("Print the missing ones (1)");
  await shot(page, "exam-sheets-missing");
  const missing = page.waitForEvent("download");
  await confirm(page, "Print the missing ones (1)", "Print sheets");
  const d = await missing;
  expect(d.suggestedFilename()).toMatch(/-Passwortboegen-fehlende\.pdf$/);
  const file = path.join(FILES, "late-missing.pdf");
  fs.mkdirSync(FILES, { recursive: true });
  await d.saveAs(file);
  // one page, for the backup account, in its room and on its seat, with a password that verifies
  const text = pdfText(file);
  const pages = text.split("\f").filter((p) => p.trim());
  expect(pages).toHaveLength(1);
  expect(pages[0]).toContain(backup.username);
  expect(pages[0]).toContain("C-0201");
  const pw = [...pages[0].matchAll(PASSWORD_RE)].map((m) => m[1]);
  expect(pw).toHaveLength(1);
  const now = hashes();
  expect(verifyStored(pw[0], now.get(backup.username)!)).toBe(true);
  // the others' passwords are the ones on the sheets printed before
  for (const [username, hash] of printed) expect(now.get(username)).toBe(hash);
  await expect(page.getByRole("button", { name: /Print the missing ones/ })).toHaveCount(0);
  // and the page says that the sheets printed before stay valid
  await expect(page.getByText(/1 sheet \(run 2\)\. The sheets printed before for the others stay valid\./)).toBeVisible();
  const audit = query<{ summary: string }>("select summary from audit_log where action = 'exam.sheets.print' order by id desc limit 1")[0].summary;
  expect(audit).toContain("Printed 1 sheet (everyone without a sheet)");
});
