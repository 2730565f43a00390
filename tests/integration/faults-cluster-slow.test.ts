// The API server answering slowly, trickling, or not at all (SIGSTOP: the port still accepts
// connections, nothing answers). A push and the cluster page end with a clear status within
// the request deadline instead of hanging; once the server answers again, a retry converges.
// The slow and trickling server is the real API server behind a TCP relay on loopback that
// holds back its answers.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKubeApiServer, type KubeApiServer } from "@/e2e/services/kube";
import { connectCluster, type ClusterConnection } from "@/lib/cluster";
import type { Db } from "@/lib/db/client";
import { students } from "@/lib/db/schema";
import { seedIfEmpty } from "@/lib/db/seed";
import { loadClusterPage } from "@/lib/deployment/cluster-page";
import { getPush } from "@/lib/deployment/history";
import { previewPush, runPush } from "@/lib/deployment/push";
import { createTestDb } from "@/lib/test/db";
import { createHubNamespaces, PUSH_ACTOR, PUSH_REQUEST, termIdOf } from "./support/hub-cluster";

const TIMEOUT_MS = 3000;

let kube: KubeApiServer;
let conn: ClusterConnection;
let t: ReturnType<typeof createTestDb>;
let db: Db;
let stopped = false;

/** How the relay passes the API server's answers on. */
let mode: { kind: "delay"; ms: number } | { kind: "trickle"; bytes: number; everyMs: number } = { kind: "delay", ms: 0 };
let relay: net.Server;
const sockets = new Set<net.Socket>();

