/** Cluster errors as sentences people can act on. */
import { isClusterError, type ClusterErrorInfo } from "@/lib/cluster";

/** A sentence for people from a cluster error: what is wrong and what to do. */
export function explainClusterError(e: ClusterErrorInfo | undefined | null): string {
  if (!e) return "Unknown error.";
  switch (e.kind) {
    case "unreachable":
      return `The cluster cannot be reached. ${e.message} Check that the API server is up and the portal can reach it.`;
    case "tls":
      return `${e.message} Check the certificate authority in the portal's kubeconfig.`;
    case "unauthorized":
      return `${e.message} Renew the portal's credentials (kubeconfig or ServiceAccount token).`;
    case "forbidden":
      return `The cluster refused the portal: ${e.message} Grant the portal's account the rights listed under Access.`;
    case "config":
      return `${e.message} Set KUBECONFIG, or run the portal in the cluster with a ServiceAccount.`;
    case "not-found": {
      const ns = /namespaces "([^"]+)" not found/.exec(e.message)?.[1];
      if (ns) return `The namespace ${ns} does not exist: install the hub there first (Helm creates it), or correct the namespace in the deployment settings.`;
      return e.message;
    }
    default:
      return e.message;
  }
}

/** Any thrown value as cluster error info (a non-cluster error is a `server` error). */
export function errorInfoOf(e: unknown): ClusterErrorInfo {
  if (isClusterError(e)) return e.toJSON();
  return { kind: "server", message: e instanceof Error ? e.message : String(e) };
}
