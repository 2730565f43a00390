/**
 * Who a submission belongs to, with submissions written by e2xgrader's own E2xExchangeSubmit
 * (.venv, through lib/submissions/reference/e2x_hash.py) and then moved or edited the way
 * mistakes and tampering happen in a real exchange:
 * - a folder filed under another student's personalized-inbound counts for neither of them;
 * - an info file naming another student than the folder marks the submission "wrong student";
 * - a Username line in another case is the same hub user, not an identity problem;
 * - files added to the exchange afterwards that the hash leaves out are reported beside a
 *   verified hashcode: checkpoints (nbgrader never copies them) as added after submission,
 *   *.html and .history as not covered by the hashcode (nbgrader does copy those at submit).
 * Then the same exchange through the portal's scan job, list, CSV and PDF report.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCourse, createTerm } from "@/lib/courses/courses";
import { defaultMounts, termInput } from "@/lib/courses/schemas";
import { students, termStaff } from "@/lib/db/schema";
import { listAssignments } from "@/lib/grading/assignments";
import { reportCsv, reportData, reportPdf } from "@/lib/grading/report";
import { getScan, scheduleScan, startScan } from "@/lib/grading/scans";
import { listSubmissions } from "@/lib/grading/submissions";
import { withLocale } from "@/lib/i18n/t";
import { runScan, type ScannedSubmission } from "@/lib/submissions/scan";
import { verifyAll, type SubmissionVerdict } from "@/lib/submissions/verify";
import { createTestDb } from "@/lib/test/db";
import { inAction, makeUser, principalOf } from "@/lib/test/factories";

const REPO = path.resolve(import.meta.dirname, "../..");
const PYTHON = path.join(REPO, ".venv/bin/python");
const E2X = path.join(REPO, "lib/submissions/reference/e2x_hash.py");
const COURSE = "ident-WS25";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-identity-"));
const root = path.join(tmp, "exchange");
const courseDir = path.join(root, COURSE);
const home = path.join(tmp, "home");
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function batch(commands: string[][]): { hashcode: string; dest: string }[] {
  const r = spawnSync(PYTHON, [E2X, "batch"], { input: commands.map((c) => JSON.stringify(c)).join("\n"), encoding: "utf8", env: { ...process.env, PYTHONUTF8: "1" } });
  if (r.status !== 0) throw new Error(`e2x_hash.py failed (${r.status}): ${r.stderr}`);
  return (JSON.parse(r.stdout).results as ({ ok: { hashcode: string; dest: string } } | { error: string })[]).map((x, i) => {
    if ("error" in x) throw new Error(`${commands[i].join(" ")}: ${x.error}`);
    return x.ok;
  });
}

function put(rel: string, content: string) {
  const p = path.join(home, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
}

const nb = (text: string) => JSON.stringify({ cells: [{ cell_type: "markdown", id: "a", metadata: {}, source: text }], metadata: {}, nbformat: 4, nbformat_minor: 5 });
const TS: Record<string, string> = {
  alice: "2026-03-02 09:00:00.000000 UTC",
  bob: "2026-03-02 09:01:00.000000 UTC",
  carol: "2026-03-02 09:02:00.000000 UTC",
  dave: "2026-03-02 09:03:00.000000 UTC",
  erin: "2026-03-02 09:04:00.000000 UTC",
  ivan: "2026-03-02 09:05:00.000000 UTC",
};
const rel = (dest: string) => path.relative(courseDir, dest).split(path.sep).join("/");

const sheet: Record<string, string> = {};
const keys: Record<string, string> = {};
let scanned: ScannedSubmission[];
let verdicts: Record<string, SubmissionVerdict>;

beforeAll(() => {
  if (!fs.existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: run bash scripts/provision/python.sh (npm test does)`);
  for (const user of Object.keys(TS)) put(`${user}/exam/exam.ipynb`, nb(`answer of ${user}`));
  // alice's folder as a student leaves it: a note, the editor's history and checkpoints
  put("alice/exam/notes.html", "<p>my notes</p>");
  put("alice/exam/.history/exam.ipynb", nb("older"));
  put("alice/exam/.ipynb_checkpoints/exam-checkpoint.ipynb", nb("checkpoint"));
  const submit = (user: string) => ["submit", "--root", root, "--course", COURSE, "--assignment", "exam", "--src", path.join(home, user), "--user", user, "--timestamp", TS[user], "--cache", path.join(tmp, "cache", user)];
  const out = batch(Object.keys(TS).map(submit));
  Object.keys(TS).forEach((u, i) => {
    sheet[u] = out[i].hashcode;
    keys[u] = rel(out[i].dest);
  });

  // bob's folder ends up under carol's personalized inbound (a copy script gone wrong)
  const bobMoved = path.join(courseDir, "personalized-inbound/carol", path.basename(out[1].dest));
  fs.renameSync(out[1].dest, bobMoved);
  keys.bob = rel(bobMoved);
  // erin's submission renamed into frank's folder: the info file still names erin
  const asFrank = path.join(courseDir, "personalized-inbound/frank", path.basename(out[4].dest).replace(/^erin\+/, "frank+"));
  fs.mkdirSync(path.dirname(asFrank), { recursive: true });
  fs.renameSync(out[4].dest, asFrank);
  keys.erin = rel(asFrank);
  // dave's Username line says another student (the file name still says dave)
  const daveInfo = path.join(courseDir, keys.dave, "dave_info.txt");
  fs.writeFileSync(daveInfo, fs.readFileSync(daveInfo, "utf8").replace("Username: dave", "Username: mallory"));
  // ivan's Username line in upper case: the same hub user
  const ivanInfo = path.join(courseDir, keys.ivan, "ivan_info.txt");
  fs.writeFileSync(ivanInfo, fs.readFileSync(ivanInfo, "utf8").replace("Username: ivan", "Username: IVAN"));
  // files put into carol's submission after she submitted
  fs.mkdirSync(path.join(courseDir, keys.carol, ".ipynb_checkpoints"));
  fs.writeFileSync(path.join(courseDir, keys.carol, ".ipynb_checkpoints/exam-checkpoint.ipynb"), nb("later"));
  fs.writeFileSync(path.join(courseDir, keys.carol, "cheat.html"), "<p>later</p>");
}, 180_000);

describe("submission identity, scanned", () => {
  beforeAll(async () => {
    scanned = (await runScan({ root, courseId: COURSE })).submissions;
    verdicts = Object.fromEntries(verifyAll(scanned).submissions.map((v) => [v.key, v]));
  });

  it("nbgrader's submit copied alice's html note and .history, but not her checkpoints", () => {
    const dir = path.join(courseDir, keys.alice);
    expect(fs.existsSync(path.join(dir, "notes.html"))).toBe(true);
    expect(fs.existsSync(path.join(dir, ".history/exam.ipynb"))).toBe(true);
    expect(fs.existsSync(path.join(dir, ".ipynb_checkpoints"))).toBe(false);
    expect(fs.existsSync(path.join(dir, "exam_hashcode.html"))).toBe(true);
  });

  it("an untouched submission is verified and counts; what the hash leaves out is named", () => {
    const v = verdicts[keys.alice];
    expect(v).toMatchObject({ status: "verified", counts: true });
    expect(v.flags.find((f) => f.kind === "added-after-submission")).toEqual({
      kind: "added-after-submission",
      files: [
        { path: ".history/exam.ipynb", reason: "not-hashed" },
        { path: "notes.html", reason: "not-hashed" },
      ],
    });
  });

  it("files added to the exchange later are reported beside a verified hashcode", () => {
    const v = verdicts[keys.carol];
    expect(v.status).toBe("verified");
    expect(v.recordedHashcode?.toUpperCase()).toBe(sheet.carol.replace(/-/g, "-"));
    expect(v.flags.map((f) => f.kind)).toEqual(["verified", "added-after-submission"]);
    expect(v.flags[1]).toEqual({
      kind: "added-after-submission",
      files: [
        { path: ".ipynb_checkpoints/exam-checkpoint.ipynb", reason: "never-copied" },
        { path: "cheat.html", reason: "not-hashed" },
      ],
    });
    // e2xgrader's own files are no news: a submission with only those carries no such flag
    expect(verdicts[keys.ivan].flags.map((f) => f.kind)).toEqual(["verified"]);
  });

  it("a folder under another student's personalized inbound counts for neither of them", () => {
    expect(keys.bob).toMatch(/^personalized-inbound\/carol\/bob\+exam\+/);
    const v = verdicts[keys.bob];
    expect(v).toMatchObject({ status: "misfiled", counts: false });
    expect(v.flags).toContainEqual({ kind: "misfiled", student: "bob", folderOwner: "carol" });
    // the hashcode itself is fine: the problem is where it lies
    expect(v.flags.map((f) => f.kind)).toContain("verified");
    const { groups } = verifyAll(scanned);
    expect(groups.find((g) => g.student === "bob")).toBeUndefined();
    expect(groups.find((g) => g.student === "carol")?.keys).toEqual([keys.carol]);
  });

  it("an info file that names another student makes the submission wrong-student", () => {
    const erin = verdicts[keys.erin];
    expect(erin.status).toBe("wrong-student");
    expect(erin.flags).toContainEqual({ kind: "wrong-student", student: "frank", infoFile: "erin_info.txt", infoUsername: "erin", disagree: ["file-name", "username-line"] });
    const dave = verdicts[keys.dave];
    expect(dave.status).toBe("wrong-student");
    expect(dave.flags).toContainEqual({ kind: "wrong-student", student: "dave", infoFile: "dave_info.txt", infoUsername: "mallory", disagree: ["username-line"] });
    // editing the info file does not change the hashcode: it is still verified underneath
    expect(dave.flags.map((f) => f.kind)).toContain("verified");
  });

  it("another case in the Username line is the same hub user", () => {
    expect(verdicts[keys.ivan]).toMatchObject({ status: "verified", counts: true });
  });
});

describe("submission identity through the portal", () => {
  const t = createTestDb();
  afterAll(() => t.cleanup());
  const db = t.db;
  let termId = 0;

  beforeAll(async () => {
    const admin = principalOf(db, makeUser(db, "admin").id);
    const c = inAction(db, admin, (ctx) => createCourse({ code: "ident", title: "Identity", description: "" }, ctx));
    const values = termInput.parse({ courseId: c.id, term: "WS25", hubs: ["exam", "grading"], image: "x/y:1", cpuGuarantee: "500m", cpuLimit: "1", memGuarantee: "1Gi", memLimit: "1Gi", mounts: defaultMounts() });
    termId = inAction(db, admin, (ctx) => createTerm(values, ctx)).id;
    const g = makeUser(db, "grader", "greta");
    db.insert(termStaff).values({ termId, userId: g.id, role: "grader" }).run();
    db.insert(students)
      .values(["alice", "bob", "carol", "dave", "frank", "ivan"].map((u, i) => ({ termId, username: u, displayName: `Student ${u}`, matrikel: `00${i}12345` })))
      .run();
    // an info file whose hashcode is a spreadsheet formula
    const aliceInfo = path.join(courseDir, keys.alice, "alice_info.txt");
    fs.writeFileSync(aliceInfo, fs.readFileSync(aliceInfo, "utf8").replace(/Hashcode: .*/, 'Hashcode: =HYPERLINK("http://x","y")'));
    const grader = principalOf(db, g.id);
    const row = inAction(db, grader, (ctx) => startScan({ termId, root }, ctx));
    await scheduleScan(db, row.id);
    expect(getScan(db, row.id)?.status).toBe("completed");
  }, 120_000);

  it("lists misfiled folders although they count for nobody, and counts identity problems", () => {
    const list = listSubmissions(db, termId, "exam");
    const byKey = Object.fromEntries(list.rows.map((r) => [r.student, r.status]));
    expect(byKey).toEqual({ alice: "missing-hashcode", bob: "misfiled", carol: "verified", dave: "wrong-student", frank: "wrong-student", ivan: "verified" });
    expect(listSubmissions(db, termId, "exam", { status: "misfiled" }).rows.map((r) => [r.student, r.counts])).toEqual([["bob", false]]);
    expect(listSubmissions(db, termId, "exam", { flag: "added-after-submission" }).rows.map((r) => r.student)).toEqual(["alice", "carol"]);
    const [a] = listAssignments(db, termId);
    expect(a).toMatchObject({ identity: 3, verified: 2 });
  });

  it("the report names misfiled folders, shows matriculation numbers and guards every CSV cell", async () => {
    const a = listAssignments(db, termId)[0];
    const data = reportData(db, termId, a.id)!;
    expect(data.rows.map((r) => r.student)).toEqual(["alice", "carol", "dave", "frank", "ivan"]);
    expect(data.misfiled).toEqual([{ key: keys.bob, student: "bob", folderOwner: "carol" }]);
    expect(data.counts).toMatchObject({ "wrong-student": 2, misfiled: 1, verified: 2, "missing-hashcode": 1 });

    for (const dialect of ["standard", "excel-de"] as const) {
      const csv = reportCsv(data, { dialect });
      const sep = dialect === "standard" ? "," : ";";
      const lines = csv.replace(/^\uFEFF/, "").split("\r\n");
      expect(lines[0].split(sep)[0]).toBe("student");
      // the student's own text never reaches a spreadsheet as a formula
      expect(csv).toContain(`'=HYPERLINK(""http://x"",""y"")`);
      for (const line of lines.slice(1)) expect(line.split(sep).some((cell) => /^[=+\-@]/.test(cell))).toBe(false);
      expect(lines.find((l) => l.includes(keys.bob))).toContain(`misfiled${sep}filed under carol`);
    }

    const file = path.join(tmp, "report.pdf");
    fs.writeFileSync(file, await reportPdf(data, { generatedBy: "greta (Greta)" }));
    const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
    expect(text).toMatch(/dave\s+Student dave\s+00312345\s+\S+ \S+\s+\S+\s+wrong student/);
    expect(text).toMatch(/1 misfiled folder counted for nobody/);
    expect(text).toContain("Misfiled folders");
    expect(text).toContain(keys.bob.slice(0, 40));

    // the same report for a German reader
    fs.writeFileSync(file, await withLocale("de", () => reportPdf(data, { generatedBy: "greta (Greta)" })));
    const de = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
    expect(de).toMatch(/dave\s+Student dave\s+00312345\s+\S+ \S+\s+\S+\s+falsche Person\s+Info-Datei\s+nennt\s+mallory/);
    expect(de).toMatch(/alice\s+.*ohne Hashcode\s+kein\s+Hashcode/);
    expect(de).toMatch(/2\s+mit\s+der\s+Info-Datei\s+einer\s+anderen\s+Person/);
    expect(de).toMatch(/1\s+falsch\s+abgelegter\s+Ordner\s+zählt\s+für\s+niemanden\s+\(am\s+Ende\s+aufgeführt\)/);
    expect(de).toContain("Falsch abgelegte Ordner");
    expect(de).toMatch(/Diese\s+Ordner\s+liegen\s+im\s+personalized-inbound\s+einer\s+anderen\s+Person\./);
    expect(de).not.toMatch(/falsche Pers…|ohne Hashc…/);
  });
});
