/**
 * Profile data per hub: which KubeSpawner profiles every user gets, stored compactly in
 * ConfigMaps the hub reads at spawn time (see python/e2x_portal_profiles.py).
 *
 * Layout per hub (all labelled managed-by e2x-portal and e2x-portal/hub=<hub>):
 * - `e2x-profiles-<hub>` (the index, mutable): `meta.json` with the names of the shards.
 * - user shards `e2x-profiles-<hub>-u-<digest>`: `users.json` = { username: [profile keys] };
 *   a user lives in shard `fnv1a32(username) % userShards.length`.
 * - profile shards `e2x-profiles-<hub>-p-<digest>`: `profiles.json` = { key: entry }; every
 *   distinct course-term-role profile is stored once, in shard `fnv1a32(key) % profileShards.length`.
 * Shard names carry a digest of their content and the shards are immutable: a push creates
 * the changed shards, then switches the index, then prunes; the hub caches shards by name
 * and only re-reads the index after its TTL.
 */
import { createHash } from "node:crypto";
import { normalizeUsername } from "../identity/username";
import { fnv1a32 } from "./hash";
import {
  type HubName,
  type RenderModel,
  type Role,
  type Term,
  type VolumeMountSpec,
  DEFAULT_VOLUME_MOUNTS,
  courseIdOf,
  hubMode,
  rolesOnHub,
} from "./model";
import { cpuToCores, memToBytes } from "./quantity";
import { compareStrings, stableJson, utf8Bytes } from "./stable";
import { LABEL_PART, type KubeObject, hubLabels } from "./kube";

/** A ConfigMap's data must stay below 1 MiB; shards aim lower to leave room for growth and metadata. */
export const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;
export const DEFAULT_SHARD_BUDGET_BYTES = 768 * 1024;
export const PROFILE_FORMAT_VERSION = 1;
export const NFS_VOLUME_NAME = "e2x-nfs";

export function indexConfigMapName(hub: HubName): string {
  return `e2x-profiles-${hub}`;
}

/** What KubeSpawner gets for one course-term-role (snake_case: these are KubeSpawner traits). */
export interface ProfileOverride {
  image?: string;
  image_pull_policy?: string;
  cpu_guarantee?: number;
  cpu_limit?: number;
  mem_guarantee?: number;
  mem_limit?: number;
  uid?: number;
  gid?: number;
  fs_gid?: number;
  node_affinity_required?: { matchExpressions: { key: string; operator: string; values: string[] }[] }[];
  environment?: Record<string, string>;
  /**
   * Keyed by name: KubeSpawner 7 merges dict overrides into the chart's own volumes and mounts
   * (where `singleuser.extraFiles` live) instead of replacing them, as a list would.
   */
  volumes?: Record<string, { name: string; nfs: { server: string; path: string } }>;
  volume_mounts?: Record<string, { name: string; mountPath: string; subPath: string; readOnly: boolean }>;
  lifecycle_hooks?: { postStart: { exec: { command: string[] } } };
}

/** Where the postStart hook writes the pod's nbgrader configuration (as E2x does). */
export const NBGRADER_CONFIG_PATH = "/etc/jupyter/nbgrader_config.py";
export const EXCHANGE_ROOT = "/srv/nbgrader/exchange";

/**
 * The pod's nbgrader_config.py for one course term: the exchange root, the course id, the
 * personalized exchange on the exam hub, the time zone; staff also get their course directory.
 */
export function nbgraderConfig(opts: { course: string; courseId: string; role: Role; exam: boolean; timezone: string }): string {
  const py = (v: string | boolean) => (typeof v === "boolean" ? (v ? "True" : "False") : JSON.stringify(v));
  const lines = [
    "# written by the E2x Hub Portal when this server started",
    "c = get_config()  # noqa",
    `c.Exchange.root = ${py(EXCHANGE_ROOT)}`,
    `c.Exchange.timezone = ${py(opts.timezone)}`,
    `c.Exchange.personalized_inbound = ${py(opts.exam)}`,
    `c.Exchange.personalized_outbound = ${py(opts.exam)}`,
    `c.Exchange.personalized_feedback = ${py(opts.exam)}`,
    `c.CourseDirectory.course_id = ${py(opts.courseId)}`,
  ];
  if (opts.role !== "student") lines.push(`c.CourseDirectory.root = ${py(`/home/jovyan/courses/${opts.course}/${opts.courseId}`)}`);
  return lines.join("\n") + "\n";
}

