import type { ClusterErrorInfo, ClusterErrorKind, ClusterErrorText, FieldConflict } from "./types";

/** A typed error from the cluster layer: callers switch on `kind`, users read `message`. */
export class ClusterError extends Error {
  readonly kind: ClusterErrorKind;
  readonly status?: number;
  readonly reason?: string;
  readonly causes?: ClusterErrorInfo["causes"];
  readonly text?: ClusterErrorText;

  constructor(info: ClusterErrorInfo, options?: { cause?: unknown }) {
    super(info.message, options);
    this.name = "ClusterError";
    this.kind = info.kind;
    this.status = info.status;
    this.reason = info.reason;
    this.causes = info.causes;
    this.text = info.text;
  }

  toJSON(): ClusterErrorInfo {
    const info: ClusterErrorInfo = { kind: this.kind, message: this.message };
    if (this.status !== undefined) info.status = this.status;
    if (this.reason) info.reason = this.reason;
    if (this.causes?.length) info.causes = this.causes;
    if (this.text) info.text = this.text;
    return info;
  }
}

export function isClusterError(e: unknown): e is ClusterError {
  return e instanceof ClusterError;
}

/** Errors after which talking to the API server again makes no sense in this push. */
export function isFatal(e: ClusterError): boolean {
  return isFatalKind(e.kind);
}

export function isFatalKind(kind: ClusterErrorKind): boolean {
  return kind === "unreachable" || kind === "tls" || kind === "unauthorized" || kind === "config";
}

interface K8sStatus {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: { field?: string; message?: string; reason?: string }[] };
}

function kindForStatus(status: number): ClusterErrorKind {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not-found";
  if (status === 409) return "conflict";
  if (status === 400 || status === 422 || status === 415) return "invalid";
  return "server";
}

/** Turns an HTTP error answer of the API server (usually a Status object) into a ClusterError. */
export function errorFromResponse(status: number, body: string, what: string): ClusterError {
  let st: K8sStatus | undefined;
  try {
    const parsed = JSON.parse(body) as K8sStatus;
    if (parsed && typeof parsed === "object") st = parsed;
  } catch {
    /* not JSON */
  }
  let kind = kindForStatus(status);
  // Server-side apply answers 500 for a field its schema does not know: the object is at fault.
  if (status === 500 && /failed to create typed patch object/.test(st?.message ?? "")) kind = "invalid";
  let message = st?.message?.trim() || body.trim().slice(0, 500) || `HTTP ${status}`;
  let text: ClusterErrorText | undefined;
  if (kind === "unauthorized") {
    message = `The API server rejected the portal's credentials (401 Unauthorized): they are missing, expired, revoked or issued by another cluster. ${what}`.trim();
    text = { key: "credentialsRejected", values: { what } };
  } else if (kind === "forbidden" && !st?.message) {
    message = `Forbidden: ${what}`;
    text = { key: "forbidden", values: { what } };
  }
  const causes = st?.details?.causes?.map((c) => ({ field: c.field, message: c.message, reason: c.reason }));
  return new ClusterError({ kind, status, reason: st?.reason, message, causes, ...(text ? { text } : {}) });
}

/** Turns a network-level failure (no HTTP answer) into a ClusterError. */
export function errorFromNetwork(err: unknown, server: string): ClusterError {
  const e = err as NodeJS.ErrnoException & { code?: string };
  const code = e?.code ?? "";
  const tlsCodes = new Set([
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "CERT_HAS_EXPIRED",
    "ERR_TLS_CERT_ALTNAME_INVALID",
    "CERT_SIGNATURE_FAILURE",
  ]);
  if (tlsCodes.has(code)) {
    return new ClusterError(
      { kind: "tls", message: `The API server at ${server} presented a certificate the portal does not trust (${code}).`, text: { key: "tls", values: { server, code } } },
      { cause: err },
    );
  }
  const timeoutMs = (e as { timeoutMs?: number })?.timeoutMs;
  if (code === "ETIMEDOUT" && timeoutMs) {
    const secs = timeoutMs % 1000 === 0 ? `${timeoutMs / 1000} s` : `${(timeoutMs / 1000).toFixed(1)} s`;
    return new ClusterError(
      { kind: "unreachable", message: `The API server at ${server} did not answer within ${secs} (it is overloaded or hangs).`, text: { key: "timeout", values: { server, seconds: timeoutMs / 1000 } } },
      { cause: err },
    );
  }
  const detail = code || e?.message || String(err);
  return new ClusterError(
    { kind: "unreachable", message: `The API server at ${server} is unreachable (${detail}).`, text: { key: "unreachable", values: { server, detail } } },
    { cause: err },
  );
}

/** Field-manager conflicts from a 409 answer to a server-side apply. */
export function conflictsOf(err: ClusterError): FieldConflict[] {
  const out: FieldConflict[] = [];
  for (const c of err.causes ?? []) {
    if (c.reason && c.reason !== "FieldManagerConflict") continue;
    const m = /conflict with "([^"]+)"/.exec(c.message ?? "");
    out.push({ manager: m?.[1] ?? c.message ?? "unknown", field: c.field ?? "" });
  }
  return out;
}

export function toErrorInfo(e: unknown): ClusterErrorInfo {
  if (e instanceof ClusterError) return e.toJSON();
  return { kind: "server", message: e instanceof Error ? e.message : String(e) };
}
