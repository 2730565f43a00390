/**
 * Secrets stay where they belong: no seeded or generated password, no one-time password and
 * not the session secret in the built client bundle (.next/static), the server's log or the
 * database file (WAL included).
 */
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { LDAP_SERVICE_PASSWORD } from "./services/ldap";
import { addRoom, confirm, createExam, FILES, PASSWORD_RE, pdfText } from "./exam-helpers";
import { DB_FILE, PASSWORD, query, rosterCount, signIn, signOut, walk } from "./helpers";

const ROOT = path.resolve(import.meta.dirname, "..");

test("no password, one-time password or session secret in the client bundle, the server log or the database", async ({ page }) => {
  test.setTimeout(180_000);
  // a generated staff password, shown once
  await signIn(page, "admin");
  await page.goto("/staff");
  const form = page.getByRole("form", { name: "New local account" });
  await form.getByLabel("Username").fill("vera");
  await form.getByLabel("Display name").fill("Vera Secret");
  await form.getByRole("button", { name: "Create account" }).click();
  const generated = (await page.getByTestId("one-time-password").textContent())!.trim();
  expect(generated).toHaveLength(16);
  await signOut(page);

  // one-time passwords: an exam with a room and participants, scheduled and printed
  await signIn(page, "irene");
  const examId = await createExam(page, { course: "datasci", term: "WS25", title: "Geheimnisprobe", period: "PZ8", date: "2031-06-01", start: "09:00", end: "10:00" });
  // room for the whole roster, whatever other tests added to it
  await addRoom(page, examId, { name: "S-0001", seats: String(rosterCount("datasci", "WS25") + 10), cidrs: "10.88.0.0/24" });
  await page.goto(`/exams/${examId}/participants`);
  await page.getByRole("button", { name: /Add the whole roster/ }).click();
  await expect(page.getByText(/Added \d+ participants/)).toBeVisible();
  await page.goto(`/exams/${examId}/seating`);
  await confirm(page, "Seat automatically", "Seat automatically");
  await expect.poll(() => query<{ n: number }>("select count(*) n from exam_participants where exam_id = ? and seat is null", examId)[0].n).toBe(0);
  await page.goto(`/exams/${examId}`);
  await confirm(page, "Schedule", "Schedule");
  await expect(page.getByText("The exam is scheduled now.")).toBeVisible();
  await page.goto(`/exams/${examId}/sheets`);
  const download = page.waitForEvent("download");
  await confirm(page, /Print all sheets/, "Print sheets");
  fs.mkdirSync(FILES, { recursive: true });
  const file = path.join(FILES, "secrets-sheets.pdf");
  await (await download).saveAs(file);
  const otps = [...pdfText(file).matchAll(PASSWORD_RE)].map((m) => m[1]);
  expect(otps.length).toBe(query<{ n: number }>("select count(*) n from exam_participants where exam_id = ?", examId)[0].n);
  expect(otps.length).toBeGreaterThan(50);

  const sessionSecret = fs.readFileSync(path.join(ROOT, "e2e/.artifacts/auth-secret"), "utf8");
  const secrets: Record<string, string> = { "seeded password": PASSWORD, "generated staff password": generated, "session secret": sessionSecret, "LDAP bind password": LDAP_SERVICE_PASSWORD };
  otps.forEach((o, i) => {
    secrets[`one-time password ${i + 1}`] = o;
    secrets[`one-time password ${i + 1} (as typed)`] = o.replace(/-/g, "");
  });

  const haystacks: Record<string, Buffer> = {};
  const bundle = walk(path.join(ROOT, ".next/static"));
  expect(bundle.length).toBeGreaterThan(10);
  for (const f of bundle) haystacks[path.relative(ROOT, f)] = fs.readFileSync(f);
  haystacks["server log"] = fs.readFileSync(path.join(ROOT, "e2e/.artifacts/server.log"));
  for (const f of [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`]) if (fs.existsSync(f)) haystacks[path.basename(f)] = fs.readFileSync(f);
  expect(haystacks["server log"].length).toBeGreaterThan(0);

  const found: string[] = [];
  for (const [what, secret] of Object.entries(secrets)) {
    for (const [where, bytes] of Object.entries(haystacks)) {
      for (const enc of ["utf8", "utf16le"] as const) if (bytes.includes(Buffer.from(secret, enc))) found.push(`${what} in ${where} (${enc})`);
    }
  }
  console.log(`searched ${Object.keys(secrets).length} secrets (${otps.length} one-time passwords) in ${bundle.length} bundle files, the server log and the database`);
  expect(found).toEqual([]);
});
