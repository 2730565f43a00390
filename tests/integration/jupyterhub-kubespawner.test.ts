/**
 * A real JupyterHub with the real KubeSpawner, the real configurable-http-proxy (npm) and the
 * portal's hub config, against a real kube-apiserver (no kubelet: pods are stored, never
 * started). The hub launches the proxy itself, as JupyterHub's default ConfigurableHTTPProxy
 * does, and the test talks to the hub only through the proxy's public port. The hub
 * authenticates as the `hub` ServiceAccount with Z2JH's hub Role plus the portal's rendered
 * Role, reads the rendered profile ConfigMaps at spawn time, and creates the pod; the test reads
 * the pod back.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { type KubeApiServer, kubeBinary, startKubeApiServer } from "@/e2e/services/kube";
import { smallModel } from "@/lib/render/fixtures";
import { type KubeObject, renderAll } from "@/lib/render/index";

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const NS = "e2x-assignment";
const PY_CONFIG = path.join(ROOT, "lib/render/python/tests/jupyterhub_test_config.py");
const CHP = path.join(ROOT, "node_modules/.bin/configurable-http-proxy");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Z2JH's hub ServiceAccount and Role (templates/hub/rbac.yaml): no ConfigMaps. */
function z2jhHubRbac(ns: string): unknown[] {
  return [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "hub", namespace: ns } },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "hub", namespace: ns },
      rules: [
        {
          apiGroups: [""],
          resources: ["pods", "persistentvolumeclaims", "secrets", "services"],
          verbs: ["get", "watch", "list", "create", "delete"],
        },
        { apiGroups: [""], resources: ["events"], verbs: ["get", "watch", "list"] },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "hub", namespace: ns },
      subjects: [{ kind: "ServiceAccount", name: "hub", namespace: ns }],
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "hub" },
    },
  ];
}

function objectsIn(model: ReturnType<typeof smallModel>, ns: string): KubeObject[] {
  return renderAll(model).objects.filter((o) => o.metadata.namespace === ns);
}

let kube: KubeApiServer;
let kubectl: string;
let state: string;

