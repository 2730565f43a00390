/**
 * Cluster bench: push the same objects to a real kube-apiserver two ways in one run.
 *
 *   portal    lib/cluster: planPush (one metadata LIST per kind and namespace, dry run + diff of
 *             what may differ), then applyPush (server-side apply phase by phase with bounded
 *             concurrency, prune on); the repeated push gets what the first one applied
 *             (`lastApplied`, as lib/deployment loads it from the database)
 *   portal, as pushed   what an admin's push does on top: the preview's plan (plan-create), then
 *             the push itself plans again (it refuses a plan that differs from the preview), starts
 *             the push journal in a SQLite file and notes every object in it as it is applied
 *             (lib/deployment/history.ts), as executePush does (push-create; its own fresh API server)
 *   kubectl   the same objects as one YAML bundle: `kubectl diff --server-side`, then
 *             `kubectl apply --server-side` (no prune), built from the same Kubernetes release
 *
 * Each contender runs on a fresh API server (e2e/services/kube.ts), twice: a first push that
 * creates everything, then a converged push where nothing changes.
 *
 * Workloads:
 *   rendered   lib/render's largeModel() (profile ConfigMap shards near the 1 MiB limit,
 *              NetworkPolicies, RBAC for three hubs); its ratios include building the model and
 *              rendering it (its render-* phases)
 *   many-<n>   n small ConfigMaps in one namespace, for each n of BENCH_OBJECTS (default 300,3000)
 *
 * Environment: BENCH_OBJECTS (comma list), BENCH_REPEAT (runs per contender; the fastest
 * counts, default 3), BENCH_WORKLOADS (comma list, default "rendered,many"; "many" stands for
 * every many-<n>), BENCH_CONCURRENCY (the portal's requests in flight, default lib/cluster's).
 * Results also go to bench/.out/cluster-<time>.json.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { kubeBinary, startKubeApiServer } from "../../e2e/services/kube";
import { appliedStateChanges, applyPush, connectCluster, planPush, redactPlan, toYamlBundle, type KubeObject, type PushTarget } from "../../lib/cluster";
import { endPushRecord, startPushJournal } from "../../lib/deployment/history";
import { forgetRender, renderCached } from "../../lib/deployment/render-cache";
import { openDb } from "../../lib/db/open";
import { renderAll } from "../../lib/render";
import { largeModel } from "../../lib/render/fixtures";

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, "../..");
const num = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const OBJECTS = (process.env.BENCH_OBJECTS ?? "300,3000").split(",").map(Number).filter((n) => n > 0);
const REPEAT = Math.max(1, num("BENCH_REPEAT", 3));
const CONCURRENCY = process.env.BENCH_CONCURRENCY ? num("BENCH_CONCURRENCY", 8) : undefined;
const WORKLOADS = (process.env.BENCH_WORKLOADS ?? "rendered,many")
  .split(",")
  .map((s) => s.trim())
  .flatMap((w) => (w === "many" ? OBJECTS.map((n) => `many-${n}`) : [w]));

type Phase = "render-create" | "plan-create" | "apply-create" | "render-converged" | "plan-converged" | "apply-converged" | "push-create";
type Timing = Record<Phase, number>;

/**
 * The portal's work before a push of the "rendered" workload, in ms: building the model (the
 * fixture stands in for the database read), then lib/deployment's render (render-cache.ts): `cold`
 * renders (a first push, or data changed since the last render), `same` finds the input's digest
 * equal to the last render's and reuses it (a push with nothing changed, a push after its preview).
 * Timed inside each portal run, right before its plan, so that the machine's load is the same.
 */
function renderTime(kind: "cold" | "same"): number {
  if (kind === "cold") forgetRender();
  const t = performance.now();
  renderCached(largeModel());
  return performance.now() - t;
}

function workload(name: string): KubeObject[] {
  if (name === "rendered") return renderAll(largeModel()).objects;
  const many = /^many-(\d+)$/.exec(name);
  if (many) {
    return [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "bench" } },
      ...Array.from({ length: Number(many[1]) }, (_, i) => ({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `cm-${String(i).padStart(5, "0")}`, namespace: "bench" },
        data: { index: String(i), payload: "x".repeat(512) },
      })),
    ];
  }
  throw new Error(`unknown workload ${name}`);
}

async function ms<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const v = await f();
  return [performance.now() - t, v];
}