function startRelay(target: number): Promise<number> {
  relay = net.createServer((client) => {
    const upstream = net.connect(target, "127.0.0.1");
    sockets.add(client).add(upstream);
    const queue: Buffer[] = [];
    let busy = false;
    const pump = () => {
      if (busy) return;
      const next = queue.shift();
      if (!next) return;
      busy = true;
      if (mode.kind === "delay") {
        setTimeout(() => {
          client.write(next);
          busy = false;
          pump();
        }, mode.ms);
      } else {
        const m = mode;
        if (next.length > m.bytes) queue.unshift(next.subarray(m.bytes));
        setTimeout(() => {
          client.write(next.subarray(0, m.bytes));
          busy = false;
          pump();
        }, m.everyMs);
      }
    };
    upstream.on("data", (d: Buffer) => {
      queue.push(d);
      pump();
    });
    client.pipe(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  return new Promise((resolve) => relay.listen(0, "127.0.0.1", () => resolve((relay.address() as net.AddressInfo).port)));
}

const termId = (code: string, term: string) => termIdOf(db, code, term);

let round = 0;
/** A roster change, so that a push has objects to write. */
function changeRoster() {
  round++;
  db.insert(students)
    .values(Array.from({ length: 300 }, (_, i) => ({ termId: termId("mathe1", "WS25"), username: `slow${round}n${String(i).padStart(3, "0")}s` })))
    .run();
}

async function timed<T>(p: Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await p;
  return { value, ms: performance.now() - t0 };
}

beforeAll(async () => {
  kube = await startKubeApiServer();
  conn = connectCluster({ kubeconfigPath: kube.kubeconfigPath, timeoutMs: TIMEOUT_MS });
  await createHubNamespaces(conn);
  t = createTestDb();
  db = t.db;
  await seedIfEmpty(db, { password: "test-Passw0rd!" });
  expect(getPush(db, (await runPush(db, PUSH_ACTOR, PUSH_REQUEST, { target: { kind: "cluster", connection: conn } })).pushId!)!.push.status).toBe("ok");
}, 120_000);

afterAll(async () => {
  if (stopped) process.kill(kube.pid, "SIGCONT");
  for (const s of sockets) s.destroy();
  relay?.close();
  conn?.close();
  await kube?.stop();
  t?.cleanup();
});

describe("a slow or silent API server", () => {
  let slow: ClusterConnection;
  beforeAll(async () => {
    const port = await startRelay(Number(new URL(kube.server).port));
    const kc = fs.readFileSync(kube.kubeconfigPath, "utf8").replace(kube.server, `https://127.0.0.1:${port}`);
    const file = path.join(kube.stateDir, "relay.kubeconfig");
    fs.writeFileSync(file, kc);
    slow = connectCluster({ kubeconfigPath: file, timeoutMs: TIMEOUT_MS });
  });
  afterAll(() => slow?.close());

  it("slow but answering within the deadline: the push goes through", async () => {
    mode = { kind: "delay", ms: 150 };
    changeRoster();
    const r = await runPush(db, PUSH_ACTOR, PUSH_REQUEST, { target: { kind: "cluster", connection: slow } });
    const h = getPush(db, r.pushId!)!;
    expect(h.push.error).toBeNull();
    expect(h.push.status).toBe("ok");
    expect(h.push.appliedCount).toBeGreaterThan(0);
  });

  it("trickling its answers: the push stops at the deadline with a clear status and says what it wrote", async () => {
    mode = { kind: "trickle", bytes: 32, everyMs: 200 };
    changeRoster();
    const { value: r, ms } = await timed(runPush(db, PUSH_ACTOR, PUSH_REQUEST, { target: { kind: "cluster", connection: slow } }));
    const h = getPush(db, r.pushId!)!;
    expect(h.push.status).toBe("failed");
    expect(h.push.error).toMatch(/The API server at https:\/\/127\.0\.0\.1:\d+ did not answer within 3 s \(it is overloaded or hangs\)/);
    expect(h.push.appliedCount).toBe(h.objects.filter((o) => o.applied).length);
    // ended by the deadline: a few deadlines at most (planning, then the writes in flight), not a hang
    expect(ms).toBeLessThan(4 * TIMEOUT_MS);
    mode = { kind: "delay", ms: 0 };
  });

  it("not answering at all (stopped): the push and the cluster page end with a clear status; a retry converges", async () => {
    changeRoster();
    process.kill(kube.pid, "SIGSTOP");
    stopped = true;
    try {
      const { value: r, ms } = await timed(runPush(db, PUSH_ACTOR, PUSH_REQUEST, { target: { kind: "cluster", connection: conn } }));
      const h = getPush(db, r.pushId!)!;
      expect(h.push.status).toBe("failed");
      expect(h.push.error).toMatch(/did not answer within 3 s \(it is overloaded or hangs\)\. Check that the API server is up/);
      expect(h.push.appliedCount).toBe(0);
      expect(ms).toBeLessThan(4 * TIMEOUT_MS);

      // the cluster page, as the server renders it (KUBECONFIG, E2X_KUBE_TIMEOUT_MS)
      const saved = { k: process.env.KUBECONFIG, t: process.env.E2X_KUBE_TIMEOUT_MS };
      process.env.KUBECONFIG = kube.kubeconfigPath;
      process.env.E2X_KUBE_TIMEOUT_MS = String(TIMEOUT_MS);
      try {
        const { value: page, ms: pageMs } = await timed(
          (async () => {
            const p = await loadClusterPage(db);
            return { p, access: await p.access, drift: await p.drift };
          })(),
        );
        expect(page.p.target.problem).toMatch(/did not answer within 5 s/);
        expect(page.drift).toMatchObject({ ok: false });
        expect((page.drift as { error: string }).error).toMatch(/did not answer/);
        expect(page.access?.matrix ?? null).toBeNull();
        expect(pageMs).toBeLessThan(4 * 5000);
      } finally {
        process.env.KUBECONFIG = saved.k;
        if (saved.t === undefined) delete process.env.E2X_KUBE_TIMEOUT_MS;
        else process.env.E2X_KUBE_TIMEOUT_MS = saved.t;
        if (saved.k === undefined) delete process.env.KUBECONFIG;
      }
    } finally {
      process.kill(kube.pid, "SIGCONT");
      stopped = false;
    }

    const retry = await runPush(db, PUSH_ACTOR, PUSH_REQUEST, { target: { kind: "cluster", connection: conn } });
    expect(getPush(db, retry.pushId!)!.push.status).toBe("ok");
    const after = await previewPush(db, { target: { kind: "cluster", connection: conn } });
    if (!after.ok) throw new Error(after.error);
    expect(after.plan.summary).toMatchObject({ create: 0, change: 0, prune: 0, conflict: 0, error: 0 });
  });
});
