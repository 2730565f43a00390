// The portal's own manifests (deploy/k8s) on a real API server: applied with kubectl, then
// the portal, authenticated as its ServiceAccount (token from the TokenRequest API), pushes
// the rendered hub objects into the hub namespaces and is refused everything else.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubeBinary, startKubeApiServer, type KubeApiServer } from "@/e2e/services/kube";
import { waitFor } from "@/e2e/services/z2jh";
import {
  applyPush,
  ClusterError,
  clusterStatus,
  connectCluster,
  countSingleuserPods,
  readHubDeployment,
  setHubTemplateAnnotations,
  planPush,
  portalAccessChecks,
  selfAccessReview,
  type ClusterConnection,
  type KubeObject,
  type PushTarget,
} from "@/lib/cluster";
import { EXAM_PASSWORDS_SECRET, renderAll } from "@/lib/render";
import { smallModel } from "@/lib/render/fixtures";

const run = promisify(execFile);
const HUB_NAMESPACES = ["e2x-assignment", "e2x-exam", "e2x-grading"];
/** The exam hub's password Secret, the one Secret the portal may touch (by name). */
const EXAM_SECRET = EXAM_PASSWORDS_SECRET;

let kube: KubeApiServer;
let admin: ClusterConnection;
let portal: ClusterConnection;
let target: PushTarget;

beforeAll(async () => {
  kube = await startKubeApiServer();
  admin = connectCluster({ kubeconfigPath: kube.kubeconfigPath });
  const kubectl = kubeBinary("kubectl");
  await run(kubectl, ["--kubeconfig", kube.kubeconfigPath, "apply", "--server-side", "-k", path.resolve("deploy/k8s")]);
  const tr = await admin.request<{ status: { token: string } }>("POST", "/api/v1/namespaces/e2x-portal/serviceaccounts/e2x-portal/token", {
    body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3600 } },
  });
  portal = connectCluster({ kubeconfigPath: await kube.tokenKubeconfig(tr.body.status.token, "e2x-portal") });
  target = { kind: "cluster", connection: portal };
});

afterAll(async () => {
  portal?.close();
  admin?.close();
  await kube?.stop();
});

