// The API server goes away in the middle of a push: the push stops with a clear error and
// lists exactly what it wrote; after a restart (same etcd data) a retry converges, creating
// each missing object once and leaving the written ones alone. The push writes several
// objects at once (DEFAULT_CONCURRENCY): that many may be in flight when the server dies.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKubeApiServer, type KubeApiServer } from "@/e2e/services/kube";
import { applyPush, connectCluster, refKey, type ClusterConnection, type KubeObject, type PushTarget } from "@/lib/cluster";
import { DEFAULT_CONCURRENCY } from "@/lib/cluster/limit";

let kube: KubeApiServer;
let conn: ClusterConnection;

beforeAll(async () => {
  kube = await startKubeApiServer();
  conn = connectCluster({ kubeconfigPath: kube.kubeconfigPath });
});

afterAll(async () => {
  conn?.close();
  await kube?.stop({ keepState: false });
});

async function listNames(c: ClusterConnection): Promise<{ name: string; uid: string }[]> {
  const r = await c.request<{ items: { metadata: { name: string; uid: string } }[] }>("GET", "/api/v1/namespaces/hub-x/configmaps", {
    query: { labelSelector: "app.kubernetes.io/managed-by=e2x-portal" },
  });
  return r.body.items.map((i) => ({ name: i.metadata.name, uid: i.metadata.uid }));
}

describe("API server stopped mid-push", () => {
  it("stops with a clear error, lists what was applied, and a retry converges", async () => {
    const N = 500;
    const desired: KubeObject[] = [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "hub-x" } },
      ...Array.from({ length: N }, (_, i) => ({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `shard-${String(i).padStart(3, "0")}`, namespace: "hub-x" },
        data: { index: String(i) },
      })),
    ];
    const target: PushTarget = { kind: "cluster", connection: conn };

    // A second client watches the progress and kills the server once some objects exist.
    const watcher = connectCluster({ kubeconfigPath: kube.kubeconfigPath });
    const pushing = applyPush(desired, { target, prune: true });
    let killedAt = -1;
    try {
      for (let i = 0; i < 2000 && killedAt < 0; i++) {
        await new Promise((r) => setTimeout(r, 10));
        const n = await listNames(watcher).then((l) => l.length, () => 0);
        if (n >= 20) {
          await kube.kill();
          killedAt = n;
        }
      }
    } finally {
      watcher.close();
    }
    expect(killedAt).toBeGreaterThanOrEqual(20);
    const result = await pushing;

    expect(result.ok).toBe(false);
    expect(result.aborted?.kind).toBe("unreachable");
    expect(result.aborted?.message).toMatch(/^The API server at https:\/\/127\.0\.0\.1:\d+ is unreachable/);
    const byAction = (a: string) => result.items.filter((i) => i.action === a);
    // Every object is accounted for: written, those in flight that failed, and the rest skipped.
    expect(result.items.length).toBe(N + 1);
    const failed = byAction("error");
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed.length).toBeLessThanOrEqual(DEFAULT_CONCURRENCY);
    expect(failed.every((i) => i.error?.kind === "unreachable")).toBe(true);
    expect(byAction("created").length).toBe(result.applied.length);
    expect(byAction("skipped").length).toBe(N + 1 - result.applied.length - failed.length);
    // What the server held when it was killed was acknowledged, or was in flight and is
    // reported as failed (a write can commit while its answer is lost with the server).
    expect(result.applied.length + failed.length).toBeGreaterThanOrEqual(killedAt);
    expect(result.applied.length).toBeLessThan(N + 1);
    const appliedKeys = new Set(result.applied.map(refKey));

    // Same state dir: same port, certificates and etcd data.
    kube = await startKubeApiServer({ stateDir: kube.stateDir });
    const before = await listNames(conn);
    const stored = new Set(before.map((o) => o.name));
    // What the push said it wrote is there. Only objects in flight when the server died may
    // have been stored without the push hearing back.
    for (const ref of result.applied) if (ref.kind === "ConfigMap") expect(stored.has(ref.name)).toBe(true);
    const extra = [...stored].filter((n) => !appliedKeys.has(`/ConfigMap/hub-x/${n}`));
    const inFlight = new Set(failed.map((i) => i.ref.name));
    expect(extra.every((n) => inFlight.has(n))).toBe(true);

    const retry = await applyPush(desired, { target, prune: true });
    expect(retry.ok).toBe(true);
    expect(retry.aborted).toBeUndefined();
    for (const item of retry.items) {
      const wasThere = item.ref.kind === "Namespace" || stored.has(item.ref.name);
      expect([item.ref.name, item.action]).toEqual([item.ref.name, wasThere ? "unchanged" : "created"]);
    }
    const after = await listNames(conn);
    expect(after.length).toBe(N);
    expect(new Set(after.map((o) => o.name)).size).toBe(N);
    // Objects written before the crash are the same objects (not deleted and recreated).
    const uidBefore = new Map(before.map((o) => [o.name, o.uid]));
    for (const o of after) if (uidBefore.has(o.name)) expect(o.uid).toBe(uidBefore.get(o.name));

    const third = await applyPush(desired, { target, prune: true });
    expect(third.applied).toEqual([]);
  });
});
