/**
 * The access-control matrix: every server action and route handler, found in the code (files
 * with "use server" and their exports; route.ts files and their methods), called over HTTP
 * against the production build as every role, as staff of another course, as an account that
 * must still change its generated password, and signed out. Every call the capability table
 * does not allow must be refused and change nothing. A new action or route fails this test
 * until it is listed below with a valid input.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test, type APIRequestContext, type Browser } from "@playwright/test";
import { can, type Capability, type Principal, type Scope } from "@/lib/auth/capabilities";
import { hashPassword } from "@/lib/auth/password";
import { loadPrincipal } from "@/lib/auth/principal";
import { openDb } from "@/lib/db/open";
import { addRoom, createExam } from "./exam-helpers";
import { DB_FILE, query, signIn, walk } from "./helpers";

const ROOT = path.resolve(import.meta.dirname, "..");

/** Server actions from the source: every export of a file that starts with "use server". */
function actionsInCode(): { key: string; file: string; name: string; capability: Capability | null }[] {
  const out = [];
  for (const abs of walk(path.join(ROOT, "app")).filter((f) => /\.(ts|tsx)$/.test(f))) {
    const src = fs.readFileSync(abs, "utf8");
    if (!/^\s*["']use server["']/.test(src)) continue;
    const file = path.relative(ROOT, abs);
    for (const m of src.matchAll(/^export (?:const (\w+) = defineAction\(\{([\s\S]*?)\n\}\);|async function (\w+))/gm)) {
      const name = m[1] ?? m[3];
      const capability = (m[2] ? /capability: "([\w.]+)"/.exec(m[2])?.[1] : undefined) as Capability | undefined;
      out.push({ key: `${file}#${name}`, file, name, capability: capability ?? null });
    }
  }
  return out;
}

/** Route handlers from the source: every exported HTTP method of every route.ts. */
function routesInCode(): { key: string; file: string; method: string }[] {
  const out = [];
  for (const abs of walk(path.join(ROOT, "app")).filter((f) => /route\.ts$/.test(f))) {
    const src = fs.readFileSync(abs, "utf8");
    const file = path.relative(ROOT, abs);
    const methods = new Set<string>();
    for (const m of src.matchAll(/export (?:async function|const) (GET|POST|PUT|PATCH|DELETE)\b/g)) methods.add(m[1]);
    for (const m of src.matchAll(/export const \{ ([A-Z, ]+) \}/g)) for (const x of m[1].split(/,\s*/)) methods.add(x.trim());
    for (const method of methods) out.push({ key: `${method} ${file}`, file, method });
  }
  return out;
}

interface Target {
  courseId: number;
  termId: number;
  examTermId: number;
  examId: number;
  roomId: number;
  participantId: number;
  supervisorId: number;
  termStaffId: number;
  courseStaffId: number;
  studentId: number;
  scanId: number;
  userId: number;
}

type Policy = { kind: "public" } | { kind: "signed-in" } | { kind: "capability"; capability: Capability; scope: (t: Target) => Scope };
type Fields = Record<string, string | string[] | { name: string; mimeType: string; buffer: Buffer }>;

const course = (t: Target): Scope => ({ courseId: t.courseId });
const exam = (t: Target): Scope => ({ courseId: t.courseId, examId: t.examId });
const global = (): Scope => ({});

/** A well-formed push preview fingerprint (exam steps are refused without one). */
const FINGERPRINT = "0123456789abcdef0123456789abcdef";

/** Each action with a valid input on the target course (mathe1): the guard, not the form check, must refuse. */
const ACTIONS: Record<string, { policy?: Policy; scope?: (t: Target) => Scope; fields: (t: Target) => Fields; prev?: boolean }> = {
  "app/(auth)/sign-in/actions.ts#signInAction": { policy: { kind: "public" }, fields: () => ({ username: "nobody", password: "x" }) },
  "app/(auth)/password/actions.ts#changePasswordAction": { policy: { kind: "signed-in" }, fields: () => ({ current: "wrong-current-pw", password: "a-New-password-123", confirm: "a-New-password-123" }) },
  "app/(portal)/actions.ts#signOutAction": { policy: { kind: "public" }, fields: () => ({}), prev: false },
  // the language cookie: open to everyone, it changes no portal data
  "app/actions.ts#setLocaleAction": { policy: { kind: "public" }, fields: () => ({ locale: "en" }), prev: false },
  "app/(portal)/staff/actions.ts#createStaffAction": { scope: global, fields: () => ({ username: "matrix-new", displayName: "Matrix", email: "", role: "admin" }) },
  "app/(portal)/staff/actions.ts#updateStaffAction": { scope: global, fields: (t) => ({ userId: String(t.userId), displayName: "Hijacked", email: "", role: "admin", active: "on" }) },
  "app/(portal)/staff/actions.ts#resetPasswordAction": { scope: global, fields: (t) => ({ userId: String(t.userId) }) },
  "app/(portal)/courses/actions.ts#createCourseAction": { policy: { kind: "capability", capability: "course.create", scope: global }, fields: () => ({ code: "matrix-course", title: "Matrix course", description: "" }) },
  "app/(portal)/courses/actions.ts#updateCourseAction": { scope: course, fields: (t) => ({ courseId: String(t.courseId), code: "mathe1", title: "Hijacked", description: "" }) },
  "app/(portal)/courses/actions.ts#setCourseArchivedAction": { scope: course, fields: (t) => ({ courseId: String(t.courseId), archived: "on" }) },
  "app/(portal)/courses/actions.ts#createTermAction": { policy: { kind: "capability", capability: "course.edit", scope: course }, fields: (t) => termFields(t, "WS40") },
  "app/(portal)/courses/actions.ts#updateTermAction": { scope: course, fields: (t) => ({ ...termFields(t, "WS25"), termId: String(t.termId) }) },
  "app/(portal)/courses/actions.ts#setTermArchivedAction": { scope: course, fields: (t) => ({ termId: String(t.termId), archived: "on" }) },
  "app/(portal)/courses/actions.ts#assignStaffAction": { scope: course, fields: (t) => ({ termId: String(t.termId), username: "olga", role: "instructor" }) },
  "app/(portal)/courses/actions.ts#unassignStaffAction": { scope: course, fields: (t) => ({ assignmentId: String(t.termStaffId) }) },
  "app/(portal)/courses/actions.ts#assignCourseStaffAction": { scope: course, fields: (t) => ({ courseId: String(t.courseId), username: "olga" }) },
  "app/(portal)/courses/actions.ts#unassignCourseStaffAction": { scope: course, fields: (t) => ({ assignmentId: String(t.courseStaffId) }) },
  "app/(portal)/(roster)/courses/[courseId]/terms/[termId]/roster/actions.ts#previewRosterAction": {
    scope: course,
    fields: (t) => ({ termId: String(t.termId), mode: "replace", file: { name: "r.csv", mimeType: "text/csv", buffer: Buffer.from("Username\nmatrix1s\n") } }),
  },
  "app/(portal)/(roster)/courses/[courseId]/terms/[termId]/roster/actions.ts#applyRosterAction": {
    scope: course,
    fields: (t) => ({ termId: String(t.termId), mode: "replace", fileHash: "0000000000", version: "0000000000", file: { name: "r.csv", mimeType: "text/csv", buffer: Buffer.from("Username\nmatrix1s\n") } }),
  },
  "app/(portal)/(roster)/courses/[courseId]/terms/[termId]/roster/actions.ts#rejectedRowsAction": {
    scope: course,
    fields: (t) => ({ termId: String(t.termId), file: { name: "r.csv", mimeType: "text/csv", buffer: Buffer.from("Username\nmatrix1s\n") } }),
  },
  "app/(portal)/(roster)/courses/[courseId]/terms/[termId]/roster/actions.ts#addStudentAction": { scope: course, fields: (t) => ({ termId: String(t.termId), username: "matrix2s" }) },
  "app/(portal)/(roster)/courses/[courseId]/terms/[termId]/roster/actions.ts#removeStudentsAction": { scope: course, fields: (t) => ({ termId: String(t.termId), ids: [String(t.studentId)] }) },
  "app/(portal)/courses/[courseId]/terms/[termId]/grading/actions.ts#startScanAction": { scope: course, fields: (t) => ({ termId: String(t.termId) }) },
  "app/(portal)/courses/[courseId]/terms/[termId]/grading/actions.ts#resumeScanAction": { scope: course, fields: (t) => ({ termId: String(t.termId), scanId: String(t.scanId) }) },
  "app/(portal)/courses/[courseId]/terms/[termId]/grading/actions.ts#stopScanAction": { scope: course, fields: (t) => ({ termId: String(t.termId), scanId: String(t.scanId) }) },
  "app/(portal)/courses/[courseId]/terms/[termId]/grading/actions.ts#setDeadlineAction": { scope: course, fields: (t) => ({ termId: String(t.termId), assignmentId: "1", deadline: "2020-01-01T00:00" }) },
  "app/(portal)/exams/actions.ts#createExamAction": { scope: course, fields: (t) => examFields(t.examTermId) },
  "app/(portal)/exams/actions.ts#updateExamAction": { scope: exam, fields: (t) => ({ ...examFields(t.examTermId), examId: String(t.examId), title: "Hijacked" }) },
  "app/(portal)/exams/actions.ts#deleteExamAction": { scope: exam, fields: (t) => ({ examId: String(t.examId) }) },
  "app/(portal)/exams/actions.ts#saveRoomAction": { scope: exam, fields: (t) => ({ examId: String(t.examId), roomId: String(t.roomId), name: "Hijacked", seats: "5", blockedSeats: "", cidrs: "10.66.0.0/24" }) },
  "app/(portal)/exams/actions.ts#deleteRoomAction": { scope: exam, fields: (t) => ({ examId: String(t.examId), roomId: String(t.roomId) }) },
  "app/(portal)/exams/actions.ts#moveRoomAction": { scope: exam, fields: (t) => ({ examId: String(t.examId), roomId: String(t.roomId), direction: "down" }) },
  "app/(portal)/exams/actions.ts#addParticipantsAction": { scope: exam, fields: (t) => ({ examId: String(t.examId), mode: "all" }) },
  "app/(portal)/exams/actions.ts#removeParticipantsAction": { scope: exam, fields: (t) => ({ examId: String(t.examId), ids: [String(t.participantId)] }) },
  "app/(portal)/exams/actions.ts#addBackupsAction": { scope: exam, fields: (t) => ({ examId: String(t.examId), roomId: String(t.roomId), count: "2" }) },
  "app/(portal)/exams/actions.ts#setExtraTimeAction": { scope: exam, fields: (t) => ({ examId: String(t.examId), participantId: String(t.participantId), extraMinutes: "120" }) },
  "app/(portal)/exams/actions.ts#setSeatAction": { scope: exam, fields: (t) => ({ examId: String(t.examId), participantId: String(t.participantId), roomId: String(t.roomId), seat: "3" }) },
  "app/(portal)/exams/actions.ts#autoSeatAction": { scope: exam, fields: (t) => ({ examId: String(t.examId), order: "random" }) },
  "app/(portal)/exams/actions.ts#clearSeatingAction": { scope: exam, fields: (t) => ({ examId: String(t.examId) }) },
  "app/(portal)/exams/actions.ts#addSupervisorAction": { scope: exam, fields: (t) => ({ examId: String(t.examId), username: "olga" }) },
  "app/(portal)/exams/actions.ts#removeSupervisorAction": { scope: exam, fields: (t) => ({ examId: String(t.examId), supervisorId: String(t.supervisorId) }) },
  "app/(portal)/exams/actions.ts#planExamAction": { scope: exam, fields: (t) => ({ examId: String(t.examId), transition: "archive", revision: "1", fingerprint: FINGERPRINT }) },
  "app/(portal)/exams/actions.ts#runExamAction": { scope: exam, fields: (t) => ({ examId: String(t.examId), transition: "open", revision: "1", fingerprint: FINGERPRINT }) },
  "app/(portal)/exams/actions.ts#previewExamStepAction": { scope: exam, fields: (t) => ({ step: "open", examId: String(t.examId), revision: "1" }) },
  "app/(portal)/exams/actions.ts#pushExamAction": { scope: exam, fields: (t) => ({ examId: String(t.examId), fingerprint: FINGERPRINT }) },
  "app/(portal)/exams/actions.ts#unlockParticipantAction": { scope: exam, fields: (t) => ({ examId: String(t.examId), participantId: String(t.participantId), revision: "1", fingerprint: FINGERPRINT }) },
  "app/(portal)/exams/exam-day-actions.ts#saveHubApiAction": { scope: global, fields: (t) => ({ examId: String(t.examId), apiUrl: "http://evil.example.org/hub/api", loginUrl: "", probeSource: "", tokenSecret: "" }) },
  "app/(portal)/exams/exam-day-actions.ts#runProbeAction": { scope: exam, fields: (t) => ({ examId: String(t.examId) }) },
  "app/(portal)/exams/exam-day-actions.ts#moveToBackupAction": { scope: exam, fields: (t) => ({ examId: String(t.examId), participantId: String(t.participantId), backupId: String(t.participantId), reason: "" }) },
  "app/(portal)/exams/exam-day-actions.ts#boardExtraTimeAction": { scope: exam, fields: (t) => ({ examId: String(t.examId), participantId: String(t.participantId), extraMinutes: "120" }) },
  "app/(portal)/exams/exam-day-actions.ts#takeReceiptsAction": { scope: exam, fields: (t) => ({ examId: String(t.examId) }) },
  "app/(portal)/cluster/actions.ts#previewPushAction": { scope: global, fields: () => ({}) },
  "app/(portal)/cluster/actions.ts#saveSettingsAction": { scope: global, fields: () => ({ nfsServer: "evil.example.org" }) },
};

function termFields(t: Target, term: string): Fields {
  return { courseId: String(t.courseId), term, hubs: ["assignment"], image: "ghcr.io/x/y:1", cpuGuarantee: "1", cpuLimit: "1", memGuarantee: "1Gi", memLimit: "1Gi", mounts: "[]" };
}

function examFields(termId: number): Fields {
  return { termId: String(termId), title: "Matrix exam", period: "PZ9", date: "2031-01-10", start: "09:00", end: "10:00", graceMinutes: "0", language: "de", examiners: "", headerLines: "" };
}

/** Each route handler: the URL on the target course, its method's body, and who may call it. */
const ROUTES: Record<string, { policy: Policy; url: (t: Target) => string; body?: (t: Target) => Fields; json?: () => unknown }> = {
  "GET app/api/auth/[...nextauth]/route.ts": { policy: { kind: "public" }, url: () => "/api/auth/session" },
  "POST app/api/auth/[...nextauth]/route.ts": { policy: { kind: "public" }, url: () => "/api/auth/signout" },
  "GET app/api/cluster/bundle.yaml/route.ts": { policy: { kind: "capability", capability: "cluster.view", scope: global }, url: () => "/api/cluster/bundle.yaml" },
  "GET app/api/cluster/haproxy.cfg/route.ts": { policy: { kind: "capability", capability: "cluster.view", scope: global }, url: () => "/api/cluster/haproxy.cfg" },
  "POST app/api/cluster/push/route.ts": { policy: { kind: "capability", capability: "cluster.push", scope: global }, url: () => "/api/cluster/push", json: () => ({ fingerprint: "0123456789abcdef", prune: true }) },
  "GET app/api/cluster/values/[hub]/route.ts": { policy: { kind: "capability", capability: "cluster.view", scope: global }, url: () => "/api/cluster/values/exam.yaml" },
  "GET app/api/exams/[examId]/board/route.ts": { policy: { kind: "capability", capability: "exam.view", scope: exam }, url: (t) => `/api/exams/${t.examId}/board` },
  "GET app/api/exams/[examId]/documents/route.ts": { policy: { kind: "capability", capability: "exam.view", scope: exam }, url: (t) => `/api/exams/${t.examId}/documents?kind=attendance` },
  "POST app/api/exams/[examId]/sheets/route.ts": { policy: { kind: "capability", capability: "exam.print", scope: exam }, url: (t) => `/api/exams/${t.examId}/sheets`, body: () => ({ scope: "all", revision: "1" }) },
  "GET app/api/scans/[scanId]/route.ts": { policy: { kind: "capability", capability: "grading.view", scope: course }, url: (t) => `/api/scans/${t.scanId}` },
  "GET app/api/terms/[termId]/grading/hashcode/route.ts": { policy: { kind: "capability", capability: "grading.view", scope: course }, url: (t) => `/api/terms/${t.termId}/grading/hashcode?code=1a2b3c4d5e6f` },
  "GET app/api/terms/[termId]/grading/report/route.ts": { policy: { kind: "capability", capability: "grading.view", scope: course }, url: (t) => `/api/terms/${t.termId}/grading/report?assignment=1&format=csv` },
  "GET app/api/terms/[termId]/roster/sample/route.ts": { policy: { kind: "capability", capability: "roster.view", scope: course }, url: (t) => `/api/terms/${t.termId}/roster/sample` },
  "GET app/api/terms/[termId]/roster/route.ts": { policy: { kind: "capability", capability: "roster.view", scope: course }, url: (t) => `/api/terms/${t.termId}/roster?format=full` },
  "GET app/api/terms/[termId]/roster/rows/route.ts": { policy: { kind: "capability", capability: "roster.view", scope: course }, url: (t) => `/api/terms/${t.termId}/roster/rows?q=m` },
};

const PASSWORD = process.env.E2E_PASSWORD ?? "e2e-Passw0rd!";
/** Who calls: every role, staff of another course only, an account stuck at its generated password, and nobody. */
const CALLERS = ["signed-out", "admin", "irene", "gustav", "susanne", "olga", "pat"] as const;
type Caller = (typeof CALLERS)[number];

/** Every table but the audit log, hashed: refusals add audit entries and nothing else. */
function digest(): Record<string, string> {
  const db = new Database(DB_FILE, { readonly: true });
  try {
    const tables = db.prepare("select name from sqlite_master where type = 'table' and name not in ('audit_log', 'sign_in_throttle', 'sqlite_sequence') order by name").all() as { name: string }[];
    return Object.fromEntries(tables.map(({ name }) => [name, createHash("sha256").update(JSON.stringify(db.prepare(`select * from "${name}" order by rowid`).all())).digest("hex").slice(0, 16)]));
  } finally {
    db.close();
  }
}

async function setUp(browser: Browser): Promise<Target> {
  const rw = new Database(DB_FILE);
  const ids = (sql: string, ...p: unknown[]) => (rw.prepare(sql).get(...p) as { id: number } | undefined)?.id;
  const progbioTerm = ids("select t.id from terms t join courses c on c.id = t.course_id where c.code = 'progbio'")!;
  const hash = await hashPassword(PASSWORD);
  // olga: instructor of another course only; pat: a generated password not yet changed
  for (const [username, role, must] of [
    ["olga", "instructor", 0],
    ["pat", "grader", 1],
  ] as const) {
    if (!ids("select id from users where username = ?", username)) rw.prepare("insert into users (username, display_name, role, source, password_hash, must_change_password) values (?, ?, ?, 'local', ?, ?)").run(username, username, role, hash, must);
  }
  const olga = ids("select id from users where username = 'olga'")!;
  rw.prepare("insert or ignore into term_staff (term_id, user_id, role) values (?, ?, 'instructor')").run(progbioTerm, olga);
  const courseId = ids("select id from courses where code = 'mathe1'")!;
  const termId = ids("select id from terms where course_id = ? and term = 'WS25'", courseId)!;
  const examTermId = ids("select id from terms where course_id = ? and term = 'SS26'", courseId)!;
  const irene = ids("select id from users where username = 'irene'")!;
  rw.prepare("insert or ignore into course_staff (course_id, user_id, role) values (?, ?, 'instructor')").run(courseId, irene);
  if (!ids("select id from submission_scans where term_id = ?", termId)) {
    rw.prepare("insert into submission_scans (term_id, exchange_root, course_id, status) values (?, '/tmp/none', 'mathe1-WS25', 'completed')").run(termId);
  }
  rw.close();

  // an exam of mathe1 SS26 (susanne supervises that term) with a room and its participants
  let examId = query<{ id: number }>("select id from exams where term_id = ? and period = 'PZ7'", examTermId)[0]?.id;
  if (!examId) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await signIn(page, "irene");
    examId = await createExam(page, { course: "mathe1", term: "SS26", title: "Matrix", period: "PZ7", date: "2031-03-01", start: "09:00", end: "10:00" });
    await addRoom(page, examId, { name: "M-0001", seats: "80", cidrs: "10.77.0.0/24" });
    await page.goto(`/exams/${examId}/participants`);
    await page.getByRole("button", { name: /Add the whole roster/ }).click();
    await expect(page.getByText(/Added \d+ participants/)).toBeVisible();
    await ctx.close();
  }
  const one = <T>(sql: string, ...p: unknown[]) => query<T>(sql, ...p)[0];
  return {
    courseId,
    termId,
    examTermId,
    examId,
    roomId: one<{ id: number }>("select id from exam_rooms where exam_id = ?", examId).id,
    participantId: one<{ id: number }>("select id from exam_participants where exam_id = ?", examId).id,
    supervisorId: one<{ id: number }>("select id from exam_supervisors where exam_id = ?", examId)?.id ?? 1,
    termStaffId: one<{ id: number }>("select id from term_staff where term_id = ?", termId).id,
    courseStaffId: one<{ id: number }>("select id from course_staff where course_id = ?", courseId).id,
    studentId: one<{ id: number }>("select id from students where term_id = ?", termId).id,
    scanId: one<{ id: number }>("select id from submission_scans where term_id = ?", termId).id,
    userId: one<{ id: number }>("select id from users where username = 'gustav'").id,
  };
}

function allowed(policy: Policy, caller: Caller, target: Target, principals: Map<Caller, Principal | null>): boolean {
  if (policy.kind === "public") return true;
  const p = principals.get(caller);
  if (!p) return false;
  if (policy.kind === "signed-in") return true;
  if (p.mustChangePassword) return false;
  return can(p, policy.capability, policy.scope(target));
}

/** The body React's client sends for a server action: the arguments as field "0", the form's fields under "_1_". */
function actionBody(fields: Fields, prev: boolean): { body: Buffer; contentType: string } {
  const boundary = `----e2x-matrix-${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  const part = (name: string, value: string | Buffer, file?: { name: string; mimeType: string }) => {
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file ? `; filename="${file.name}"\r\nContent-Type: ${file.mimeType}` : ""}\r\n\r\n`;
    parts.push(Buffer.from(head), Buffer.isBuffer(value) ? value : Buffer.from(value), Buffer.from("\r\n"));
  };
  for (const [k, v] of Object.entries(fields)) {
    if (Array.isArray(v)) for (const x of v) part(`_1_${k}`, x);
    else if (typeof v === "string") part(`_1_${k}`, v);
    else part(`_1_${k}`, v.buffer, v);
  }
  // last, as React's client writes it: the server resolves the arguments when it arrives
  part("0", JSON.stringify(prev ? [{ status: "idle" }, "$K1"] : ["$K1"]));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

// the refusals in either language (requests made with APIRequestContext send no Accept-Language)
const catalogue = (l: string) => JSON.parse(fs.readFileSync(path.join(ROOT, `lib/i18n/messages/${l}.json`), "utf8")) as { errors: Record<string, string> };
const REFUSED = new RegExp(
  [catalogue("de"), catalogue("en")]
    .flatMap((m) => [m.errors.notAllowed, m.errors.sessionEnded, m.errors.changeFirst])
    .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("|"),
);

test("every server action and route handler refuses whoever the capability table does not allow", async ({ browser, baseURL }) => {
  test.setTimeout(300_000);
  // the code and the list agree: a new action or route fails here until it is listed
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, ".next/server/server-reference-manifest.json"), "utf8")).node as Record<string, { filename: string; exportedName: string }>;
  const actions = actionsInCode();
  expect(actions.map((a) => a.key).sort()).toEqual(Object.keys(ACTIONS).sort());
  const routes = routesInCode();
  expect(routes.map((r) => r.key).sort()).toEqual(Object.keys(ROUTES).sort());
  const idOf = new Map(Object.entries(manifest).map(([id, m]) => [`${m.filename}#${m.exportedName}`, id]));
  for (const a of actions) expect(idOf.has(a.key), `${a.key} is in the build`).toBe(true);

  const target = await setUp(browser);
  const db = openDb(DB_FILE);
  const principals = new Map<Caller, Principal | null>();
  const requests = new Map<Caller, APIRequestContext>();
  const contexts = [];
  for (const c of CALLERS) {
    const ctx = await browser.newContext();
    contexts.push(ctx);
    if (c !== "signed-out") {
      const page = await ctx.newPage();
      await page.goto("/sign-in");
      await page.getByLabel("Username").fill(c);
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page).toHaveURL(c === "pat" ? /\/password$/ : /\/$/);
      await page.close();
      principals.set(c, loadPrincipal(db, query<{ id: number }>("select id from users where username = ?", c)[0].id));
    } else principals.set(c, null);
    requests.set(c, ctx.request);
  }

  const before = digest();
  let refused = 0;
  let allowedCombos = 0;
  const failures: string[] = [];
  for (const a of actions) {
    const spec = ACTIONS[a.key];
    const policy: Policy = spec.policy ?? { kind: "capability", capability: a.capability!, scope: spec.scope! };
    for (const c of CALLERS) {
      if (allowed(policy, c, target, principals)) {
        allowedCombos++;
        continue;
      }
      const { body, contentType } = actionBody(spec.fields(target), spec.prev !== false);
      const res = await requests.get(c)!.post("/", {
        headers: { "Next-Action": idOf.get(a.key)!, Origin: baseURL!, Accept: "text/x-component", "Content-Type": contentType },
        data: body,
        maxRedirects: 0,
      });
      const text = await res.text();
      const redirectedToSignIn = /sign-in/.test(res.headers()["x-action-redirect"] ?? "");
      if (REFUSED.test(text) || redirectedToSignIn) refused++;
      else failures.push(`${a.key} as ${c}: ${res.status()} ${text.replace(/\n/g, " ").slice(0, 400)}`);
    }
  }
  for (const r of routes) {
    const spec = ROUTES[r.key];
    for (const c of CALLERS) {
      if (allowed(spec.policy, c, target, principals)) {
        allowedCombos++;
        continue;
      }
      const req = requests.get(c)!;
      const url = spec.url(target);
      const res =
        r.method === "GET"
          ? await req.get(url, { maxRedirects: 0 })
          : spec.json
            ? await req.post(url, { headers: { Origin: baseURL!, "Content-Type": "application/json" }, data: JSON.stringify(spec.json()), maxRedirects: 0 })
            : await req.post(url, { headers: { Origin: baseURL! }, multipart: Object.fromEntries(Object.entries(spec.body?.(target) ?? {}).map(([k, v]) => [k, String(v)])), maxRedirects: 0 });
      const want = principals.get(c) ? 403 : 401;
      if (res.status() === want) refused++;
      else failures.push(`${r.key} as ${c}: ${res.status()} (want ${want}) ${(await res.text()).slice(0, 200)}`);
    }
  }
  console.log(
    `access matrix: ${actions.length} server actions and ${routes.length} route handlers × ${CALLERS.length} callers; ${refused} unauthorized calls made, all ${failures.length ? "NOT " : ""}refused; ${allowedCombos} allowed combinations not called`,
  );
  expect(failures).toEqual([]);
  expect(refused).toBeGreaterThan(150);
  // nothing but the audit log changed
  expect(digest()).toEqual(before);
  for (const ctx of contexts) await ctx.close();
  db.$client.close();
});