/** A postStart hook that writes `content` to `file` (atomically: a temp file, then a rename). */
function writeFileHook(file: string, content: string) {
  const quoted = content
    .replace(/\n$/, "")
    .split("\n")
    .map((l) => `'${l.replace(/'/g, "'\\''")}'`)
    .join(" ");
  const dir = file.slice(0, file.lastIndexOf("/"));
  const script = `mkdir -p ${dir} && printf '%s\\n' ${quoted} > ${file}.tmp && mv ${file}.tmp ${file}`;
  return { postStart: { exec: { command: ["/bin/sh", "-c", script] } } };
}

/** One stored profile entry, keyed `<course>+<role>+<course_id>`. */
export interface ProfileEntry {
  key: string;
  /** KubeSpawner profile slug `<course>+<role>`. */
  slug: string;
  course: string;
  course_id: string;
  term: string;
  role: Role;
  /** Profile (course) display name, and the choice (term) display name. */
  display_name: string;
  choice_display_name: string;
  /** Choices of a profile are listed by ascending order; the first is the default. */
  order: number;
  /** Applied for the profile (same for all terms of a course and role). */
  profile_override: ProfileOverride;
  /** Applied for the chosen term; wins over `profile_override`. Mount paths keep `{username}`. */
  choice_override: ProfileOverride;
}

export interface HubProfileData {
  hub: HubName;
  exam: boolean;
  profiles: Record<string, ProfileEntry>;
  users: Record<string, string[]>;
  warnings: string[];
}

export interface ShardMeta {
  version: number;
  hub: HubName;
  exam: boolean;
  hash: "fnv1a32";
  userShards: string[];
  profileShards: string[];
  users: number;
  profiles: number;
}

export interface ProfileConfigMapStats {
  hub: HubName;
  users: number;
  profiles: number;
  userShards: number;
  profileShards: number;
  configMaps: number;
  /** Bytes of `data` per ConfigMap name, and summed. */
  bytesByConfigMap: Record<string, number>;
  totalBytes: number;
  maxBytes: number;
}

export function profileKey(course: string, role: Role, courseId: string): string {
  return `${course}+${role}+${courseId}`;
}

export function profileSlug(course: string, role: Role): string {
  return `${course}+${role}`;
}

const ROLE_LABEL: Record<Role, string> = { student: "Student", grader: "Grader", instructor: "Instructor" };

/** Sort key for term ids: WS25/SS26 chronologically, newest first; others after, by name. */
function termRank(id: string): [number, string] {
  const m = /^(WS|SS)(\d{2})$/i.exec(id);
  if (!m) return [0, id];
  // WS25 (winter 2025/26) starts before SS26 (summer 2026)
  const value = Number(m[2]) * 2 + (m[1].toUpperCase() === "WS" ? 1 : 0);
  return [1000 - value, id];
}

function compareTerms(a: Term, b: Term): number {
  const [ra, ia] = termRank(a.id);
  const [rb, ib] = termRank(b.id);
  return ra - rb || compareStrings(ia, ib) || compareStrings(a.courseCode, b.courseCode);
}

/** Replaces `{name}` placeholders given in `vars`; leaves the others (e.g. `{username}`) alone. */
export function expandTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => (name in vars ? vars[name] : whole));
}

function joinPath(...parts: string[]): string {
  return parts
    .map((p, i) => (i === 0 ? p.replace(/\/+$/, "") : p.replace(/^\/+|\/+$/g, "")))
    .filter((p) => p !== "")
    .join("/");
}

/** What an exam's profile sets apart from a term's (exam.ts): its key, period and names. */
export interface EntryOptions {
  key?: string;
  period?: string;
  displayName?: string;
  choiceDisplayName?: string;
}

