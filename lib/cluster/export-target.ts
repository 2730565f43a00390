/**
 * The export target, used when no cluster is configured: the same plan/apply as a cluster
 * push, but objects are YAML files `<dir>/<namespace>/<kind>-<name>.yaml` (cluster-scoped
 * objects under `_cluster/`), compared with what the files hold now.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { parse, parseAllDocuments, stringify } from "yaml";
import { diffObjects, refKey } from "./diff";
import { prepareObjects, pruneScopeOf, matchesSelector } from "./objects";
import { summarize } from "./summary";
import {
  FIELD_MANAGER,
  LABEL_MANAGED_BY,
  MANAGED_BY,
  type ApplyItem,
  type ApplyOptions,
  type ClusterErrorInfo,
  type KubeObject,
  type ObjectRef,
  type PlanItem,
  type PushOptions,
  type PushPlan,
  type PushResult,
} from "./types";

export const CLUSTER_SCOPED_DIR = "_cluster";

/** Default export directory: `${E2X_DATA_DIR:-.data}/export`. */
export function defaultExportDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.E2X_DATA_DIR || ".data", "export");
}

/** File of an object inside an export directory. */
export function exportPath(dir: string, ref: Pick<ObjectRef, "kind" | "namespace" | "name">): string {
  return path.join(dir, ref.namespace || CLUSTER_SCOPED_DIR, `${ref.kind.toLowerCase()}-${ref.name}.yaml`);
}

/** One YAML document for one object (stable: the same object always gives the same text). */
export function toYaml(obj: KubeObject): string {
  return stringify(obj, { lineWidth: 0 });
}

/**
 * A single multi-document YAML bundle of the objects, with the portal's labels, in apply order
 * (for `kubectl apply --server-side -f`, or to hand to cluster administrators).
 */
export function toYamlBundle(objects: readonly KubeObject[], opts: Pick<PushOptions, "labels"> = {}): string {
  const { objects: prepared, rejected } = prepareObjects(objects, opts);
  if (rejected.length) {
    throw new Error(`Cannot bundle: ${rejected.map((r) => `${r.ref.kind || "?"} ${r.ref.name || "?"}: ${r.error.message}`).join("; ")}`);
  }
  return prepared.map((p) => `---\n${toYaml(p.desired)}`).join("");
}

/** Parses a multi-document YAML bundle back into objects (empty documents skipped). */
export function parseYamlBundle(text: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(doc.errors[0].message);
    const v = doc.toJS() as KubeObject | null;
    if (v) out.push(v);
  }
  return out;
}

function ioError(e: unknown, what: string): ClusterErrorInfo {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === "ENOSPC" || code === "EDQUOT") {
    return { kind: "io", message: `The disk of the export directory is full (${code}) while writing ${what}. Nothing in the export directory was changed; free some space and push again.`, text: { key: "exportDiskFull", values: { code, what } } };
  }
  return { kind: "io", message: `${what}: ${e instanceof Error ? e.message : String(e)}`, text: { key: "exportWrite", values: { what, detail: e instanceof Error ? e.message : String(e) } } };
}

async function readObjectFile(file: string): Promise<KubeObject | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  const v = parse(text) as KubeObject | null;
  return v && typeof v === "object" ? v : ({} as KubeObject);
}

async function findPrunableFiles(
  dir: string,
  desiredKeys: Set<string>,
  scope: NonNullable<ReturnType<typeof pruneScopeOf>>,
): Promise<{ ref: ObjectRef; file: string }[]> {
  const kinds = new Set(scope.kinds.map((k) => k.kind));
  const out: { ref: ObjectRef; file: string }[] = [];
  for (const ns of scope.namespaces) {
    let names: string[];
    try {
      names = await readdir(path.join(dir, ns));
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      if (!name.endsWith(".yaml")) continue;
      const file = path.join(dir, ns, name);
      let obj: KubeObject | null;
      try {
        obj = await readObjectFile(file);
      } catch {
        continue; // not ours to judge
      }
      if (!obj?.metadata?.name || !kinds.has(obj.kind)) continue;
      if (obj.metadata.labels?.[LABEL_MANAGED_BY] !== MANAGED_BY || !matchesSelector(obj.metadata.labels, scope.selector)) continue;
      const ref: ObjectRef = { apiVersion: obj.apiVersion, kind: obj.kind, namespace: ns, name: obj.metadata.name };
      if (!desiredKeys.has(refKey(ref))) out.push({ ref, file });
    }
  }
  return out;
}

