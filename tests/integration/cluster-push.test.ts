// lib/cluster against a real kube-apiserver: plan (SSA dry run + diff + prune), apply,
// conflicts with other field managers, rejected objects, RBAC denials, status and access review.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKubeApiServer, type KubeApiServer } from "@/e2e/services/kube";
import {
  applyPhase,
  applyPush,
  clusterStatus,
  connectCluster,
  currentClusterStatus,
  planPush,
  portalAccessChecks,
  rulesAccessReview,
  selfAccessReview,
  type ClusterConnection,
  type KubeObject,
  type PushTarget,
} from "@/lib/cluster";

let kube: KubeApiServer;
let conn: ClusterConnection;
let target: PushTarget;

beforeAll(async () => {
  kube = await startKubeApiServer();
  conn = connectCluster({ kubeconfigPath: kube.kubeconfigPath });
  target = { kind: "cluster", connection: conn };
});

afterAll(async () => {
  conn?.close();
  await kube?.stop();
});

const ns = (name: string): KubeObject => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
const cm = (namespace: string, name: string, data: Record<string, string>): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace },
  data,
});

async function live(path: string): Promise<Record<string, any> | null> {
  try {
    return (await conn.request<Record<string, any>>("GET", path)).body;
  } catch (e) {
    if ((e as { kind?: string }).kind === "not-found") return null;
    throw e;
  }
}