export function buildEntry(model: RenderModel, hub: HubName, term: Term, role: Role, order: number, opts: EntryOptions = {}): ProfileEntry {
  const hubDef = model.hubs.find((h) => h.name === hub)!;
  const course = model.courses.find((c) => c.code === term.courseCode)!;
  const courseId = courseIdOf(term);
  const exam = hub === "exam";
  const vars = {
    course: term.courseCode,
    course_id: courseId,
    term: term.id,
    mode: hubMode(hubDef),
    exam_period: opts.period ?? model.exam.period,
  };
  const specs: readonly VolumeMountSpec[] = term.volumeMounts ?? model.volumeMounts ?? DEFAULT_VOLUME_MOUNTS;
  const mounts: NonNullable<ProfileOverride["volume_mounts"]> = {};
  for (const s of specs.filter((s) => s.roles.includes(role) && (!s.hubs || s.hubs.includes(hub)))) {
    let key = `e2x-${s.name}`;
    for (let i = 2; key in mounts; i++) key = `e2x-${s.name}-${i}`;
    mounts[key] = {
      name: NFS_VOLUME_NAME,
      mountPath: expandTemplate(s.mountPath, vars),
      subPath: expandTemplate(s.nfsPath, vars).replace(/^\/+/, ""),
      readOnly: s.readOnlyFor.includes(role),
    };
  }
  const r = term.resources;
  const guaranteed = exam && model.exam.guaranteedResources;
  const choice: ProfileOverride = {
    image: term.image,
    image_pull_policy: term.imagePullPolicy,
    cpu_guarantee: cpuToCores(guaranteed ? r.cpuLimit : r.cpuGuarantee),
    cpu_limit: cpuToCores(r.cpuLimit),
    mem_guarantee: memToBytes(guaranteed ? r.memLimit : r.memGuarantee),
    mem_limit: memToBytes(r.memLimit),
    environment: {
      E2X_COURSE: term.courseCode,
      E2X_COURSE_ID: courseId,
      E2X_HUB: hub,
      E2X_ROLE: role,
      E2X_TERM: term.id,
    },
    volumes: { [NFS_VOLUME_NAME]: { name: NFS_VOLUME_NAME, nfs: { server: model.nfs.server, path: joinPath(model.nfs.basePath) || "/" } } },
    volume_mounts: mounts,
    lifecycle_hooks: writeFileHook(
      NBGRADER_CONFIG_PATH,
      nbgraderConfig({ course: term.courseCode, courseId, role, exam, timezone: model.timezone }),
    ),
  };
  const uid = role === "student" ? model.uids.student : model.uids.staff;
  const profile: ProfileOverride = {
    uid,
    gid: model.uids.gid,
    fs_gid: model.uids.gid,
    node_affinity_required: [
      { matchExpressions: [{ key: "hub.jupyter.org/node-purpose", operator: "In", values: [exam ? "exam" : "user"] }] },
    ],
  };
  return {
    key: opts.key ?? profileKey(term.courseCode, role, courseId),
    slug: profileSlug(term.courseCode, role),
    course: term.courseCode,
    course_id: courseId,
    term: term.id,
    role,
    display_name: opts.displayName ?? `${course.title} (${ROLE_LABEL[role]})`,
    choice_display_name: opts.choiceDisplayName ?? term.id,
    order,
    profile_override: profile,
    choice_override: choice,
  };
}

/** The course terms a hub offers, newest first (on the exam hub: the active exams only). */
export function buildHubTermOrder(model: RenderModel, hub: HubName): Term[] {
  const active = new Set(model.exam.activeCourseIds);
  return model.terms
    .filter((t) => t.hubs.includes(hub))
    .filter((t) => hub !== "exam" || active.size === 0 || active.has(courseIdOf(t)))
    .slice()
    .sort(compareTerms);
}

/**
 * The profiles every user gets on one hub, deduplicated: each course-term-role stored once. The
 * exam hub's profiles come from its exams instead (exam.ts `buildExamProfileData`).
 */
