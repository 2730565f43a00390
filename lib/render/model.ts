/**
 * Input model of the renderer: everything the portal knows that shapes the cluster.
 * Independent of the database: the cluster page and the push build a `RenderModel`
 * from their queries and hand it to `renderAll`.
 */
import { z } from "zod";
import { HUBS, PROFILE_ROLES, STAFF_PROFILE_ROLES, type HubName, type ProfileRole } from "@/lib/constants";
import { nbgraderCourseId } from "@/lib/courses/course-id";
import { EXAM_SIGN_IN_DEFAULTS, examSignInSchema, renderExamSchema } from "./exam-model";

export { HUBS as HUB_NAMES, PROFILE_ROLES as ROLES, type HubName } from "@/lib/constants";
/** A role that gets a profile (student, grader, instructor). */
export type Role = ProfileRole;

/** Kubernetes DNS-1123 label (namespaces, release names). */
const dnsLabel = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS-1123 label");

/** Course codes and term ids end up in profile slugs, ConfigMap keys and NFS paths. */
const courseCode = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, "lower-case letters, digits, '-' and '_'");
const termId = z
  .string()
  .min(1)
  .max(20)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "letters, digits, '-' and '_'");
/** Usernames as the authenticator hands them to JupyterHub (trimmed, no path separators). */
const USERNAME_SHAPE = /^[^\s/{}\\]+$/;
const USERNAME_MAX = 128;
const username = z.string().min(1).max(USERNAME_MAX).regex(USERNAME_SHAPE, "no whitespace, '/', '\\' or braces");

/** A plain IPv4 or IPv6 address. */
const ipAddress = z.string().refine((s) => isIp(s), "an IP address like 192.0.2.10");

export function isIp(s: string): boolean {
  const m4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (m4) return m4.slice(1).every((o) => Number(o) <= 255);
  return /^[0-9a-fA-F:]+$/.test(s) && s.includes(":");
}

/** Kubernetes CPU quantity: "500m", "2", "1.5". */
export const cpuQuantity = z.string().regex(/^(\d+(\.\d+)?|\d+m)$/, "CPU quantity like 500m or 2");
/** Kubernetes memory quantity: "512Mi", "2Gi", "1G", "1073741824". */
export const memQuantity = z
  .string()
  .regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|K|M|G|T|k)?$/, "memory quantity like 512Mi or 2G");

const cidr = z
  .string()
  .regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$|^[0-9a-fA-F:]+\/\d{1,3}$/, "CIDR like 10.0.0.0/24");

export const resourcesSchema = z.object({
  cpuGuarantee: cpuQuantity,
  cpuLimit: cpuQuantity,
  memGuarantee: memQuantity,
  memLimit: memQuantity,
});
export type Resources = z.infer<typeof resourcesSchema>;

/**
 * One NFS mount of a singleuser pod. `nfsPath` is relative to `nfs.basePath`; both paths may
 * use the templates `{username}`, `{course}`, `{course_id}`, `{term}`, `{mode}`, `{exam_period}`.
 * `{username}` is expanded by the hub at spawn time; the others when rendering.
 */
export const PATH_PLACEHOLDERS = ["username", "course", "course_id", "term", "mode", "exam_period"] as const;

/** A path template: only the known placeholders, no other braces, no `..` segments. */
const pathTemplate = z
  .string()
  .min(1)
  .refine(
    (t) => t.replace(/\{([a-z_]+)\}/g, (w, n: string) => ((PATH_PLACEHOLDERS as readonly string[]).includes(n) ? "x" : w)).match(/[{}]/) === null,
    `placeholders: ${PATH_PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`,
  )
  .refine((t) => !t.split("/").includes(".."), "no '..' segments")
  .refine((t) => !t.replace(/^\/+/, "").split("/").some((seg) => seg === "" || seg === "."), "no '.' or empty segments");

