// The portal's push service (lib/deployment) against a real kube-apiserver: the data of the
// demo seed rendered, pushed, changed, archived, fought over by another field manager, and
// interrupted by the API server going away; every push stored in the history.
import fs from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKubeApiServer, type KubeApiServer } from "@/e2e/services/kube";
import { connectCluster, type ClusterConnection, type PushTarget } from "@/lib/cluster";
import { DEFAULT_CONCURRENCY } from "@/lib/cluster/limit";
import type { Db } from "@/lib/db/client";
import { seedIfEmpty } from "@/lib/db/seed";
import { students, terms } from "@/lib/db/schema";
import { loadClusterPage } from "@/lib/deployment/cluster-page";
import { getPush } from "@/lib/deployment/history";
import { previewPush, runPush, type PushContext } from "@/lib/deployment/push";
import { pendingChanges } from "@/lib/deployment/staleness";
import { EXAM_PASSWORDS_SECRET } from "@/lib/render";
import { createTestDb } from "@/lib/test/db";
import { createHubNamespaces, HUB_NAMESPACES as NAMESPACES, PUSH_ACTOR as actor, PUSH_REQUEST as req, termIdOf } from "./support/hub-cluster";

let kube: KubeApiServer;
let conn: ClusterConnection;
let t: ReturnType<typeof createTestDb>;
let db: Db;
let ctx: PushContext;
/** What every push reads besides its LISTs: the exam password Secret, the hub Deployments (none is installed here). */
const OTHER_READS = [`GET Secret e2x-exam/${EXAM_PASSWORDS_SECRET}`, ...NAMESPACES.map((ns) => `GET deployments ${ns}/hub`)].sort();
// Small shards, so that a roster holds several and a push has enough objects to interrupt.
const shardBudgetBytes = 8192;

beforeAll(async () => {
  kube = await startKubeApiServer();
  conn = connectCluster({ kubeconfigPath: kube.kubeconfigPath });
  ctx = { target: { kind: "cluster", connection: conn }, shardBudgetBytes };
  await createHubNamespaces(conn);
  t = createTestDb();
  db = t.db;
  await seedIfEmpty(db, { password: "test-Passw0rd!" });
});

afterAll(async () => {
  conn?.close();
  await kube?.stop();
  t?.cleanup();
});

const termId = (code: string, term: string) => termIdOf(db, code, term);

async function liveConfigMaps(ns: string): Promise<{ name: string; data: Record<string, string> }[]> {
  const r = await conn.request<{ items: { metadata: { name: string }; data?: Record<string, string> }[] }>("GET", `/api/v1/namespaces/${ns}/configmaps`, {
    query: { labelSelector: "app.kubernetes.io/managed-by=e2x-portal" },
  });
  return r.body.items.map((i) => ({ name: i.metadata.name, data: i.data ?? {} }));
}

/** The connection, with every request noted as LIST / GET / DRYRUN / APPLY / DELETE <kind> <ns>/<name>. */
function recording(calls: string[]): PushTarget {
  const kindOf: Record<string, string> = { configmaps: "ConfigMap", roles: "Role", rolebindings: "RoleBinding", networkpolicies: "NetworkPolicy", secrets: "Secret", serviceaccounts: "ServiceAccount" };
  return {
    kind: "cluster",
    connection: {
      ...conn,
      async request(method, path, opts) {
        const m = /\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/?]+))?$/.exec(path);
        if (!m) calls.push(`DISCOVERY ${method} ${path}`);
        else {
          const what = `${kindOf[m[2]] ?? m[2]} ${m[1]}${m[3] ? `/${m[3]}` : ""}`;
          const op = method === "GET" ? (m[3] ? "GET" : "LIST") : method === "PATCH" ? (opts?.query?.dryRun ? "DRYRUN" : "APPLY") : method;
          calls.push(`${op} ${what}`);
        }
        return conn.request(method, path, opts);
      },
    },
  };
}

async function preview() {
  const p = await previewPush(db, ctx);
  if (!p.ok) throw new Error(p.error);
  return p.plan;
}

