/**
 * Hub restarts that a push brings: a hub reads its ConfigMap `e2x-portal-hub` (hub-side code and
 * hub settings) only when it starts, so when a push changes it, the hub must restart. The portal
 * restarts a hub by setting the pod-template annotation `e2x-portal/config-digest` of its
 * Deployment to the digest of the new ConfigMap (server-side apply of that one key): the
 * Deployment then replaces the hub pod. Singleuser servers keep running (the chart sets
 * `JupyterHub.cleanup_servers = False`); sign-ins pause while the new hub pod starts.
 *
 *   planHubRestarts   which hubs restart, why, how many servers keep running (read-only)
 *   applyHubRestarts  sets the annotations (after the ConfigMaps are applied)
 *
 * The exam hub is never restarted while an exam is open (`openExams`), unless the admin forces it.
 */
import { asc, eq } from "drizzle-orm";
import {
  CONFIG_DIGEST_ANNOTATION,
  HUB_CONFIG_CONFIGMAP,
  HUB_NAMES,
  HUB_SETTINGS_FILE,
  PYTHON_FILES,
  hubConfigDigest,
  type HubName,
  type KubeObject,
} from "@/lib/render";
import {
  ClusterError,
  HUB_DEPLOYMENT,
  OK_ACTIONS,
  SINGLEUSER_SELECTOR,
  countSingleuserPods,
  objectPath,
  readHubDeployment,
  setHubTemplateAnnotations,
  type ApplyItem,
  type ClusterConnection,
  type ClusterErrorInfo,
  type PlanItem,
  type PushTarget,
} from "@/lib/cluster";
import { nbgraderCourseId } from "@/lib/courses/course-id";
import type { DbOrTx } from "@/lib/db/client";
import { courses, exams, terms } from "@/lib/db/schema";
import { t } from "@/lib/i18n/t";
import { clusterErrorText, explainClusterError } from "./errors";
import type { HubRestartView, OpenExamView } from "./views";

/** How long sign-ins pause while the hub pod is replaced (Recreate: the old pod stops, the new one starts and loads its config). An estimate. */
export const RESTART_PAUSE_SECONDS = 20;


/** Exams that are open now (lib/exams' lifecycle state `open`): the exam hub must not restart. */
export function openExams(db: DbOrTx): OpenExamView[] {
  return db
    .select({ id: exams.id, title: exams.title, course: courses.code, term: terms.term, openedAt: exams.openedAt })
    .from(exams)
    .innerJoin(terms, eq(terms.id, exams.termId))
    .innerJoin(courses, eq(courses.id, terms.courseId))
    .where(eq(exams.status, "open"))
    .orderBy(asc(exams.startsAt))
    .all()
    .map((e) => ({ id: e.id, title: e.title, courseId: nbgraderCourseId(e.course, e.term), openedAt: e.openedAt?.toISOString() ?? null }));
}

function desiredHubConfigMaps(objects: readonly KubeObject[]): Map<string, KubeObject> {
  const out = new Map<string, KubeObject>();
  for (const o of objects) {
    if (o.kind === "ConfigMap" && o.metadata.name === HUB_CONFIG_CONFIGMAP && o.metadata.namespace) out.set(o.metadata.namespace, o);
  }
  return out;
}

type Settings = Record<string, unknown> & { config?: Record<string, Record<string, unknown>> };