export const volumeMountSpecSchema = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/),
  nfsPath: pathTemplate,
  mountPath: pathTemplate.refine((t) => t.startsWith("/"), "absolute path"),
  /** Roles that get this mount. */
  roles: z.array(z.enum(PROFILE_ROLES)).min(1),
  /** Roles for which the mount is read-only. */
  readOnlyFor: z.array(z.enum(PROFILE_ROLES)).default([]),
  /** Hubs this mount applies to (all when omitted). */
  hubs: z.array(z.enum(HUBS)).optional(),
});
export type VolumeMountSpec = z.infer<typeof volumeMountSpecSchema>;
export type VolumeMountSpecInput = z.input<typeof volumeMountSpecSchema>;

export const hubSchema = z.object({
  name: z.enum(HUBS),
  namespace: dnsLabel,
  releaseName: dnsLabel,
  /** Public host name of the hub (ingress / TLS), e.g. "exam.e2x.example.edu". */
  host: z.string().optional(),
  /** JupyterHub base URL, default "/". */
  baseUrl: z.string().regex(/^\//).default("/"),
  /** `{mode}` in NFS paths: "teaching" for assignment and grading, "exam" for the exam hub. */
  mode: z.string().regex(/^[a-z0-9_-]+$/).optional(),
  /**
   * Authenticator for the hub (`hub.config.JupyterHub.authenticator_class`): the one setting
   * that replaces the default. Assignment and grading hubs default to LDAP when `ldap` is set;
   * every other hub, the exam hub first, to `e2x_portal_auth.FailClosedAuthenticator`, which
   * refuses every sign-in. Whatever the class, only rostered users and admins are allowed and
   * the exam hub admits sign-ins only from the exam rooms (python/e2x_portal_auth.py).
   */
  authenticatorClass: z.string().regex(/^[A-Za-z_][\w.]*$/, "a Python class path").optional(),
  /**
   * Proxy service type. E2x: NodePort behind the load balancer VM (HAProxy, see haproxy.ts);
   * LoadBalancer where the cluster has one, then the exam hub's Service carries
   * `loadBalancerSourceRanges` (the chart writes them only for that type).
   */
  proxyServiceType: z.enum(["NodePort", "LoadBalancer", "ClusterIP"]).default("NodePort"),
  /** NodePort of the proxy's http port (`proxy.service.nodePorts.http`), where HAProxy sends the hub's traffic. */
  nodePort: z.number().int().min(30000).max(32767).optional(),
});
export type Hub = z.infer<typeof hubSchema>;

export const courseSchema = z.object({
  code: courseCode,
  title: z.string().min(1),
});
export type Course = z.infer<typeof courseSchema>;

export const termSchema = z.object({
  /** Semester id, e.g. "WS25", "SS26". */
  id: termId,
  courseCode,
  /** Hubs this course term is offered on. */
  hubs: z.array(z.enum(HUBS)).min(1),
  image: z.string().min(1),
  imagePullPolicy: z.enum(["Always", "IfNotPresent", "Never"]).optional(),
  resources: resourcesSchema,
  /** Replaces the default E2x NFS layout for this course term when given. */
  volumeMounts: z.array(volumeMountSpecSchema).optional(),
});
export type Term = z.infer<typeof termSchema>;

export const membershipSchema = z.object({
  username,
  /** `<code>-<term>`. */
  courseId: z.string().min(1),
  role: z.enum(PROFILE_ROLES),
});
export type Membership = z.infer<typeof membershipSchema>;

export const examSettingsSchema = z.object({
  /** Exam period, part of exam home paths (`homes/exam/<term>-<period>/...`). */
  period: z.string().regex(/^[A-Za-z0-9_-]+$/).default("PZ1"),
  /** Source CIDRs allowed to reach the exam hub's proxy (pool rooms, laptop pool, staff VPN). */
  sourceCidrs: z.array(cidr).default([]),
  /** Course ids whose exam runs now; empty = every course term offered on the exam hub. */
  activeCourseIds: z.array(z.string()).default([]),
  /** Exam pods get requests = limits (guaranteed QoS). */
  guaranteedResources: z.boolean().default(true),
  /** URL a singleuser server opens; the restricted exam UI. */
  defaultUrl: z.string().default("/tree"),
});
export type ExamSettings = z.infer<typeof examSettingsSchema>;

export const nfsSchema = z.object({
  server: z.string().min(1),
  basePath: z.string().regex(/^\//),
});

export const secretRefSchema = z.object({ name: dnsLabel, key: z.string().min(1) });
export type SecretRef = z.infer<typeof secretRefSchema>;

export const ldapSchema = z.object({
  /** `ldaps://ldap.example.edu:636` or `ldap://host:389`. */
  url: z.string().regex(/^ldaps?:\/\/[^/:]+(:\d+)?\/?$/, "ldap[s]://host[:port]"),
  bindDn: z.string().min(1),
  /** The bind password is only ever a reference to a Secret in the hub namespace. */
  bindPasswordSecret: secretRefSchema,
  searchBase: z.string().min(1),
  /** Search filter; `{login}` is replaced by the login name (ldapauthenticator 2.x). */
  searchFilter: z.string().default("(uid={login})"),
  userAttribute: z.string().default("uid"),
  useStartTls: z.boolean().default(false),
});
export type Ldap = z.infer<typeof ldapSchema>;

/**
 * The network in front of the hubs (E2x: a load-balancer VM with HAProxy in front of the proxies'
 * NodePorts). Rendered into the HAProxy configuration and the hubs' trust of that chain.
 */
export const networkSchema = z.object({
  /**
   * Addresses the hubs' proxies see the load balancer connect from (the VM's address, and the
   * cluster nodes' when the NodePort hop rewrites the source). Their `X-Forwarded-For` entries are
   * believed; every other peer's are not.
   */
  trustedProxies: z.array(ipAddress).default([]),
  /** Cluster node addresses HAProxy forwards to (the NodePorts listen on every node). */
  nodeAddresses: z.array(ipAddress).default([]),
});
export type Network = z.infer<typeof networkSchema>;

export const renderModelSchema = z.object({
  hubs: z.array(hubSchema).min(1),
  courses: z.array(courseSchema),
  terms: z.array(termSchema),
  memberships: z.array(membershipSchema),
  exam: examSettingsSchema.default({
    period: "PZ1",
    sourceCidrs: [],
    activeCourseIds: [],
    guaranteedResources: true,
    defaultUrl: "/tree",
  }),
  nfs: nfsSchema,
  ldap: ldapSchema.optional(),
  /**
   * The Secret with the LDAP bind password that the hub pods reference (chart values), also while
   * LDAP is off, so that turning LDAP on or off is a push and not a helm upgrade. Defaults to
   * `ldap.bindPasswordSecret`.
   */
  ldapPasswordSecret: secretRefSchema.optional(),
  /** Default NFS layout, replaced per term by `term.volumeMounts`. */
  volumeMounts: z.array(volumeMountSpecSchema).optional(),
  uids: z.object({ student: z.number().int(), staff: z.number().int(), gid: z.number().int() }).default({
    student: 1000,
    staff: 2000,
    gid: 100,
  }),
  /** Hub-side profile cache TTL in seconds. */
  profileCacheTtlSeconds: z.number().int().min(0).max(3600).default(30),
  /**
   * Seconds after the TTL during which the hub keeps using the last profile data it read when the
   * API server does not answer (then it refuses spawns clearly until it answers again).
   */
  profileCacheGraceSeconds: z.number().int().min(0).max(3600).default(60),
  /** Hub admins (`Authenticator.admin_users`): the portal's admins, or whom the settings name. */
  admins: z.array(username).default([]),
  /** `hub.concurrentSpawnLimit`: spawns in flight at once before the hub asks users to wait. */
  concurrentSpawnLimit: z.number().int().min(1).max(10_000).default(100),
  /** Idle servers are stopped after this many seconds without activity (the chart's culler). */
  cullTimeoutSeconds: z.number().int().min(300).max(30 * 86400).default(7200),
  /** Time zone of nbgrader's timestamps in the pods' nbgrader_config.py. */
  timezone: z.string().regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, "a time zone such as Europe/Berlin").default("Europe/Berlin"),
  network: networkSchema.default({ trustedProxies: [], nodeAddresses: [] }),
  /** Exams the exam hub holds (scheduled, open, closed): its profiles and its password Secret (exam.ts). */
  exams: z.array(renderExamSchema).default([]),
  examSignIn: examSignInSchema.default(EXAM_SIGN_IN_DEFAULTS),
});
export type RenderModel = z.infer<typeof renderModelSchema>;
export type RenderModelInput = z.input<typeof renderModelSchema>;

/** The cross references of a model: hubs once, terms of known courses, memberships of known terms, rooms. */
function checkReferences(m: RenderModel, ctx: z.RefinementCtx) {
  const hubNames = new Set<string>();
  for (const h of m.hubs) {
    if (hubNames.has(h.name)) ctx.addIssue({ code: "custom", message: `duplicate hub ${h.name}`, path: ["hubs"] });
    hubNames.add(h.name);
  }
  const codes = new Set(m.courses.map((c) => c.code));
  const ids = new Set<string>();
  m.terms.forEach((t, i) => {
    if (!codes.has(t.courseCode))
      ctx.addIssue({ code: "custom", message: `unknown course ${t.courseCode}`, path: ["terms", i, "courseCode"] });
    const id = courseIdOf(t);
    if (ids.has(id)) ctx.addIssue({ code: "custom", message: `duplicate course term ${id}`, path: ["terms", i] });
    ids.add(id);
  });
  m.memberships.forEach((ms, i) => {
    if (!ids.has(ms.courseId))
      ctx.addIssue({ code: "custom", message: `unknown course term ${ms.courseId}`, path: ["memberships", i, "courseId"] });
  });
  m.exams.forEach((e, i) => {
    const rooms = new Set(e.rooms.map((r) => r.name));
    e.accounts.forEach((a, j) => {
      if (!rooms.has(a.room)) ctx.addIssue({ code: "custom", message: `unknown room ${a.room} of exam ${e.id}`, path: ["exams", i, "accounts", j, "room"] });
    });
  });
}

const fullModelSchema = renderModelSchema.superRefine(checkReferences);
/** The same, for memberships already checked against membershipSchema (membershipsChecked). */
const modelWithCheckedMembershipsSchema = renderModelSchema.extend({ memberships: z.custom<Membership[]>() }).superRefine(checkReferences);

const ROLE_SET: ReadonlySet<unknown> = new Set(PROFILE_ROLES);

/**
 * The memberships as membershipSchema parses them (copies with its three fields), or null when
 * any may not pass it (then zod checks them all and says which and why). A large university has
 * tens of thousands of memberships over far fewer users and course terms: each username is
 * checked once, and no zod issue bookkeeping runs per membership.
 */
function membershipsChecked(input: unknown): Membership[] | null {
  const list = input !== null && typeof input === "object" ? (input as { memberships?: unknown }).memberships : undefined;
  if (!Array.isArray(list)) return null;
  const goodNames = new Set<string>();
  const out: Membership[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const m: unknown = list[i];
    if (m === null || typeof m !== "object" || Array.isArray(m)) return null;
    const { username: name, courseId, role } = m as Record<string, unknown>;
    if (typeof courseId !== "string" || courseId.length < 1 || !ROLE_SET.has(role) || typeof name !== "string") return null;
    if (!goodNames.has(name)) {
      if (name.length < 1 || name.length > USERNAME_MAX || !USERNAME_SHAPE.test(name)) return null;
      goodNames.add(name);
    }
    out[i] = { username: name, courseId, role: role as Role };
  }
  return out;
}

/** Parses and validates a model, including its cross references. Throws a ZodError. */
export function parseRenderModel(input: unknown): RenderModel {
  const memberships = membershipsChecked(input);
  if (!memberships) return fullModelSchema.parse(input);
  return modelWithCheckedMembershipsSchema.parse({ ...(input as object), memberships });
}

export function courseIdOf(term: Pick<Term, "courseCode" | "id">): string {
  return nbgraderCourseId(term.courseCode, term.id);
}

export function hubMode(hub: Pick<Hub, "name" | "mode">): string {
  return hub.mode ?? (hub.name === "exam" ? "exam" : "teaching");
}

/** Roles that get a profile on a hub. The grading hub is for graders only. */
export function rolesOnHub(hub: HubName): readonly Role[] {
  return hub === "grading" ? STAFF_PROFILE_ROLES : PROFILE_ROLES;
}

/** Where e2xgrader's personalized exchange keeps one student's folders, below a course's exchange. */
export const PERSONALIZED = ["inbound", "outbound", "feedback"] as const;

/**
 * A student's own personalized exchange folders on the exam hub: `personalized-inbound/{username}`
 * (writable unless `inboundReadOnly`), `personalized-outbound/{username}` and
 * `personalized-feedback/{username}` (read-only), below `nfsRoot` and `mountRoot`.
 */
export function personalizedExchangeMounts(nfsRoot: string, mountRoot: string, inboundReadOnly: boolean, suffix = ""): VolumeMountSpec[] {
  const strip = (p: string) => p.replace(/\/+$/, "");
  return PERSONALIZED.map((dir) => ({
    name: `exchange-personalized-${dir}${suffix}`,
    nfsPath: `${strip(nfsRoot)}/personalized-${dir}/{username}`,
    mountPath: `${strip(mountRoot)}/personalized-${dir}/{username}`,
    roles: ["student"],
    readOnlyFor: dir === "inbound" && !inboundReadOnly ? [] : ["student"],
    hubs: ["exam"],
  }));
}

/**
 * The E2x NFS layout (paths relative to `nfs.basePath`). Students: own home per course term,
 * exchange inbound writable, outbound and feedback read-only, shares read-only. Graders and
 * instructors: one home, the course's whole exchange, shares writable.
 */
export const DEFAULT_VOLUME_MOUNTS: readonly VolumeMountSpec[] = [
  {
    name: "home",
    nfsPath: "homes/{mode}/students/{course_id}/{username}",
    mountPath: "/home/jovyan",
    roles: ["student"],
    readOnlyFor: [],
    hubs: ["assignment", "grading"],
  },
  {
    // exam logins are `<course>-<FB02UID>` already: E2x's `<course>-<user>` folder
    name: "home",
    nfsPath: "homes/exam/{term}-{exam_period}/{username}/home",
    mountPath: "/home/jovyan",
    roles: ["student"],
    readOnlyFor: [],
    hubs: ["exam"],
  },
  {
    name: "home",
    nfsPath: "homes/{mode}/graders/{username}",
    mountPath: "/home/jovyan",
    roles: ["grader", "instructor"],
    readOnlyFor: [],
  },
  {
    name: "exchange-inbound",
    nfsPath: "nbgrader/exchanges/{course}/{course_id}/inbound",
    mountPath: "/srv/nbgrader/exchange/{course_id}/inbound",
    roles: ["student"],
    readOnlyFor: [],
    hubs: ["assignment", "grading"],
  },
  {
    name: "exchange-outbound",
    nfsPath: "nbgrader/exchanges/{course}/{course_id}/outbound",
    mountPath: "/srv/nbgrader/exchange/{course_id}/outbound",
    roles: ["student"],
    readOnlyFor: ["student"],
    hubs: ["assignment", "grading"],
  },
  {
    name: "exchange-feedback",
    nfsPath: "nbgrader/exchanges/{course}/{course_id}/feedback",
    mountPath: "/srv/nbgrader/exchange/{course_id}/feedback",
    roles: ["student"],
    readOnlyFor: ["student"],
    hubs: ["assignment", "grading"],
  },
  // exam: the personalized exchange (e2xgrader), so a student sees only their own folders
  ...personalizedExchangeMounts("nbgrader/exchanges/{course}/{course_id}", "/srv/nbgrader/exchange/{course_id}", false),
  {
    name: "exchange",
    nfsPath: "nbgrader/exchanges/{course}/{course_id}",
    mountPath: "/srv/nbgrader/exchange/{course_id}",
    roles: ["grader", "instructor"],
    readOnlyFor: [],
  },
  {
    name: "shares-public",
    nfsPath: "shares/teaching/public",
    mountPath: "/srv/shares/public",
    roles: ["student", "grader", "instructor"],
    readOnlyFor: ["student"],
  },
  {
    name: "shares-course",
    nfsPath: "shares/teaching/courses/{course}",
    mountPath: "/srv/shares/{course}",
    roles: ["student", "grader", "instructor"],
    readOnlyFor: ["student"],
  },
];