describe("pushing the portal's data to a real API server", () => {
  let total = 0;

  it("first push creates everything", async () => {
    const plan = await preview();
    total = plan.items.length;
    expect(plan.summary).toMatchObject({ create: total, change: 0, prune: 0, conflict: 0, error: 0 });
    expect(pendingChanges(db, { shardBudgetBytes }).pending).toBeGreaterThan(0);
    const r = await runPush(db, actor, { ...req, expectedFingerprint: plan.fingerprint }, ctx);
    const h = getPush(db, r.pushId!)!;
    expect(h.push).toMatchObject({ status: "ok", target: "cluster", location: kube.server, appliedCount: total, error: null });
    // the navigation's count: nothing waits for the hubs
    expect(pendingChanges(db, { shardBudgetBytes }).pending).toBe(0);
    expect(h.objects.every((o) => o.action === "created" && o.applied)).toBe(true);
    const kinds = new Set(h.objects.map((o) => o.kind));
    // and the exam hub's password Secret (empty: the demo has no exam on the hub)
    expect([...kinds].sort()).toEqual(["ConfigMap", "NetworkPolicy", "Role", "RoleBinding", "Secret"]);
    const index = (await liveConfigMaps("e2x-assignment")).find((c) => c.name === "e2x-profiles-assignment");
    expect(JSON.parse(index!.data["meta.json"]).userShards.length).toBeGreaterThan(1);
  });

  it("second push finds everything unchanged and writes nothing", async () => {
    const plan = await preview();
    expect(plan.summary).toMatchObject({ unchanged: total, create: 0, change: 0, prune: 0 });
    const r = await runPush(db, actor, req, ctx);
    const h = getPush(db, r.pushId!)!;
    expect(h.push).toMatchObject({ status: "ok", appliedCount: 0 });
    expect(h.objects.every((o) => o.action === "unchanged" && !o.applied)).toBe(true);
  });

  it("a repeated push with nothing changed asks one LIST per kind and namespace, and sends nothing", async () => {
    const calls: string[] = [];
    const counting = recording(calls);
    const r = await runPush(db, actor, req, { ...ctx, target: counting });
    expect(getPush(db, r.pushId!)!.push).toMatchObject({ status: "ok", appliedCount: 0 });
    // the 4 kinds the portal writes (and may prune), each listed once in each of the 3 hub namespaces,
    // never Secrets or ServiceAccounts; the exam hub's password Secret read by name (the portal may not
    // list Secrets); no dry run, apply or delete of any object.
    const lists = calls.filter((c) => c.startsWith("LIST "));
    expect(lists.sort()).toEqual(["ConfigMap", "NetworkPolicy", "Role", "RoleBinding"].flatMap((k) => NAMESPACES.map((ns) => `LIST ${k} ${ns}`)).sort());
    // Besides: each hub's Deployment, read once (does the hub still run an older configuration?).
    expect(calls.filter((c) => !c.startsWith("LIST ") && !c.startsWith("DISCOVERY ")).sort()).toEqual(OTHER_READS);
  });

  it("changes someone else made in between are found, shown and put back", async () => {
    // A hub admin edits a portal-owned Role by hand (another field manager: a conflict), deletes
    // the assignment hub's NetworkPolicy, and adds a label of their own to another Role (no field of the portal's changes).
    const role = "/apis/rbac.authorization.k8s.io/v1/namespaces/e2x-exam/roles/e2x-portal-profile-reader";
    await conn.request("PATCH", role, {
      query: { fieldManager: "kubectl-edit" },
      contentType: "application/merge-patch+json",
      body: { rules: [{ apiGroups: [""], resources: ["configmaps", "secrets"], verbs: ["get", "list", "watch"] }] },
    });
    const policies = await conn.request<{ items: { metadata: { name: string } }[] }>("GET", "/apis/networking.k8s.io/v1/namespaces/e2x-assignment/networkpolicies");
    const policy = policies.body.items[0].metadata.name;
    await conn.request("DELETE", `/apis/networking.k8s.io/v1/namespaces/e2x-assignment/networkpolicies/${policy}`);
    await conn.request("PATCH", "/apis/rbac.authorization.k8s.io/v1/namespaces/e2x-grading/roles/e2x-portal-profile-reader", {
      query: { fieldManager: "kubectl-label" },
      contentType: "application/merge-patch+json",
      body: { metadata: { labels: { "team/owner": "hub-admins" } } },
    });
    expect(pendingChanges(db, { shardBudgetBytes }).pending).toBe(0);
    const plan = await preview();
    expect(plan.summary).toMatchObject({ conflict: 1, create: 1, change: 0, prune: 0, error: 0 });
    // the preview found the cluster changed: the count says so until the next push
    expect(pendingChanges(db, { shardBudgetBytes }).pending).toBe(1);
    expect(plan.items.find((i) => i.action === "conflict")).toMatchObject({ kind: "Role", namespace: "e2x-exam", conflicts: [{ manager: "kubectl-edit", field: ".rules" }] });
    expect(plan.items.find((i) => i.action === "create")).toMatchObject({ kind: "NetworkPolicy", namespace: "e2x-assignment", name: policy });

    const calls: string[] = [];
    const r = await runPush(db, actor, { ...req, forceConflicts: true }, { ...ctx, target: recording(calls) });
    expect(getPush(db, r.pushId!)!.push).toMatchObject({ status: "ok", appliedCount: 2 });
    expect(pendingChanges(db, { shardBudgetBytes }).pending).toBe(0);
    // Checked in full: the three objects someone touched; written: the two that differ.
    expect(calls.filter((c) => c.startsWith("DRYRUN ")).sort()).toEqual([
      `DRYRUN NetworkPolicy e2x-assignment/${policy}`,
      "DRYRUN Role e2x-exam/e2x-portal-profile-reader",
      "DRYRUN Role e2x-grading/e2x-portal-profile-reader",
    ]);
    expect(calls.filter((c) => c.startsWith("APPLY ")).sort()).toEqual([`APPLY NetworkPolicy e2x-assignment/${policy}`, "APPLY Role e2x-exam/e2x-portal-profile-reader"]);
    expect((await conn.request<{ rules: { resources: string[] }[] }>("GET", role)).body.rules[0].resources).toEqual(["configmaps"]);
    // All remembered again: the next push checks them by their resourceVersion only.
    const again: string[] = [];
    await runPush(db, actor, req, { ...ctx, target: recording(again) });
    expect(again.filter((c) => !c.startsWith("LIST ") && !c.startsWith("DISCOVERY ")).sort()).toEqual(OTHER_READS);
  });

  it("a roster change moves exactly one user shard and the index", async () => {
    db.insert(students).values({ termId: termId("progbio", "WS25"), username: "newcomer1s" }).run();
    const plan = await preview();
    const moving = plan.items.filter((i) => i.action !== "unchanged").map((i) => `${i.action} ${i.namespace}/${i.name}`).sort();
    expect(moving).toHaveLength(3);
    expect(moving[0]).toBe("change e2x-assignment/e2x-profiles-assignment");
    expect(moving[1]).toMatch(/^create e2x-assignment\/e2x-profiles-assignment-u-[0-9a-f]+$/);
    expect(moving[2]).toMatch(/^prune e2x-assignment\/e2x-profiles-assignment-u-[0-9a-f]+$/);
    const r = await runPush(db, actor, { ...req, expectedFingerprint: plan.fingerprint }, ctx);
    const h = getPush(db, r.pushId!)!;
    expect(h.push.appliedCount).toBe(3);
    const live = await liveConfigMaps("e2x-assignment");
    expect(live.map((c) => c.name)).toContain(moving[1].split("/")[1]);
    expect(live.map((c) => c.name)).not.toContain(moving[2].split("/")[1]);
    expect(live.some((c) => (c.data["users.json"] ?? "").includes('"newcomer1s"'))).toBe(true);
  });

  it("archiving a term prunes its objects", async () => {
    db.update(terms).set({ archivedAt: new Date() }).where(eq(terms.id, termId("progbio", "WS25"))).run();
    const plan = await preview();
    expect(plan.summary.prune).toBeGreaterThan(0);
    expect(plan.items.filter((i) => i.action === "prune").every((i) => i.kind === "ConfigMap" && i.namespace === "e2x-assignment")).toBe(true);
    const r = await runPush(db, actor, req, ctx);
    expect(getPush(db, r.pushId!)!.push.status).toBe("ok");
    for (const ns of NAMESPACES) {
      for (const cm of await liveConfigMaps(ns)) expect(JSON.stringify(cm.data)).not.toContain("progbio-WS25");
    }
    expect((await preview()).summary).toMatchObject({ create: 0, change: 0, prune: 0 });
  });

  it("shows another field manager's conflict, and overrides it only when asked", async () => {
    await conn.request("PATCH", "/api/v1/namespaces/e2x-grading/configmaps/e2x-profiles-grading", {
      query: { fieldManager: "kubectl-edit", force: true },
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "e2x-profiles-grading", namespace: "e2x-grading" }, data: { "meta.json": "{}" } },
      contentType: "application/apply-patch+yaml",
    });
    const plan = await preview();
    const c = plan.items.find((i) => i.action === "conflict");
    expect(c?.name).toBe("e2x-profiles-grading");
    expect(c?.conflicts?.[0].manager).toBe("kubectl-edit");

    const refused = await runPush(db, actor, req, ctx);
    const h1 = getPush(db, refused.pushId!)!;
    expect(h1.push.status).toBe("failed");
    const row = h1.objects.find((o) => o.name === "e2x-profiles-grading")!;
    expect(row).toMatchObject({ action: "conflict", outcome: "failed", applied: false });
    expect(row.conflicts?.[0].manager).toBe("kubectl-edit");

    const forced = await runPush(db, actor, { ...req, forceConflicts: true, retryOf: refused.pushId }, ctx);
    const h2 = getPush(db, forced.pushId!)!;
    expect(h2.push).toMatchObject({ status: "ok", appliedCount: 1, forceConflicts: true, retryOf: refused.pushId });
    expect((await preview()).summary).toMatchObject({ conflict: 0, change: 0 });
  });

  it("API server stopped half-way: stored as failed with what was applied; a retry after the restart converges", async () => {
    // 2,000 more students: many new user shards to write.
    const big = Array.from({ length: 2000 }, (_, i) => ({ termId: termId("mathe1", "WS25"), username: `bulk${String(i).padStart(4, "0")}s` }));
    db.insert(students).values(big).run();
    const plan = await preview();
    const writes = plan.summary.create + plan.summary.change;
    expect(writes).toBeGreaterThan(12);

    // The API server dies just before the 5th new object is written (the push writes several
    // objects at once, so others may be in flight then).
    const created = new Set(plan.items.filter((i) => i.action === "create").map((i) => `/namespaces/${i.namespace}/configmaps/${i.name}`));
    let creates = 0;
    const dying: PushTarget = {
      kind: "cluster",
      connection: {
        ...conn,
        server: conn.server,
        source: conn.source,
        kubeConfig: conn.kubeConfig,
        resource: conn.resource,
        close: conn.close,
        async request(method, path, opts) {
          if (method === "PATCH" && !opts?.query?.dryRun && [...created].some((c) => path.endsWith(c)) && ++creates === 5) await kube.kill();
          return conn.request(method, path, opts);
        },
      },
    };
    const r = await runPush(db, actor, req, { ...ctx, target: dying });
    const h = getPush(db, r.pushId!)!;
    const applied = h.objects.filter((o) => o.applied);
    const failed = h.objects.filter((o) => o.outcome === "failed");
    expect(h.push.status).toBe("failed");
    // part of it is on the cluster, part not: still pending
    expect(pendingChanges(db, { shardBudgetBytes }).pending).toBeGreaterThan(0);
    expect(h.push.error).toMatch(new RegExp(`^Stopped after ${applied.length} of the planned writes: The cluster cannot be reached`));
    expect(h.push.appliedCount).toBe(applied.length);
    // At most the 4 creates sent before the 5th; all of them creates.
    expect(applied.length).toBeLessThanOrEqual(4);
    expect(applied.every((o) => o.action === "created")).toBe(true);
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed.length).toBeLessThanOrEqual(DEFAULT_CONCURRENCY);
    expect(h.objects.filter((o) => o.action === "skipped").length).toBe(h.objects.length - applied.length - failed.length - h.objects.filter((o) => o.action === "unchanged").length);
    // The index is applied after its shards: with the shards cut short, no index was written.
    expect(h.objects.filter((o) => /^e2x-profiles-[a-z]+$/.test(o.name)).every((o) => !o.applied)).toBe(true);

    // While it is down, a push is recorded as failed without writing anything.
    const down = await runPush(db, actor, req, ctx);
    expect(getPush(db, down.pushId!)!.push).toMatchObject({ status: "failed", appliedCount: 0 });
    expect(getPush(db, down.pushId!)!.push.error).toMatch(/cannot be reached/);

    kube = await startKubeApiServer({ stateDir: kube.stateDir });
    const retry = await runPush(db, actor, { ...req, retryOf: r.pushId }, ctx);
    const h2 = getPush(db, retry.pushId!)!;
    expect(h2.push.status).toBe("ok");
    // The written objects are left alone; the rest is written once (and the old shards pruned).
    // Objects in flight when the server died may have been stored without an answer: the
    // retry finds them unchanged.
    expect(h2.push.appliedCount).toBeLessThanOrEqual(writes - applied.length + plan.summary.prune);
    expect(h2.push.appliedCount).toBeGreaterThanOrEqual(writes - applied.length - failed.length + plan.summary.prune);
    expect(h2.objects.filter((o) => o.applied).every((o) => o.action !== "unchanged")).toBe(true);
    const after = await preview();
    expect(after.summary).toMatchObject({ create: 0, change: 0, prune: 0, conflict: 0, error: 0 });
    expect(pendingChanges(db, { shardBudgetBytes }).pending).toBe(0);
    const index = (await liveConfigMaps("e2x-assignment")).find((c) => c.name === "e2x-profiles-assignment")!;
    expect(JSON.parse(index.data["meta.json"]).users).toBeGreaterThan(2000);
    expect(fs.existsSync(kube.stateDir)).toBe(true);
  });

  it("the cluster page names the cluster, its version, what the portal may do, and why it cannot connect", async () => {
    const saved = process.env.KUBECONFIG;
    try {
      process.env.KUBECONFIG = kube.kubeconfigPath;
      const ok = await loadClusterPage(db);
      expect(ok.target).toMatchObject({ kind: "cluster", location: kube.server });
      expect(ok.target.version).toMatch(/^v1\.\d+/);
      expect(ok.target.problem).toBeUndefined();
      const m = (await ok.access!).matrix!;
      expect(m.denied).toBe(0);
      expect(m.rows.map((r) => r.namespace)).toContain("e2x-exam");
      // (The page renders with the default shard budget, the pushes here with small shards.)
      expect(await ok.drift).toMatchObject({ ok: true });
      // No hub is installed here: each hub's values are offered for the first install.
      const values = await ok.hubValues!;
      expect(values.ok && values.drift.map((d) => [d.hub, d.state])).toEqual([
        ["assignment", "not-installed"],
        ["exam", "not-installed"],
        ["grading", "not-installed"],
      ]);
      expect(values.ok && values.drift[0].helmCommand).toBe("helm upgrade --install assignment jupyterhub --repo https://hub.jupyter.org/helm-chart/ --version 4.4.0 --namespace e2x-assignment --values values-assignment.yaml");

      // An account without RBAC rights: connected, every check denied.
      process.env.KUBECONFIG = await kube.userKubeconfig("nobody", []);
      const denied = await loadClusterPage(db);
      expect(denied.target.problem).toBeUndefined();
      const dm = (await denied.access!).matrix!;
      // (every check of every row: the hub Deployment's row asks get and patch only, the pods' row list)
      expect(dm.denied).toBe(dm.rows.reduce((n, r) => n + Object.keys(r.cells).length, 0));
      expect(dm.rows.find((r) => r.resource === "deployments.apps")).toMatchObject({ name: "hub", cells: { get: { allowed: false }, patch: { allowed: false } } });
      await denied.drift;
      // The hub Deployments cannot be read: said per hub, not a broken page.
      const deniedValues = await denied.hubValues!;
      expect(deniedValues.ok && deniedValues.drift.every((d) => d.state === "unknown" && /forbidden/i.test(d.error ?? ""))).toBe(true);

      // Expired credentials: a clear sentence, no access table, no comparison.
      process.env.KUBECONFIG = await kube.userKubeconfig("admin", ["system:masters"], { expired: true });
      const expired = await loadClusterPage(db);
      expect(expired.target.problemKind).toBe("unauthorized");
      expect(expired.target.problem).toMatch(/credentials.*Renew/s);
      expect((await expired.access!).matrix).toBeNull();
      expect(await expired.drift).toMatchObject({ ok: false, error: expect.stringMatching(/credentials/) });
      expect(await expired.hubValues).toMatchObject({ ok: false, error: expect.stringMatching(/credentials/) });
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });
});
