/** Is the configured cluster there, which version is it, and who does it take the portal for? */
import type { ClusterConnection } from "./connection";
import { ClusterError, toErrorInfo } from "./errors";
import type { ClusterErrorInfo } from "./types";

export interface ClusterStatus {
  reachable: boolean;
  /** API server URL. */
  server: string;
  /** Where the credentials came from. */
  source: string;
  /** e.g. `v1.35.4` */
  version?: string;
  /** The identity the API server authenticated (SelfSubjectReview). */
  user?: { username: string; groups: string[] };
  /** Why the cluster cannot be used: unreachable, tls, unauthorized (expired credentials), forbidden, ... */
  error?: ClusterErrorInfo;
  checkedAt: string;
}

export async function clusterStatus(conn: ClusterConnection): Promise<ClusterStatus> {
  const status: ClusterStatus = { reachable: false, server: conn.server, source: conn.source, checkedAt: new Date().toISOString() };
  try {
    const v = await conn.request<{ gitVersion?: string }>("GET", "/version", { timeoutMs: 5_000 });
    status.reachable = true;
    status.version = v.body.gitVersion;
  } catch (e) {
    if (e instanceof ClusterError && e.status !== undefined) status.reachable = true;
    status.error = toErrorInfo(e);
    if (!(e instanceof ClusterError) || e.kind === "unreachable" || e.kind === "tls" || e.kind === "unauthorized") return status;
  }
  try {
    const r = await conn.request<{ status?: { userInfo?: { username?: string; groups?: string[] } } }>(
      "POST",
      "/apis/authentication.k8s.io/v1/selfsubjectreviews",
      { body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" }, timeoutMs: 5_000 },
    );
    const u = r.body.status?.userInfo;
    status.user = { username: u?.username ?? "", groups: u?.groups ?? [] };
    if (status.user.username === "system:anonymous") {
      status.error = { kind: "unauthorized", status: 401, message: "The API server sees the portal as anonymous: no credentials were accepted.", text: { key: "anonymous" } };
    }
  } catch (e) {
    status.error ??= toErrorInfo(e);
  }
  return status;
}