function parseSettings(text: string | undefined): Settings | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text);
    return v && typeof v === "object" ? (v as Settings) : null;
  } catch {
    return null;
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

type HubChangeWord = "admins" | "signIn" | "trustedProxies" | "examRooms" | "spawnLimit" | "culling" | "publicUrl" | "notice" | "courses" | "cache";

/** What differs between the hub's live ConfigMap data and the new one, in plain words. */
export function describeHubConfigChange(before: Record<string, string> | null | undefined, after: Record<string, string>): string[] {
  if (!before) return [t("hubRestartWords.change.new")];
  const out: string[] = [];
  if (PYTHON_FILES.some((f) => before[f] !== after[f])) out.push(t("hubRestartWords.change.code"));
  const a = parseSettings(before[HUB_SETTINGS_FILE]) ?? {};
  const b = parseSettings(after[HUB_SETTINGS_FILE]) ?? {};
  const cfg = (s: Settings, section: string, key?: string) => (key ? s.config?.[section]?.[key] : s.config?.[section]);
  const checks: [HubChangeWord, boolean][] = [
    ["admins", !same(a.admins, b.admins) || !same(cfg(a, "Authenticator", "admin_users"), cfg(b, "Authenticator", "admin_users"))],
    [
      "signIn",
      !same(cfg(a, "JupyterHub", "authenticator_class"), cfg(b, "JupyterHub", "authenticator_class")) || !same(cfg(a, "LDAPAuthenticator"), cfg(b, "LDAPAuthenticator")) || !same(a.ldapPasswordEnv, b.ldapPasswordEnv),
    ],
    ["trustedProxies", !same(a.trustedProxies, b.trustedProxies) || !same(cfg(a, "JupyterHub", "trusted_downstream_ips"), cfg(b, "JupyterHub", "trusted_downstream_ips"))],
    ["examRooms", !same(a.examRooms, b.examRooms)],
    ["spawnLimit", !same(cfg(a, "JupyterHub", "concurrent_spawn_limit"), cfg(b, "JupyterHub", "concurrent_spawn_limit"))],
    ["culling", !same(a.cullTimeoutSeconds, b.cullTimeoutSeconds)],
    ["publicUrl", !same(cfg(a, "JupyterHub", "public_url"), cfg(b, "JupyterHub", "public_url"))],
    ["notice", !same(cfg(a, "JupyterHub", "template_vars"), cfg(b, "JupyterHub", "template_vars"))],
    ["courses", !same(a.spawnerEnvironment, b.spawnerEnvironment)],
    ["cache", !same(a.cacheTtlSeconds, b.cacheTtlSeconds) || !same(a.staleGraceSeconds, b.staleGraceSeconds)],
  ];
  for (const [what, changed] of checks) if (changed) out.push(t(`hubRestartWords.change.${what}`));
  if (!out.length) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    const differ = [...keys].some((k) => before[k] !== after[k]) || !same(a, b);
    if (differ) out.push(t("hubRestartWords.change.other"));
  }
  return out;
}

async function readLiveConfigMapData(conn: ClusterConnection, namespace: string): Promise<Record<string, string> | null> {
  try {
    const { body } = await conn.request<{ data?: Record<string, string> }>(
      "GET",
      objectPath({ base: "/api/v1", name: "configmaps", namespaced: true }, namespace, HUB_CONFIG_CONFIGMAP),
    );
    return body.data ?? {};
  } catch (e) {
    if (e instanceof ClusterError && e.kind === "not-found") return null;
    throw e;
  }
}

/** A thrown value in words: a cluster error in the active language where the portal wrote it, anything else as its message. */
function errorTextOf(e: unknown): string {
  if (e instanceof ClusterError) return clusterErrorText(e.toJSON());
  return e instanceof Error ? e.message : String(e);
}

function serversPhrase(v: HubRestartView): string {
  if (v.servers === null) return t("hubRestartWords.serversUnknown");
  return t("hubRestartWords.servers", { count: v.servers });
}

/** The sentence the preview shows for one hub, in the active language. */
export function restartSentence(v: HubRestartView): string {
  const hub = v.hub;
  if (v.deferred) return t("hubRestartWords.deferred", { hub });
  switch (v.reason) {
    case "changed":
    case "created":
    case "pending":
      return t("hubRestartWords.restarts", { hub, servers: serversPhrase(v), seconds: v.pauseSeconds });
    case "not-installed":
      return t("hubRestartWords.notInstalled", { hub });
    case "export":
      return t("hubRestartWords.export", { hub, command: `kubectl -n ${v.namespace} rollout restart deployment/${HUB_DEPLOYMENT}` });
    default:
      return t("hubRestartWords.keepsRunning", { hub });
  }
}

