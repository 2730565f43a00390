/** Field-level comparison of two versions of one Kubernetes object. */
import { createHash } from "node:crypto";
import type { FieldChange, KubeObject, ObjectRef } from "./types";

/** Metadata the server maintains; never a difference the portal caused. */
const IGNORED_METADATA = ["managedFields", "resourceVersion", "generation", "uid", "creationTimestamp", "selfLink"];

export const REDACTED = "(redacted)";

/** A copy without server-maintained fields (status, managedFields, resourceVersion, ...). */
export function normalizeObject(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...obj };
  delete out.status;
  const meta = { ...((obj.metadata as Record<string, unknown>) ?? {}) };
  for (const k of IGNORED_METADATA) delete meta[k];
  for (const [k, v] of Object.entries(meta)) {
    // An empty map the server may or may not echo back is no difference.
    if (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0) delete meta[k];
  }
  out.metadata = meta;
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

function pathKey(base: string, key: string): string {
  if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${JSON.stringify(key)}]`;
}

function walk(before: unknown, after: unknown, path: string, out: FieldChange[]) {
  if (deepEqual(before, after)) return;
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const k of keys) walk(before[k], after[k], pathKey(path, k), out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    before.forEach((b, i) => walk(b, after[i], `${path}[${i}]`, out));
    return;
  }
  const change: FieldChange = { path };
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  out.push(change);
}

function isSecretValuePath(path: string): boolean {
  return /^(data|stringData)([.[]|$)/.test(path);
}

function redact(v: unknown): unknown {
  if (isPlainObject(v)) return Object.fromEntries(Object.keys(v).map((k) => [k, REDACTED]));
  return v === undefined ? undefined : REDACTED;
}

/** Longest value a FieldChange carries as is; longer ones are shortened (see shorten). */
export const MAX_VALUE_CHARS = 1024;

/**
 * A long value (a profile shard is close to 1 MiB) shortened to its start plus its length and
 * digest, so plans stay small enough to store and show.
 */
function shorten(v: unknown, max: number): { value: unknown; truncated: boolean } {
  if (v === undefined) return { value: v, truncated: false };
  const text = typeof v === "string" ? v : JSON.stringify(v);
  if (text.length <= max) return { value: v, truncated: false };
  const digest = createHash("sha256").update(text).digest("hex").slice(0, 12);
  return { value: `${text.slice(0, 200)}… (${text.length} chars, sha256 ${digest})`, truncated: true };
}

/**
 * Changed field paths between a live object and the object it would become, ignoring
 * server-maintained fields. Secret values are redacted (the paths still show which keys change);
 * values longer than `maxValueChars` are shortened and the change marked `truncated`.
 */
export function diffObjects(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  { maxValueChars = MAX_VALUE_CHARS }: { maxValueChars?: number } = {},
): FieldChange[] {
  const out: FieldChange[] = [];
  walk(normalizeObject(before), normalizeObject(after), "", out);
  for (const c of out) {
    for (const side of ["before", "after"] as const) {
      if (!(side in c)) continue;
      const r = shorten(c[side], maxValueChars);
      if (r.truncated) {
        c[side] = r.value;
        c.truncated = true;
      }
    }
  }
  const kind = (after.kind ?? before.kind) as string | undefined;
  if (kind === "Secret") {
    for (const c of out) {
      if (!isSecretValuePath(c.path)) continue;
      if ("before" in c) c.before = redact(c.before);
      if ("after" in c) c.after = redact(c.after);
    }
  }
  return out;
}

export function refOf(obj: Pick<KubeObject, "apiVersion" | "kind" | "metadata">): ObjectRef {
  const ref: ObjectRef = { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata?.name };
  if (obj.metadata?.namespace) ref.namespace = obj.metadata.namespace;
  return ref;
}

/** API group of an apiVersion (`""` for the core group). */
export function groupOf(apiVersion: string): string {
  return apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
}

/** Identity of an object across versions of its API: group/kind/namespace/name. */
export function refKey(ref: ObjectRef): string {
  return `${groupOf(ref.apiVersion)}/${ref.kind}/${ref.namespace ?? ""}/${ref.name}`;
}

export function refString(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}

/**
 * A copy of a plan safe to store or show: Secret values in `desired` are replaced by
 * "(redacted)" (the diff already is). A redacted plan cannot be applied; apply the original
 * or re-plan from the rendered objects.
 */
export function redactPlan<P extends { items: { desired?: KubeObject }[] }>(plan: P): P {
  return {
    ...plan,
    items: plan.items.map((it) => {
      if (!it.desired || it.desired.kind !== "Secret") return it;
      const d: KubeObject = { ...it.desired };
      for (const k of ["data", "stringData"]) if (d[k] !== undefined) d[k] = redact(d[k]);
      return { ...it, desired: d, redacted: true };
    }),
  };
}