describe("clusterStatus", () => {
  it("reports the server version and who the portal is", async () => {
    const s = await clusterStatus(conn);
    expect(s.reachable).toBe(true);
    expect(s.error).toBeUndefined();
    expect(s.version).toBe("v1.35.4");
    expect(s.user?.username).toBe("admin");
    expect(s.user?.groups).toContain("system:masters");
  });

  it("says clearly when credentials are rejected", async () => {
    const c = connectCluster({ kubeconfigPath: await kube.tokenKubeconfig("not-a-valid-token", "expired") });
    const s = await clusterStatus(c);
    c.close();
    expect(s.reachable).toBe(true);
    expect(s.error?.kind).toBe("unauthorized");
    expect(s.error?.status).toBe(401);
    expect(s.error?.message).toMatch(/credentials/);
  });

  it("says clearly when the client certificate has expired", async () => {
    const c = connectCluster({ kubeconfigPath: await kube.userKubeconfig("admin", ["system:masters"], { expired: true }) });
    const s = await clusterStatus(c);
    const plan = await planPush([cm("hub-a", "x", {})], { target: { kind: "cluster", connection: c } }).catch((e: unknown) => e);
    c.close();
    expect(s.reachable).toBe(true);
    expect(s.version).toBeUndefined();
    expect(s.error).toMatchObject({ kind: "unauthorized", status: 401 });
    expect(s.error?.message).toMatch(/expired/);
    // A push cannot even be planned: the error is thrown, typed.
    expect(plan).toMatchObject({ name: "ClusterError", kind: "unauthorized" });
  });

  it("says clearly when the API server is unreachable", async () => {
    const kc = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:9" } }]
users: [{ name: u, user: { token: x } }]
contexts: [{ name: c, context: { cluster: c, user: u } }]
current-context: c
`;
    const c = connectCluster({ kubeconfig: kc });
    const s = await clusterStatus(c);
    c.close();
    expect(s.reachable).toBe(false);
    expect(s.error?.kind).toBe("unreachable");
    expect(s.error?.message).toContain("https://127.0.0.1:9");
  });

  it("reads the cluster from KUBECONFIG for the status page", async () => {
    const s = await currentClusterStatus({ KUBECONFIG: kube.kubeconfigPath } as unknown as NodeJS.ProcessEnv);
    expect(s).toMatchObject({ configured: true, reachable: true, server: kube.server, version: "v1.35.4" });
    const none = await currentClusterStatus({ E2X_DATA_DIR: "/srv/e2x" } as unknown as NodeJS.ProcessEnv);
    expect(none).toMatchObject({ configured: false, reachable: false, exportDir: "/srv/e2x/export" });
    const broken = await currentClusterStatus({ KUBECONFIG: "/nonexistent/kubeconfig" } as unknown as NodeJS.ProcessEnv);
    expect(broken).toMatchObject({ configured: true, reachable: false, error: { kind: "config" } });
  });

  it("rejects a missing kubeconfig with a config error", () => {
    expect(() => connectCluster({ kubeconfigPath: "/nonexistent/kubeconfig" })).toThrow(/does not exist/);
  });
});

describe("planPush / applyPush", () => {
  it("creates, then finds nothing to do, then shows field changes, then prunes", async () => {
    const desired = [ns("hub-a"), cm("hub-a", "profiles", { courses: "ml" }), cm("hub-a", "motd", { text: "hello" })];
    const opts = { target, labels: { "e2x-portal/hub": "assignment" } };

    const plan1 = await planPush(desired, opts);
    expect(plan1.target).toBe("cluster");
    expect(plan1.items.map((i) => [i.action, i.ref.kind, i.ref.name])).toEqual([
      ["create", "Namespace", "hub-a"],
      ["create", "ConfigMap", "profiles"],
      ["create", "ConfigMap", "motd"],
    ]);
    expect(plan1.summary).toMatchObject({ create: 3, change: 0, prune: 0, error: 0 });
    // A plan writes nothing.
    expect(await live("/api/v1/namespaces/hub-a")).toBeNull();

    const r1 = await applyPush(plan1, { target, prune: true });
    expect(r1.ok).toBe(true);
    expect(r1.items.map((i) => i.action)).toEqual(["created", "created", "created"]);
    expect(r1.applied.map((r) => r.name)).toEqual(["hub-a", "profiles", "motd"]);
    const stored = await live("/api/v1/namespaces/hub-a/configmaps/profiles");
    expect(stored?.data).toEqual({ courses: "ml" });
    expect(stored?.metadata.labels).toMatchObject({
      "app.kubernetes.io/managed-by": "e2x-portal",
      "app.kubernetes.io/part-of": "e2x-hub-portal",
      "e2x-portal/hub": "assignment",
    });
    expect(stored?.metadata.managedFields.map((m: { manager: string; operation: string }) => [m.manager, m.operation])).toEqual([
      ["e2x-portal", "Apply"],
    ]);

    const plan2 = await planPush(desired, opts);
    expect(plan2.items.map((i) => i.action)).toEqual(["unchanged", "unchanged", "unchanged"]);
    const again = await applyPush(desired, { ...opts, prune: true });
    expect(again.items.map((i) => i.action)).toEqual(["unchanged", "unchanged", "unchanged"]);
    expect(again.applied).toEqual([]);

    const changed = [ns("hub-a"), cm("hub-a", "profiles", { courses: "ml,dl", extra: "1" })];
    const plan3 = await planPush(changed, opts);
    const byName = Object.fromEntries(plan3.items.map((i) => [i.ref.name, i]));
    expect(byName.profiles.action).toBe("change");
    expect(byName.profiles.changes).toEqual([
      { path: "data.courses", before: "ml", after: "ml,dl" },
      { path: "data.extra", after: "1" },
    ]);
    expect(byName.motd.action).toBe("prune");
    expect(byName.motd.live?.uid).toBe((await live("/api/v1/namespaces/hub-a/configmaps/motd"))?.metadata.uid);

    // Without prune the object stays and is reported as skipped.
    const r3 = await applyPush(plan3, { target, prune: false });
    expect(r3.items.map((i) => [i.ref.name, i.action])).toEqual([
      ["hub-a", "unchanged"],
      ["profiles", "configured"],
      ["motd", "skipped"],
    ]);
    expect(await live("/api/v1/namespaces/hub-a/configmaps/motd")).not.toBeNull();
    expect((await live("/api/v1/namespaces/hub-a/configmaps/profiles"))?.data).toEqual({ courses: "ml,dl", extra: "1" });

    const r4 = await applyPush(changed, { ...opts, prune: true });
    expect(r4.items.map((i) => [i.ref.name, i.action])).toEqual([
      ["hub-a", "unchanged"],
      ["profiles", "unchanged"],
      ["motd", "pruned"],
    ]);
    expect(await live("/api/v1/namespaces/hub-a/configmaps/motd")).toBeNull();
  });

  it("never prunes objects that are not labelled as the portal's, nor other hubs' with a hub selector", async () => {
    await applyPush([ns("hub-b"), cm("hub-b", "mine", { a: "1" })], { target, prune: true, labels: { "e2x-portal/hub": "exam" } });
    await applyPush([cm("hub-b", "grading-owned", { a: "1" })], { target, prune: false, labels: { "e2x-portal/hub": "grading" } });
    await conn.request("POST", "/api/v1/namespaces/hub-b/configmaps", { body: cm("hub-b", "someone-elses", { a: "1" }) });

    const plan = await planPush([], {
      target,
      pruneScope: { namespaces: ["hub-b"], selector: "e2x-portal/hub=exam" },
    });
    expect(plan.pruneScope).toEqual({
      namespaces: ["hub-b"],
      selector: "app.kubernetes.io/managed-by=e2x-portal,e2x-portal/hub=exam",
    });
    expect(plan.items.map((i) => [i.action, i.ref.name])).toEqual([["prune", "mine"]]);
  });

  it("shows a conflict with another field manager and overrides it only with force", async () => {
    await applyPush([ns("hub-c"), cm("hub-c", "settings", { mode: "open", owner: "portal" })], { target, prune: false });
    // Someone edits a field with their own tool.
    await conn.request("PATCH", "/api/v1/namespaces/hub-c/configmaps/settings", {
      query: { fieldManager: "hub-admin", force: true },
      contentType: "application/apply-patch+yaml",
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "hub-c" }, data: { mode: "closed" } },
    });

    const desired = [ns("hub-c"), cm("hub-c", "settings", { mode: "open", owner: "portal" })];
    const plan = await planPush(desired, { target });
    const item = plan.items.find((i) => i.ref.name === "settings")!;
    expect(item.action).toBe("conflict");
    expect(item.conflicts).toEqual([{ manager: "hub-admin", field: ".data.mode" }]);
    expect(plan.summary.conflict).toBe(1);

    const noForce = await applyPush(plan, { target, prune: false });
    expect(noForce.ok).toBe(false);
    expect(noForce.items.find((i) => i.ref.name === "settings")).toMatchObject({
      action: "conflict",
      conflicts: [{ manager: "hub-admin", field: ".data.mode" }],
    });
    expect((await live("/api/v1/namespaces/hub-c/configmaps/settings"))?.data.mode).toBe("closed");

    const forced = await applyPush(plan, { target, prune: false, forceConflicts: true });
    expect(forced.ok).toBe(true);
    expect(forced.items.find((i) => i.ref.name === "settings")?.action).toBe("configured");
    expect((await live("/api/v1/namespaces/hub-c/configmaps/settings"))?.data.mode).toBe("open");
    expect((await planPush(desired, { target })).items.map((i) => i.action)).toEqual(["unchanged", "unchanged"]);
  });

  it("reports a rejected (422) object while the others are applied", async () => {
    const desired = [
      ns("hub-d"),
      cm("hub-d", "good-1", { a: "1" }),
      cm("hub-d", "bad", { "not a valid key!": "x" }),
      cm("hub-d", "good-2", { b: "2" }),
    ];
    // The namespace is created by this push, so the objects inside cannot be dry-run yet:
    // they are planned as creates and the server validates them on apply.
    const plan = await planPush(desired, { target });
    expect(plan.items.map((i) => i.action)).toEqual(["create", "create", "create", "create"]);
    expect(plan.items[2].note).toMatch(/validates it on apply/);
    const result = await applyPush(desired, { target, prune: false });
    expect(result.ok).toBe(false);
    expect(result.aborted).toBeUndefined();
    expect(result.items.map((i) => [i.ref.name, i.action])).toEqual([
      ["hub-d", "created"],
      ["good-1", "created"],
      ["bad", "error"],
      ["good-2", "created"],
    ]);
    const err = result.items.find((i) => i.ref.name === "bad")!.error!;
    expect(err.kind).toBe("invalid");
    expect(err.status).toBe(422);
    expect(err.message).toMatch(/not a valid key!/);
    expect(err.causes?.[0]?.field).toBe("data[not a valid key!]");
    expect(result.applied.map((r) => r.name)).toEqual(["hub-d", "good-1", "good-2"]);

    // Now that the namespace exists, the dry run validates too.
    const plan2 = await planPush(desired, { target });
    expect(plan2.items.map((i) => [i.ref.name, i.action])).toEqual([
      ["hub-d", "unchanged"],
      ["good-1", "unchanged"],
      ["bad", "error"],
      ["good-2", "unchanged"],
    ]);
    expect(plan2.items.find((i) => i.ref.name === "bad")?.error?.status).toBe(422);
  });

  it("reports a misspelt field instead of dropping it", async () => {
    const typo = { ...cm("hub-a", "typo", {}), dataa: { a: "1" } } as KubeObject;
    const plan = await planPush([typo], { target, pruneScope: false });
    expect(plan.items[0].action).toBe("error");
    // The create dry run of an absent ConfigMap answers 400 with strict field validation (a
    // server-side apply 500); either way it is the object's fault, and the field is named.
    expect(plan.items[0].error?.kind).toBe("invalid");
    expect(plan.items[0].error?.message).toMatch(/unknown field "dataa"/);
    // Once it exists, the server-side apply dry run compares it and says the same.
    await applyPush([cm("hub-a", "typo", {})], { target, prune: false });
    const again = await planPush([typo], { target, pruneScope: false });
    expect(again.items[0].error?.kind).toBe("invalid");
    expect(again.items[0].error?.message).toMatch(/\.dataa: field not declared in schema/);
  });

  it("reports a misspelt field of a large ConfigMap too, planned or applied directly", async () => {
    const big = { ...cm("hub-a", "typo-big", { "users.json": "x".repeat(200_000) }), dataa: { a: "1" } } as KubeObject;
    const plan = await planPush([big], { target, pruneScope: false });
    expect(plan.items[0].action).toBe("error");
    expect(plan.items[0].error?.message).toMatch(/unknown field "dataa"/);
    // without a plan, the apply itself checks the fields strictly
    const r = await applyPush([big], { target, prune: false });
    expect(r.ok).toBe(false);
    expect(r.items[0].action).toBe("error");
    expect(r.applied).toEqual([]);
  });

  it("rejects malformed objects before sending anything", async () => {
    const plan = await planPush(
      [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "Not_Valid", namespace: "hub-a" } }, cm("hub-a", "dup", {}), cm("hub-a", "dup", {})],
      { target, pruneScope: false },
    );
    expect(plan.items.map((i) => [i.action, i.ref.name, i.error?.kind])).toEqual([
      ["error", "Not_Valid", "invalid"],
      ["error", "dup", "invalid"],
      ["create", "dup", undefined],
    ]);
  });
});

describe("RBAC", () => {
  it("reports denials clearly, per object, and in the access review", async () => {
    await applyPush([ns("hub-e")], { target, prune: false });
    // A user that may only manage ConfigMaps in hub-e.
    await conn.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/hub-e/roles", {
      body: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: "configmaps-only" },
        rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "create", "patch", "delete"] }],
      },
    });
    await conn.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/hub-e/rolebindings", {
      body: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "operator" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "configmaps-only" },
        subjects: [{ kind: "User", name: "operator", apiGroup: "rbac.authorization.k8s.io" }],
      },
    });
    const userConn = connectCluster({ kubeconfigPath: await kube.userKubeconfig("operator", ["e2x-operators"]) });
    const userTarget: PushTarget = { kind: "cluster", connection: userConn };
    try {
      const status = await clusterStatus(userConn);
      expect(status.error).toBeUndefined();
      expect(status.user).toEqual({ username: "operator", groups: ["e2x-operators", "system:authenticated"] });

      const secret: KubeObject = { apiVersion: "v1", kind: "Secret", metadata: { name: "token", namespace: "hub-e" }, stringData: { t: "x" } };
      const desired = [cm("hub-e", "profiles", { a: "1" }), secret];
      const plan = await planPush(desired, { target: userTarget, pruneScope: { namespaces: ["hub-e"], kinds: [{ apiVersion: "v1", kind: "ConfigMap" }] } });
      expect(plan.items.map((i) => [i.ref.kind, i.action])).toEqual([
        ["ConfigMap", "create"],
        ["Secret", "error"],
      ]);
      const denied = plan.items[1].error!;
      expect(denied.kind).toBe("forbidden");
      expect(denied.status).toBe(403);
      expect(denied.message).toBe('secrets "token" is forbidden: User "operator" cannot get resource "secrets" in API group "" in the namespace "hub-e"');

      const result = await applyPush(desired, { target: userTarget, prune: false });
      expect(result.items.map((i) => [i.ref.kind, i.action, i.error?.kind])).toEqual([
        ["ConfigMap", "created", undefined],
        ["Secret", "error", "forbidden"],
      ]);
      expect(result.aborted).toBeUndefined();

      const access = await selfAccessReview(userConn, [
        { verb: "patch", resource: "configmaps", namespace: "hub-e" },
        { verb: "get", resource: "secrets", namespace: "hub-e" },
        { verb: "patch", resource: "configmaps", namespace: "kube-system" },
      ]);
      expect(access.map((a) => a.allowed)).toEqual([true, false, false]);
      expect(access[0].reason).toBe('RBAC: allowed by RoleBinding "operator/hub-e" of Role "configmaps-only" to User "operator"');

      // 4 kinds (ConfigMaps, NetworkPolicies, Roles, RoleBindings) x 5 verbs, the hub Deployment (get, patch), pods (list),
      // and the exam password Secret: create, get, patch, delete
      const all = await selfAccessReview(conn, portalAccessChecks(["hub-e"], [{ namespace: "hub-e", name: "e2x-exam-passwords" }]));
      expect(all.length).toBe(4 * 5 + 2 + 1 + 4);
      expect(all.every((a) => a.allowed)).toBe(true);

      // One SelfSubjectRulesReview per namespace gives the same answers as a review per check.
      const checks = portalAccessChecks(["hub-e", "kube-system", "default"]);
      for (const c of [userConn, conn]) {
        const posts: string[] = [];
        const counting = { ...c, request: ((method: string, path: string, opts?: Parameters<typeof c.request>[2]) => (posts.push(`${method} ${path}`), c.request(method, path, opts))) as typeof c.request };
        const byRules = await rulesAccessReview(counting, checks);
        expect(posts).toEqual(Array(3).fill("POST /apis/authorization.k8s.io/v1/selfsubjectrulesreviews"));
        expect(byRules.map((r) => r.allowed)).toEqual((await selfAccessReview(c, checks)).map((r) => r.allowed));
      }
      const operator = await rulesAccessReview(userConn, checks);
      expect(operator.filter((r) => r.allowed).map((r) => `${r.verb} ${r.resource} ${r.namespace}`)).toEqual(
        ["get", "list", "create", "patch", "delete"].map((v) => `${v} configmaps hub-e`),
      );
    } finally {
      userConn.close();
    }
  });
});

describe("applying several objects at once", () => {
  type Event = { at: number; edge: "start" | "end"; kind: string; name: string; phase: number; failed?: boolean };
  let clock = 0;
  /** The connection, noting when each write (server-side apply, not a dry run) starts and ends. */
  function timed(events: Event[], before?: (n: number) => Promise<void>): PushTarget {
    let writes = 0;
    return {
      kind: "cluster",
      connection: {
        ...conn,
        async request(method, path, opts) {
          if (method !== "PATCH" || opts?.query?.dryRun) return conn.request(method, path, opts);
          const body = opts!.body as KubeObject;
          const e = { kind: body.kind, name: body.metadata.name, phase: applyPhase(body) };
          events.push({ at: ++clock, edge: "start", ...e });
          try {
            await before?.(++writes);
            const r = await conn.request(method, path, opts);
            events.push({ at: ++clock, edge: "end", ...e });
            return r as never;
          } catch (err) {
            events.push({ at: ++clock, edge: "end", ...e, failed: true });
            throw err;
          }
        },
      },
    };
  }
  /** A hub's worth of objects: RBAC, a policy, 24 profile shards and their index. */
  function hub(namespace: string): KubeObject[] {
    const shards = Array.from({ length: 24 }, (_, i) => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `profiles-${String(i).padStart(2, "0")}`, namespace, labels: { "e2x-portal/part": `users-${i}` } },
      data: { "users.json": JSON.stringify({ [`u${i}`]: ["k"] }) },
    }));
    return [
      ns(namespace),
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "reader", namespace }, rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }] },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "reader", namespace },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "reader" },
        subjects: [{ kind: "ServiceAccount", name: "hub", namespace }],
      },
      { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "lockdown", namespace }, spec: { podSelector: {}, policyTypes: ["Egress"] } },
      ...shards,
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "profiles", namespace, labels: { "e2x-portal/part": "index" } }, data: { "meta.json": JSON.stringify({ shards: shards.map((s) => s.metadata.name) }) } },
    ];
  }

  it("writes up to `concurrency` objects at once, phase by phase: RBAC before what needs it, the shards before their index", async () => {
    const events: Event[] = [];
    const desired = hub("hub-p");
    const r = await applyPush(desired, { target: timed(events), prune: false, concurrency: 4 });
    expect(r.ok).toBe(true);
    expect(r.items.every((i) => i.action === "created")).toBe(true);
    const starts = events.filter((e) => e.edge === "start");
    const ends = events.filter((e) => e.edge === "end");
    expect(starts).toHaveLength(desired.length);
    // No write starts before every write of an earlier phase has ended.
    for (const s of starts) {
      for (const e of ends.filter((x) => x.phase < s.phase)) expect(e.at, `${e.kind} ${e.name} ends before ${s.kind} ${s.name} starts`).toBeLessThan(s.at);
    }
    expect(new Set(starts.map((e) => e.kind))).toEqual(new Set(["Namespace", "Role", "RoleBinding", "NetworkPolicy", "ConfigMap"]));
    expect(starts.at(-1)).toMatchObject({ kind: "ConfigMap", name: "profiles" });
    // And as the API server saw it: every shard was stored before the index.
    const live = (await conn.request<{ items: { metadata: { name: string; creationTimestamp: string; resourceVersion: string } }[] }>("GET", "/api/v1/namespaces/hub-p/configmaps")).body.items;
    const rv = (n: string) => Number(live.find((i) => i.metadata.name === n)!.metadata.resourceVersion);
    const index = rv("profiles");
    for (let i = 0; i < 24; i++) expect(rv(`profiles-${String(i).padStart(2, "0")}`)).toBeLessThan(index);
  });

  it("has several writes in flight at once, never more than asked", async () => {
    let inFlight = 0;
    let most = 0;
    const target: PushTarget = {
      kind: "cluster",
      connection: {
        ...conn,
        async request(method, path, opts) {
          if (method !== "PATCH" || opts?.query?.dryRun) return conn.request(method, path, opts);
          most = Math.max(most, ++inFlight);
          try {
            return await conn.request(method, path, opts);
          } finally {
            inFlight--;
          }
        },
      },
    };
    const r = await applyPush(hub("hub-q"), { target, prune: false, concurrency: 4 });
    expect(r.ok).toBe(true);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(4);
  });

  it("stops when the API server goes away: nothing more is started, and it lists exactly what was written", async () => {
    const events: Event[] = [];
    const desired = hub("hub-r");
    // The real API server is killed just before the 12th write is sent.
    const target = timed(events, async (n) => {
      if (n === 12) await kube.kill();
    });
    const r = await applyPush(desired, { target, prune: true, concurrency: 4 });
    expect(r.ok).toBe(false);
    expect(r.aborted?.kind).toBe("unreachable");
    const by = (a: string) => r.items.filter((i) => i.action === a);
    const failed = by("error");
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed.length).toBeLessThanOrEqual(4);
    expect(by("created").length).toBe(r.applied.length);
    expect(r.applied.length).toBeLessThan(12);
    expect(by("skipped").length).toBe(desired.length - r.applied.length - failed.length);
    // Nothing was started after the first failure came back, and the index was never started.
    const firstFailure = events.find((e) => e.failed)!.at;
    expect(events.filter((e) => e.edge === "start" && e.at > firstFailure)).toEqual([]);
    expect(r.items.find((i) => i.ref.name === "profiles")?.action).toBe("skipped");

    kube = await startKubeApiServer({ stateDir: kube.stateDir });
    const live = (await conn.request<{ items: { metadata: { name: string } }[] }>("GET", "/api/v1/namespaces/hub-r/configmaps")).body.items.map((i) => i.metadata.name);
    for (const ref of r.applied) if (ref.kind === "ConfigMap") expect(live).toContain(ref.name);
    const inFlight = new Set(failed.map((i) => i.ref.name));
    expect(live.filter((n) => n !== "kube-root-ca.crt" && !r.applied.some((a) => a.name === n)).every((n) => inFlight.has(n))).toBe(true);
    expect((await applyPush(desired, { target: { kind: "cluster", connection: conn }, prune: true })).ok).toBe(true);
  });
});