export interface RestartPlanInput {
  objects: readonly KubeObject[];
  planItems: readonly PlanItem[];
  target: PushTarget;
  /** Namespace of each hub (the deployment settings). */
  namespaces: Record<HubName, string>;
  openExams: readonly OpenExamView[];
}

/**
 * Which hubs a push restarts. A hub restarts when its ConfigMap is created or changed by this
 * push, or when it still runs an older configuration than its ConfigMap holds (a restart that did
 * not happen); never when its Deployment does not exist. Read-only.
 */
export async function planHubRestarts(input: RestartPlanInput): Promise<HubRestartView[]> {
  const desired = desiredHubConfigMaps(input.objects);
  const actionOf = new Map<string, PlanItem["action"]>();
  for (const it of input.planItems) {
    if (it.ref.kind === "ConfigMap" && it.ref.name === HUB_CONFIG_CONFIGMAP && it.ref.namespace) actionOf.set(it.ref.namespace, it.action);
  }
  // the hubs one beside the other: a repeated push waits for one round trip, not three
  const one = async (hub: HubName): Promise<HubRestartView | null> => {
    const namespace = input.namespaces[hub];
    const cm = desired.get(namespace);
    if (!cm) return null;
    const data = cm.data as Record<string, string>;
    const configDigest = hubConfigDigest(data);
    const action = actionOf.get(namespace);
    const changes = action === "create" || action === "change";
    const base: HubRestartView = {
      hub,
      namespace,
      installed: false,
      restart: false,
      reason: "none",
      configDigest,
      runningDigest: null,
      servers: null,
      serversSource: t("hubRestartWords.serversSource", { selector: SINGLEUSER_SELECTOR, namespace }),
      pauseSeconds: RESTART_PAUSE_SECONDS,
      changes: [],
      blockedBy: [],
      sentence: "",
    };
    if (input.target.kind === "export") {
      if (changes) {
        base.reason = "export";
        base.changes = [t(action === "create" ? "hubRestartWords.change.new" : "hubRestartWords.change.config")];
      }
      base.sentence = restartSentence(base);
      return base;
    }
    const conn = input.target.connection;
    let deployment;
    try {
      deployment = await readHubDeployment(conn, namespace);
    } catch (e) {
      if (e instanceof ClusterError && (e.kind === "unreachable" || e.kind === "unauthorized" || e.kind === "tls")) throw e;
      const detail = errorTextOf(e);
      return { ...base, reason: "unknown", error: t("hubRestartWords.deploymentUnreadable", { detail }), sentence: t("hubRestartWords.unknown", { hub, detail }) };
    }
    if (!deployment) {
      base.reason = changes ? "not-installed" : "none";
      base.sentence = restartSentence(base);
      return base;
    }
    base.installed = true;
    base.runningDigest = deployment.templateAnnotations[CONFIG_DIGEST_ANNOTATION] ?? null;
    if (changes) base.reason = action === "create" ? "created" : "changed";
    else if (base.runningDigest !== null && base.runningDigest !== configDigest) base.reason = "pending";
    base.restart = base.reason !== "none";
    if (base.restart) {
      try {
        base.changes = base.reason === "pending" ? [t("hubRestartWords.change.pending")] : describeHubConfigChange(await readLiveConfigMapData(conn, namespace), data);
      } catch (e) {
        base.changes = [t("hubRestartWords.change.unreadable", { detail: errorTextOf(e) })];
      }
      try {
        base.servers = await countSingleuserPods(conn, namespace);
      } catch (e) {
        base.serversError = errorTextOf(e);
      }
      if (hub === "exam" && input.openExams.length) {
        base.blockedBy = [...input.openExams];
        // a restart left over from before (not this push's change) waits for the end of the
        // exam instead of refusing the push: on exam day rosters and exam data must still go out
        if (base.reason === "pending") {
          base.restart = false;
          base.deferred = true;
        }
      }
    }
    base.sentence = restartSentence(base);
    return base;
  };
  return (await Promise.all(HUB_NAMES.map(one))).filter((v) => v !== null);
}