export async function planExportPush(dir: string, objects: readonly KubeObject[], opts: PushOptions = {}): Promise<PushPlan> {
  const { objects: prepared, rejected } = prepareObjects(objects, opts);
  const items: PlanItem[] = rejected.map((r) => ({ action: "error", ref: r.ref, desired: r.desired, error: r.error }));
  for (const p of prepared) {
    try {
      const existing = await readObjectFile(exportPath(dir, p.ref));
      if (!existing) {
        items.push({ action: "create", ref: p.ref, desired: p.desired });
        continue;
      }
      const changes = diffObjects(existing, p.desired);
      items.push(changes.length ? { action: "change", ref: p.ref, desired: p.desired, changes } : { action: "unchanged", ref: p.ref, desired: p.desired });
    } catch (e) {
      items.push({ action: "error", ref: p.ref, desired: p.desired, error: ioError(e, exportPath(dir, p.ref)) });
    }
  }
  const scope = pruneScopeOf(prepared, opts);
  if (scope) {
    for (const c of await findPrunableFiles(dir, new Set(prepared.map((p) => p.key)), scope)) {
      items.push({ action: "prune", ref: c.ref });
    }
  }
  return {
    target: "export",
    location: dir,
    fieldManager: opts.fieldManager ?? FIELD_MANAGER,
    pruneScope: scope ? { namespaces: scope.namespaces, selector: scope.selector } : null,
    items,
    summary: summarize(items),
    createdAt: new Date().toISOString(),
  };
}

/**
 * Writes the plan into the export directory, all or nothing as far as the disk goes: every
 * changed file is first written beside its place (`.<name>.yaml.new`), and only when all of
 * them are written are they renamed into place and the pruned files removed. A full disk
 * while staging removes what was staged and leaves the previous export exactly as it was; the
 * push then stops with that error. A failure of one file (say, a directory in its place) fails
 * that object only.
 */
const DISK_FULL = new Set(["ENOSPC", "EDQUOT", "EROFS", "EIO"]);

export async function applyExportPush(dir: string, input: PushPlan | readonly KubeObject[], opts: ApplyOptions): Promise<PushResult> {
  const startedAt = new Date().toISOString();
  const items: ApplyItem[] = [];
  const applied: ObjectRef[] = [];
  const plan = Array.isArray(input) ? await planExportPush(dir, input as readonly KubeObject[], opts) : (input as PushPlan);

  const order = [...plan.items].sort((a, b) => (a.action === "prune" ? 1 : 0) - (b.action === "prune" ? 1 : 0));
  const done = (item: ApplyItem) => {
    items.push(item);
    opts.onItem?.(item, { done: items.length, total: order.length });
  };
  const staged: { ref: ObjectRef; file: string; tmp: string; created: boolean }[] = [];
  const prunes: ObjectRef[] = [];
  let aborted: ClusterErrorInfo | undefined;
  const unstage = async () => {
    await Promise.all(staged.map((s) => rm(s.tmp, { force: true })));
  };

  for (const it of order) {
    if (aborted) {
      done({ action: "skipped", ref: it.ref });
      continue;
    }
    const file = exportPath(dir, it.ref);
    if (it.action === "prune") {
      prunes.push(it.ref);
      continue;
    }
    if (!it.desired || it.redacted || (it.action === "error" && it.error?.kind === "invalid")) {
      const error = it.redacted ? { kind: "invalid" as const, message: "This plan item was redacted; plan again to apply it.", text: { key: "redacted" as const } } : it.error;
      done({ action: "error", ref: it.ref, error });
      continue;
    }
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.new`);
    try {
      const text = toYaml(it.desired);
      let current: string | null = null;
      try {
        current = await readFile(file, "utf8");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      }
      if (current === text) {
        done({ action: "unchanged", ref: it.ref });
        continue;
      }
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(tmp, text, { mode: it.ref.kind === "Secret" ? 0o600 : 0o644 });
      staged.push({ ref: it.ref, file, tmp, created: current === null });
    } catch (e) {
      await rm(tmp, { force: true });
      if (DISK_FULL.has((e as NodeJS.ErrnoException).code ?? "")) {
        await unstage();
        aborted = ioError(e, file);
        done({ action: "error", ref: it.ref, error: aborted });
      } else done({ action: "error", ref: it.ref, error: ioError(e, file) }); // this object only
    }
  }
  if (aborted) {
    // nothing was changed: what was staged is gone, the rest was never tried
    for (const s of staged) done({ action: "skipped", ref: s.ref });
    for (const ref of prunes) done({ action: "skipped", ref });
    return { target: "export", location: dir, items, applied, ok: false, aborted, startedAt, finishedAt: new Date().toISOString() };
  }
  for (const s of staged) {
    try {
      await rename(s.tmp, s.file);
      done({ action: s.created ? "created" : "configured", ref: s.ref });
      applied.push(s.ref);
    } catch (e) {
      await rm(s.tmp, { force: true });
      done({ action: "error", ref: s.ref, error: ioError(e, s.file) });
    }
  }
  for (const ref of prunes) {
    if (!opts.prune) {
      done({ action: "skipped", ref });
      continue;
    }
    const file = exportPath(dir, ref);
    try {
      await rm(file);
      done({ action: "pruned", ref });
      applied.push(ref);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") done({ action: "unchanged", ref });
      else done({ action: "error", ref, error: ioError(e, file) });
    }
  }
  const ok = items.every((i) => i.action !== "error" && i.action !== "conflict");
  return { target: "export", location: dir, items, applied, ok, startedAt, finishedAt: new Date().toISOString() };
}
