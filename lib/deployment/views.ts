/**
 * Plain shapes the cluster pages hand to components, and the functions that make them from
 * plans and stored pushes. Components import the shapes as types only (ESLint keeps it so).
 */
import { createHash } from "node:crypto";
import { redactPlan, refKey, type PlanItem, type PushPlan, type PushSummary } from "@/lib/cluster";
import { stableJson } from "@/lib/render";
import type { HubName } from "@/lib/constants";
import { explainClusterError } from "./errors";
import { restartFingerprintPart } from "./hub-restart";

export type PlanActionView = "create" | "change" | "unchanged" | "prune" | "conflict" | "error";

export interface FieldChangeView {
  path: string;
  /** Display text; absent when the field is added / removed. */
  before?: string;
  after?: string;
  truncated?: boolean;
}

export interface PlanItemView {
  key: string;
  action: PlanActionView;
  kind: string;
  namespace?: string;
  name: string;
  changes?: FieldChangeView[];
  conflicts?: { manager: string; field: string }[];
  error?: string;
  note?: string;
}

export type PlanCountsView = PushSummary;

/** A rendering warning: a key of the `portalWarnings` catalogue section and its values (warnings.ts). */
export interface WarningView {
  key: string;
  params: Record<string, string | number>;
}

export interface PlanView {
  target: "cluster" | "export";
  location: string;
  items: PlanItemView[];
  summary: PlanCountsView;
  /** Identifies exactly this plan: Apply refuses when the plan has changed since. */
  fingerprint: string;
  createdAt: string;
  warnings: WarningView[];
  /** What the push changes in the pods' NFS mounts (lib/deployment/mount-changes.ts). */
  mountChanges?: MountChangesView;
  /** Which hubs the push restarts, and why (lib/deployment/hub-restart.ts). */
  hubRestarts?: HubRestartView[];
  /** Per course term and hub, in plain words (lib/deployment/change-summary.ts). */
  changes?: ChangeSummaryView;
}

/** An exam in the lifecycle state `open` (lib/exams). */
export interface OpenExamView {
  id: number;
  title: string;
  courseId: string;
  openedAt: string | null;
}

export interface HubRestartView {
  hub: HubName;
  namespace: string;
  /** The hub Deployment exists (the hub is installed). */
  installed: boolean;
  /** The apply restarts this hub. */
  restart: boolean;
  /**
   * changed / created: this push changes the hub's ConfigMap; pending: it still runs an older
   * configuration; not-installed: no hub Deployment yet; export: the export target (restart by
   * hand); unknown: the Deployment could not be read; none: nothing it reads at start changes.
   */
  reason: "changed" | "created" | "pending" | "not-installed" | "export" | "unknown" | "none";
  /** Digest of the ConfigMap the hub will run. */
  configDigest: string;
  /** The digest the hub Deployment's pod template carries now. */
  runningDigest: string | null;
  /** Singleuser pods in the hub namespace (they keep running); null when not counted. */
  servers: number | null;
  /** Where the count comes from, in words. */
  serversSource: string;
  serversError?: string;
  pauseSeconds: number;
  /** What changes, in plain words (admins, sign-in, spawn limit ...). */
  changes: string[];
  /** Open exams that forbid restarting this hub (the exam hub only). */
  blockedBy: OpenExamView[];
  /** A restart left over from before waits for the end of the open exam (restarts only when forced). */
  deferred?: boolean;
  error?: string;
  /** One sentence for the preview. */
  sentence: string;
}

/** One course term on one hub, as the push would change it (lib/deployment/change-summary.ts). */
export interface TermHubChangeView {
  hub: HubName;
  /** unknown: the hub's index had no term summaries yet (pushed by an older portal), or one was unreadable. */
  state: "added" | "removed" | "changed" | "unchanged" | "unknown";
  /** Members per role whose count or list changes; `listChanged`: same count, other people. */
  members: { role: "student" | "grader" | "instructor"; before: number; after: number; listChanged: boolean }[];
  fields: TermFieldView[];
  /** The NFS mounts change (the mount changes list says how). */
  mounts: boolean;
}

export interface TermFieldView {
  field: "image" | "cpuGuarantee" | "cpuLimit" | "memGuarantee" | "memLimit";
  /** Cores, bytes or the image name. */
  before?: string | number;
  after?: string | number;
}

export interface TermChangeView {
  course: string;
  term: string;
  /** The course's title; null for a term no longer in the portal. */
  title: string | null;
  hubs: TermHubChangeView[];
}

/** Hub-wide objects by what they are for people, and what the push does with them. */
export interface HubPartView {
  hub: HubName | null;
  part: "network" | "access" | "config" | "passwords" | "namespace" | "index" | "profiles" | "other";
  action: PlanActionView;
  count: number;
  /** Up to 20 object names (kind namespace/name). */
  names: string[];
}

