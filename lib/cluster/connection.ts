/**
 * The connection to a Kubernetes API server: credentials from a kubeconfig (explicit path,
 * KUBECONFIG) or the in-cluster ServiceAccount, loaded and applied by @kubernetes/client-node;
 * requests are plain HTTPS with raw JSON bodies so that server-side apply sends exactly the
 * object the portal rendered and diffs see exactly what the server stored.
 */
import { existsSync } from "node:fs";
import https from "node:https";
import { KubeConfig } from "@kubernetes/client-node";
import { ClusterError, errorFromNetwork, errorFromResponse } from "./errors";

export interface ConnectOptions {
  /** Path of a kubeconfig file. */
  kubeconfigPath?: string;
  /** A kubeconfig as YAML text. */
  kubeconfig?: string;
  /** Use the pod's ServiceAccount (token and CA under /var/run/secrets/kubernetes.io/serviceaccount). */
  inCluster?: boolean;
  /** kubeconfig context to use (default: current-context). */
  context?: string;
  /** Per-request timeout in ms (default 15 s). */
  timeoutMs?: number;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  /** Accept header (default `application/json`), e.g. for metadata-only lists. */
  accept?: string;
  timeoutMs?: number;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
}

export interface ResourceInfo {
  /** Plural resource name, e.g. `configmaps`. */
  name: string;
  namespaced: boolean;
  /** `/api/v1` or `/apis/<group>/<version>`. */
  base: string;
}

export interface ClusterConnection {
  /** API server URL. */
  readonly server: string;
  /** Where the credentials came from (`kubeconfig:/path`, `in-cluster`, ...). */
  readonly source: string;
  readonly kubeConfig: KubeConfig;
  /** JSON request; throws ClusterError for network failures and non-2xx answers. */
  request<T = unknown>(method: string, path: string, opts?: RequestOptions): Promise<ApiResponse<T>>;
  /** Discovery: REST resource of a kind (cached). Throws ClusterError not-found for unknown kinds. */
  resource(apiVersion: string, kind: string): Promise<ResourceInfo>;
  /** Releases kept-alive sockets. */
  close(): void;
}

const SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/**
 * Where the portal's cluster credentials come from, or null when no cluster is configured
 * (then pushes go to the export target). Order: E2X_CLUSTER_TARGET=export forces export;
 * KUBECONFIG; the in-cluster ServiceAccount.
 */
export function configuredCluster(env: NodeJS.ProcessEnv = process.env): ConnectOptions | null {
  if (env.E2X_CLUSTER_TARGET === "export") return null;
  const t = Number(env.E2X_KUBE_TIMEOUT_MS);
  const timeoutMs = Number.isFinite(t) && t > 0 ? t : undefined;
  if (env.KUBECONFIG && env.KUBECONFIG.trim() !== "") {
    const files = env.KUBECONFIG.split(":").filter((p) => p.trim() !== "");
    const context = env.E2X_KUBE_CONTEXT || undefined;
    // Several files: client-node's loadFromDefault merges them the way kubectl does.
    return files.length === 1 ? { kubeconfigPath: files[0], context, timeoutMs } : { context, timeoutMs };
  }
  if (env.KUBERNETES_SERVICE_HOST && existsSync(`${SA_DIR}/token`)) return { inCluster: true, timeoutMs };
  return null;
}

function loadKubeConfig(opts: ConnectOptions): { kc: KubeConfig; source: string } {
  const kc = new KubeConfig();
  let source: string;
  try {
    if (opts.kubeconfig !== undefined) {
      kc.loadFromString(opts.kubeconfig);
      source = "kubeconfig:inline";
    } else if (opts.kubeconfigPath) {
      if (!existsSync(opts.kubeconfigPath)) {
        throw new ClusterError({ kind: "config", message: `kubeconfig ${opts.kubeconfigPath} does not exist.`, text: { key: "kubeconfigMissing", values: { path: opts.kubeconfigPath } } });
      }
      kc.loadFromFile(opts.kubeconfigPath);
      source = `kubeconfig:${opts.kubeconfigPath}`;
    } else if (opts.inCluster) {
      kc.loadFromCluster();
      source = "in-cluster";
    } else {
      // KUBECONFIG with several files, or ~/.kube/config
      kc.loadFromDefault();
      source = process.env.KUBECONFIG ? `kubeconfig:${process.env.KUBECONFIG}` : "kubeconfig:default";
    }
    if (opts.context) kc.setCurrentContext(opts.context);
  } catch (e) {
    if (e instanceof ClusterError) throw e;
    throw new ClusterError(
      { kind: "config", message: `Cannot load cluster credentials: ${e instanceof Error ? e.message : String(e)}`, text: { key: "credentialsUnreadable", values: { detail: e instanceof Error ? e.message : String(e) } } },
      { cause: e },
    );
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    throw new ClusterError({ kind: "config", message: `No cluster server in the credentials (${source}).`, text: { key: "noServer", values: { source } } });
  }
  return { kc, source };
}

