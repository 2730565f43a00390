/** Cluster errors as sentences people can act on, in the reader's language. */
import { isClusterError, type ApplyItem, type ClusterErrorInfo } from "@/lib/cluster";
import { t } from "@/lib/i18n/t";

type Loose = (key: string, values?: Record<string, string | number>) => string;

/** What went wrong: the portal's own sentence in the active language, else the API server's message as it came. */
export function clusterErrorText(e: ClusterErrorInfo): string {
  return e.text ? (t as unknown as Loose)(`clusterErrors.${e.text.key}`, e.text.values) : e.message;
}

/** A sentence for people from a cluster error: what is wrong and what to do. */
export function explainClusterError(e: ClusterErrorInfo | undefined | null): string {
  if (!e) return t("clusterExplain.unknown");
  const detail = clusterErrorText(e);
  switch (e.kind) {
    case "unreachable":
      return t("clusterExplain.unreachable", { detail });
    case "tls":
      return t("clusterExplain.tls", { detail });
    case "unauthorized":
      return t("clusterExplain.unauthorized", { detail });
    case "forbidden":
      return t("clusterExplain.forbidden", { detail });
    case "config":
      return t("clusterExplain.config", { detail });
    case "not-found": {
      const ns = /namespaces "([^"]+)" not found/.exec(e.message)?.[1];
      if (ns) return t("clusterExplain.noNamespace", { namespace: ns });
      return detail;
    }
    default:
      return detail;
  }
}

/** Any thrown value as cluster error info (a non-cluster error is a `server` error). */
export function errorInfoOf(e: unknown): ClusterErrorInfo {
  if (isClusterError(e)) return e.toJSON();
  return { kind: "server", message: e instanceof Error ? e.message : String(e) };
}

/** Why a push stopped part-way: how many writes were done before the error. */
export function stoppedAfter(written: number, aborted: ClusterErrorInfo): string {
  return t("pushErrors.stoppedAfter", { count: written, error: explainClusterError(aborted) });
}

/** The failed objects of an apply in one sentence (null when none failed); `failedItems` are those that failed. */
export function objectsFailed(failedItems: readonly ApplyItem[]): string | null {
  const first = failedItems[0];
  if (!first) return null;
  return t("pushErrors.objectsFailed", { count: failedItems.length, kind: first.ref.kind, name: first.ref.name, error: explainClusterError(first.error) || first.action });
}