/** The push preview in plain words. */
export interface ChangeSummaryView {
  /** Every course term the portal offers, and every term the push takes off a hub. */
  terms: TermChangeView[];
  /** Changes that belong to a hub, not to a term. */
  hubWide: HubPartView[];
  /** What pruning deletes. */
  deletes: HubPartView[];
  /** Hubs whose index gets term summaries for the first time: their terms' changes are not known. */
  firstSummary: HubName[];
}

export interface MountChangesView {
  changes: { hub: string; profile: string; change: "added" | "removed" | "changed"; mountPath: string; before?: string; after?: string }[];
  truncated: number;
  error?: string;
}

export interface PushResultItemView {
  key: string;
  kind: string;
  namespace?: string;
  name: string;
  planAction: string | null;
  action: string;
  outcome: "ok" | "failed" | "skipped";
  applied: boolean;
  error?: string | null;
}

export interface PushOutcomeView {
  pushId: number;
  /** "running": still writing, in this process (a push whose process is gone reads as failed). */
  status: "ok" | "failed" | "running";
  error?: string | null;
  appliedCount: number;
  resultCounts: Record<string, number>;
  items: PushResultItemView[];
}

/** One object done during a push, as the push panel lists it. */
export interface PushProgressItemView {
  kind: string;
  namespace?: string;
  name: string;
  /** created, configured, unchanged, pruned, conflict, error, skipped */
  action: string;
  outcome: "ok" | "failed" | "skipped";
}

/** One line of the push stream (POST /api/cluster/push, NDJSON). */
export type PushStreamLine =
  | { type: "step"; step: "render" | "plan" }
  | { type: "apply"; total: number }
  | { type: "object"; done: number; total: number; item: PushProgressItemView }
  | { type: "done"; message: string; outcome: PushOutcomeView }
  | { type: "stale"; message: string; plan: PlanView }
  | { type: "error"; message: string };

// ---- from plans ---------------------------------------------------------------------------

const MAX_SHOWN = 600;

