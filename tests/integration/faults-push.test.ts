// The API server killed (SIGKILL, as a crash) in the middle of a push, 20 times, each time
// before a different, randomly chosen write of the push. Each time the stored history must
// say exactly what that try applied (checked against the API server's own resourceVersions
// after a restart on the same etcd data), and a retry must converge: every object the portal
// renders exists exactly once, the objects written before the crash are the same objects.
//
// The points are drawn from a seeded generator: E2X_FAULT_SEED=<n> repeats a run.
import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKubeApiServer, type KubeApiServer } from "@/e2e/services/kube";
import { connectCluster, type ClusterConnection, type PushTarget } from "@/lib/cluster";
import { DEFAULT_CONCURRENCY } from "@/lib/cluster/limit";
import type { Db } from "@/lib/db/client";
import { students } from "@/lib/db/schema";
import { seedIfEmpty } from "@/lib/db/seed";
import { getPush } from "@/lib/deployment/history";
import { previewPush, runPush, type PushContext } from "@/lib/deployment/push";
import { createTestDb } from "@/lib/test/db";
import { createHubNamespaces, HUB_NAMESPACES, PUSH_ACTOR, PUSH_REQUEST, termIdOf } from "./support/hub-cluster";

const KILLS = 20;
const SEED = Number(process.env.E2X_FAULT_SEED ?? Date.now() % 1_000_000);
const KINDS: Record<string, string> = {
  ConfigMap: "/api/v1/namespaces/NS/configmaps",
  Secret: "/api/v1/namespaces/NS/secrets",
  ServiceAccount: "/api/v1/namespaces/NS/serviceaccounts",
  NetworkPolicy: "/apis/networking.k8s.io/v1/namespaces/NS/networkpolicies",
  Role: "/apis/rbac.authorization.k8s.io/v1/namespaces/NS/roles",
  RoleBinding: "/apis/rbac.authorization.k8s.io/v1/namespaces/NS/rolebindings",
};

let kube: KubeApiServer;
let conn: ClusterConnection;
let t: ReturnType<typeof createTestDb>;
let db: Db;
let ctx: PushContext;

/** mulberry32: small, seeded, good enough to pick points. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type Live = Map<string, { rv: string; uid: string }>;
const key = (kind: string, ns: string | null | undefined, name: string) => `${kind}/${ns ?? ""}/${name}`;

/** Every object the portal manages, by kind/namespace/name, as the API server has it. */
async function live(): Promise<Live> {
  const out: Live = new Map();
  for (const ns of HUB_NAMESPACES) {
    for (const [kind, p] of Object.entries(KINDS)) {
      const r = await conn.request<{ items: { metadata: { name: string; uid: string; resourceVersion: string } }[] }>("GET", p.replace("NS", ns), {
        query: { labelSelector: "app.kubernetes.io/managed-by=e2x-portal" },
      });
      for (const i of r.body.items) out.set(key(kind, ns, i.metadata.name), { rv: i.metadata.resourceVersion, uid: i.metadata.uid });
    }
  }
  return out;
}

const termId = (code: string, term: string) => termIdOf(db, code, term);

beforeAll(async () => {
  kube = await startKubeApiServer();
  conn = connectCluster({ kubeconfigPath: kube.kubeconfigPath });
  // small profile shards: a roster change touches many objects
  ctx = { target: { kind: "cluster", connection: conn }, shardBudgetBytes: 4096 };
  await createHubNamespaces(conn);
  t = createTestDb();
  db = t.db;
  await seedIfEmpty(db, { password: "test-Passw0rd!" });
  const first = await runPush(db, PUSH_ACTOR, PUSH_REQUEST, ctx);
  expect(getPush(db, first.pushId!)!.push.status).toBe("ok");
}, 180_000);

afterAll(async () => {
  conn?.close();
  await kube?.stop();
  t?.cleanup();
});

