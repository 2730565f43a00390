/**
 * The exam hub's part of the render: per exam of the model (scheduled, open, closed),
 *
 * - the exam profiles: exactly the exam's participants and backup accounts get one profile, the
 *   exam's course term with its image and resources (requests = limits), exam nodes, the exam
 *   home of the exam period and the student's own personalized exchange folders;
 * - the password Secret `e2x-exam-passwords` (key `exams.json`): per exam its window, rooms with
 *   their networks, status, revision; per account its exam, room, end of window (extra time and
 *   grace included), password hash and unlock count. Hashes only, never passwords. Compact: an
 *   account is one short array, so 600 accounts take about 90 KB of the 1 MiB a Secret holds;
 * - the exam hub's sign-in settings (`hub.config.ExamPasswordAuthenticator`) and the module that
 *   checks the passwords (python/e2x_portal_exam.py, in the hub's ConfigMap).
 *
 * The Secret always exists on the exam hub (empty when no exam is on it): the hub refuses every
 * sign-in when no exam in it is open, and the portal never needs to list or delete Secrets.
 */
import { type ExamAccount, type RenderExam, EXAM_SIGN_IN_DEFAULTS } from "./exam-model";
import { type Hub, type RenderModel, courseIdOf } from "./model";
import { type HubProfileData, buildEntry } from "./profiles";
import { type KubeObject, hubLabels } from "./kube";
import { compareStrings, stableJson, utf8Bytes } from "./stable";

export const EXAM_PASSWORDS_SECRET = "e2x-exam-passwords";
export const EXAM_PASSWORDS_KEY = "exams.json";
export const EXAM_PASSWORDS_FORMAT = 1;
export const EXAM_AUTHENTICATOR = "e2x_portal_exam.ExamPasswordAuthenticator";
/** A Secret holds at most 1 MiB of data. */
export const SECRET_LIMIT_BYTES = 1024 * 1024;
/** Above this the render warns: the Secret has less than a quarter of its room left. */
export const SECRET_WARN_BYTES = 768 * 1024;
/** Where the sign-in state (used passwords, locks) lives: the chart's hub PVC. */
export const EXAM_STATE_FILE = "/srv/jupyterhub/e2x-exam-signins.sqlite";

/** Profile key of an exam: `<course>+student+<course_id>+<period>` (two sittings of a term stay apart). */
export function examProfileKey(courseCode: string, courseId: string, period: string): string {
  return `${courseCode}+student+${courseId}+${period}`;
}

const epoch = (iso: string) => Math.round(Date.parse(iso) / 1000);

function byStart(a: RenderExam, b: RenderExam) {
  return Date.parse(a.startsAt) - Date.parse(b.startsAt) || a.id - b.id;
}

/**
 * Which exam holds each login: its first exam by start. The portal refuses to schedule a login
 * twice at once; should the model still hold one twice, the earlier exam keeps it (a warning).
 */
function examAccounts(model: RenderModel): { exam: RenderExam; accounts: ExamAccount[] }[] {
  const taken = new Map<string, RenderExam>();
  const out: { exam: RenderExam; accounts: ExamAccount[] }[] = [];
  for (const exam of [...model.exams].sort(byStart)) {
    const accounts: ExamAccount[] = [];
    for (const a of [...exam.accounts].sort((x, y) => compareStrings(x.username, y.username))) {
      if (taken.has(a.username)) continue;
      taken.set(a.username, exam);
      accounts.push(a);
    }
    out.push({ exam, accounts });
  }
  return out;
}

function duplicateWarnings(model: RenderModel): string[] {
  const first = new Map<string, RenderExam>();
  const out: string[] = [];
  for (const exam of [...model.exams].sort(byStart)) {
    for (const a of exam.accounts) {
      const had = first.get(a.username);
      if (had && had.id !== exam.id) out.push(`exam hub: ${a.username} is in ${had.courseCode} ${had.period} and ${exam.courseCode} ${exam.period} at once; only ${had.period} is offered`);
      else first.set(a.username, exam);
    }
  }
  return out;
}

/** The exam hub's profile data: one profile per exam, for exactly its accounts. */
export function buildExamProfileData(model: RenderModel): HubProfileData {
  const warnings = duplicateWarnings(model);
  const profiles: HubProfileData["profiles"] = {};
  const users: HubProfileData["users"] = {};
  examAccounts(model).forEach(({ exam, accounts }, order) => {
    if (accounts.length === 0) return;
    const term = model.terms.find((t) => t.courseCode === exam.courseCode && t.id === exam.term);
    if (!term || !term.hubs.includes("exam")) {
      warnings.push(`exam hub: ${exam.courseCode} ${exam.term} ${exam.period}: the course term is not offered on the exam hub; its ${accounts.length} accounts get no profile`);
      return;
    }
    const key = examProfileKey(exam.courseCode, courseIdOf(term), exam.period);
    profiles[key] = buildEntry(model, "exam", term, "student", order, {
      key,
      period: exam.period,
      displayName: exam.title,
      choiceDisplayName: `${term.id} ${exam.period}`,
    });
    for (const a of accounts) users[a.username] = [key];
  });
  const sortedUsers: HubProfileData["users"] = {};
  for (const u of Object.keys(users).sort(compareStrings)) sortedUsers[u] = users[u];
  const sortedProfiles: HubProfileData["profiles"] = {};
  for (const k of Object.keys(profiles).sort(compareStrings)) sortedProfiles[k] = profiles[k];
  return { hub: "exam", exam: true, profiles: sortedProfiles, users: sortedUsers, warnings };
}