export function buildHubProfileData(model: RenderModel, hub: HubName): HubProfileData {
  const exam = hub === "exam";
  const warnings: string[] = [];
  const roles = rolesOnHub(hub);
  const terms = buildHubTermOrder(model, hub);
  const termById = new Map(terms.map((t, i) => [courseIdOf(t), { term: t, order: i, keys: {} as Partial<Record<Role, string>> }]));

  const profiles: Record<string, ProfileEntry> = {};
  // One key string per course term and role (not one per membership), and a small array per
  // user: a large university has tens of thousands of memberships.
  const perUser = new Map<string, string[]>();
  for (const m of model.memberships) {
    if (!roles.includes(m.role)) continue;
    const hit = termById.get(m.courseId);
    if (!hit) continue;
    // as the hub names the user (JupyterHub lower-cases at login): one key per hub user
    const user = normalizeUsername(m.username);
    let key = hit.keys[m.role];
    if (key === undefined) {
      hit.keys[m.role] = key = profileKey(hit.term.courseCode, m.role, m.courseId);
      if (!profiles[key]) profiles[key] = buildEntry(model, hub, hit.term, m.role, hit.order);
    }
    const keys = perUser.get(user);
    if (!keys) perUser.set(user, [key]);
    else if (!keys.includes(key)) keys.push(key);
  }

  const users: Record<string, string[]> = {};
  const list: [string, string[]][] = [];
  const used = new Set<string>();
  const order = new Map(Object.entries(profiles).map(([k, p]) => [k, p.order]));
  // The default sort orders strings by UTF-16 code units, as compareStrings does.
  for (const user of [...perUser.keys()].sort()) {
    let keys = perUser.get(user)!;
    if (keys.length > 1) keys.sort((a, b) => order.get(a)! - order.get(b)! || compareStrings(a, b));
    if (exam && keys.length > 1) {
      warnings.push(`exam hub: ${user} is in ${keys.length} exam course terms (${keys.join(", ")}); only ${keys[0]} is offered`);
      keys = keys.slice(0, 1);
    }
    users[user] = keys;
    list.push([user, keys]);
    if (exam) for (const k of keys) used.add(k);
  }
  // only keep profiles someone still references (exam mode may have dropped some; elsewhere
  // every profile was made for a membership that is kept)
  const kept: Record<string, ProfileEntry> = {};
  for (const key of Object.keys(profiles).sort(compareStrings)) if (!exam || used.has(key)) kept[key] = profiles[key];
  userLists.set(users, list);
  return { hub, exam, profiles: kept, users, warnings };
}

/**
 * The entries of a `users` map built by buildHubProfileData, in its order: walking an object
 * with tens of thousands of keys again (Object.entries) costs more than building it did.
 */
const userLists = new WeakMap<Record<string, string[]>, readonly [string, string[]][]>();

/** `users` as [name, profile keys], the cached list when it is still the map's. */
function userEntriesOf(users: Record<string, string[]>): readonly (readonly [string, string[]])[] {
  const list = userLists.get(users);
  return list && list.length === Object.keys(users).length ? list : Object.entries(users);
}

/** `users` as [name, serialized profile keys], in the map's order; equal key lists are serialized once. */
function userEntries(users: Record<string, string[]>): [string, string][] {
  const list = userLists.get(users);
  // not changed since it was built (same keys): else the object itself
  const entries = list && list.every(([u, keys]) => users[u] === keys) && list.length === Object.keys(users).length ? list : Object.entries(users);
  const serialized = new Map<string, string>();
  return entries.map(([u, keys]) => {
    const id = keys.join("\n");
    let json = serialized.get(id);
    if (json === undefined) serialized.set(id, (json = JSON.stringify(keys)));
    return [u, json];
  });
}


/**
 * Splits `entries` (key -> serialized JSON value) into the fewest hash buckets
 * (`fnv1a32(key) % n`) whose serialized object fits `budget` bytes.
 */
