/**
 * Database -> render model: what the cluster gets, built from the portal's data.
 *
 * Every non-archived term of every non-archived course is offered on its hubs. Students are
 * memberships with role student; term staff instructor -> instructor, grader -> grader;
 * supervisors get no profile (they watch exams, they do not spawn servers). Deactivated staff
 * accounts get no profile either. The exam hub's profiles and passwords come from the exams it
 * holds (scheduled, open, closed: lib/exams/hub-data.ts), not from the rosters.
 */
import { and, asc, eq, isNull } from "drizzle-orm";
import { defaultMounts } from "@/lib/courses/schemas";
import type { DbOrTx } from "@/lib/db/client";
import { databaseState } from "@/lib/db/state";
import { courses, students, termStaff, terms, users, type TermMount } from "@/lib/db/schema";
import {
  DEFAULT_VOLUME_MOUNTS,
  personalizedExchangeMounts,
  type RenderModelInput,
  type RenderOptions,
  type RenderResult,
  type VolumeMountSpecInput,
} from "@/lib/render";
import { hubExams } from "@/lib/exams/hub-data";
import { normalizeUsername } from "@/lib/identity/username";
import { HUBS, PROFILE_ROLES, STAFF_PROFILE_ROLES } from "@/lib/constants";
import { nbgraderCourseId } from "@/lib/courses/course-id";
import { deepFreeze, renderCached } from "./render-cache";
import { getSettings, type DeploymentSettings } from "./settings";
import { latestAuditId } from "./sync";
import type { WarningView } from "./views";
import { renderWarning } from "./warnings";

/** Same rule as the renderer: no whitespace, path separators or braces. */
const RENDERABLE_USERNAME = /^[^\s/{}\\]{1,128}$/;

export interface PortalModel {
  model: RenderModelInput;
  /** People and rows that were left out, and why (catalogue keys: warnings.ts). */
  warnings: WarningView[];
  counts: { courses: number; terms: number; students: number; staff: number };
}

function sameMounts(a: readonly TermMount[], b: readonly TermMount[]): boolean {
  const norm = (m: readonly TermMount[]) => JSON.stringify(m.map((x) => [x.kind, x.subPath.trim(), x.mountPath.trim().replace(/\/+$/, ""), !!x.readOnly]));
  return norm(a) === norm(b);
}

function join(base: string, leaf: string): string {
  return `${base.replace(/\/+$/, "")}/${leaf}`;
}

const STAFF = STAFF_PROFILE_ROLES;
const EVERYONE = PROFILE_ROLES;

/**
 * A term's mounts as render volume mounts, or undefined when the term uses the E2x defaults
 * (then the renderer's full E2x layout applies: exam homes, grader homes, split exchange).
 *
 * Custom mounts:
 * - home: the students' home on the teaching hubs (assignment, grading); read-only for
 *   students when marked read-only. Staff homes and exam homes keep the E2x layout, which is
 *   per person and per exam period rather than per term.
 * - exchange: the course's nbgrader exchange root. Students get `inbound` (writable unless the
 *   mount is read-only), `outbound` and `feedback` (always read-only), as in E2x, on the teaching
 *   hubs, and their own `personalized-*\/{username}` folders on the exam hub; graders and
 *   instructors get the whole exchange (read-only only when the mount is).
 * - shared: every role; read-only marks it read-only for students (staff maintain the material).
 * - extra: every role; read-only for everyone when marked.
 */