describe("deploy/k8s", () => {
  it("creates the portal's namespace, ServiceAccount, storage, workload, service and nightly backup", async () => {
    const get = async (p: string) => (await admin.request<Record<string, any>>("GET", p)).body;
    expect((await get("/api/v1/namespaces/e2x-portal/serviceaccounts/e2x-portal")).metadata.name).toBe("e2x-portal");
    const dep = await get("/apis/apps/v1/namespaces/e2x-portal/deployments/e2x-portal");
    expect(dep.spec.template.spec.serviceAccountName).toBe("e2x-portal");
    expect(dep.spec.strategy.type).toBe("Recreate");
    expect(dep.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect((await get("/api/v1/namespaces/e2x-portal/persistentvolumeclaims/e2x-portal-data")).spec.accessModes).toEqual(["ReadWriteOnce"]);
    expect((await get("/api/v1/namespaces/e2x-portal/services/e2x-portal")).spec.ports[0].port).toBe(80);
    const ingress = await get("/apis/networking.k8s.io/v1/namespaces/e2x-portal/ingresses/e2x-portal");
    expect(ingress.spec.tls[0].secretName).toBe("e2x-portal-tls");
    expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe("e2x-portal");
    // the nightly backup: the image's backup entry point, on the portal's node, into its own volume
    const cron = await get("/apis/batch/v1/namespaces/e2x-portal/cronjobs/e2x-portal-backup");
    expect(cron.spec.concurrencyPolicy).toBe("Forbid");
    const pod = cron.spec.jobTemplate.spec.template.spec;
    expect(pod.containers[0].command).toEqual(["node", "backup.mjs"]);
    expect(pod.containers[0].image).toBe(dep.spec.template.spec.containers[0].image);
    expect(pod.volumes.map((v: { persistentVolumeClaim: { claimName: string } }) => v.persistentVolumeClaim.claimName)).toEqual(["e2x-portal-data", "e2x-portal-backups"]);
    expect(pod.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels).toEqual(dep.spec.selector.matchLabels);
    expect((await get("/api/v1/namespaces/e2x-portal/persistentvolumeclaims/e2x-portal-backups")).spec.accessModes).toEqual(["ReadWriteOnce"]);
    for (const ns of HUB_NAMESPACES) {
      expect((await get(`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings/e2x-portal`)).subjects).toEqual([
        { kind: "ServiceAccount", name: "e2x-portal", namespace: "e2x-portal" },
      ]);
    }
  });
});

describe("the portal as its ServiceAccount", () => {
  it("is who the API server thinks it is", async () => {
    const s = await clusterStatus(portal);
    expect(s.error).toBeUndefined();
    expect(s.user?.username).toBe("system:serviceaccount:e2x-portal:e2x-portal");
  });

  it("may do everything a push needs in every hub namespace", async () => {
    const checks = portalAccessChecks(HUB_NAMESPACES, [{ namespace: "e2x-exam", name: EXAM_PASSWORDS_SECRET }]);
    const results = await selfAccessReview(portal, checks);
    expect(results.filter((r) => !r.allowed)).toEqual([]);
    // four kinds with five verbs each, get and patch on the hub Deployment, list on pods, and the
    // exam password Secret: create, get, patch, delete
    expect(results.length).toBe(HUB_NAMESPACES.length * (4 * 5 + 2 + 1) + 4);
  });

  it("writes its own exam password Secret, and no other Secret anywhere", async () => {
    const mine = renderAll(smallModel()).objects.find((o) => o.kind === "Secret")!;
    expect(mine.metadata).toMatchObject({ name: EXAM_PASSWORDS_SECRET, namespace: "e2x-exam" });
    // created (server-side apply), changed, read back, deleted: by name
    await admin.request("DELETE", `/api/v1/namespaces/e2x-exam/secrets/${EXAM_PASSWORDS_SECRET}`).catch(() => undefined);
    expect((await applyPush([mine], { target, prune: false })).items.map((i) => i.action)).toEqual(["created"]);
    const changed = { ...mine, data: { "exams.json": Buffer.from('{"version":1,"exams":[],"accounts":{}}').toString("base64") } };
    expect((await applyPush([changed], { target, prune: false })).items.map((i) => i.action)).toEqual(["configured"]);
    expect((await portal.request<{ metadata: { name: string } }>("GET", `/api/v1/namespaces/e2x-exam/secrets/${EXAM_PASSWORDS_SECRET}`)).body.metadata.name).toBe(EXAM_PASSWORDS_SECRET);
    // (the hub's own Secret stays out of reach: least privilege, below)
    // no Secrets in the teaching hubs' namespaces at all
    const elsewhere = { ...mine, metadata: { ...mine.metadata, namespace: "e2x-assignment" } };
    const r = await applyPush([elsewhere], { target, prune: false });
    expect(r.items.map((i) => [i.action, i.error?.kind])).toEqual([["error", "forbidden"]]);
    const reviews = await selfAccessReview(portal, [
      { verb: "create", resource: "secrets", namespace: "e2x-assignment" },
      { verb: "get", resource: "secrets", namespace: "e2x-grading", name: EXAM_PASSWORDS_SECRET },
      { verb: "get", resource: "secrets", namespace: "e2x-exam", name: "hub" },
      { verb: "list", resource: "secrets", namespace: "e2x-exam" },
      { verb: "delete", resource: "secrets", namespace: "e2x-exam", name: EXAM_PASSWORDS_SECRET },
    ]);
    expect(reviews.map((x) => x.allowed)).toEqual([false, false, false, false, true]);
    await portal.request("DELETE", `/api/v1/namespaces/e2x-exam/secrets/${EXAM_PASSWORDS_SECRET}`);
  });

  it("plans and applies the rendered hub objects, converges, and prunes", async () => {
    const { objects } = renderAll(smallModel());
    expect(objects.length).toBeGreaterThan(5);
    const namespaces = new Set(objects.map((o) => o.metadata.namespace));
    expect([...namespaces].every((n) => n && HUB_NAMESPACES.includes(n))).toBe(true);

    const plan = await planPush(objects, { target });
    expect(plan.items.filter((i) => i.action !== "create")).toEqual([]);
    const result = await applyPush(plan, { target, prune: true });
    expect(result.items.filter((i) => i.action !== "created")).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.applied.length).toBe(objects.length);

    const again = await planPush(objects, { target });
    expect(again.summary).toMatchObject({ unchanged: objects.length, create: 0, change: 0, prune: 0, error: 0, conflict: 0 });

    // One object fewer: it is pruned, as the ServiceAccount.
    const dropped = objects.find((o) => o.kind === "ConfigMap")!;
    const fewer = objects.filter((o) => o !== dropped);
    const pruned = await applyPush(fewer, { target, prune: true });
    expect(pruned.ok).toBe(true);
    expect(pruned.items.filter((i) => i.action === "pruned").map((i) => i.ref.name)).toEqual([dropped.metadata.name]);
  });

  it("is refused reading Secrets in kube-system", async () => {
    const err = await portal.request("GET", "/api/v1/namespaces/kube-system/secrets").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).kind).toBe("forbidden");
    expect((err as ClusterError).message).toBe(
      'secrets is forbidden: User "system:serviceaccount:e2x-portal:e2x-portal" cannot list resource "secrets" in API group "" in the namespace "kube-system"',
    );
    const [review] = await selfAccessReview(portal, [{ verb: "get", resource: "secrets", namespace: "kube-system" }]);
    expect(review.allowed).toBe(false);
  });

  it("cannot write outside the hub namespaces nor grant itself more", async () => {
    const outside: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "kube-system" }, data: {} };
    const escalate: KubeObject = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "pod-exec", namespace: "e2x-exam" },
      rules: [{ apiGroups: [""], resources: ["pods", "pods/exec"], verbs: ["create", "get"] }],
    };
    const result = await applyPush([outside, escalate], { target, prune: false });
    expect(result.items.map((i) => [i.ref.name, i.action, i.error?.kind])).toEqual([
      ["pod-exec", "error", "forbidden"],
      ["x", "error", "forbidden"],
    ]);
    expect(result.items[0].error?.message).toMatch(/attempting to grant RBAC permissions not currently held/);
    expect(result.applied).toEqual([]);
  });
});

