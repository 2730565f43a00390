// The portal's own manifests (deploy/k8s) on a real API server: applied with kubectl, then
// the portal, authenticated as its ServiceAccount (token from the TokenRequest API), pushes
// the rendered hub objects into the hub namespaces and is refused everything else.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubeBinary, startKubeApiServer, type KubeApiServer } from "@/e2e/services/kube";
import {
  applyPush,
  ClusterError,
  clusterStatus,
  connectCluster,
  planPush,
  portalAccessChecks,
  selfAccessReview,
  type ClusterConnection,
  type KubeObject,
  type PushTarget,
} from "@/lib/cluster";
import { renderAll } from "@/lib/render";
import { smallModel } from "@/lib/render/fixtures";

const run = promisify(execFile);
const HUB_NAMESPACES = ["e2x-assignment", "e2x-exam", "e2x-grading"];

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
  it("creates the portal's namespace, ServiceAccount, storage, workload and service", async () => {
    const get = async (p: string) => (await admin.request<Record<string, any>>("GET", p)).body;
    expect((await get("/api/v1/namespaces/e2x-portal/serviceaccounts/e2x-portal")).metadata.name).toBe("e2x-portal");
    const dep = await get("/apis/apps/v1/namespaces/e2x-portal/deployments/e2x-portal");
    expect(dep.spec.template.spec.serviceAccountName).toBe("e2x-portal");
    expect(dep.spec.strategy.type).toBe("Recreate");
    expect(dep.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect((await get("/api/v1/namespaces/e2x-portal/persistentvolumeclaims/e2x-portal-data")).spec.accessModes).toEqual(["ReadWriteOnce"]);
    expect((await get("/api/v1/namespaces/e2x-portal/services/e2x-portal")).spec.ports[0].port).toBe(80);
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
    const checks = portalAccessChecks(HUB_NAMESPACES);
    const results = await selfAccessReview(portal, checks);
    expect(results.filter((r) => !r.allowed)).toEqual([]);
    expect(results.length).toBe(HUB_NAMESPACES.length * 6 * 5);
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
