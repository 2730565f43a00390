import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { ROLE_PRECEDENCE, type Role } from "@/lib/constants";
import { users } from "@/lib/db/schema";
import { writeAudit } from "@/lib/audit/audit";
import { normalizeUsername } from "@/lib/identity/username";
import { authenticateLdap, ldapConfigFromEnv } from "./ldap";
import { hashPassword, verifyPassword } from "./password";
import { activeLock, addressKey, auditFailure, clearKey, DEFAULT_POLICY, pruneThrottle, recordFailure, usernameKey, type FailureReason, type ThrottlePolicy } from "./throttle";

export type SignInResult =
  | { ok: true; userId: number; username: string; displayName: string; mustChangePassword: boolean; sessionVersion: number }
  | { ok: false; reason: "invalid-credentials" | "unavailable" | "no-role" }
  | { ok: false; reason: "throttled"; retryAfterMs: number };

export interface SignInContext {
  /** The client address (see `clientAddress`). */
  address?: string;
  now?: number;
  policy?: ThrottlePolicy;
}

/**
 * A hash of a random password with the account parameters: unknown usernames and
 * directory accounts cost one scrypt verification too, so the answer time does not tell
 * whether a local account of that name exists.
 */
let dummyHash: Promise<string> | null = null;
function dummy(): Promise<string> {
  return (dummyHash ??= hashPassword(randomBytes(18).toString("base64")));
}

/** The account a typed name belongs to: the normalized name, else one older account stored in another case. */
function findAccount(db: Db, username: string) {
  const exact = db.select().from(users).where(eq(users.username, username)).get();
  if (exact) return exact;
  const legacy = db.select().from(users).where(sql`lower(${users.username}) = ${username}`).all();
  return legacy.length === 1 ? legacy[0] : undefined;
}

/**
 * Local accounts first; an unknown or LDAP-sourced name goes to LDAP when it is configured.
 * The typed name is normalized like every hub name (lib/identity/username.ts). Unknown, wrong
 * and deactivated all get the same answer after the same work.
 */
export async function signInWithPassword(db: Db, usernameRaw: string, password: string, ctx: SignInContext = {}): Promise<SignInResult> {
  const username = normalizeUsername(usernameRaw);
  const now = ctx.now ?? Date.now();
  const policy = ctx.policy ?? DEFAULT_POLICY;
  const address = ctx.address ?? "unknown";
  const keys = { account: usernameKey(username), address: addressKey(address) };
  pruneThrottle(db, now, policy);
  const lock = activeLock(db, [keys.account, keys.address], now);
  if (lock) return { ok: false, reason: "throttled", retryAfterMs: lock.retryAfterMs };
  if (!username || !password) return { ok: false, reason: "invalid-credentials" };

  const local = findAccount(db, username);
  if (local && local.source === "local") {
    const ok = await verifyPassword(password, local.passwordHash);
    if (!ok || !local.active) return fail(db, keys, address, local, !ok ? "wrongPw" : "deactivated", now, policy);
    clearKey(db, keys.account);
    db.update(users).set({ lastLoginAt: new Date(now) }).where(eq(users.id, local.id)).run();
    writeAudit(db, { id: local.id, username }, { action: "auth.sign-in", entityType: "user", entityId: local.id, message: { key: "signInLocal", params: { username, address } } });
    return { ok: true, userId: local.id, username: local.username, displayName: local.displayName, mustChangePassword: local.mustChangePassword, sessionVersion: local.sessionVersion };
  }
  await verifyPassword(password, await dummy());

  let config;
  try {
    config = ldapConfigFromEnv();
  } catch (err) {
    console.error("LDAP is misconfigured:", err instanceof Error ? err.message : err);
    return { ok: false, reason: "unavailable" };
  }
  if (!config) return fail(db, keys, address, local, "unknownAccount", now, policy);
  const res = await authenticateLdap(username, password, config);
  if (!res.ok) {
    if (res.reason === "unavailable") return { ok: false, reason: "unavailable" };
    const why: FailureReason = res.reason === "no-role" ? "noGroup" : res.reason === "not-found" ? "unknownAccount" : "wrongPw";
    const r = fail(db, keys, address, local, why, now, policy);
    return res.reason === "no-role" ? { ok: false, reason: "no-role" } : r;
  }
  // the directory's name, normalized as the hubs do, so "ALICE" and "alice" stay one account
  const canonical = normalizeUsername(res.user.username);
  const existing = canonical === username ? local : findAccount(db, canonical);
  if (existing && existing.source === "local") return fail(db, keys, address, existing, "localName", now, policy);
  if (existing && !existing.active) return fail(db, keys, address, existing, "deactivated", now, policy);
  const role = ROLE_PRECEDENCE.find((r) => res.user.roles.includes(r));
  if (!role) {
    fail(db, keys, address, existing, "noGroup", now, policy);
    return { ok: false, reason: "no-role" };
  }
  clearKey(db, keys.account);
  return ldapAccount(db, canonical, existing, res.user, role, address, now);
}

function ldapAccount(
  db: Db,
  username: string,
  local: typeof users.$inferSelect | undefined,
  user: { displayName: string; email: string | null },
  role: Role,
  address: string,
  now: number,
): SignInResult {
  const row = db.transaction((tx) => {
    const values = { displayName: user.displayName || username, email: user.email ?? null, role, lastLoginAt: new Date(now) };
    // a role the directory changed ends the sessions issued under the old one
    const bump = local && local.role !== role ? { sessionVersion: local.sessionVersion + 1 } : {};
    const r = local
      ? // an account stored before the username rule takes the normalized name on its next sign-in
        tx.update(users).set({ ...values, ...bump, username }).where(eq(users.id, local.id)).returning({ id: users.id, sessionVersion: users.sessionVersion }).get()
      : tx.insert(users).values({ username, source: "ldap", ...values }).returning({ id: users.id, sessionVersion: users.sessionVersion }).get();
    writeAudit(tx, { id: r.id, username }, {
      action: local ? "auth.sign-in" : "user.create",
      entityType: "user",
      entityId: r.id,
      message: local ? { key: "signInLdap", params: { username, address } } : { key: "signInLdapFirst", params: { username, role } },
      after: local ? undefined : { username, role, source: "ldap" },
    });
    return r;
  });
  return { ok: true, userId: row.id, username, displayName: user.displayName || username, mustChangePassword: false, sessionVersion: row.sessionVersion };
}

/**
 * Counts the failure against the typed name and the client address, and adds it to the
 * window's one audit entry: under the account when it exists (its id, never the typed
 * text), else under the address. The typed username is not stored anywhere.
 */
function fail(
  db: Db,
  keys: { account: string; address: string },
  address: string,
  account: typeof users.$inferSelect | undefined,
  why: FailureReason,
  now: number,
  policy: ThrottlePolicy,
): { ok: false; reason: "invalid-credentials" } {
  db.transaction((tx) => {
    const acc = recordFailure(tx, keys.account, policy.accountFree, now, policy);
    const addr = recordFailure(tx, keys.address, policy.addressFree, now, policy);
    if (account) auditFailure(tx, keys.account, acc, { account, address, reason: why });
    else auditFailure(tx, keys.address, addr, { account: null, address, reason: why });
  });
  return { ok: false, reason: "invalid-credentials" };
}
