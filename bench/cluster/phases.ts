/**
 * Where a first push spends its time: the portal's own steps timed one by one (render, the
 * preparation of the objects, digests) and the requests of its plan and apply counted and timed
 * by kind, against a fresh real kube-apiserver. Complements run.ts (which compares with kubectl).
 *
 *   bash scripts/provision/kube.sh   # once: the API server and kubectl
 *   npx tsx --conditions=react-server bench/cluster/phases.ts [rendered|many-300|many-<n>]
 *   node --import tsx --conditions=react-server --cpu-prof bench/cluster/phases.ts rendered
 *                                    # the same with a CPU profile of the portal's side
 * Timings are single runs on this machine: for where the time goes, not for comparisons.
 */
import { startKubeApiServer } from "../../e2e/services/kube";
import { applyPush, connectCluster, objectDigest, planPush, type ClusterConnection, type KubeObject } from "../../lib/cluster";
import { forgetRender, renderCached, renderInputDigest } from "../../lib/deployment/render-cache";
import { buildHubProfileData, parseRenderModel, renderAll, renderProfileConfigMaps } from "../../lib/render";
import { largeModel } from "../../lib/render/fixtures";

const name = process.argv[2] ?? "rendered";

function t<T>(label: string, f: () => T): T {
  const s = performance.now();
  const v = f();
  console.log(`${label.padEnd(40)} ${(performance.now() - s).toFixed(1).padStart(8)} ms`);
  return v;
}

function objectsOf(w: string): KubeObject[] {
  if (w === "rendered") return renderAll(largeModel()).objects;
  const n = Number(/^many-(\d+)$/.exec(w)?.[1]);
  return [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "bench" } },
    ...Array.from({ length: n }, (_, i) => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `cm-${String(i).padStart(5, "0")}`, namespace: "bench" },
      data: { index: String(i), payload: "x".repeat(512) },
    })),
  ];
}

/** The connection with every request counted and timed per method and resource. */
function counted(conn: ClusterConnection) {
  const stats = new Map<string, { n: number; ms: number; bytes: number }>();
  const request: ClusterConnection["request"] = async (method, path, opts) => {
    const key = `${method} ${path.replace(/\/namespaces\/[^/]+/, "/namespaces/*").replace(/\/(configmaps|secrets|roles|rolebindings|networkpolicies|serviceaccounts)\/[^/?]+/, "/$1/*")}${opts?.query?.dryRun ? " (dry run)" : ""}`;
    const s = performance.now();
    try {
      return await conn.request(method, path, opts);
    } finally {
      const st = stats.get(key) ?? { n: 0, ms: 0, bytes: 0 };
      st.n++;
      st.ms += performance.now() - s;
      st.bytes += opts?.body ? JSON.stringify(opts.body).length : 0;
      stats.set(key, st);
    }
  };
  const report = (label: string) => {
    console.log(`  requests of ${label} (count, summed latency, body bytes):`);
    for (const [k, v] of [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms)) console.log(`    ${k.padEnd(70)} ${String(v.n).padStart(5)} ${v.ms.toFixed(0).padStart(7)} ms ${v.bytes}`);
    stats.clear();
  };
  return { conn: { ...conn, request } as ClusterConnection, report };
}

if (name === "rendered") {
  const model = t("largeModel() (fixture)", () => largeModel());
  t("renderInputDigest", () => renderInputDigest(model));
  const parsed = t("parseRenderModel (zod)", () => parseRenderModel(model));
  for (const hub of ["assignment", "grading"] as const) {
    const data = t(`buildHubProfileData ${hub}`, () => buildHubProfileData(parsed, hub));
    t(`renderProfileConfigMaps ${hub}`, () => renderProfileConfigMaps(data, `e2x-${hub}`));
  }
  t("renderAll", () => renderAll(model));
  forgetRender();
  t("renderCached (cold: digest+render+freeze)", () => renderCached(model));
}
const objects = t(`objects of ${name}`, () => objectsOf(name));
console.log(`${objects.length} objects, ${JSON.stringify(objects).length} bytes`);
t("objectDigest of all", () => objects.map(objectDigest));

const kube = await startKubeApiServer();
const raw = connectCluster({ kubeconfigPath: kube.kubeconfigPath });
for (const ns of new Set(objects.map((o) => o.metadata.namespace).filter(Boolean))) {
  await raw.request("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } } });
}
const { conn, report } = counted(raw);
const target = { kind: "cluster" as const, connection: conn };
try {
  let s = performance.now();
  const plan = await planPush(objects, { target });
  console.log(`${"plan".padEnd(40)} ${(performance.now() - s).toFixed(1).padStart(8)} ms  ${JSON.stringify(plan.summary)}`);
  report("plan");
  s = performance.now();
  let progress = 0;
  const r = await applyPush(plan, { target, prune: true, onItem: () => void progress++ });
  console.log(`${"apply".padEnd(40)} ${(performance.now() - s).toFixed(1).padStart(8)} ms  ok=${r.ok} applied=${r.applied.length} progress=${progress}`);
  report("apply");
} finally {
  raw.close();
  await kube.stop();
}
