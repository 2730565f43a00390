/**
 * The exam hub's REST API as the portal uses it on exam day: where it is and the token (saved by
 * an admin on the pre-flight page, the token sealed with the portal's secret), and a small
 * client that counts its calls. The token never leaves the server: pages get what it read.
 *
 * Exports: getHubApiSettings, saveHubApiSettings, hubApiInput, HubApi, HubApiError, openHubApi
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { ActionError, type ActionContext } from "@/lib/auth/guard-types";
import type { DbOrTx } from "@/lib/db/client";
import { examHubApi } from "@/lib/db/schema";
import { isIp } from "@/lib/render/model";
import { msg, t } from "@/lib/i18n/t";

const ROW = 1;

/**
 * The portal's service on the exam hub (hub.services and hub.loadRoles in its values, README:
 * exam day): read every user and server for the board, start and stop servers for the test
 * sign-in and at archiving. Nothing else.
 */
export const PORTAL_HUB_SERVICE = "e2x-portal";
export const PORTAL_HUB_SCOPES = ["list:users", "read:users", "read:users:activity", "read:servers", "servers"] as const;

function portalSecret(): string {
  const env = process.env.AUTH_SECRET?.trim();
  if (env) return env;
  const file = path.resolve(process.env.E2X_DATA_DIR ?? ".data", "auth-secret");
  try {
    const s = fs.readFileSync(file, "utf8").trim();
    if (s) return s;
  } catch {
    // none
  }
  throw new Error(t("examErrors.noAuthSecret"));
}

function key(): Buffer {
  return Buffer.from(hkdfSync("sha256", portalSecret(), "e2x-portal", "exam-hub-api-token", 32));
}

export function sealToken(token: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key(), iv);
  const body = Buffer.concat([c.update(token, "utf8"), c.final()]);
  return ["v1", iv.toString("base64url"), c.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

export function unsealToken(sealed: string): string | null {
  const [v, iv, tag, body] = sealed.split(".");
  if (v !== "v1" || !iv || !tag || body === undefined) return null;
  try {
    const d = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url"));
    d.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([d.update(Buffer.from(body, "base64url")), d.final()]).toString("utf8");
  } catch {
    return null;
  }
}

export interface HubApiSettings {
  apiUrl: string;
  loginUrl: string;
  probeSource: string;
  /** Whether a token is saved, and whether it still opens (the portal's secret may have changed). */
  hasToken: boolean;
  tokenReadable: boolean;
  updatedAt: Date | null;
}

export function getHubApiSettings(db: DbOrTx): (HubApiSettings & { token: string | null }) | null {
  const row = db.select().from(examHubApi).where(eq(examHubApi.id, ROW)).get();
  if (!row) return null;
  let token: string | null = null;
  try {
    token = row.tokenSealed ? unsealToken(row.tokenSealed) : null;
  } catch {
    token = null;
  }
  return { apiUrl: row.apiUrl, loginUrl: row.loginUrl, probeSource: row.probeSource, hasToken: !!row.tokenSealed, tokenReadable: token !== null, updatedAt: row.updatedAt, token };
}

const url = z
  .string()
  .trim()
  .max(500)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === "http:" || u.protocol === "https:") && !u.search && !u.hash;
    } catch {
      return false;
    }
  }, msg("hubApi.url"));

export const hubApiInput = z.object({
  apiUrl: url,
  loginUrl: z.union([z.literal(""), url]),
  probeSource: z
    .string()
    .trim()
    .refine((s) => s === "" || isIp(s), msg("hubApi.probeSource")),
  /** Empty: keep the saved token. */
  tokenSecret: z
    .string()
    .trim()
    .max(512)
    .refine((s) => s === "" || /^[\x21-\x7e]{16,}$/.test(s), msg("hubApi.token")),
});
export type HubApiInput = z.infer<typeof hubApiInput>;

/** Saves where the exam hub's API is; the token only when one is typed (the audit never holds it). */
export function saveHubApiSettings(input: HubApiInput, { tx, audit, principal }: ActionContext): void {
  const before = getHubApiSettings(tx);
  if (!input.tokenSecret && !before?.hasToken) throw new ActionError(t("hubApi.enterToken"), { tokenSecret: [t("hubApi.firstTime")] });
  const strip = (u: string) => u.replace(/\/+$/, "").replace(/\/hub\/api$/, "");
  const values = {
    id: ROW,
    apiUrl: strip(input.apiUrl),
    loginUrl: input.loginUrl ? strip(input.loginUrl) : "",
    probeSource: input.probeSource,
    ...(input.tokenSecret ? { tokenSealed: sealToken(input.tokenSecret) } : {}),
    updatedAt: new Date(),
    updatedBy: principal.id,
  };
  tx.insert(examHubApi).values(values).onConflictDoUpdate({ target: examHubApi.id, set: values }).run();
  audit({
    action: "exam-hub.api",
    entityType: "deployment",
    entityId: "exam-hub-api",
    message: { key: "hubApi", params: { url: values.apiUrl, replaced: input.tokenSecret ? "yes" : "no" } },
    before: before ? { apiUrl: before.apiUrl, loginUrl: before.loginUrl, probeSource: before.probeSource } : null,
    after: { apiUrl: values.apiUrl, loginUrl: values.loginUrl, probeSource: values.probeSource, token: input.tokenSecret ? "(replaced)" : before?.hasToken ? "(kept)" : "(none)" },
  });
}

