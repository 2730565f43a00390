/**
 * A second production server for the browser tests of what only a cluster shows (hub restarts,
 * the installed chart values): a fresh database with the demo data, a real kube-apiserver
 * (e2e/services/kube.ts) with the portal's own manifests (deploy/k8s), and the assignment and exam
 * hubs installed once as an admin would (the portal's values, `helm template` of the Z2JH 4.4.0
 * chart, applied); the grading hub is left uninstalled. The portal talks to the API server as
 * its ServiceAccount. No kubelet runs: two Pods labelled as singleuser servers stand in for
 * students' running servers (stored, never started).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { connectCluster } from "@/lib/cluster/connection";
import { openDb } from "@/lib/db/open";
import { renderPortal } from "@/lib/deployment/model";
import { kubeBinary, startKubeApiServer } from "./services/kube";
import { applyObjects, helmTemplate, kubectlFor, resolveZ2jhChart } from "./services/z2jh";

const port = process.argv[2] ?? "4100";
const root = path.resolve(import.meta.dirname, "..");
const dataDir = path.join(root, "e2e/.artifacts/data-cluster");
fs.rmSync(dataDir, { recursive: true, force: true });
fs.mkdirSync(dataDir, { recursive: true });

const env: NodeJS.ProcessEnv = {
  ...process.env,
  E2X_DATA_DIR: dataDir,
  E2X_EXCHANGE_ROOT: path.join(dataDir, "exchange"),
  E2X_SEED_PASSWORD: process.env.E2E_PASSWORD ?? "e2e-Passw0rd!",
  // the browser tests make the exams they need: the demo exam would stand in their way
  E2X_SEED_DEMO_EXAM: "0",
  AUTH_SECRET: `e2e-only-${Date.now()}`,
};
delete env.LDAP_URL;

const migrate = spawn("npx", ["tsx", "scripts/migrate.ts"], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
if ((await new Promise<number>((resolve) => migrate.on("exit", (c) => resolve(c ?? 1)))) !== 0) process.exit(1);

const [kube, chart] = await Promise.all([startKubeApiServer(), resolveZ2jhChart()]);
const kubectl = kubectlFor(kubeBinary("kubectl"), kube.kubeconfigPath);
const apply = (objects: unknown[], namespace?: string) => applyObjects(kubectl, kube.stateDir, objects, { namespace, fieldManager: "helm" });

/** The portal's server, once the cluster is set up. */
const running: { server?: ChildProcess } = {};
let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  try {
    running.server?.kill("SIGTERM");
  } catch {
    /* already gone */
  }
  await kube.stop();
  process.exit(code);
}
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());

try {
  await kubectl("apply", "--server-side", "-k", path.join(root, "deploy/k8s"));
  // the one-time install of two hubs, with the values the portal offers for download
  const db = openDb(path.join(dataDir, "portal.db"));
  const { render, settings } = renderPortal(db);
  db.$client.close();
  for (const hub of ["assignment", "exam"] as const) {
    const file = path.join(dataDir, `values-${hub}.yaml`);
    fs.writeFileSync(file, render.valuesYaml[hub]!);
    const namespace = settings.hubs[hub].namespace;
    await apply(await helmTemplate(chart, settings.hubs[hub].releaseName, namespace, [file]), namespace);
  }
  // stand-ins for two students' running servers on the assignment hub
  await apply(
    ["stud001", "stud002"].map((u) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: `jupyter-${u}`, namespace: settings.hubs.assignment.namespace, labels: { component: "singleuser-server", app: "jupyterhub" } },
      spec: { containers: [{ name: "notebook", image: "ghcr.io/digiklausur/e2xgrader-notebook:2025.1" }] },
    })),
  );
  const admin = connectCluster({ kubeconfigPath: kube.kubeconfigPath });
  const tr = await admin.request<{ status: { token: string } }>("POST", "/api/v1/namespaces/e2x-portal/serviceaccounts/e2x-portal/token", {
    body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 7200 } },
  });
  admin.close();
  env.KUBECONFIG = await kube.tokenKubeconfig(tr.body.status.token, "e2x-portal");
  fs.writeFileSync(path.join(dataDir, "admin.kubeconfig.path"), kube.kubeconfigPath);
} catch (e) {
  console.error(`the cluster for the browser tests could not be set up: ${e instanceof Error ? e.message : String(e)}`);
  await stop(1);
}

const server = spawn("npx", ["next", "start", "-p", port, "-H", "127.0.0.1"], { cwd: root, env, stdio: "inherit" });
running.server = server;
server.on("exit", (c) => {
  if (!stopping) void stop(c ?? 1);
});