export function termVolumeMounts(mounts: readonly TermMount[]): VolumeMountSpecInput[] | undefined {
  if (sameMounts(mounts, defaultMounts())) return undefined;
  const out: VolumeMountSpecInput[] = [];
  let shared = 0;
  let extra = 0;
  let home = 0;
  let exchange = 0;
  const trim = (p: string) => p.trim().replace(/(.)\/+$/, "$1");
  for (const raw of mounts) {
    const m = { ...raw, subPath: trim(raw.subPath), mountPath: trim(raw.mountPath) };
    const ro = !!m.readOnly;
    switch (m.kind) {
      case "home": {
        out.push({
          name: home++ ? `home-${home}` : "home",
          nfsPath: m.subPath,
          mountPath: m.mountPath,
          roles: ["student"],
          readOnlyFor: ro ? ["student"] : [],
          hubs: ["assignment", "grading"],
        });
        break;
      }
      case "exchange": {
        const suffix = exchange++ ? `-${exchange}` : "";
        const teaching: ("assignment" | "grading")[] = ["assignment", "grading"];
        out.push({ name: `exchange-inbound${suffix}`, nfsPath: join(m.subPath, "inbound"), mountPath: join(m.mountPath, "inbound"), roles: ["student"], readOnlyFor: ro ? ["student"] : [], hubs: teaching });
        out.push({ name: `exchange-outbound${suffix}`, nfsPath: join(m.subPath, "outbound"), mountPath: join(m.mountPath, "outbound"), roles: ["student"], readOnlyFor: ["student"], hubs: teaching });
        out.push({ name: `exchange-feedback${suffix}`, nfsPath: join(m.subPath, "feedback"), mountPath: join(m.mountPath, "feedback"), roles: ["student"], readOnlyFor: ["student"], hubs: teaching });
        // the exam hub: e2xgrader's personalized exchange, a student's own folders only
        out.push(...personalizedExchangeMounts(m.subPath, m.mountPath, ro, suffix));
        out.push({ name: `exchange${suffix}`, nfsPath: m.subPath, mountPath: m.mountPath, roles: [...STAFF], readOnlyFor: ro ? [...STAFF] : [] });
        break;
      }
      case "shared":
        out.push({ name: `shared-${++shared}`, nfsPath: m.subPath, mountPath: m.mountPath, roles: [...EVERYONE], readOnlyFor: ro ? ["student"] : [] });
        break;
      case "extra":
        out.push({ name: `extra-${++extra}`, nfsPath: m.subPath, mountPath: m.mountPath, roles: [...EVERYONE], readOnlyFor: ro ? [...EVERYONE] : [] });
        break;
    }
  }
  // E2x homes that are not per term: exam homes (per exam period) and staff homes.
  const examHome = DEFAULT_VOLUME_MOUNTS.find((s) => s.name === "home" && s.hubs?.length === 1 && s.hubs[0] === "exam");
  const staffHome = DEFAULT_VOLUME_MOUNTS.find((s) => s.name === "home" && s.roles.includes("grader"));
  if (examHome) out.push({ ...examHome, roles: [...examHome.roles], readOnlyFor: [...examHome.readOnlyFor], hubs: examHome.hubs && [...examHome.hubs] });
  if (staffHome) out.push({ ...staffHome, name: "staff-home", roles: [...staffHome.roles], readOnlyFor: [...staffHome.readOnlyFor], hubs: staffHome.hubs && [...staffHome.hubs] });
  return out;
}