export class HubApiError extends Error {
  constructor(
    message: string,
    readonly kind: "unreachable" | "refused" | "answer",
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface HubServer {
  name: string;
  ready: boolean;
  pending: string | null;
  started: string | null;
  last_activity: string | null;
}

export interface HubUser {
  name: string;
  admin: boolean;
  created: string | null;
  last_activity: string | null;
  pending: string | null;
  server: string | null;
  servers?: Record<string, HubServer>;
}

/** JupyterHub's REST API with a token (Authorization: token ...), every call counted and bounded. */
export class HubApi {
  calls = 0;
  constructor(
    readonly base: string,
    private readonly token: string,
    readonly timeoutMs = 5_000,
  ) {}

  async call<T>(method: string, apiPath: string, opts: { body?: unknown; accept?: string; ok?: number[] } = {}): Promise<{ status: number; body: T }> {
    this.calls++;
    let res: Response;
    try {
      res = await fetch(`${this.base}/hub/api${apiPath}`, {
        method,
        headers: { Authorization: `token ${this.token}`, Accept: opts.accept ?? "application/json", ...(opts.body !== undefined ? { "Content-Type": "application/json" } : {}) },
        body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
        cache: "no-store",
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      throw new HubApiError(t("examErrors.hubNoAnswer", { url: this.base, why: cause === "TimeoutError" ? t("examErrors.noAnswerWithin", { seconds: this.timeoutMs / 1000 }) : cause }), "unreachable");
    }
    const text = await res.text();
    if (res.status === 502 || res.status === 503 || res.status === 504) throw new HubApiError(t("examErrors.hubProxyStatus", { url: this.base, status: res.status }), "unreachable", res.status);
    if (!(opts.ok ?? [200]).includes(res.status)) {
      let msg = text.slice(0, 200);
      try {
        msg = JSON.parse(text).message ?? msg;
      } catch {
        // not JSON
      }
      if (res.status === 401) throw new HubApiError(t("examErrors.hubRefusesToken", { detail: "HTTP 401" }), "refused", res.status);
      if (res.status === 403 && /token|credentials|scope|permission|not authorized/i.test(msg)) throw new HubApiError(t("examErrors.hubRefusesToken", { detail: `HTTP 403: ${msg}` }), "refused", res.status);
      throw new HubApiError(t("examErrors.hubAnswered", { method, path: apiPath, status: res.status, message: msg }), "answer", res.status);
    }
    let body: T;
    try {
      body = (text ? JSON.parse(text) : null) as T;
    } catch {
      throw new HubApiError(t("examErrors.hubNotJson", { path: apiPath, url: this.base }), "answer", res.status);
    }
    return { status: res.status, body };
  }

  /** GET /hub/api/: JupyterHub's version (answers without a token too). */
  async version(): Promise<string> {
    const r = await this.call<{ version?: string }>("GET", "/");
    if (!r.body?.version) throw new HubApiError(t("examErrors.hubNoVersion"), "answer");
    return r.body.version;
  }

  /** Every user with their servers, page by page (JupyterHub's pagination). */
  async users(pageSize = 200): Promise<HubUser[]> {
    const out: HubUser[] = [];
    let offset = 0;
    for (;;) {
      const r = await this.call<{ items: HubUser[]; _pagination?: { next?: { offset: number } | null; total?: number } }>("GET", `/users?offset=${offset}&limit=${pageSize}`, {
        accept: "application/jupyterhub-pagination+json",
      });
      out.push(...r.body.items);
      const next = r.body._pagination?.next;
      if (!next || r.body.items.length === 0) return out;
      offset = next.offset;
    }
  }

  async user(name: string): Promise<HubUser | null> {
    try {
      return (await this.call<HubUser>("GET", `/users/${encodeURIComponent(name)}`)).body;
    } catch (e) {
      if (e instanceof HubApiError && e.status === 404) return null;
      throw e;
    }
  }

  /** Starts the user's default server: 201 started, 202 pending. */
  async startServer(name: string): Promise<number> {
    return (await this.call("POST", `/users/${encodeURIComponent(name)}/server`, { ok: [201, 202] })).status;
  }

  /** Stops it: 204 stopped, 202 stopping. */
  async stopServer(name: string): Promise<number> {
    return (await this.call("DELETE", `/users/${encodeURIComponent(name)}/server`, { ok: [202, 204] })).status;
  }
}

/** Why there is no client: the pages word it in their reader's language. */
export type HubApiSetupCode = "not-set" | "token-lost" | "no-token";

/** The configured client, or why there is none (in the active language, and as a code). */
export function openHubApi(db: DbOrTx): { api: HubApi; settings: HubApiSettings } | { error: string; code: HubApiSetupCode } {
  const s = getHubApiSettings(db);
  const missing = (code: HubApiSetupCode) => ({ error: t(`hubApi.${code}`), code });
  if (!s) return missing("not-set");
  if (!s.token) return missing(s.hasToken ? "token-lost" : "no-token");
  return { api: new HubApi(s.apiUrl, s.token), settings: s };
}
