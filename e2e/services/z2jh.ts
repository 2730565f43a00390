// The Zero-to-JupyterHub 4.4.0 chart as a hub runs it, for tests: the published chart rendered by
// a Go-built helm, its objects applied to the real kube-apiserver, and its hub and proxy pods run
// as processes on loopback from exactly what their rendered Deployments mount and set.
//
//   const chart = await resolveZ2jhChart();                 // E2X_Z2JH_CHART, ../shared, or helm pull
//   const objects = await helmTemplate(chart, "exam", "e2x-exam", valuesYaml);
//   const hub = await startChartHub({ kube, kubectl, namespace, release, python, chp });
//   ... hub.publicUrl, hub.proxyApiUrl, hub.log() ...
//   await hub.stop();
//
// No kubelet runs here, so `PodStandIn` plays its part for one pod, and names each thing it
// stands in for:
// - the container filesystem: a temp directory. Every volume of the pod template is filled from
//   the API server (ConfigMap and Secret keys, items, subPaths, as kubelet projects them; empty
//   dirs for emptyDirs, and for PVCs unless `persistentVolumeDir` keeps their data across pods);
//   the projected ServiceAccount token comes from the TokenRequest API. The process runs in a mount namespace of its own (`unshare --mount`, needs root) where
//   those directories are bind-mounted at their real paths (/usr/local/etc/jupyterhub, /srv,
//   /var/run/secrets/...), because the chart's jupyterhub_config.py and z2jh.py read fixed paths.
// - cluster DNS: /etc/hosts in that namespace names every Service of the namespace 127.0.0.1.
// - Service environment (kubelet's `<SVC>_SERVICE_HOST/PORT`) and `$(VAR)` expansion in commands:
//   each Service port is a free loopback port.
// - the pod's own network namespace: the container's listen ports are substituted with those
//   free loopback ports (the stand-in says which, see `substitutions`).
// - the image: the hub's Python is .venv-hub (the hub image's frozen package list on Python
//   3.12), configurable-http-proxy the npm package.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import YAML from "yaml";
import { Z2JH_CHART_REPO, Z2JH_CHART_VERSION } from "@/lib/render/values";

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
/** The chart the portal's values are for (lib/render): the one the tests install and run. */
export const Z2JH_VERSION = Z2JH_CHART_VERSION;
export const KUBE_VERSION = "1.35.0";
export const HELM_REPO = Z2JH_CHART_REPO;
/** The hub image's Python (its frozen package list, provisioned by scripts/provision/python.sh). */
export const HUB_PYTHON_BIN = path.join(ROOT, ".venv-hub/bin");
/** configurable-http-proxy from npm, for the proxy pod. */
export const CHP_BIN = path.join(ROOT, "node_modules/.bin/configurable-http-proxy");

/** The API server as a pod of the test world reaches it, with its CA. */
export function podApiServer(kube: { server: string; stateDir: string }): { host: string; port: number; caFile: string } {
  return { host: "127.0.0.1", port: Number(new URL(kube.server).port), caFile: path.join(kube.stateDir, "pki/ca.crt") };
}

export type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: any }; [k: string]: any };