export function connectCluster(opts: ConnectOptions = {}): ClusterConnection {
  const { kc, source } = loadKubeConfig(opts);
  const server = kc.getCurrentCluster()!.server.replace(/\/+$/, "");
  const defaultTimeout = opts.timeoutMs ?? 15_000;
  let agent: https.Agent | undefined;
  const discovery = new Map<string, Promise<Map<string, ResourceInfo>>>();

  async function request<T>(method: string, path: string, ro: RequestOptions = {}): Promise<ApiResponse<T>> {
    const url = new URL(server + path);
    for (const [k, v] of Object.entries(ro.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const reqOpts: https.RequestOptions = { method, headers: { Accept: ro.accept ?? "application/json" } };
    try {
      await kc.applyToHTTPSOptions(reqOpts);
    } catch (e) {
      throw new ClusterError(
        { kind: "unauthorized", message: `Cannot obtain credentials: ${e instanceof Error ? e.message : String(e)}`, text: { key: "noCredentials", values: { detail: e instanceof Error ? e.message : String(e) } } },
        { cause: e },
      );
    }
    if (!kc.getCurrentCluster()?.proxyUrl) {
      agent ??= new https.Agent({
        keepAlive: true,
        maxSockets: 16,
        ca: reqOpts.ca,
        cert: reqOpts.cert,
        key: reqOpts.key,
        rejectUnauthorized: reqOpts.rejectUnauthorized,
        servername: reqOpts.servername,
      });
      reqOpts.agent = agent;
    }
    let payload: Buffer | undefined;
    if (ro.body !== undefined) {
      payload = Buffer.from(typeof ro.body === "string" ? ro.body : JSON.stringify(ro.body));
      (reqOpts.headers as Record<string, string | number>)["Content-Type"] = ro.contentType ?? "application/json";
      (reqOpts.headers as Record<string, string | number>)["Content-Length"] = payload.length;
    }
    const timeout = ro.timeoutMs ?? defaultTimeout;
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = https.request(url, reqOpts, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      });
      // A deadline for the whole exchange, not only for silence: a server that trickles its
      // answer byte by byte is given up on as one that says nothing.
      const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no complete answer within ${timeout} ms`), { code: "ETIMEDOUT", timeoutMs: timeout })), timeout);
      req.on("close", () => clearTimeout(timer));
      req.on("error", reject);
      req.end(payload);
    }).catch((e: unknown) => {
      throw errorFromNetwork(e, server);
    });
    if (status < 200 || status > 299) {
      throw errorFromResponse(status, text, `${method} ${path}`);
    }
    let body: unknown = text;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        /* keep text */
      }
    }
    return { status, body: body as T };
  }

  async function resources(apiVersion: string): Promise<Map<string, ResourceInfo>> {
    let p = discovery.get(apiVersion);
    if (!p) {
      const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      p = request<{ resources: { name: string; kind: string; namespaced: boolean }[] }>("GET", base).then((r) => {
        const m = new Map<string, ResourceInfo>();
        for (const res of r.body.resources ?? []) {
          if (res.name.includes("/")) continue; // subresource
          m.set(res.kind, { name: res.name, namespaced: res.namespaced, base });
        }
        return m;
      });
      discovery.set(apiVersion, p);
      p.catch(() => discovery.delete(apiVersion));
    }
    return p;
  }

  return {
    server,
    source,
    kubeConfig: kc,
    request,
    async resource(apiVersion, kind) {
      let info: ResourceInfo | undefined;
      try {
        info = (await resources(apiVersion)).get(kind);
      } catch (e) {
        if (e instanceof ClusterError && e.kind === "not-found") info = undefined;
        else throw e;
      }
      if (!info) {
        throw new ClusterError({ kind: "invalid", status: 404, message: `The API server does not serve ${kind} in ${apiVersion}.`, text: { key: "notServed", values: { kind, apiVersion } } });
      }
      return info;
    },
    close() {
      agent?.destroy();
      agent = undefined;
    },
  };
}

/** URL path of an object (or of its collection when name is omitted). */
export function objectPath(info: ResourceInfo, namespace: string | undefined, name?: string): string {
  const ns = info.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? "default")}` : "";
  return `${info.base}${ns}/${info.name}${name !== undefined ? `/${encodeURIComponent(name)}` : ""}`;
}