async function k(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(kubectl, ["--kubeconfig", kube.kubeconfigPath, ...args], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

async function apply(objects: unknown[]): Promise<void> {
  const file = path.join(state, `apply-${Date.now()}-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, objects.map((o) => YAML.stringify(o)).join("---\n"));
  await k("apply", "--server-side", "--field-manager=e2x-portal", "-f", file);
}

async function waitForPod(ns: string, name: string, timeoutMs = 30_000): Promise<Record<string, any> | null> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      return JSON.parse(await k("get", "pod", "-n", ns, name, "-o", "json"));
    } catch {
      await sleep(300);
    }
  }
  return null;
}

/** Whether `pid` is a live configurable-http-proxy process (not a reused pid). */
function isProxyProcess(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("configurable-http-proxy");
  } catch {
    return false;
  }
}

/** Hubs still running when the worker exits: kill them and their proxies (sync, last resort). */
const runningHubs = new Set<HubProcess>();
process.on("exit", () => {
  for (const hub of runningHubs) hub.killNow();
});

/**
 * A JupyterHub process configured like a Z2JH hub of `hub`, authenticating as its ServiceAccount.
 * The hub starts configurable-http-proxy in a session of its own and stops it when it shuts down.
 */
class HubProcess {
  log = "";
  /** the hub API as clients see it: through the proxy's public port */
  api = "";
  /** the proxy's public URL and REST API */
  publicUrl = "";
  proxyApi = "";
  readonly proxyToken = randomBytes(24).toString("hex");
  hubUrl = "";
  private proc?: ChildProcess;
  private dir = "";
  private proxyPid?: number;
  private readonly token = randomBytes(24).toString("hex");

  constructor(
    readonly hub: "assignment" | "exam",
    readonly ns: string,
  ) {}

  async start(): Promise<void> {
    if (!fs.existsSync(CHP)) throw new Error(`${CHP} is missing: configurable-http-proxy is a devDependency, run the project's install`);
    const saToken = (await k("create", "token", "hub", "-n", this.ns, "--duration=1h")).trim();
    const kubeconfig = await kube.tokenKubeconfig(saToken, `hub-${this.hub}`);
    this.dir = fs.mkdtempSync(path.join(state, `hub-${this.hub}-`));
    const [hubPort, publicPort, proxyApiPort] = await distinctFreePorts(3);
    this.hubUrl = `http://127.0.0.1:${hubPort}`;
    this.publicUrl = `http://127.0.0.1:${publicPort}`;
    this.proxyApi = `http://127.0.0.1:${proxyApiPort}/api`;
    this.api = `${this.publicUrl}/hub/api`;
    this.proc = spawn(path.join(ROOT, ".venv/bin/jupyterhub"), ["-f", PY_CONFIG], {
      cwd: this.dir,
      env: {
        ...process.env,
        KUBECONFIG: kubeconfig,
        KUBERNETES_SERVICE_HOST: "",
        E2X_TEST_STATE_DIR: this.dir,
        E2X_TEST_HUB_PORT: String(hubPort),
        E2X_TEST_PUBLIC_PORT: String(publicPort),
        E2X_TEST_PROXY_API_PORT: String(proxyApiPort),
        CONFIGPROXY_AUTH_TOKEN: this.proxyToken,
        E2X_TEST_API_TOKEN: this.token,
        E2X_PORTAL_HUB: this.hub,
        E2X_PORTAL_NAMESPACE: this.ns,
        E2X_PORTAL_CACHE_TTL: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    runningHubs.add(this);
    this.proc.stdout!.on("data", (d) => (this.log += d));
    this.proc.stderr!.on("data", (d) => (this.log += d));
    const until = Date.now() + 60_000;
    for (;;) {
      this.proxyPid ??= this.readProxyPid();
      if (this.proc.exitCode !== null) throw new Error(`jupyterhub exited ${this.proc.exitCode}\n${this.log}`);
      try {
        // up once the proxy routes the hub's API to the hub
        if ((await this.call("GET", "/")).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > until) throw new Error(`jupyterhub did not come up behind the proxy\n${this.log}`);
      await sleep(300);
    }
    this.proxyPid ??= this.readProxyPid();
    if (this.proxyPid === undefined) throw new Error(`no proxy pid file in ${this.dir}\n${this.log}`);
  }

  private readProxyPid(): number | undefined {
    try {
      const pid = Number.parseInt(fs.readFileSync(path.join(this.dir, "jupyterhub-proxy.pid"), "utf8"), 10);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  call(method: string, url: string, body?: unknown): Promise<Response> {
    return fetch(`${this.api}${url}`, {
      method,
      headers: { Authorization: `token ${this.token}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** The proxy's routing table, read from its REST API. */
  async proxyRoutes(): Promise<Record<string, { target: string; [k: string]: unknown }>> {
    const r = await fetch(`${this.proxyApi}/routes`, { headers: { Authorization: `token ${this.proxyToken}` } });
    if (!r.ok) throw new Error(`GET ${this.proxyApi}/routes: ${r.status} ${await r.text()}`);
    return r.json();
  }

  /**
   * Stops the hub with SIGTERM and waits for it; the hub stops the proxy it started. A proxy
   * that outlives the hub is killed and reported as an error.
   */
  async stop(): Promise<void> {
    const proc = this.proc;
    let killed = false;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      const t = setTimeout(() => {
        killed = true;
        proc.kill("SIGKILL");
      }, 20_000);
      await exited;
      clearTimeout(t);
    }
    runningHubs.delete(this);
    const pid = this.proxyPid ?? this.readProxyPid();
    if (pid !== undefined) {
      const until = Date.now() + 5_000;
      while (!killed && isProxyProcess(pid) && Date.now() < until) await sleep(100);
      if (isProxyProcess(pid)) {
        killProcess(pid);
        if (!killed) throw new Error(`configurable-http-proxy (pid ${pid}) outlived the hub\n${this.log}`);
      }
    }
    if (killed) throw new Error(`jupyterhub did not stop on SIGTERM within 20 s\n${this.log}`);
  }

  /** Synchronous last resort when the worker exits without teardown. */
  killNow(): void {
    if (this.proc && this.proc.exitCode === null) this.proc.kill("SIGKILL");
    const pid = this.proxyPid ?? this.readProxyPid();
    if (pid !== undefined && isProxyProcess(pid)) killProcess(pid);
  }
}

function killProcess(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

async function distinctFreePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

beforeAll(async () => {
  kubectl = kubeBinary("kubectl");
  kube = await startKubeApiServer();
  state = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-jupyterhub-"));
  // every rendered object of every hub goes through the real API server's validation
  await apply(["e2x-assignment", "e2x-exam", "e2x-grading"].flatMap(z2jhHubRbac));
  await apply(renderAll(smallModel()).objects);
}, 900_000);

afterAll(async () => {
  await kube?.stop();
  if (state) fs.rmSync(state, { recursive: true, force: true });
}, 60_000);

describe("assignment hub: JupyterHub + KubeSpawner with the portal's profiles", () => {
  const hub = new HubProcess("assignment", NS);
  const hubApi = (method: string, url: string, body?: unknown) => hub.call(method, url, body);

  beforeAll(() => hub.start(), 120_000);
  afterAll(() => hub.stop(), 30_000);

  it("serves the hub through configurable-http-proxy, which the hub configured over its REST API", async () => {
    const viaProxy = await fetch(`${hub.publicUrl}/hub/api`);
    expect(viaProxy.status).toBe(200);
    const body = (await viaProxy.json()) as { version: string };
    expect(body.version).toMatch(/^5\.5\.\d+$/);
    expect(body).toEqual(await (await fetch(`${hub.hubUrl}/hub/api`)).json());
    const routes = await hub.proxyRoutes();
    expect(routes["/"], JSON.stringify(routes)).toMatchObject({ target: hub.hubUrl, hub: true });
    // the proxy's API refuses a wrong token
    expect((await fetch(`${hub.proxyApi}/routes`, { headers: { Authorization: "token wrong" } })).status).toBe(403);
  });

  it("the hub ServiceAccount may read the profile ConfigMaps only through the portal's Role", async () => {
    const sa = "system:serviceaccount:e2x-assignment:hub";
    expect((await k("auth", "can-i", "get", "configmaps", "-n", NS, "--as", sa)).trim()).toBe("yes");
    expect((await k("auth", "can-i", "create", "configmaps", "-n", NS, "--as", sa).catch((e) => e.stdout)).trim()).toBe("no");
    expect((await k("auth", "can-i", "get", "configmaps", "-n", "default", "--as", sa).catch((e) => e.stdout)).trim()).toBe("no");
  });

  it("spawns alice's chosen course term with its image, resources, mounts and affinity", async () => {
    expect((await hubApi("POST", "/users/alice")).status).toBe(201);
    const r = await hubApi("POST", "/users/alice/server", {
      profile: "mathe1+student",
      term: "mathe1+student+mathe1-SS25",
    });
    expect([201, 202], hub.log).toContain(r.status);
    // the request went through the proxy, which routes everything to the hub; alice's server
    // never becomes ready (no kubelet), so the hub adds no route for it
    const routes = await hub.proxyRoutes();
    expect(routes["/"], JSON.stringify(routes)).toMatchObject({ target: hub.hubUrl, hub: true, jupyterhub: true });
    expect(Object.keys(routes), JSON.stringify(routes)).not.toContain("/user/alice/");
    const pod = await waitForPod(NS, "jupyter-alice");
    expect(pod, hub.log).not.toBeNull();
    const c = pod!.spec.containers[0];
    expect(c.image).toBe("ghcr.io/digiklausur/e2x-notebook:2025.04");
    expect(c.resources.limits).toEqual({ cpu: "2", memory: String(2 * 1024 ** 3) });
    expect(c.resources.requests).toEqual({ cpu: "500m", memory: String(1024 ** 3) });
    const mounts = Object.fromEntries(
      c.volumeMounts
        .filter((m: any) => m.name === "e2x-nfs")
        .map((m: any) => [m.mountPath, `${m.subPath}${m.readOnly ? " (ro)" : ""}`]),
    );
    expect(mounts).toEqual({
      "/home/jovyan": "homes/teaching/students/mathe1-SS25/alice",
      "/srv/nbgrader/exchange/mathe1-SS25/inbound": "nbgrader/exchanges/mathe1/mathe1-SS25/inbound",
      "/srv/nbgrader/exchange/mathe1-SS25/outbound": "nbgrader/exchanges/mathe1/mathe1-SS25/outbound (ro)",
      "/srv/nbgrader/exchange/mathe1-SS25/feedback": "nbgrader/exchanges/mathe1/mathe1-SS25/feedback (ro)",
      "/srv/shares/public": "shares/teaching/public (ro)",
      "/srv/shares/mathe1": "shares/teaching/courses/mathe1 (ro)",
    });
    const nfs = pod!.spec.volumes.find((v: any) => v.name === "e2x-nfs");
    expect(nfs.nfs).toEqual({ server: "nfs.e2x.example.edu", path: "/export/e2x" });
    expect(pod!.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: "hub.jupyter.org/node-purpose", operator: "In", values: ["user"] }] },
    ]);
    expect(c.securityContext.runAsUser).toBe(1000);
    const env = Object.fromEntries(c.env.filter((e: any) => "value" in e).map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ E2X_COURSE_ID: "mathe1-SS25", E2X_ROLE: "student", E2X_PROFILE_KEY: "mathe1+student+mathe1-SS25" });
    expect(pod!.metadata.labels.component).toBe("singleuser-server");
    expect(hub.log).toContain("e2x-portal: alice spawns mathe1+student+mathe1-SS25 on hub assignment");
  });

  it("refuses a course the user is not in, then allows it after a roster push without restart", async () => {
    expect((await hubApi("POST", "/users/bob")).status).toBe(201);
    const refused = await hubApi("POST", "/users/bob/server", { profile: "mathe1+student" });
    expect(refused.status, hub.log).toBe(403);
    expect(await refused.text()).toContain("not enrolled");
    expect(await waitForPod(NS, "jupyter-bob", 3_000)).toBeNull();

    const model = smallModel();
    model.memberships = [...model.memberships, { username: "bob", courseId: "mathe1-WS25", role: "student" }];
    await apply(objectsIn(model, NS));
    await sleep(1_500); // the hub's index cache TTL is 1 s here
    const r = await hubApi("POST", "/users/bob/server", { profile: "mathe1+student" });
    expect([201, 202], hub.log).toContain(r.status);
    const pod = await waitForPod(NS, "jupyter-bob");
    expect(pod, hub.log).not.toBeNull();
    expect(pod!.spec.containers[0].image).toBe("ghcr.io/digiklausur/e2x-notebook:2025.10");
  });
});

describe("exam hub: one course, exam nodes, guaranteed resources", () => {
  const EXAM = "e2x-exam";
  const hub = new HubProcess("exam", EXAM);

  beforeAll(() => hub.start(), 120_000);
  afterAll(() => hub.stop(), 30_000);

  it("spawns the single exam course with exam affinity and requests = limits", async () => {
    expect((await hub.call("POST", "/users/alice")).status).toBe(201);
    const r = await hub.call("POST", "/users/alice/server", {});
    expect([201, 202], hub.log).toContain(r.status);
    expect((await hub.proxyRoutes())["/"]).toMatchObject({ target: hub.hubUrl, hub: true });
    const pod = await waitForPod(EXAM, "jupyter-alice");
    expect(pod, hub.log).not.toBeNull();
    const c = pod!.spec.containers[0];
    expect(c.image).toBe("ghcr.io/digiklausur/e2x-notebook:2025.10");
    expect(c.resources.requests).toEqual(c.resources.limits);
    expect(pod!.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: "hub.jupyter.org/node-purpose", operator: "In", values: ["exam"] }] },
    ]);
    const home = c.volumeMounts.find((m: any) => m.mountPath === "/home/jovyan");
    expect(home.subPath).toBe("homes/exam/WS25-PZ1/mathe1-alice/home");
  });

  it("refuses the second course of a user in two exam course terms", async () => {
    expect((await hub.call("POST", "/users/grace")).status).toBe(201);
    // grace is a grader in mathe1 and a student in prog: exam mode offers only one of them
    const other = await hub.call("POST", "/users/grace/server", { profile: "prog+student" });
    expect(other.status, hub.log).toBe(403);
    expect(await waitForPod(EXAM, "jupyter-grace", 2_000)).toBeNull();
  });
});