export function packShards(entries: [string, string][], budget: number): string[] {
  const inOrder = entries.every((e, i) => i === 0 || compareStrings(entries[i - 1][0], e[0]) <= 0);
  const sorted = inOrder ? entries : entries.slice().sort((a, b) => compareStrings(a[0], b[0]));
  // Each entry serialized once, `"key":value`; a shard is `{` + its entries joined by `,` + `}`.
  const pairs = sorted.map(([k, v]) => `${JSON.stringify(k)}:${v}`);
  const sizes = pairs.map(utf8Bytes);
  const hashes = sorted.map(([k]) => fnv1a32(k));
  const objectBytes = (sum: number, count: number) => 2 + sum + Math.max(0, count - 1);
  sorted.forEach((e, i) => {
    if (objectBytes(sizes[i], 1) > budget) throw new Error(`entry ${e[0]} alone exceeds the shard budget of ${budget} bytes`);
  });
  const total = objectBytes(sizes.reduce((a, b) => a + b, 0), sorted.length);
  for (let n = Math.max(1, Math.ceil(total / budget)); ; n++) {
    const bytes = new Array<number>(n).fill(0);
    const counts = new Array<number>(n).fill(0);
    hashes.forEach((h, i) => {
      bytes[h % n] += sizes[i];
      counts[h % n]++;
    });
    if (bytes.every((b, j) => objectBytes(b, counts[j]) <= budget)) {
      const buckets: string[][] = Array.from({ length: n }, () => []);
      pairs.forEach((p, i) => buckets[hashes[i] % n].push(p));
      return buckets.map((b) => `{${b.join(",")}}`);
    }
    if (n > 4 * sorted.length + 16) throw new Error(`cannot split ${sorted.length} entries into shards of ${budget} bytes`);
  }
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 10);
}

function configMap(name: string, namespace: string, hub: HubName, data: Record<string, string>, immutable: boolean, part: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name,
      namespace,
      labels: { ...hubLabels(hub), [LABEL_PART]: part },
    },
    ...(immutable ? { immutable: true } : {}),
    data,
  };
}

/** Data key of the index ConfigMap that marks it as carrying term summaries (version). */
export const TERM_SUMMARY_VERSION_KEY = "terms.version";
/** Data key prefix of a course term's summary in the index ConfigMap: `term.<course>.<term>`. */
export const TERM_SUMMARY_PREFIX = "term.";

/** What one course term has on a hub, in the index ConfigMap, for people and for the push preview. */
export interface TermSummary {
  course: string;
  term: string;
  /** Users per role. */
  members: Partial<Record<Role, number>>;
  /** Digest of the member list per role: same count, other people still shows. */
  lists: Partial<Record<Role, string>>;
  image?: string;
  cpu_guarantee?: number;
  cpu_limit?: number;
  mem_guarantee?: number;
  mem_limit?: number;
  /** Digest of the NFS mounts of every role. */
  mounts: string;
}

/**
 * One small data key per course term (`term.<course>.<term>`): its members per role and its
 * image, resources and mounts. The index is changed in place, so a push's field diff of it says
 * per term what changes; the immutable shards only say that something did.
 */