describe(`API server killed mid-push, ${KILLS} times (seed ${SEED})`, () => {
  it("each try's stored history is what the API server got; each retry converges, every object once", { timeout: 900_000 }, async () => {
    const random = rng(SEED);
    const term = termId("mathe1", "WS25");
    const summary: { kill: number; at: number; writes: number; applied: number; inFlight: number; retryApplied: number }[] = [];

    for (let kill = 1; kill <= KILLS; kill++) {
      // A roster change that creates, changes and prunes profile shards: last round's students
      // leave, 1,000 new ones arrive.
      db.delete(students).where(and(eq(students.termId, term), like(students.username, "r%x"))).run();
      db.insert(students)
        .values(Array.from({ length: 1000 }, (_, i) => ({ termId: term, username: `r${kill}n${String(i).padStart(4, "0")}x` })))
        .run();
      const plan = await previewPush(db, ctx);
      if (!plan.ok) throw new Error(plan.error);
      const writes = plan.plan.summary.create + plan.plan.summary.change + plan.plan.summary.prune;
      expect(writes).toBeGreaterThan(DEFAULT_CONCURRENCY + 2);
      // the crash comes just before write number `at` is sent (writes go out several at once)
      const at = 1 + Math.floor(random() * (writes - DEFAULT_CONCURRENCY));
      const before = await live();

      let sent = 0;
      const dying: PushTarget = {
        kind: "cluster",
        connection: {
          ...conn,
          async request(method, path, opts) {
            const write = (method === "PATCH" || method === "DELETE") && !opts?.query?.dryRun;
            if (write && ++sent === at) await kube.kill();
            return conn.request(method, path, opts);
          },
        },
      };
      const r = await runPush(db, PUSH_ACTOR, PUSH_REQUEST, { ...ctx, target: dying });
      const h = getPush(db, r.pushId!)!;
      const applied = h.objects.filter((o) => o.applied);
      const inFlight = h.objects.filter((o) => o.outcome === "failed");
      expect(h.push.status, `kill ${kill}`).toBe("failed");
      expect(h.push.appliedCount).toBe(applied.length);
      expect(h.push.error).toMatch(new RegExp(`^Stopped after ${applied.length} of the planned writes: The cluster cannot be reached`));
      // at most the writes sent before the crash were answered
      expect(applied.length).toBeLessThan(at);
      expect(inFlight.length).toBeGreaterThanOrEqual(1);
      expect(inFlight.length).toBeLessThanOrEqual(DEFAULT_CONCURRENCY);

      // Restart on the same etcd data and compare the history with what the server has.
      kube = await startKubeApiServer({ stateDir: kube.stateDir });
      const after = await live();
      for (const o of h.objects) {
        const k = key(o.kind, o.namespace, o.name);
        const was = before.get(k);
        const now = after.get(k);
        const where = `kill ${kill}: ${o.kind} ${o.namespace}/${o.name} (${o.action}${o.applied ? ", applied" : ""})`;
        if (o.applied && o.action === "pruned") expect(now, where).toBeUndefined();
        else if (o.applied) {
          expect(now, where).toBeDefined();
          expect(now!.rv, where).not.toBe(was?.rv);
        } else if (o.outcome === "skipped" || o.action === "unchanged") {
          // never sent: exactly as before
          expect(now, where).toEqual(was);
        }
        // in flight when the server died: written or not, the retry finds out
      }
      // nothing the history does not name was touched
      const named = new Set(h.objects.map((o) => key(o.kind, o.namespace, o.name)));
      for (const [k, v] of after) if (!named.has(k)) expect(v, k).toEqual(before.get(k));

      const retry = await runPush(db, PUSH_ACTOR, { ...PUSH_REQUEST, retryOf: r.pushId }, ctx);
      const h2 = getPush(db, retry.pushId!)!;
      expect(h2.push.status, `retry after kill ${kill}`).toBe("ok");
      expect(h2.push.retryOf).toBe(r.pushId);
      // the retry writes only what the first try did not get to (an in-flight write that
      // reached the server is found unchanged)
      expect(h2.push.appliedCount).toBeLessThanOrEqual(writes - applied.length);
      expect(h2.push.appliedCount).toBeGreaterThanOrEqual(writes - applied.length - inFlight.length);
      const converged = await previewPush(db, ctx);
      if (!converged.ok) throw new Error(converged.error);
      expect(converged.plan.summary).toMatchObject({ create: 0, change: 0, prune: 0, conflict: 0, error: 0 });
      // every rendered object exactly once; what existed before the crash is the same object
      const final = await live();
      const rendered = converged.plan.items.filter((i) => i.kind !== "Namespace").map((i) => key(i.kind, i.namespace, i.name));
      expect(new Set(rendered).size).toBe(rendered.length);
      expect([...final.keys()].sort()).toEqual([...rendered].sort());
      for (const [k, v] of final) if (before.has(k)) expect(v.uid, k).toBe(before.get(k)!.uid);

      summary.push({ kill, at, writes, applied: applied.length, inFlight: inFlight.length, retryApplied: h2.push.appliedCount });
    }
    console.log(`seed ${SEED}\n` + summary.map((s) => `kill ${s.kill}: before write ${s.at} of ${s.writes}; stored as applied ${s.applied}, in flight ${s.inFlight}; the retry wrote ${s.retryApplied}`).join("\n"));
    expect(summary).toHaveLength(KILLS);
    // the points were spread over the push, not all at its start
    expect(Math.max(...summary.map((s) => s.at / s.writes))).toBeGreaterThan(0.5);
  });
});