/** `exams.json` of the password Secret (format in python/e2x_portal_exam.py). */
export function examPasswordsJson(model: RenderModel): string {
  const held = examAccounts(model);
  const accounts: Record<string, [number, number, number, string, number]> = {};
  const exams = held.map(({ exam, accounts: list }, i) => {
    const rooms = exam.rooms.map((r) => ({ name: r.name, cidrs: [...r.cidrs] }));
    const roomIndex = new Map(rooms.map((r, j) => [r.name, j]));
    for (const a of list) accounts[a.username] = [i, roomIndex.get(a.room)!, epoch(a.notAfter), a.passwordHash, a.unlocks];
    return {
      id: exam.id,
      courseId: `${exam.courseCode}-${exam.term}`,
      period: exam.period,
      title: exam.title,
      status: exam.status,
      accepting: exam.accepting,
      start: epoch(exam.startsAt),
      end: epoch(exam.endsAt),
      graceMinutes: exam.graceMinutes,
      revision: exam.revision,
      passwordsVersion: exam.passwordsVersion,
      rooms,
    };
  });
  return stableJson({ version: EXAM_PASSWORDS_FORMAT, exams, accounts });
}

export interface ExamSecretStats {
  exams: number;
  accepting: number;
  accounts: number;
  bytes: number;
}

/** The password Secret of the exam hub (always rendered, empty when no exam is on the hub). */
export function renderExamPasswordSecret(model: RenderModel, hub: Hub): { object: KubeObject; stats: ExamSecretStats; warnings: string[] } {
  const json = examPasswordsJson(model);
  const bytes = utf8Bytes(json);
  if (bytes >= SECRET_LIMIT_BYTES) {
    throw new Error(`the exam password Secret would hold ${bytes} bytes, over the 1 MiB a Secret holds: split the exams over fewer at once`);
  }
  const warnings = bytes > SECRET_WARN_BYTES ? [`exam hub: the password Secret holds ${bytes} bytes of its 1 MiB`] : [];
  const object: KubeObject = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: EXAM_PASSWORDS_SECRET, namespace: hub.namespace, labels: { ...hubLabels("exam"), "e2x-portal/part": "exam-passwords" } },
    type: "Opaque",
    data: { [EXAM_PASSWORDS_KEY]: Buffer.from(json, "utf8").toString("base64") },
  };
  const accounts = model.exams.reduce((n, e) => n + e.accounts.length, 0);
  return { object, stats: { exams: model.exams.length, accepting: model.exams.filter((e) => e.accepting).length, accounts, bytes }, warnings };
}

/** Whether the exam hub admits sign-ins at all: some exam of the model is open. */
export function examHubAccepting(model: RenderModel): boolean {
  return model.exams.some((e) => e.accepting && e.accounts.length > 0);
}

const EXAM_LOGIN_NOTICE = "Melden Sie sich mit dem Benutzernamen und dem Einmalpasswort von Ihrem Prüfungsbogen an.";

/**
 * What the exam hub's pushed settings add (values.ts renderHubSettings): the settings of its
 * one-time-password authenticator and the notice on its sign-in page. The module itself
 * (python/e2x_portal_exam.py) travels in the hub's ConfigMap with the portal's other modules.
 * Nothing here depends on which exam is open: opening or closing an exam changes the password
 * Secret, never the hub's configuration, so exam day needs no hub restart.
 */
export function examHubSettings(model: RenderModel): { config: Record<string, Record<string, unknown>>; loginNotice: string } {
  const s = model.examSignIn ?? EXAM_SIGN_IN_DEFAULTS;
  return {
    config: {
      ExamPasswordAuthenticator: {
        secret_name: EXAM_PASSWORDS_SECRET,
        cache_ttl: s.ttlSeconds,
        stale_grace: model.profileCacheGraceSeconds,
        max_failures: s.maxFailures,
        lockout_seconds: s.lockoutSeconds,
        state_file: EXAM_STATE_FILE,
        trusted_proxies: [...model.network.trustedProxies],
        time_zone: model.timezone,
      },
    },
    loginNotice: EXAM_LOGIN_NOTICE,
  };
}
