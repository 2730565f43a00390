// The test API server is a real kube-apiserver: objects go through @kubernetes/client-node,
// and RBAC refuses a user who has no role.
import { ApiException, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKubeApiServer, type KubeApiServer } from "@/e2e/services/kube";

let kube: KubeApiServer;
let admin: CoreV1Api;

function client(kubeconfigPath: string): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return kc.makeApiClient(CoreV1Api);
}

beforeAll(async () => {
  kube = await startKubeApiServer();
  admin = client(kube.kubeconfigPath);
});

afterAll(async () => {
  await kube?.stop();
});

describe("test kube-apiserver", () => {
  it("creates a namespace and a ConfigMap as admin", async () => {
    await admin.createNamespace({ body: { metadata: { name: "smoke" } } });
    const created = await admin.createNamespacedConfigMap({
      namespace: "smoke",
      body: { metadata: { name: "greeting" }, data: { hello: "world" } },
    });
    expect(created.metadata?.uid).toBeTruthy();
    const read = await admin.readNamespacedConfigMap({ namespace: "smoke", name: "greeting" });
    expect(read.data).toEqual({ hello: "world" });
    const list = await admin.listNamespace();
    expect(list.items.map((n) => n.metadata?.name)).toEqual(expect.arrayContaining(["default", "kube-system", "smoke"]));
  });

  it("refuses a user without a role (403 from RBAC)", async () => {
    const gina = client(await kube.userKubeconfig("gina", ["graders"]));
    const err = await gina.readNamespacedConfigMap({ namespace: "smoke", name: "greeting" }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiException);
    expect((err as ApiException<unknown>).code).toBe(403);
    expect(String((err as ApiException<string>).body)).toContain('User \\"gina\\" cannot get resource \\"configmaps\\"');
  });

  it("stops cleanly: no process is left behind", async () => {
    const other = await startKubeApiServer();
    expect(() => process.kill(other.pid, 0)).not.toThrow();
    await other.stop();
    expect(() => process.kill(other.pid, 0)).toThrow(/ESRCH/);
  });
});