function show(v: unknown): string {
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}… (${text.length} chars)` : text;
}

/** Display shape of a (redacted) plan item. */
export function planItemView(it: PlanItem): PlanItemView {
  const v: PlanItemView = { key: refKey(it.ref), action: it.action, kind: it.ref.kind, name: it.ref.name };
  if (it.ref.namespace) v.namespace = it.ref.namespace;
  if (it.changes) {
    v.changes = it.changes.map((c) => {
      const out: FieldChangeView = { path: c.path };
      if ("before" in c) out.before = show(c.before);
      if ("after" in c) out.after = show(c.after);
      if (c.truncated) out.truncated = true;
      return out;
    });
  }
  if (it.conflicts?.length) v.conflicts = it.conflicts;
  if (it.error && it.action !== "conflict") v.error = explainClusterError(it.error);
  if (it.note) v.note = it.note;
  return v;
}

/** Identifies a plan: same objects, same actions, same changes, the same hubs restarted. */
export function planFingerprint(plan: PushPlan, restarts?: readonly HubRestartView[]): string {
  const redacted = redactPlan(plan);
  const items = redacted.items.map((i) => ({ a: i.action, k: refKey(i.ref), c: i.changes ?? null, f: i.conflicts ?? null, d: i.desired ?? null }));
  const r = restarts ? restartFingerprintPart(restarts) : undefined;
  return createHash("sha256").update(stableJson({ t: plan.target, l: plan.location, items, ...(r ? { r } : {}) })).digest("hex").slice(0, 32);
}

export function planView(plan: PushPlan, warnings: WarningView[] = [], restarts?: HubRestartView[]): PlanView {
  const safe = redactPlan(plan);
  return {
    target: plan.target,
    location: plan.location,
    items: safe.items.map(planItemView),
    summary: { ...plan.summary },
    fingerprint: planFingerprint(plan, restarts),
    createdAt: plan.createdAt,
    warnings,
    ...(restarts ? { hubRestarts: restarts } : {}),
  };
}

// ---- the cluster page ---------------------------------------------------------------------

/** Where pushes go, and whether it answers. */
export interface TargetView {
  kind: "cluster" | "export" | "broken";
  /** API server URL or export directory. */
  location: string;
  /** Where the credentials came from. */
  source?: string;
  /** e.g. `v1.35.4` */
  version?: string;
  /** Who the API server takes the portal for. */
  user?: string;
  checkedAt?: string;
  /** One sentence for people when something is wrong. */
  problem?: string;
  problemKind?: string;
}

/** Who may sign in to a hub, as the rendered values decide it. */
export interface HubAccessNote {
  hub: HubName;
  /**
   * "ldap", "closed" (refuses every sign-in), "exam" (one-time passwords of the open exams; every
   * sign-in refused while none is open) or "custom" (a class set in the render model).
   */
  signIn: "ldap" | "closed" | "exam" | "custom";
  /** Exam hub: the exams it holds and which are open (accept sign-ins). */
  exams?: { title: string; period: string; status: string; accounts: number }[];
  authenticator: string;
  /** Exam hub: the room networks it admits sign-ins from (empty: none). */
  rooms?: string[];
  admins: number;
}

export interface HubConfigView {
  hub: HubName;
  releaseName: string;
  namespace: string;
  host: string;
}

export interface AccessCellView {
  allowed: boolean;
  /** Why (the authorizer's reason, or why it could not be asked). */
  why?: string;
}

export interface AccessView {
  /** Null when the cluster could not be asked (unreachable, credentials rejected). */
  matrix: {
    verbs: string[];
    /** `name`: the check is for one object by name (the hub Deployment); a missing cell: not needed. */
    rows: { namespace: string; resource: string; name?: string; cells: Record<string, AccessCellView> }[];
    denied: number;
  } | null;
  /** How the API server was asked, for the card's description. */
  method: string;
  problem?: string;
}

export interface RenderView {
  /** Set when the portal's data cannot be rendered (then nothing else is). */
  error?: string;
  counts: { courses: number; terms: number; students: number; staff: number };
  objects: number;
  hubs: { hub: HubName; namespace: string; users: number; profiles: number; configMaps: number }[];
  /** Profile ConfigMaps against the 1 MiB limit. */
  configMaps: { namespace: string; name: string; bytes: number; percent: number }[];
  warnings: WarningView[];
}

export type DriftView =
  | { ok: true; summary: PlanCountsView; items: PlanItemView[]; /** objects that differ */ drift: number }
  | { ok: false; error: string };

export interface SettingsView {
  saved: boolean;
  updatedAt: Date | null;
  placeholders: string[];
  /** The settings card's flat form values. */
  form: Record<string, string>;
}

export interface HistoryRowView {
  id: number;
  retryOf: number | null;
  startedAt: Date;
  actorName: string;
  target: "cluster" | "export";
  location: string;
  status: "ok" | "failed" | "running";
  created: number;
  changed: number;
  pruned: number;
  written: number;
}

export interface HistoryView {
  rows: HistoryRowView[];
  page: number;
  pages: number;
  total: number;
}

/** Everything the cluster page shows; the slow parts (asking the cluster) as promises. */
export interface ClusterPageView {
  target: TargetView;
  hubs: HubConfigView[];
  /** Who may sign in to each hub; null when the data does not render. */
  hubAccess: HubAccessNote[] | null;
  /** The installed chart values against the rendered ones; null when the data does not render. */
  hubValues: Promise<HubValuesView> | null;
  /** Null for the export target. */
  access: Promise<AccessView> | null;
  render: RenderView;
  /** Null when the data does not render (nothing to compare). */
  drift: Promise<DriftView> | null;
  settings: SettingsView;
  history: HistoryView;
}

// ---- exam pushes: the exam pages' push dialogs ------------------------------------------

export type ExamPushPreviewView =
  | {
      ok: true;
      /** The exam hub's objects (its namespace) as the push would change them. */
      plan: PlanView;
      /** Plan and password Secret content: the push is refused when either differs. */
      fingerprint: string;
      /** What changes on the hub, in words (from the password Secret before and after). */
      hubChanges: string[];
      namespace: string;
    }
  | { ok: false; error: string };

export interface ExamPushOutcomeView {
  pushId: number;
  status: "ok" | "failed";
  appliedCount: number;
  message: string;
}

/** Whether the exam hub has this exam's current data. */
export interface ExamHubStatusView {
  /** The exam's data is on the hub: the revision it got equals the current one. */
  current: boolean;
  /** The revision the hub last got, when, and with which push; null: never. */
  revision: number | null;
  pushedAt: Date | null;
  pushId: number | null;
}

/** The chart values of every hub against the installed ones, and what the portal changes on its own. */
export type HubValuesView =
  | { ok: true; drift: HubDriftView[] }
  | { ok: false; error: string };

/** The chart values of one hub: installed (live hub Deployment) against rendered now. */
export interface HubDriftView {
  hub: HubName;
  namespace: string;
  release: string;
  /**
   * up-to-date: the installed values are the current ones; out-of-date: helm upgrade needed;
   * not-installed: no hub Deployment; no-digest: installed without the portal's values;
   * export: no cluster to compare with; unknown: the Deployment could not be read.
   */
  state: "up-to-date" | "out-of-date" | "not-installed" | "no-digest" | "export" | "unknown";
  currentDigest: string;
  installedDigest: string | null;
  /** Out of date since (ISO): when the portal first rendered values other than the installed ones. */
  since: string | null;
  /** What changed since the installed values, in plain words. */
  reasons: string[];
  /** The installed values are ones this portal rendered (so `since` and `reasons` are known). */
  known?: boolean;
  helmCommand: string;
  error?: string;
}