export function helmBinary(): string {
  const bin = path.join(process.env.KUBE_BIN_DIR ?? path.join(ROOT, ".cache/bin"), "helm");
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: scripts/provision/helm.sh builds it (npm test runs it)`);
  return bin;
}

/** Candidate folders of the shared chart: beside this checkout, or beside the main checkout of a linked work tree. */
function sharedDirs(): string[] {
  const out = [path.resolve(ROOT, "..", "shared")];
  try {
    const common = path.resolve(ROOT, String(require_git_common_dir()));
    out.push(path.resolve(path.dirname(common), "..", "shared"));
  } catch {
    // not a git checkout
  }
  return [...new Set(out)];
}

function require_git_common_dir(): string {
  const gitFile = path.join(ROOT, ".git");
  const stat = fs.statSync(gitFile);
  if (stat.isDirectory()) return gitFile;
  // a linked work tree: ".git" is a file naming its git dir, whose "commondir" names the main one
  const gitDir = path.resolve(ROOT, fs.readFileSync(gitFile, "utf8").replace(/^gitdir:\s*/, "").trim());
  const common = path.join(gitDir, "commondir");
  return fs.existsSync(common) ? path.resolve(gitDir, fs.readFileSync(common, "utf8").trim()) : gitDir;
}

export type ChartSource = { dir: string; from: "E2X_Z2JH_CHART" | "shared" | "helm pull" };

/** The Z2JH 4.4.0 chart: E2X_Z2JH_CHART, else ../shared/z2jh/jupyterhub-4.4.0, else `helm pull`. */
export async function resolveZ2jhChart(): Promise<ChartSource> {
  const check = (dir: string) => {
    const chartYaml = path.join(dir, "Chart.yaml");
    if (!fs.existsSync(chartYaml)) return false;
    const meta = YAML.parse(fs.readFileSync(chartYaml, "utf8"));
    if (meta.name !== "jupyterhub" || meta.version !== Z2JH_VERSION) {
      throw new Error(`${dir} is chart ${meta.name} ${meta.version}, not jupyterhub ${Z2JH_VERSION}`);
    }
    return true;
  };
  const env = process.env.E2X_Z2JH_CHART;
  if (env) {
    if (!check(env)) throw new Error(`E2X_Z2JH_CHART=${env} holds no Chart.yaml`);
    return { dir: env, from: "E2X_Z2JH_CHART" };
  }
  for (const shared of sharedDirs()) {
    const dir = path.join(shared, "z2jh", `jupyterhub-${Z2JH_VERSION}`);
    if (check(dir)) return { dir, from: "shared" };
  }
  const cache = path.join(ROOT, ".cache", "z2jh");
  const pulled = path.join(cache, "jupyterhub");
  if (check(pulled)) return { dir: pulled, from: "helm pull" };
  fs.mkdirSync(cache, { recursive: true });
  try {
    await execFileAsync(helmBinary(), ["pull", "jupyterhub", "--repo", HELM_REPO, "--version", Z2JH_VERSION, "--untar", "--untardir", cache], {
      timeout: 60_000,
    });
  } catch (e) {
    throw new Error(
      `no Z2JH ${Z2JH_VERSION} chart: E2X_Z2JH_CHART is unset, ${sharedDirs().map((d) => path.join(d, "z2jh")).join(" and ")} hold none, and helm pull from ${HELM_REPO} failed: ${(e as Error).message}`,
    );
  }
  if (!check(pulled)) throw new Error(`helm pull left no chart in ${pulled}`);
  return { dir: pulled, from: "helm pull" };
}

/**
 * `helm template` of the chart with the given values files (the chart's values schema is
 * validated), as a real install would create the objects. Throws with helm's message.
 */
export async function helmTemplate(chart: ChartSource, release: string, namespace: string, valuesFiles: string[]): Promise<KubeObject[]> {
  const args = ["template", release, chart.dir, "--namespace", namespace, "--kube-version", KUBE_VERSION];
  for (const f of valuesFiles) args.push("--values", f);
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(helmBinary(), args, { maxBuffer: 64 * 1024 * 1024 }));
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`helm template ${release}: ${(err.stderr || err.message).trim()}`);
  }
  return YAML.parseAllDocuments(stdout)
    .map((d) => d.toJSON() as KubeObject | null)
    .filter((o): o is KubeObject => !!o && typeof o === "object" && "kind" in o);
}

export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, host, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export type Kubectl = (...args: string[]) => Promise<string>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function decodeSecret(secret: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries<string>(secret.data ?? {})) out[k] = Buffer.from(v, "base64").toString("utf8");
  for (const [k, v] of Object.entries<string>(secret.stringData ?? {})) out[k] = v;
  return out;
}

/** What the stand-in replaced, in words, for the test to print and assert on. */
export type Substitution = { what: string; instead: string };

export type PodStandInOptions = {
  kubectl: Kubectl;
  namespace: string;
  /** The Deployment whose pod template runs, and the container in it. */
  deployment: string;
  container: string;
  /** Loopback port for every `<service>:<port>` of the namespace (filled on first use). */
  servicePorts: ServicePorts;
  /** The API server as the pod reaches it (KUBERNETES_SERVICE_HOST/PORT) and its CA. */
  apiServer: { host: string; port: number; caFile: string };
  /** The container image's stand-in: program for argv[0] and directories to put first on PATH. */
  image: { programs: Record<string, string>; path: string[]; workingDir?: string };
  /** Container args rewritten for the shared loopback network (a listen port, say). */
  rewriteArgs?: (args: string[]) => string[];
  /** Files to add to the container filesystem (absolute paths in the container). */
  extraFiles?: Record<string, string>;
  extraEnv?: Record<string, string>;
  substitutions?: Substitution[];
  stateDir: string;
  /**
   * Where PersistentVolumeClaims keep their data (`<dir>/<claim>`), standing in for the volumes
   * bound to them: a later pod of the same claims (a restart) finds what the last one wrote.
   * Without it, a claim is an empty directory per pod.
   */
  persistentVolumeDir?: string;
};

/** Free loopback ports standing in for the Services of one namespace, `<service>/<port>`. */
export class ServicePorts {
  private readonly ports = new Map<string, number>();
  constructor(readonly services: KubeObject[]) {}
  async init(): Promise<this> {
    for (const svc of this.services) {
      for (const p of svc.spec?.ports ?? []) this.ports.set(`${svc.metadata.name}/${p.port}`, await freePort());
    }
    return this;
  }
  get(service: string, port: number): number {
    const v = this.ports.get(`${service}/${port}`);
    if (v === undefined) throw new Error(`no Service ${service} with port ${port}`);
    return v;
  }
  /** kubelet's Service environment variables for every Service of the namespace. */
  env(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const svc of this.services) {
      const base = svc.metadata.name.toUpperCase().replace(/-/g, "_");
      const ports = svc.spec?.ports ?? [];
      if (!ports.length) continue;
      env[`${base}_SERVICE_HOST`] = "127.0.0.1";
      env[`${base}_SERVICE_PORT`] = String(this.get(svc.metadata.name, ports[0].port));
      for (const p of ports) {
        if (p.name) env[`${base}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, "_")}`] = String(this.get(svc.metadata.name, p.port));
      }
    }
    return env;
  }
  hosts(): string {
    return `127.0.0.1 localhost ${this.services.map((s) => s.metadata.name).join(" ")}\n::1 localhost\n`;
  }
}

/** `$(VAR)` in container commands, as kubelet expands them. */
function expandVars(s: string, env: Record<string, string>): string {
  return s.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (w, n: string) => env[n] ?? w);
}

/** The deepest directory of `target`'s ancestors that exists on the host. */
function firstExisting(target: string): string {
  let d = path.dirname(target);
  while (!fs.existsSync(d)) d = path.dirname(d);
  return d;
}

/** Host directory the stand-in's copy hides for `target` (resolved: /var/run is /run). */
function anchorOf(target: string): string {
  const real = fs.realpathSync(firstExisting(target));
  if (real === "/") throw new Error(`cannot stand in for ${target}: it would hide the whole root file system`);
  return real;
}

/**
 * One pod of a rendered Deployment run as a process (see the header). `start()` returns once the
 * process runs; the caller waits for readiness.
 */
export class PodStandIn {
  readonly root: string;
  readonly env: Record<string, string> = {};
  readonly substitutions: Substitution[];
  logText = "";
  private proc?: ChildProcess;
  template!: KubeObject;
  containerSpec!: Record<string, any>;

  constructor(readonly opts: PodStandInOptions) {
    this.root = fs.mkdtempSync(path.join(opts.stateDir, `${opts.deployment}-container-fs-`));
    this.substitutions = [...(opts.substitutions ?? [])];
  }

  /** Container paths below host directories the stand-in hides in its mount namespace. */
  private readonly anchors = new Set<string>();
  /** Volumes of persistent claims: volume name -> host directory, and where they are mounted. */
  private readonly persistent = new Map<string, string>();
  private readonly binds: { from: string; to: string }[] = [];

  /**
   * Container path -> path in the stand-in's container filesystem. Paths are resolved against the
   * host's existing directories (/var/run is /run), whose deepest existing one is later hidden
   * by the stand-in's copy in the process's mount namespace.
   */
  hostPath(containerPath: string): string {
    const anchor = anchorOf(containerPath);
    const rest = path.relative(path.dirname(containerPath) === containerPath ? "/" : firstExisting(containerPath), containerPath);
    this.anchors.add(anchor);
    return path.join(this.root, anchor, rest);
  }

  private write(containerPath: string, content: string, mode?: number) {
    const file = this.hostPath(containerPath);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content, mode === undefined ? undefined : { mode });
  }

  private async get(kind: string, name: string): Promise<KubeObject> {
    return JSON.parse(await this.opts.kubectl("get", kind, name, "-n", this.opts.namespace, "-o", "json"));
  }

  /** Fills the container filesystem from the pod template's volumes, as kubelet would. */
  async prepare(): Promise<void> {
    const { namespace } = this.opts;
    const deployment = await this.get("deployment", this.opts.deployment);
    this.template = deployment.spec.template;
    const pod = this.template.spec;
    const c = (pod.containers as any[]).find((x) => x.name === this.opts.container);
    if (!c) throw new Error(`deployment ${this.opts.deployment} has no container ${this.opts.container}`);
    this.containerSpec = c;

    const volumes = new Map<string, Record<string, string> | "empty">();
    for (const v of pod.volumes ?? []) {
      if (v.configMap) {
        const cm = await this.get("configmap", v.configMap.name);
        volumes.set(v.name, project(cm.data ?? {}, v.configMap.items));
      } else if (v.secret) {
        const s = await this.get("secret", v.secret.secretName);
        volumes.set(v.name, project(decodeSecret(s), v.secret.items));
      } else if (v.persistentVolumeClaim && this.opts.persistentVolumeDir) {
        const dir = path.join(this.opts.persistentVolumeDir, v.persistentVolumeClaim.claimName);
        fs.mkdirSync(dir, { recursive: true });
        volumes.set(v.name, "empty");
        this.persistent.set(v.name, dir);
      } else if (v.persistentVolumeClaim || v.emptyDir) {
        volumes.set(v.name, "empty");
      } else {
        throw new Error(`volume ${v.name} of ${this.opts.deployment}: kind not stood in for (${Object.keys(v).join(", ")})`);
      }
    }
    for (const m of c.volumeMounts ?? []) {
      const vol = volumes.get(m.name);
      if (vol === undefined) throw new Error(`volumeMount ${m.name} names no volume`);
      const kept = this.persistent.get(m.name);
      if (kept) {
        // the claim's volume, bind-mounted at its path when the process starts
        fs.mkdirSync(this.hostPath(m.mountPath), { recursive: true });
        this.binds.push({ from: m.subPath ? path.join(kept, m.subPath) : kept, to: m.mountPath });
      } else if (vol === "empty") {
        fs.mkdirSync(this.hostPath(m.mountPath), { recursive: true });
      } else if (m.subPath) {
        if (!(m.subPath in vol)) throw new Error(`volume ${m.name} has no key ${m.subPath} for ${m.mountPath}`);
        this.write(m.mountPath, vol[m.subPath]);
      } else {
        fs.mkdirSync(this.hostPath(m.mountPath), { recursive: true });
        for (const [k, content] of Object.entries(vol)) this.write(path.join(m.mountPath, k), content);
      }
    }
    // the projected ServiceAccount token kubelet mounts into every pod
    if (pod.automountServiceAccountToken !== false) {
      const sa = pod.serviceAccountName ?? "default";
      const token = (await this.opts.kubectl("create", "token", sa, "-n", namespace, "--duration=1h")).trim();
      const dir = "/var/run/secrets/kubernetes.io/serviceaccount";
      this.write(`${dir}/token`, token);
      this.write(`${dir}/namespace`, namespace);
      this.write(`${dir}/ca.crt`, fs.readFileSync(this.opts.apiServer.caFile, "utf8"));
    }
    for (const [p, content] of Object.entries(this.opts.extraFiles ?? {})) this.write(p, content);
    // cluster DNS
    this.write("/etc/hosts", this.opts.servicePorts.hosts());

    // the container's environment
    const env: Record<string, string> = {
      KUBERNETES_SERVICE_HOST: this.opts.apiServer.host,
      KUBERNETES_SERVICE_PORT: String(this.opts.apiServer.port),
      KUBERNETES_SERVICE_PORT_HTTPS: String(this.opts.apiServer.port),
      HOSTNAME: `${this.opts.deployment}-0`,
      HOME: path.join(this.root, "home"),
      PATH: [...this.opts.image.path, process.env.PATH ?? "/usr/bin:/bin"].join(":"),
      LANG: "C.UTF-8",
      ...this.opts.servicePorts.env(),
    };
    fs.mkdirSync(env.HOME, { recursive: true });
    for (const e of c.env ?? []) {
      if ("value" in e) env[e.name] = expandVars(String(e.value), env);
      else if (e.valueFrom?.secretKeyRef) {
        const ref = e.valueFrom.secretKeyRef;
        let secret: KubeObject | null = null;
        try {
          secret = await this.get("secret", ref.name);
        } catch (err) {
          // kubelet: an optional reference to a missing Secret leaves the variable unset
          if (!ref.optional || !/NotFound/.test(String((err as Error).message))) throw err;
        }
        if (!secret) continue;
        const s = decodeSecret(secret);
        if (!(ref.key in s)) {
          if (ref.optional) continue;
          throw new Error(`env ${e.name}: Secret ${ref.name} has no key ${ref.key}`);
        }
        env[e.name] = s[ref.key];
      } else if (e.valueFrom?.configMapKeyRef) {
        const ref = e.valueFrom.configMapKeyRef;
        const cm = await this.get("configmap", ref.name);
        env[e.name] = cm.data?.[ref.key] ?? "";
      } else if (e.valueFrom?.fieldRef) {
        const f = e.valueFrom.fieldRef.fieldPath;
        env[e.name] = f === "metadata.namespace" ? namespace : f === "metadata.name" ? env.HOSTNAME : f.startsWith("status.") ? "127.0.0.1" : "";
      } else throw new Error(`env ${e.name}: source not stood in for`);
    }
    Object.assign(env, this.opts.extraEnv ?? {});
    Object.assign(this.env, env);
  }

  /** The container's command line after `$(VAR)` expansion and the listed rewrites. */
  argv(): string[] {
    const c = this.containerSpec;
    let argv = [...(c.command ?? []), ...(c.args ?? [])].map((a: string) => expandVars(a, this.env));
    if (this.opts.rewriteArgs) argv = this.opts.rewriteArgs(argv);
    const program = this.opts.image.programs[argv[0]];
    if (!program) throw new Error(`the image stand-in has no program ${argv[0]}`);
    return [program, ...argv.slice(1)];
  }

  /** Starts the process in its own mount namespace with the container filesystem at its real paths. */
  start(): void {
    const argv = this.argv();
    const anchors = [...this.anchors].filter((a) => a !== "/etc").sort();
    for (const a of anchors) {
      if (anchors.some((o) => o !== a && a.startsWith(o + "/"))) throw new Error(`nested stand-in directories ${a}`);
    }
    const script = [
      "set -e",
      ...anchors.map((a) => `mount --bind ${sh(path.join(this.root, a))} ${sh(a)}`),
      ...this.binds.map((b) => `mkdir -p ${sh(b.from)} && mount --bind ${sh(b.from)} ${sh(b.to)}`),
      `mount --bind ${sh(this.hostPath("/etc/hosts"))} /etc/hosts`,
      `cd ${sh(this.opts.image.workingDir ?? "/")}`,
      'exec "$@"',
    ].join("\n");
    const proc = spawn("unshare", ["--mount", "--propagation", "private", "--", "/bin/sh", "-c", script, "pod", ...argv], {
      env: this.env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    this.proc = proc;
    running.add(this);
    proc.stdout!.on("data", (d) => (this.logText += d));
    proc.stderr!.on("data", (d) => (this.logText += d));
    proc.once("exit", () => running.delete(this));
  }

  get exited(): boolean {
    return !this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || this.exited) return;
    const done = new Promise((r) => p.once("exit", r));
    killGroup(p, "SIGTERM");
    const t = setTimeout(() => killGroup(p, "SIGKILL"), 15_000);
    await done;
    clearTimeout(t);
  }

  killNow(): void {
    if (this.proc && !this.exited) killGroup(this.proc, "SIGKILL");
  }
}

function killGroup(p: ChildProcess, signal: NodeJS.Signals) {
  try {
    process.kill(-p.pid!, signal);
  } catch {
    try {
      p.kill(signal);
    } catch {
      /* gone */
    }
  }
}

const running = new Set<PodStandIn>();
process.on("exit", () => {
  for (const p of running) p.killNow();
});

function sh(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** ConfigMap/Secret data as kubelet projects it into a volume (all keys, or the listed items). */
function project(data: Record<string, string>, items?: { key: string; path: string }[]): Record<string, string> {
  if (!items?.length) return { ...data };
  const out: Record<string, string> = {};
  for (const it of items) {
    if (!(it.key in data)) throw new Error(`projected key ${it.key} missing`);
    out[it.path] = data[it.key];
  }
  return out;
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs: number, log?: () => string): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (${(last as Error).message})` : ""}${log ? `\n${log()}` : ""}`);
    await sleep(250);
  }
}

export const STATE_ROOT = () => fs.mkdtempSync(path.join(os.tmpdir(), "e2x-z2jh-"));

export type ChartHubOptions = {
  /** The chart's rendered objects of this hub (its Services give the loopback ports). */
  objects: KubeObject[];
  kubectl: Kubectl;
  /** The API server as the pods reach it, and its CA file. */
  apiServer: { host: string; port: number; caFile: string };
  stateDir: string;
  /** The hub image's Python bin directory and configurable-http-proxy (default HUB_PYTHON_BIN, CHP_BIN). */
  hubPythonBin?: string;
  chp?: string;
  /** Token of a hub service the test acts as (hub.services in test-only values). */
  apiToken: string;
};

/**
 * One hub of the chart as it runs in its namespace: the proxy pod and the hub pod, each a
 * PodStandIn of its rendered Deployment. `restartHub()` replaces the hub pod the way the
 * Deployment would after its pod template changed: a new pod, its container filesystem rebuilt
 * from the API server's objects (the Deployment as it is now, its ConfigMaps and Secrets); the
 * proxy pod keeps running.
 */
export class ChartHub<N extends string = string> {
  proxy!: PodStandIn;
  hub!: PodStandIn;
  ports!: ServicePorts;
  publicUrl = "";
  /** Hub pods started so far (1 after start, +1 per restart). */
  generation = 0;

  /** `options` is read when the hub starts (the chart's objects may be rendered after construction). */
  constructor(
    readonly name: N,
    readonly namespace: string,
    private readonly options: () => ChartHubOptions,
  ) {}

  private get opts(): ChartHubOptions {
    return this.options();
  }

  log(): string {
    return `--- hub log ---\n${this.hub?.logText.slice(-6000) ?? ""}\n--- proxy log ---\n${this.proxy?.logText.slice(-2000) ?? ""}`;
  }

  private common() {
    const { kubectl, apiServer, stateDir } = this.opts;
    return { kubectl, namespace: this.namespace, servicePorts: this.ports, apiServer, stateDir };
  }

  private hubPod(): PodStandIn {
    const hubPort = this.ports.get("hub", 8081);
    return new PodStandIn({
      ...this.common(),
      deployment: "hub",
      container: "hub",
      image: { programs: { jupyterhub: path.join(this.opts.hubPythonBin ?? HUB_PYTHON_BIN, "jupyterhub") }, path: [this.opts.hubPythonBin ?? HUB_PYTHON_BIN], workingDir: "/srv/jupyterhub" },
      extraFiles: {
        // the only change to the hub's configuration, named here: the pod's own network
        "/usr/local/etc/jupyterhub/jupyterhub_config.d/zz-e2x-test-world.py": [
          "# Test world only (e2e/services/z2jh.ts): the hub pod has a network of its own,",
          "# where the chart binds http://:8081; here it shares loopback with every other hub.",
          `c.JupyterHub.hub_bind_url = "http://127.0.0.1:${hubPort}"  # noqa: F821`,
          "for _s in c.JupyterHub.services:  # noqa: F821",
          '    if _s.get("name") == "jupyterhub-idle-culler":',
          `        _s["command"] = [a.replace("http://localhost:8081", "http://127.0.0.1:${hubPort}") for a in _s["command"]]`,
          "",
        ].join("\n"),
      },
      substitutions: [{ what: "hub_bind_url http://:8081 (and the culler's URL)", instead: `http://127.0.0.1:${hubPort}` }],
      // the hub's PVC (jupyterhub.sqlite, and what else the hub keeps there) outlives its pod
      persistentVolumeDir: path.join(this.opts.stateDir, `${this.namespace}-persistent-volumes`),
    });
  }

  async start(): Promise<void> {
    this.ports = await new ServicePorts(this.opts.objects.filter((o) => o.kind === "Service")).init();
    const proxyApiPort = this.ports.get("proxy-api", 8001);
    const publicPort = this.ports.get("proxy-public", 80);
    this.publicUrl = `http://127.0.0.1:${publicPort}`;
    this.proxy = new PodStandIn({
      ...this.common(),
      deployment: "proxy",
      container: "chp",
      image: { programs: { "configurable-http-proxy": this.opts.chp ?? CHP_BIN }, path: [] },
      // the pod's own network: CHP listens on all of its addresses at 8000 and 8001
      rewriteArgs: (argv) =>
        argv.map((a) =>
          a === "--ip=" ? "--ip=127.0.0.1" : a === "--api-ip=" ? "--api-ip=127.0.0.1" : a === "--api-port=8001" ? `--api-port=${proxyApiPort}` : a === "--port=8000" ? `--port=${publicPort}` : a,
        ),
      substitutions: [{ what: "CHP --ip= --port=8000 --api-ip= --api-port=8001 (all addresses of its pod)", instead: `127.0.0.1:${publicPort} and :${proxyApiPort}` }],
    });
    this.hub = this.hubPod();
    await this.proxy.prepare();
    await this.hub.prepare();
    this.proxy.start();
    this.hub.start();
    this.generation = 1;
    await this.ready();
  }

  /** The hub pod replaced by a new one built from the API server's objects as they are now. */
  async restartHub(): Promise<void> {
    await this.hub.stop();
    this.hub = this.hubPod();
    await this.hub.prepare();
    this.hub.start();
    this.generation++;
    await this.ready();
  }

  private async ready(): Promise<void> {
    await waitFor(
      `${this.name} hub behind its proxy`,
      async () => {
        if (this.hub.exited) throw new Error("the hub exited");
        if (this.proxy.exited) throw new Error("the proxy exited");
        const r = await fetch(`${this.publicUrl}/hub/api`, { signal: AbortSignal.timeout(2_000) });
        return r.status === 200;
      },
      90_000,
      () => this.log(),
    );
  }

  async stop(): Promise<void> {
    await this.hub?.stop();
    await this.proxy?.stop();
  }

  api(method: string, url: string, body?: unknown): Promise<Response> {
    return fetch(`${this.publicUrl}/hub/api${url}`, {
      method,
      headers: { Authorization: `token ${this.opts.apiToken}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }
}

/** Test-only values beside the generated ones: an API service for the test to act as admin. */
export function testServiceValues(apiToken: string): string {
  return YAML.stringify({
    hub: {
      services: { "e2x-test": { apiToken } },
      loadRoles: { "e2x-test": { scopes: ["admin:users", "admin:servers", "read:users", "read:services"], services: ["e2x-test"] } },
    },
  });
}

/** kubectl against one kubeconfig (the API server's admin, for what Helm or an admin does). */
export function kubectlFor(kubectlBinary: string, kubeconfigPath: string): Kubectl {
  return async (...args: string[]) => (await execFileAsync(kubectlBinary, ["--kubeconfig", kubeconfigPath, ...args], { maxBuffer: 64 * 1024 * 1024 })).stdout;
}

/** `kubectl apply --server-side` of objects as one field manager (`helm` for what Helm installs). */
export async function applyObjects(kubectl: Kubectl, stateDir: string, objects: unknown[], opts: { namespace?: string; fieldManager: string }): Promise<void> {
  const file = path.join(stateDir, `apply-${Date.now()}-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, objects.map((o) => YAML.stringify(o)).join("---\n"));
  await kubectl("apply", "--server-side", "--force-conflicts", `--field-manager=${opts.fieldManager}`, ...(opts.namespace ? ["-n", opts.namespace] : []), "-f", file);
}