export function termSummaries(data: HubProfileData): Record<string, string> {
  type Acc = { entries: ProfileEntry[]; members: Map<Role, ReturnType<typeof createHash>>; counts: Map<Role, number> };
  const byTerm = new Map<string, Acc>();
  const termKey = (e: ProfileEntry) => `${TERM_SUMMARY_PREFIX}${e.course}.${e.term}`;
  for (const e of Object.values(data.profiles)) {
    const k = termKey(e);
    const hit: Acc = byTerm.get(k) ?? { entries: [], members: new Map(), counts: new Map() };
    hit.entries.push(e);
    byTerm.set(k, hit);
  }
  for (const [user, keys] of userEntriesOf(data.users)) {
    for (const key of keys) {
      const e = data.profiles[key];
      if (!e) continue;
      const hit = byTerm.get(termKey(e))!;
      let h = hit.members.get(e.role);
      if (!h) hit.members.set(e.role, (h = createHash("sha256")));
      h.update(`${user}\n`);
      hit.counts.set(e.role, (hit.counts.get(e.role) ?? 0) + 1);
    }
  }
  const out: Record<string, string> = { [TERM_SUMMARY_VERSION_KEY]: "1" };
  for (const k of [...byTerm.keys()].sort(compareStrings)) {
    const { entries, members, counts } = byTerm.get(k)!;
    entries.sort((a, b) => compareStrings(a.key, b.key));
    const main = entries.find((e) => e.role === "student") ?? entries[0];
    const c = main.choice_override;
    const roles = [...counts.keys()].sort(compareStrings);
    const summary: TermSummary = {
      course: main.course,
      term: main.term,
      members: Object.fromEntries(roles.map((r) => [r, counts.get(r)!])),
      lists: Object.fromEntries(roles.map((r) => [r, members.get(r)!.digest("hex").slice(0, 10)])),
      image: c.image,
      cpu_guarantee: c.cpu_guarantee,
      cpu_limit: c.cpu_limit,
      mem_guarantee: c.mem_guarantee,
      mem_limit: c.mem_limit,
      mounts: digest(stableJson(entries.map((e) => [e.role, e.choice_override.volume_mounts ?? {}]))),
    };
    out[k] = stableJson(summary);
  }
  return out;
}

/** ConfigMaps holding a hub's profile data: shards first, the index last (apply in this order). */
export function renderProfileConfigMaps(
  data: HubProfileData,
  namespace: string,
  budget: number = DEFAULT_SHARD_BUDGET_BYTES,
): { objects: KubeObject[]; stats: ProfileConfigMapStats } {
  const users = userEntries(data.users);
  const userPayloads = packShards(users, budget);
  const profilePayloads = packShards(
    Object.entries(data.profiles).map(([k, entry]) => [k, stableJson(entry)]),
    budget,
  );
  const base = indexConfigMapName(data.hub);
  // the shard's position is part of its name: two empty shards must not share one
  const userNames = userPayloads.map((p, i) => `${base}-u-${digest(`${i}/${userPayloads.length}:${p}`)}`);
  const profileNames = profilePayloads.map((p, i) => `${base}-p-${digest(`${i}/${profilePayloads.length}:${p}`)}`);
  const objects: KubeObject[] = [];
  userPayloads.forEach((p, i) => objects.push(configMap(userNames[i], namespace, data.hub, { "users.json": p }, true, "users")));
  profilePayloads.forEach((p, i) =>
    objects.push(configMap(profileNames[i], namespace, data.hub, { "profiles.json": p }, true, "profiles")),
  );
  const meta: ShardMeta = {
    version: PROFILE_FORMAT_VERSION,
    hub: data.hub,
    exam: data.exam,
    hash: "fnv1a32",
    userShards: userNames,
    profileShards: profileNames,
    users: users.length,
    profiles: Object.keys(data.profiles).length,
  };
  objects.push(configMap(base, namespace, data.hub, { "meta.json": stableJson(meta), ...termSummaries(data) }, false, "index"));

  const bytesByConfigMap: Record<string, number> = {};
  for (const o of objects) {
    const d = o.data as Record<string, string>;
    bytesByConfigMap[o.metadata.name] = Object.entries(d).reduce((s, [k, v]) => s + utf8Bytes(k) + utf8Bytes(v), 0);
  }
  const sizes = Object.values(bytesByConfigMap);
  for (const [name, size] of Object.entries(bytesByConfigMap)) {
    if (size >= CONFIGMAP_LIMIT_BYTES) throw new Error(`ConfigMap ${name} is ${size} bytes, over the 1 MiB limit`);
  }
  return {
    objects,
    stats: {
      hub: data.hub,
      users: meta.users,
      profiles: meta.profiles,
      userShards: userNames.length,
      profileShards: profileNames.length,
      configMaps: objects.length,
      bytesByConfigMap,
      totalBytes: sizes.reduce((a, b) => a + b, 0),
      maxBytes: Math.max(...sizes),
    },
  };
}