/** kubectl diff cannot dry-run objects in a namespace that does not exist: both contenders get them first, untimed. */
async function precreateNamespaces(kubeconfigPath: string, objects: KubeObject[]) {
  const conn = connectCluster({ kubeconfigPath });
  const names = new Set(objects.map((o) => o.metadata.namespace).filter((n): n is string => !!n));
  for (const name of names) await conn.request("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name } } });
  conn.close();
}

/** A fresh API server with the workload's namespaces, a connection to it as a push target, stopped afterwards. */
async function onFreshApiServer<T>(objects: KubeObject[], f: (target: Extract<PushTarget, { kind: "cluster" }>, kubeconfigPath: string) => Promise<T>): Promise<T> {
  const kube = await startKubeApiServer();
  await precreateNamespaces(kube.kubeconfigPath, objects);
  const conn = connectCluster({ kubeconfigPath: kube.kubeconfigPath });
  try {
    return await f({ kind: "cluster", connection: conn }, kube.kubeconfigPath);
  } finally {
    conn.close();
    await kube.stop();
  }
}

async function portal(objects: KubeObject[], rendered: boolean): Promise<Timing> {
  const concurrency = CONCURRENCY;
  return onFreshApiServer(objects, async (target) => {
    const r1ms = rendered ? renderTime("cold") : 0;
    const [p1, plan1] = await ms(() => planPush(objects, { target, concurrency }));
    const [a1, r1] = await ms(() => applyPush(plan1, { target, prune: true, concurrency }));
    if (!r1.ok || r1.applied.length !== objects.length) throw new Error(`portal: first push failed: ${JSON.stringify(r1.aborted ?? r1.items.find((i) => i.error))}`);
    const lastApplied = appliedStateChanges(r1).remember;
    const r2ms = rendered ? renderTime("same") : 0;
    const [p2, plan2] = await ms(() => planPush(objects, { target, concurrency, lastApplied }));
    if (plan2.summary.unchanged !== objects.length) throw new Error(`portal: not converged: ${JSON.stringify(plan2.summary)}`);
    const [a2, r2] = await ms(() => applyPush(plan2, { target, prune: true, concurrency }));
    if (r2.applied.length !== 0) throw new Error("portal: converged push wrote something");
    return { "render-create": r1ms, "plan-create": p1, "apply-create": a1, "render-converged": r2ms, "plan-converged": p2, "apply-converged": a2, "push-create": 0 };
  });
}

/** A first push as an admin makes it (executePush's steps): the preview, then the push's own plan, the journal and the apply. */
async function portalAsPushed(objects: KubeObject[], rendered: boolean): Promise<Timing> {
  const concurrency = CONCURRENCY;
  return onFreshApiServer(objects, async (target) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "e2x-bench-db-"));
    const db = openDb(path.join(dir, "portal.db"));
    try {
      const r1ms = rendered ? renderTime("cold") : 0;
      const [p1] = await ms(() => planPush(objects, { target, concurrency }));
      let journalId: number | undefined;
      const [x1, r1] = await ms(async () => {
        const plan = await planPush(objects, { target, concurrency });
        const journal = startPushJournal(db, { id: null, username: "bench" }, () => {}, {
          request: { prune: true, forceConflicts: false },
          startedAt: new Date(),
          target: "cluster",
          location: target.connection.server,
          renderSummary: { objects: objects.length },
          plan: redactPlan(plan),
        });
        journalId = journal.id;
        return applyPush(plan, { target, prune: true, concurrency, onItem: (item) => journal.note(item) });
      });
      endPushRecord(journalId);
      if (!r1.ok || r1.applied.length !== objects.length) throw new Error(`portal, as pushed: first push failed: ${JSON.stringify(r1.aborted ?? r1.items.find((i) => i.error))}`);
      return { "render-create": r1ms, "plan-create": p1, "apply-create": 0, "render-converged": 0, "plan-converged": 0, "apply-converged": 0, "push-create": x1 };
    } finally {
      db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

async function kubectl(objects: KubeObject[]): Promise<Timing> {
  return onFreshApiServer(objects, (_target, kubeconfigPath) => kubectlOn(kubeconfigPath, objects));
}

async function kubectlOn(kubeconfigPath: string, objects: KubeObject[]): Promise<Timing> {
  const bin = kubeBinary("kubectl");
  const dir = mkdtempSync(path.join(os.tmpdir(), "e2x-bench-"));
  const bundle = path.join(dir, "bundle.yaml");
  writeFileSync(bundle, toYamlBundle(objects));
  const kc = ["--kubeconfig", kubeconfigPath];
  // kubectl diff exits 1 when there are differences.
  const diff = () =>
    run(bin, [...kc, "diff", "--server-side", "--field-manager=e2x-portal", "-f", bundle], { maxBuffer: 1 << 30 }).then(
      (r) => r.stdout,
      (e: { code?: number; stdout?: string; stderr?: string }) => {
        if (e.code === 1) return e.stdout ?? "";
        throw new Error(`kubectl diff: ${e.stderr}`);
      },
    );
  const apply = () => run(bin, [...kc, "apply", "--server-side", "--field-manager=e2x-portal", "-f", bundle], { maxBuffer: 1 << 30 });
  try {
    const [p1] = await ms(diff);
    const [a1, out1] = await ms(apply);
    if (out1.stdout.split("\n").filter((l) => l.includes("serverside-applied")).length !== objects.length) {
      throw new Error(`kubectl: first apply: ${out1.stdout.slice(0, 500)}`);
    }
    const [p2, d2] = await ms(diff);
    if (d2.trim() !== "") throw new Error(`kubectl: not converged: ${d2.slice(0, 500)}`);
    const [a2] = await ms(apply);
    return { "render-create": 0, "plan-create": p1, "apply-create": a1, "render-converged": 0, "plan-converged": p2, "apply-converged": a2, "push-create": 0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CONTENDERS: Record<string, (objects: KubeObject[], rendered: boolean) => Promise<Timing>> = { portal, "portal, as pushed": portalAsPushed, kubectl };

async function main() {
  const results: Record<string, { objects: number; bytes: number; contenders: Record<string, Timing & { runs: Timing[] }> }> = {};
  for (const w of WORKLOADS) {
    const objects = workload(w);
    const bytes = JSON.stringify(objects).length;
    results[w] = { objects: objects.length, bytes, contenders: {} };
    for (const [name, f] of Object.entries(CONTENDERS)) {
      const runs: Timing[] = [];
      for (let i = 0; i < REPEAT; i++) runs.push(await f(objects, w === "rendered"));
      const best = Object.fromEntries(
        (Object.keys(runs[0]) as Phase[]).map((k) => [k, Math.min(...runs.map((r) => r[k]))]),
      ) as Timing;
      results[w].contenders[name] = { ...best, runs };
    }
  }

  const phases: Phase[] = ["render-create", "plan-create", "apply-create", "render-converged", "plan-converged", "apply-converged", "push-create"];
  console.log(`\nCluster push, fastest of ${REPEAT} (ms), fresh kube-apiserver per run\n`);
  console.log(["workload", "objects", "contender", ...phases].map((s) => s.padEnd(19)).join(""));
  for (const [w, r] of Object.entries(results)) {
    for (const [c, t] of Object.entries(r.contenders)) {
      console.log([w, String(r.objects), c, ...phases.map((p) => t[p].toFixed(0))].map((s) => s.padEnd(19)).join(""));
    }
  }
  // portal time / kubectl time (below 1: the portal is faster), each workload in this same run
  const ratios: Record<string, Record<string, number>> = {};
  for (const [w, r] of Object.entries(results)) {
    const p = r.contenders.portal;
    const k = r.contenders.kubectl;
    if (!p || !k) continue;
    // the portal builds the model, renders, previews (dry run) and applies; kubectl diffs and applies the same manifests
    ratios[w] = {
      "first push (plan+apply / diff+apply)": (p["render-create"] + p["plan-create"] + p["apply-create"]) / (k["plan-create"] + k["apply-create"]),
      "repeated push, nothing changed (plan+apply / diff+apply)": (p["render-converged"] + p["plan-converged"] + p["apply-converged"]) / (k["plan-converged"] + k["apply-converged"]),
      "first apply (apply / apply)": (p["render-create"] + p["apply-create"]) / k["apply-create"],
    };
    const u = r.contenders["portal, as pushed"];
    // the admin's first push: render, preview, then the push (its own plan, the journal, the apply)
    if (u) ratios[w]["first push as an admin makes it (preview+push / diff+apply)"] = (u["render-create"] + u["plan-create"] + u["push-create"]) / (k["plan-create"] + k["apply-create"]);
  }
  if (results.rendered) console.log("\nrendered: the portal's render-* phases build the model and render it (render-converged: input unchanged, the last render reused); counted in its ratios");
  console.log("portal time / kubectl time (below 1: the portal is faster)\n");
  const columns = Object.keys(Object.values(ratios)[0] ?? {});
  console.log(["workload".padEnd(12), ...columns.map((c) => c.padStart(c.length + 3))].join(""));
  for (const [w, r] of Object.entries(ratios)) console.log([w.padEnd(12), ...columns.map((c) => (r[c] ?? NaN).toFixed(2).padStart(c.length + 3))].join(""));
  const outDir = path.join(REPO, "bench/.out");
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `cluster-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify({ repeat: REPEAT, cores: os.cpus().length, concurrency: CONCURRENCY ?? "default", results, ratios }, null, 2));
  console.log(`\n${file}`);
}

await main();