/** The render model of everything the portal holds now. */
export function buildPortalModel(db: DbOrTx, settings: DeploymentSettings = getSettings(db).settings): PortalModel {
  const warnings: WarningView[] = [];
  const courseRows = db.select().from(courses).where(isNull(courses.archivedAt)).orderBy(asc(courses.code)).all();
  const codeOf = new Map(courseRows.map((c) => [c.id, c.code]));
  const termRows = db
    .select()
    .from(terms)
    .where(isNull(terms.archivedAt))
    .orderBy(asc(terms.courseId), asc(terms.term))
    .all()
    .filter((t) => codeOf.has(t.courseId));
  const courseIdOfTerm = new Map(termRows.map((t) => [t.id, nbgraderCourseId(codeOf.get(t.courseId)!, t.term)]));
  const termOfCourseId = new Map(termRows.map((t) => [nbgraderCourseId(codeOf.get(t.courseId)!, t.term), { course: codeOf.get(t.courseId)!, term: t.term }]));

  const memberships: RenderModelInput["memberships"] = [];
  const skip = (who: string, courseId: string) => warnings.push({ key: "badName", params: { who, ...termOfCourseId.get(courseId)! } });
  // Names are normalized as the hub does (lib/identity/username.ts). Rows stored before that
  // rule may spell one hub user twice (Alice, alice): they become one, and the list says so.
  const spellings = new Map<string, Set<string>>();
  const seenMembership = new Set<string>();
  const isNew = (username: string, courseId: string, role: string) => {
    const k = `${username}\u0000${courseId}\u0000${role}`;
    if (seenMembership.has(k)) return false;
    seenMembership.add(k);
    return true;
  };
  const hubName = (stored: string, courseId: string) => {
    const name = normalizeUsername(stored);
    const key = `${courseId}\u0000${name}`;
    const seen = spellings.get(key) ?? new Set<string>();
    seen.add(stored);
    spellings.set(key, seen);
    return name;
  };

  const studentRows = db.select({ termId: students.termId, username: students.username }).from(students).orderBy(asc(students.termId), asc(students.username)).all();
  let nStudents = 0;
  for (const s of studentRows) {
    const courseId = courseIdOfTerm.get(s.termId);
    if (!courseId) continue;
    const username = hubName(s.username, courseId);
    if (!RENDERABLE_USERNAME.test(username)) {
      skip(username, courseId);
      continue;
    }
    if (!isNew(username, courseId, "student")) continue;
    memberships.push({ username, courseId, role: "student" });
    nStudents++;
  }

  const staffRows = db
    .select({ termId: termStaff.termId, role: termStaff.role, username: users.username })
    .from(termStaff)
    .innerJoin(users, eq(users.id, termStaff.userId))
    .where(and(eq(users.active, true)))
    .orderBy(asc(termStaff.termId), asc(users.username))
    .all();
  let nStaff = 0;
  for (const s of staffRows) {
    const courseId = courseIdOfTerm.get(s.termId);
    if (!courseId || s.role === "supervisor") continue;
    const username = hubName(s.username, courseId);
    if (!RENDERABLE_USERNAME.test(username)) {
      skip(s.username, courseId);
      continue;
    }
    if (!isNew(username, courseId, s.role)) continue;
    memberships.push({ username, courseId, role: s.role });
    nStaff++;
  }
  for (const [key, seen] of spellings) {
    if (seen.size < 2) continue;
    const [courseId, name] = key.split("\u0000");
    warnings.push({ key: "oneHubUser", params: { names: [...seen].sort().join(", "), name, ...termOfCourseId.get(courseId)! } });
  }

  // hub admins: the portal's active admin accounts and whom the settings add
  const adminRows = db.select({ username: users.username }).from(users).where(and(eq(users.role, "admin"), eq(users.active, true))).all();
  const admins = [...new Set([...adminRows.map((u) => u.username.trim()), ...settings.hubAccess.extraAdmins])].filter((u) => RENDERABLE_USERNAME.test(u)).sort();

  const model: RenderModelInput = {
    hubs: HUBS.map((name) => {
      const h = settings.hubs[name];
      return {
        name,
        namespace: h.namespace,
        releaseName: h.releaseName,
        proxyServiceType: settings.network.serviceType,
        ...(h.host ? { host: h.host } : {}),
        ...(h.nodePort !== null ? { nodePort: h.nodePort } : {}),
      };
    }),
    admins,
    concurrentSpawnLimit: settings.hubAccess.concurrentSpawnLimit,
    timezone: settings.hubAccess.timezone,
    cullTimeoutSeconds: settings.hubAccess.cullTimeoutMinutes * 60,
    network: { trustedProxies: [...settings.network.trustedProxies], nodeAddresses: [...settings.network.nodeAddresses] },
    courses: courseRows.map((c) => ({ code: c.code, title: c.title })),
    terms: termRows.map((t) => {
      const volumeMounts = termVolumeMounts(t.mounts);
      return {
        id: t.term,
        courseCode: codeOf.get(t.courseId)!,
        hubs: [...t.hubs],
        image: t.image,
        resources: { cpuGuarantee: t.cpuGuarantee, cpuLimit: t.cpuLimit, memGuarantee: t.memGuarantee, memLimit: t.memLimit },
        ...(volumeMounts ? { volumeMounts } : {}),
      };
    }),
    memberships,
    exam: { sourceCidrs: settings.exam.sourceCidrs },
    // the exams the exam hub holds: its profiles and its password Secret
    exams: hubExams(db),
    nfs: { server: settings.nfs.server, basePath: settings.nfs.basePath },
    ldapPasswordSecret: { name: settings.ldap.bindPasswordSecret, key: settings.ldap.bindPasswordKey },
    ...(settings.ldap.enabled
      ? {
          ldap: {
            url: settings.ldap.url,
            bindDn: settings.ldap.bindDn,
            bindPasswordSecret: { name: settings.ldap.bindPasswordSecret, key: settings.ldap.bindPasswordKey },
            searchBase: settings.ldap.searchBase,
            searchFilter: settings.ldap.searchFilter,
          },
        }
      : {}),
  };
  return { model, warnings, counts: { courses: courseRows.length, terms: termRows.length, students: nStudents, staff: nStaff } };
}

export interface PortalRender extends PortalModel {
  render: RenderResult;
  settings: DeploymentSettings;
  /** The database this render was made from: the newest audit entry it includes (sync.ts). */
  asOf: { auditId: number };
}

/**
 * Builds the model from the database and renders it. Two caches, one inside the other:
 * - while the database has not changed since the last call (databaseState), the last result is
 *   returned as it is, without reading the rosters again: the cluster page of a 10,000-student
 *   portal reads them once, not on every request;
 * - after a write that leaves the model as it was (a push's own history rows, an audit entry),
 *   the rosters are read again but not rendered again (render-cache.ts: the model's digest costs
 *   about a sixth of a render of 20,000 users).
 */
export function renderPortal(db: DbOrTx, options: RenderOptions = {}): PortalRender {
  const state = databaseState(db);
  const key = state && `${state.key}\u0000${JSON.stringify(options)}`;
  const hit = state && lastRender.get(state.client);
  if (hit && hit.key === key) return hit.result;
  const settings = getSettings(db).settings;
  const auditId = latestAuditId(db);
  const pm = buildPortalModel(db, settings);
  const render = renderCached(pm.model, options);
  const result: PortalRender = { ...pm, render, settings, warnings: [...pm.warnings, ...render.stats.warnings.map(renderWarning)], asOf: { auditId } };
  if (state && key) lastRender.set(state.client, { key, result: deepFreeze(result) });
  return result;
}

const lastRender = new WeakMap<object, { key: string; result: PortalRender }>();

/** Hub namespaces of the settings: where the portal's objects live (and may be pruned). */
export function hubNamespaces(settings: DeploymentSettings): string[] {
  return [...new Set(HUBS.map((h) => settings.hubs[h].namespace))].sort();
}