/** The restart decisions that identify a plan (not the server counts, which change all the time). */
export function restartFingerprintPart(views: readonly HubRestartView[] | undefined): unknown {
  return (views ?? []).map((v) => [v.hub, v.restart, !!v.deferred, v.reason, v.configDigest]);
}

/** The restarts an apply would do that an open exam forbids. */
export function blockedRestarts(views: readonly HubRestartView[] | undefined): HubRestartView[] {
  return (views ?? []).filter((v) => v.restart && v.blockedBy.length > 0);
}

export function examRefusal(blocked: readonly HubRestartView[]): string {
  const titles = blocked.flatMap((b) => b.blockedBy.map((e) => t("hubRestartWords.examTitle", { title: e.title, course: e.courseId })));
  return t("hubRestartWords.refused", { count: titles.length, exams: titles.join(", ") });
}

export interface RestartResult {
  hub: HubName;
  namespace: string;
  action: "restarted" | "skipped" | "error";
  configDigest: string;
  error?: ClusterErrorInfo;
  /** Why it was skipped. */
  note?: string;
}

/** The hubs an apply restarts: those the plan restarts, and with the forced restart the deferred ones. */
export function restartsToApply(views: readonly HubRestartView[] | undefined, forceExamRestart: boolean): HubRestartView[] {
  return (views ?? []).filter((v) => v.restart || (forceExamRestart && v.deferred));
}

/** Why the push failed when a restart did (null when none did). */
export function restartFailure(results: readonly RestartResult[]): string | null {
  const failed = results.filter((r) => r.action === "error");
  if (!failed.length) return null;
  const hubs = failed.map((r) => t(`hubs.${r.hub}`));
  return t("hubRestartWords.failed", { count: hubs.length, hubs: hubs.join(t("hubRestartWords.and")), error: explainClusterError(failed[0].error) });
}

/** How a restart counts in the push's progress and history. */
export function restartOutcome(action: RestartResult["action"]): "ok" | "failed" | "skipped" {
  return action === "restarted" ? "ok" : action === "error" ? "failed" : "skipped";
}

/**
 * Restarts the given hubs after the push's apply (`applied`: its items), each only when the apply
 * left its ConfigMap `e2x-portal-hub` in place (written, or unchanged): a hub restarts to read its
 * new configuration, never before it is there. One annotation per hub.
 */
export async function applyHubRestarts(conn: ClusterConnection, views: readonly HubRestartView[], applied: readonly ApplyItem[]): Promise<RestartResult[]> {
  const inPlace = new Set(applied.filter((i) => i.ref.kind === "ConfigMap" && i.ref.name === HUB_CONFIG_CONFIGMAP && OK_ACTIONS.has(i.action)).map((i) => i.ref.namespace));
  const out: RestartResult[] = [];
  for (const v of views) {
    const base = { hub: v.hub, namespace: v.namespace, configDigest: v.configDigest };
    if (!inPlace.has(v.namespace)) {
      out.push({ ...base, action: "skipped", note: t("hubRestartWords.notWritten") });
      continue;
    }
    try {
      await setHubTemplateAnnotations(conn, v.namespace, { [CONFIG_DIGEST_ANNOTATION]: v.configDigest });
      out.push({ ...base, action: "restarted" });
    } catch (e) {
      const info: ClusterErrorInfo = e instanceof ClusterError ? e.toJSON() : { kind: "server", message: e instanceof Error ? e.message : String(e) };
      out.push({ ...base, action: "error", error: info });
    }
  }
  return out;
}
