// A real Kubernetes API server for tests: kube-apiserver with an embedded etcd, built from
// e2e/kube by scripts/provision/kube.sh into .cache/bin, started on free loopback ports with
// RBAC, client-certificate and service-account authentication.
//
//   const kube = await startKubeApiServer();
//   ... kube.kubeconfigPath (admin, system:masters), kube.server ...
//   const userKc = await kube.userKubeconfig("gina", ["graders"]);   // CN=gina, O=graders
//   const tokenKc = await kube.tokenKubeconfig(token);                // e.g. a TokenRequest token
//   await kube.stop();
//
// A server restarted on the same stateDir keeps its port, certificates and etcd data.
// No kubelet or controller-manager runs: objects are stored and validated, pods never start,
// namespaces are never finalized.
import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, openSync, closeSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { stringify } from "yaml";

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const READY_PREFIX = "E2X-KUBE-READY ";

export type KubeApiServer = {
  /** https://127.0.0.1:PORT */
  server: string;
  /** Admin kubeconfig (CN=admin, O=system:masters). */
  kubeconfigPath: string;
  /** Certificates, etcd data, kubeconfigs, logs. */
  stateDir: string;
  /** Log of the API server and etcd (stderr of the process). */
  logPath: string;
  pid: number;
  /** Signs a client certificate for CN=user, O=groups and returns a kubeconfig path. */
  userKubeconfig(user: string, groups?: string[], opts?: { expired?: boolean }): Promise<string>;
  /** A kubeconfig that authenticates with a bearer token (e.g. from the TokenRequest API). */
  tokenKubeconfig(token: string, name?: string): Promise<string>;
  /** Graceful stop (SIGTERM to the process group, SIGKILL after a grace period). */
  stop(opts?: { keepState?: boolean }): Promise<void>;
  /** Abrupt stop (SIGKILL), as a crash; the state dir is kept for a restart. */
  kill(): Promise<void>;
};

export type StartKubeOptions = {
  /** Reuse a state dir (restart with the same data and port); a fresh temp dir by default. */
  stateDir?: string;
  /** Directory holding e2x-kube-testserver (default .cache/bin, env KUBE_BIN_DIR). */
  binDir?: string;
  /** Extra kube-apiserver flags. */
  extraArgs?: string[];
  /** How long to wait for /readyz (ms). */
  readyTimeoutMs?: number;
};

export function kubeBinDir(): string {
  return process.env.KUBE_BIN_DIR ?? path.join(ROOT, ".cache/bin");
}

/** Path of a binary built by scripts/provision/kube.sh, building it first if it is missing. */
export function kubeBinary(name: "e2x-kube-testserver" | "kubectl", binDir = kubeBinDir()): string {
  const bin = path.join(binDir, name);
  if (!existsSync(bin)) {
    const r = spawnSync("bash", [path.join(ROOT, "scripts/provision/kube.sh")], {
      stdio: "inherit",
      env: { ...process.env, KUBE_BIN_DIR: binDir },
    });
    if (r.status !== 0 || !existsSync(bin)) {
      throw new Error(`${bin} is missing and scripts/provision/kube.sh failed (exit ${r.status})`);
    }
  }
  return bin;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Never leave an API server behind when the test process ends without stop().
  process.on("exit", () => {
    for (const child of running) killGroup(child, "SIGKILL");
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

export async function startKubeApiServer(opts: StartKubeOptions = {}): Promise<KubeApiServer> {
  const bin = kubeBinary("e2x-kube-testserver", opts.binDir);
  const ownsState = !opts.stateDir;
  const stateDir = opts.stateDir ?? (await mkdtemp(path.join(os.tmpdir(), "e2x-kube-")));
  await mkdir(stateDir, { recursive: true });
  const logPath = path.join(stateDir, "apiserver.log");
  const logFd = openSync(logPath, "a");
  const args = ["serve", "--state-dir", stateDir, "--exit-with-parent"];
  if (opts.extraArgs?.length) args.push("--", ...opts.extraArgs);
  const child = spawn(bin, args, { detached: true, stdio: ["ignore", "pipe", logFd] });
  closeSync(logFd);
  running.add(child);
  installExitHook();
  child.once("exit", () => running.delete(child));

  const timeoutMs = opts.readyTimeoutMs ?? 180_000;
  const ready = await new Promise<{ server: string; kubeconfig: string; pid: number }>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => {
      killGroup(child, "SIGKILL");
      reject(new Error(`kube-apiserver not ready after ${timeoutMs} ms\n${tail(logPath)}`));
    }, timeoutMs);
    rl.on("line", (line) => {
      if (line.startsWith(READY_PREFIX)) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice(READY_PREFIX.length)));
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`e2x-kube-testserver exited (${code ?? signal}) before it was ready\n${tail(logPath)}`));
    });
  });
  // Keep draining stdout so the child never blocks on a full pipe.
  child.stdout!.resume();

  const caPem = await readFile(path.join(stateDir, "pki/ca.crt"));
  let stopped = false;

  return {
    server: ready.server,
    kubeconfigPath: ready.kubeconfig,
    stateDir,
    logPath,
    pid: child.pid!,
    async userKubeconfig(user, groups = [], { expired = false } = {}) {
      const dir = path.join(stateDir, "users");
      await mkdir(dir, { recursive: true });
      const out = path.join(dir, `${user.replace(/[^A-Za-z0-9._-]/g, "_")}${expired ? ".expired" : ""}.kubeconfig`);
      const a = ["user-kubeconfig", "--state-dir", stateDir, "--user", user, "--out", out];
      for (const g of groups) a.push("--group", g);
      if (expired) a.push("--expired");
      await execFileAsync(bin, a);
      return out;
    },
    async tokenKubeconfig(token, name = "token-user") {
      const dir = path.join(stateDir, "users");
      await mkdir(dir, { recursive: true });
      const out = path.join(dir, `${name.replace(/[^A-Za-z0-9._-]/g, "_")}.token.kubeconfig`);
      const kc = {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "e2x-test", cluster: { server: ready.server, "certificate-authority-data": caPem.toString("base64") } }],
        users: [{ name, user: { token } }],
        contexts: [{ name: `${name}@e2x-test`, context: { cluster: "e2x-test", user: name } }],
        "current-context": `${name}@e2x-test`,
      };
      await writeFile(out, stringify(kc), { mode: 0o600 });
      return out;
    },
    async stop({ keepState = !ownsState } = {}) {
      if (!stopped) {
        stopped = true;
        killGroup(child, "SIGTERM");
        if (!(await waitExit(child, 20_000))) {
          killGroup(child, "SIGKILL");
          await waitExit(child, 5_000);
        }
      }
      if (!keepState) await rm(stateDir, { recursive: true, force: true });
    },
    async kill() {
      stopped = true;
      killGroup(child, "SIGKILL");
      await waitExit(child, 5_000);
    },
  };
}