/**
 * The API server takes a moment to load a new admission policy: waits until the hub restart
 * policy (deploy/k8s/hub-restart-policy.yaml) refuses the portal a change of what the hub pod
 * runs (asked as a dry run, which writes nothing).
 */
async function hubRestartPolicyInForce(namespace: string) {
  const evil = { spec: { template: { spec: { containers: [{ name: "hub", image: "attacker/steal" }] } } } };
  await waitFor(
    "the hub restart policy in force",
    () =>
      portal
        .request("PATCH", `/apis/apps/v1/namespaces/${namespace}/deployments/hub`, { body: evil, contentType: "application/merge-patch+json", query: { dryRun: "All" } })
        .then(() => false, (e: unknown) => e instanceof ClusterError && /ValidatingAdmissionPolicy/.test(e.message)),
    30_000,
  );
}

/** What a compromised portal could try, each asked of the real API server with RBAC on. */
describe("least privilege: what the portal's account cannot do", () => {
  const refused = async (method: string, p: string, body?: unknown, contentType?: string) => {
    const err = await portal.request(method, p, { body, contentType }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err, `${method} ${p} should be refused`).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).kind, `${method} ${p}`).toBe("forbidden");
    return (err as ClusterError).message;
  };
  const pod = (ns: string) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "steal", namespace: ns },
    spec: {
      serviceAccountName: "hub",
      containers: [{ name: "c", image: "busybox", command: ["cat", "/var/run/secrets/kubernetes.io/serviceaccount/token"], volumeMounts: [{ name: "s", mountPath: "/s" }] }],
      volumes: [{ name: "s", secret: { secretName: "hub" } }],
    },
  });
  const template = (ns: string) => ({ metadata: { labels: { app: "steal" } }, spec: pod(ns).spec });

  beforeAll(async () => {
    // No kube-controller-manager runs here, so the aggregated ClusterRoles `admin` and `edit`
    // have no rules yet. Stand in for its clusterrole-aggregation controller: fill them with
    // the rules of the ClusterRoles their aggregationRule selects, as a real cluster has them.
    type ClusterRole = { metadata: { name: string; labels?: Record<string, string> }; rules?: unknown[]; aggregationRule?: { clusterRoleSelectors: { matchLabels: Record<string, string> }[] } };
    const all = (await admin.request<{ items: ClusterRole[] }>("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles")).body.items;
    const rulesOf = (role: ClusterRole): unknown[] =>
      role.aggregationRule
        ? all.filter((r) => role.aggregationRule!.clusterRoleSelectors.some((sel) => Object.entries(sel.matchLabels).every(([k, v]) => r.metadata.labels?.[k] === v))).flatMap(rulesOf)
        : (role.rules ?? []);
    for (const name of ["admin", "edit"]) {
      const rules = rulesOf(all.find((r) => r.metadata.name === name)!);
      expect(JSON.stringify(rules)).toContain('"pods"');
      await admin.request("PATCH", `/apis/rbac.authorization.k8s.io/v1/clusterroles/${name}`, { body: { rules }, contentType: "application/merge-patch+json" });
    }
    // what a Z2JH release puts in each hub namespace: the hub's Secret, its ServiceAccount and
    // the Role that lets the hub create pods
    for (const ns of HUB_NAMESPACES) {
      await admin.request("POST", `/api/v1/namespaces/${ns}/secrets`, { body: { apiVersion: "v1", kind: "Secret", metadata: { name: "hub" }, stringData: { "hub.config.ConfigurableHTTPProxy.auth_token": "proxy-token", "hub.config.JupyterHub.cookie_secret": "cookie" } } });
      await admin.request("POST", `/api/v1/namespaces/${ns}/serviceaccounts`, { body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "hub" } } });
      await admin.request("POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, {
        body: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "hub" }, rules: [{ apiGroups: [""], resources: ["pods", "persistentvolumeclaims", "secrets", "services"], verbs: ["get", "watch", "list", "create", "delete"] }] },
      });
      await admin.request("POST", `/apis/apps/v1/namespaces/${ns}/deployments`, {
        body: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "hub" }, spec: { selector: { matchLabels: { app: "hub" } }, template: { metadata: { labels: { app: "hub" } }, spec: { containers: [{ name: "hub", image: "jupyterhub/k8s-hub:4.4.0" }] } } } },
      });
    }
  });

  it("cannot read, list or watch the hub's Secret in any hub namespace", async () => {
    for (const ns of HUB_NAMESPACES) {
      expect(await refused("GET", `/api/v1/namespaces/${ns}/secrets/hub`)).toContain('cannot get resource "secrets"');
      await refused("GET", `/api/v1/namespaces/${ns}/secrets`);
      await refused("GET", `/api/v1/namespaces/${ns}/secrets?watch=true`);
      await refused("PATCH", `/api/v1/namespaces/${ns}/secrets/hub`, { stringData: { x: "y" } }, "application/merge-patch+json");
      await refused("DELETE", `/api/v1/namespaces/${ns}/secrets/hub`);
    }
  });

  it("creates, reads, applies and deletes the exam password Secret by its name, and no other Secret", async () => {
    const body = { apiVersion: "v1", kind: "Secret", metadata: { name: EXAM_SECRET, namespace: "e2x-exam" }, stringData: { version: "1" } };
    // the rendered objects pushed above include it: start without it
    await portal.request("DELETE", `/api/v1/namespaces/e2x-exam/secrets/${EXAM_SECRET}`).catch(() => undefined);
    const created = await portal.request<{ metadata: { name: string } }>("POST", "/api/v1/namespaces/e2x-exam/secrets", { body });
    expect(created.body.metadata.name).toBe(EXAM_SECRET);
    expect((await portal.request<{ data: Record<string, string> }>("GET", `/api/v1/namespaces/e2x-exam/secrets/${EXAM_SECRET}`)).body.data.version).toBe(Buffer.from("1").toString("base64"));
    const applied = await portal.request<{ data: Record<string, string> }>("PATCH", `/api/v1/namespaces/e2x-exam/secrets/${EXAM_SECRET}`, {
      body: { ...body, stringData: { version: "2" } },
      contentType: "application/apply-patch+yaml",
      query: { fieldManager: "e2x-portal" },
    });
    expect(applied.body.data.version).toBe(Buffer.from("2").toString("base64"));
    await portal.request("DELETE", `/api/v1/namespaces/e2x-exam/secrets/${EXAM_SECRET}`);
    // only in the exam namespace
    await refused("POST", "/api/v1/namespaces/e2x-assignment/secrets", { ...body, metadata: { name: EXAM_SECRET } });
    // a Secret it creates under another name (RBAC cannot restrict create by name) it cannot
    // read back: not even a ServiceAccount token Secret for the hub, which the token
    // controller would fill in
    await portal.request("POST", "/api/v1/namespaces/e2x-exam/secrets", {
      body: { apiVersion: "v1", kind: "Secret", metadata: { name: "hub-token", annotations: { "kubernetes.io/service-account.name": "hub" } }, type: "kubernetes.io/service-account-token" },
    });
    await refused("GET", "/api/v1/namespaces/e2x-exam/secrets/hub-token");
  });

  it("cannot create a pod, directly or through any workload controller", async () => {
    for (const ns of HUB_NAMESPACES) {
      await refused("POST", `/api/v1/namespaces/${ns}/pods`, pod(ns));
      await refused("POST", `/api/v1/namespaces/${ns}/replicationcontrollers`, { apiVersion: "v1", kind: "ReplicationController", metadata: { name: "steal" }, spec: { replicas: 1, selector: { app: "steal" }, template: template(ns) } });
      for (const kind of ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"]) {
        await refused("POST", `/apis/apps/v1/namespaces/${ns}/${kind.toLowerCase()}s`, { apiVersion: "apps/v1", kind, metadata: { name: "steal" }, spec: { selector: { matchLabels: { app: "steal" } }, serviceName: "steal", template: template(ns) } });
      }
      await refused("POST", `/apis/batch/v1/namespaces/${ns}/jobs`, { apiVersion: "batch/v1", kind: "Job", metadata: { name: "steal" }, spec: { template: { ...template(ns), spec: { ...template(ns).spec, restartPolicy: "Never" } } } });
      await refused("POST", `/apis/batch/v1/namespaces/${ns}/cronjobs`, {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: "steal" },
        spec: { schedule: "* * * * *", jobTemplate: { spec: { template: { ...template(ns), spec: { ...template(ns).spec, restartPolicy: "Never" } } } } },
      });
      // nor by changing the hub's own Deployment: RBAC lets the portal patch it (to restart the
      // hub), the admission policy refuses every change but the restart annotation
      await hubRestartPolicyInForce(ns);
      const hubTemplate = { metadata: { labels: { app: "hub" } }, spec: pod(ns).spec };
      expect(await refused("PATCH", `/apis/apps/v1/namespaces/${ns}/deployments/hub`, { spec: { template: hubTemplate } }, "application/merge-patch+json")).toMatch(/ValidatingAdmissionPolicy 'e2x-portal-hub-restart'/);
    }
    // nothing of the kind was stored
    const pods = await admin.request<{ items: unknown[] }>("GET", "/api/v1/pods");
    expect(pods.body.items).toEqual([]);
  });

  it("cannot mint a token for the hub's ServiceAccount, nor act as it", async () => {
    for (const ns of HUB_NAMESPACES) {
      await refused("POST", `/api/v1/namespaces/${ns}/serviceaccounts/hub/token`, { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 600 } });
      await refused("GET", `/api/v1/namespaces/${ns}/serviceaccounts/hub`);
      await refused("POST", `/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "portal-made" } });
    }
    const reviews = await selfAccessReview(portal, [
      { verb: "impersonate", resource: "serviceaccounts", namespace: "e2x-exam", name: "hub" },
      { verb: "impersonate", resource: "users", name: "system:serviceaccount:e2x-exam:hub" },
      { verb: "impersonate", resource: "groups", name: "system:masters" },
      { verb: "create", resource: "pods", subresource: "exec", namespace: "e2x-exam" },
      { verb: "create", resource: "serviceaccounts", subresource: "token", namespace: "e2x-exam", name: "hub" },
      { verb: "bind", resource: "clusterroles", group: "rbac.authorization.k8s.io", name: "admin" },
      { verb: "escalate", resource: "roles", group: "rbac.authorization.k8s.io", namespace: "e2x-exam" },
    ]);
    expect(reviews.filter((r) => r.allowed)).toEqual([]);
  });

  it("cannot grant itself more through a RoleBinding or a Role", async () => {
    const binding = (ns: string, roleRef: { kind: string; name: string }) => ({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: `grab-${roleRef.name}` },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", ...roleRef },
      subjects: [{ kind: "ServiceAccount", name: "e2x-portal", namespace: "e2x-portal" }],
    });
    for (const ns of HUB_NAMESPACES) {
      for (const roleRef of [
        { kind: "Role", name: "hub" },
        { kind: "ClusterRole", name: "admin" },
        { kind: "ClusterRole", name: "edit" },
        { kind: "ClusterRole", name: "cluster-admin" },
      ]) {
        expect(await refused("POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, binding(ns, roleRef))).toMatch(/attempting to grant RBAC permissions not currently held|cannot bind/);
      }
      await refused("POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: "more" },
        rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }],
      });
      // nor widen its own Role
      await refused("PATCH", `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles/e2x-portal`, { rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }] }, "application/merge-patch+json");
    }
    await refused("POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "grab" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
      subjects: [{ kind: "ServiceAccount", name: "e2x-portal", namespace: "e2x-portal" }],
    });
  });
});

/** A Deployment as Helm would create it (no controller runs here: it is stored, never rolled out). */
function deployment(name: string, namespace: string) {
  const labels = { app: "jupyterhub", component: name };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, labels },
    spec: {
      selector: { matchLabels: labels },
      strategy: { type: "Recreate" },
      template: { metadata: { labels, annotations: { "checksum/secret": "x" } }, spec: { containers: [{ name, image: "quay.io/jupyterhub/k8s-hub:4.4.0" }] } },
    },
  };
}

describe("the hub restart right: the hub Deployment by name, nothing else", () => {
  beforeAll(async () => {
    await run(kubeBinary("kubectl"), ["--kubeconfig", kube.kubeconfigPath, "create", "namespace", "elsewhere"]);
    // (the least-privilege checks above left a bare hub Deployment in each hub namespace; here
    // the exam hub's is Helm's and the grading hub is not installed)
    for (const ns of ["e2x-exam", "e2x-grading"]) await admin.request("DELETE", `/apis/apps/v1/namespaces/${ns}/deployments/hub`);
    for (const d of [deployment("hub", "e2x-exam"), deployment("proxy", "e2x-exam"), deployment("hub", "elsewhere")]) {
      await admin.request("POST", `/apis/apps/v1/namespaces/${d.metadata.namespace}/deployments`, { body: d });
    }
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "jupyter-stud1", namespace: "e2x-exam", labels: { component: "singleuser-server" } }, spec: { containers: [{ name: "notebook", image: "x", env: [{ name: "JUPYTERHUB_API_TOKEN", value: "not-for-the-portal" }] }] } };
    await admin.request("POST", "/api/v1/namespaces/e2x-exam/pods", { body: pod });
  });

  const refused = async (p: Promise<unknown>) => {
    const e = await p.then(() => null, (err: unknown) => err);
    expect(e, "the API server should refuse").toBeInstanceOf(ClusterError);
    expect((e as ClusterError).kind).toBe("forbidden");
    return (e as ClusterError).message;
  };

  it("reads the hub Deployment and restarts it with one pod-template annotation", async () => {
    const before = (await readHubDeployment(portal, "e2x-exam"))!;
    expect(before.templateAnnotations).toEqual({ "checksum/secret": "x" });
    const after = await setHubTemplateAnnotations(portal, "e2x-exam", { "e2x-portal/config-digest": "0123456789abcdef" });
    expect(after.templateAnnotations).toEqual({ "checksum/secret": "x", "e2x-portal/config-digest": "0123456789abcdef" });
    // a new pod template: the Deployment controller would replace the hub pod
    expect(after.generation).toBe((before.generation ?? 0) + 1);
    // and only that key is the portal's
    const { body } = await admin.request<{ metadata: { managedFields: { manager: string; fieldsV1: unknown }[] } }>("GET", "/apis/apps/v1/namespaces/e2x-exam/deployments/hub");
    const mine = body.metadata.managedFields.filter((f) => f.manager === "e2x-portal");
    expect(mine.map((f) => JSON.stringify(f.fieldsV1))).toEqual([
      JSON.stringify({ "f:spec": { "f:template": { "f:metadata": { "f:annotations": { "f:e2x-portal/config-digest": {} } } } } }),
    ]);
  });

  it("changes nothing else of the hub Deployment: the admission policy allows the restart annotation only", async () => {
    const patch = (body: unknown) => portal.request("PATCH", "/apis/apps/v1/namespaces/e2x-exam/deployments/hub", { body, contentType: "application/merge-patch+json", query: { fieldManager: "e2x-portal" } });
    const evil = { spec: { template: { spec: { containers: [{ name: "hub", image: "attacker/steal" }] } } } };
    await hubRestartPolicyInForce("e2x-exam");
    const denied = async (body: unknown) => {
      const message = await refused(patch(body));
      expect(message).toMatch(/ValidatingAdmissionPolicy 'e2x-portal-hub-restart'.*the portal may/);
      return message;
    };
    expect(await denied(evil)).toMatch(/not change what its pod runs/);
    await denied({ spec: { template: { spec: { serviceAccountName: "hub" } } } });
    await denied({ spec: { template: { spec: { volumes: [{ name: "s", secret: { secretName: "hub" } }] } } } });
    expect(await denied({ spec: { replicas: 3 } })).toMatch(/replicas, rollout or pod labels/);
    await denied({ spec: { paused: true } });
    await denied({ spec: { template: { metadata: { labels: { extra: "x" } } } } });
    expect(await denied({ spec: { template: { metadata: { annotations: { "checksum/secret": "forged" } } } } })).toMatch(/only the pod-template annotation e2x-portal\/config-digest/);
    await denied({ spec: { template: { metadata: { annotations: { "checksum/secret": null } } } } });
    await denied({ spec: { template: { metadata: { annotations: { "e2x-portal/other": "x" } } } } });
    // the restart itself still goes through, and the Deployment is as it was otherwise
    const after = await setHubTemplateAnnotations(portal, "e2x-exam", { "e2x-portal/config-digest": "fedcba9876543210" });
    expect(after.templateAnnotations).toEqual({ "checksum/secret": "x", "e2x-portal/config-digest": "fedcba9876543210" });
    const { body } = await admin.request<{ spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } }>("GET", "/apis/apps/v1/namespaces/e2x-exam/deployments/hub");
    expect(body.spec.template.spec.containers[0].image).toBe("quay.io/jupyterhub/k8s-hub:4.4.0");
    expect(body.spec.replicas).toBe(1);
    // Helm and admins are not bound by it
    await admin.request("PATCH", "/apis/apps/v1/namespaces/e2x-exam/deployments/hub", { body: { spec: { template: { metadata: { annotations: { "checksum/secret": "y" } } } } }, contentType: "application/merge-patch+json" });
  });

  it("cannot patch, read or delete any other Deployment, nor create one", async () => {
    expect(await refused(setHubTemplateAnnotations(portal, "e2x-exam", { a: "b" }, { name: "proxy" }))).toMatch(/cannot patch resource "deployments" in API group "apps" in the namespace "e2x-exam"/);
    await refused(readHubDeployment(portal, "e2x-exam", "proxy"));
    // the same name outside the hub namespaces
    await refused(setHubTemplateAnnotations(portal, "elsewhere", { a: "b" }));
    await refused(readHubDeployment(portal, "elsewhere"));
    // no hub Deployment yet: the patch creates none
    const missing = await setHubTemplateAnnotations(portal, "e2x-grading", { a: "b" }).catch((e: unknown) => e);
    expect((missing as ClusterError).kind).toBe("not-found");
    expect(await readHubDeployment(admin, "e2x-grading")).toBeNull();
    await refused(portal.request("DELETE", "/apis/apps/v1/namespaces/e2x-exam/deployments/hub"));
    await refused(portal.request("PUT", "/apis/apps/v1/namespaces/e2x-exam/deployments/hub", { body: deployment("hub", "e2x-exam") }));
    await refused(portal.request("POST", "/apis/apps/v1/namespaces/e2x-exam/deployments", { body: deployment("other", "e2x-exam") }));
    await refused(portal.request("GET", "/apis/apps/v1/namespaces/e2x-exam/deployments"));
  });

  it("counts singleuser pods as metadata, and cannot create, read, change or exec into pods", async () => {
    expect(await countSingleuserPods(portal, "e2x-exam")).toBe(1);
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "x", namespace: "e2x-exam" }, spec: { containers: [{ name: "x", image: "x" }] } };
    expect(await refused(portal.request("POST", "/api/v1/namespaces/e2x-exam/pods", { body: pod }))).toMatch(/cannot create resource "pods"/);
    await refused(portal.request("GET", "/api/v1/namespaces/e2x-exam/pods/jupyter-stud1"));
    await refused(portal.request("DELETE", "/api/v1/namespaces/e2x-exam/pods/jupyter-stud1"));
    await refused(portal.request("PATCH", "/api/v1/namespaces/e2x-exam/pods/jupyter-stud1", { body: { metadata: { labels: { a: "b" } } }, contentType: "application/merge-patch+json" }));
    await refused(portal.request("POST", "/api/v1/namespaces/e2x-exam/pods/jupyter-stud1/exec", { query: { command: "id", container: "notebook" } }));
    await refused(portal.request("GET", "/api/v1/namespaces/elsewhere/pods"));
    const [watch] = await selfAccessReview(portal, [{ verb: "watch", resource: "pods", namespace: "e2x-exam" }]);
    expect(watch.allowed).toBe(false);
  });
});
