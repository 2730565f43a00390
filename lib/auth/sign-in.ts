import { eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { ROLE_PRECEDENCE, type Role } from "@/lib/constants";
import { users } from "@/lib/db/schema";
import { writeAudit } from "@/lib/audit/audit";
import { normalizeUsername } from "@/lib/identity/username";
import { authenticateLdap, ldapConfigFromEnv } from "./ldap";
import { verifyPassword } from "./password";

export type SignInResult =
  | { ok: true; userId: number; username: string; displayName: string }
  | { ok: false; reason: "invalid-credentials" | "inactive" | "unavailable" | "no-role" };


/** The account a typed name belongs to: the normalized name, else one older account stored in another case. */
function findAccount(db: Db, username: string) {
  const exact = db.select().from(users).where(eq(users.username, username)).get();
  if (exact) return exact;
  const legacy = db.select().from(users).where(sql`lower(${users.username}) = ${username}`).all();
  return legacy.length === 1 ? legacy[0] : undefined;
}

/**
 * Local accounts first; an unknown or LDAP-sourced name goes to LDAP when it is configured.
 * The typed name is normalized like every hub name (lib/identity/username.ts).
 */
export async function signInWithPassword(db: Db, usernameRaw: string, password: string): Promise<SignInResult> {
  const username = normalizeUsername(usernameRaw);
  if (!username || !password) return { ok: false, reason: "invalid-credentials" };
  const local = findAccount(db, username);

  if (local && local.source === "local") {
    const ok = await verifyPassword(password, local.passwordHash);
    if (!ok) return fail(db, username, "invalid-credentials");
    if (!local.active) return fail(db, username, "inactive");
    db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, local.id)).run();
    writeAudit(db, { id: local.id, username }, { action: "auth.sign-in", entityType: "user", entityId: local.id, summary: `${username} signed in (local)` });
    return { ok: true, userId: local.id, username: local.username, displayName: local.displayName };
  }

  let config;
  try {
    config = ldapConfigFromEnv();
  } catch (err) {
    console.error("LDAP is misconfigured:", err instanceof Error ? err.message : err);
    return fail(db, username, "unavailable");
  }
  if (!config) return fail(db, username, "invalid-credentials");
  const res = await authenticateLdap(username, password, config);
  if (!res.ok) return fail(db, username, res.reason === "not-found" ? "invalid-credentials" : res.reason);
  // the directory's name, normalized as the hubs do, so "ALICE" and "alice" stay one account
  const canonical = normalizeUsername(res.user.username);
  const existing = canonical === username ? local : findAccount(db, canonical);
  if (existing && existing.source === "local") return fail(db, username, "invalid-credentials");
  return ldapAccount(db, canonical, existing, res.user);
}

function ldapAccount(db: Db, username: string, local: typeof users.$inferSelect | undefined, user: { displayName: string; email: string | null; roles: Role[] }): SignInResult {
  if (local && !local.active) return fail(db, username, "inactive");
  const role = ROLE_PRECEDENCE.find((r) => user.roles.includes(r));
  if (!role) return fail(db, username, "no-role");
  const id = db.transaction((tx) => {
    const values = { displayName: user.displayName || username, email: user.email ?? null, role, lastLoginAt: new Date() };
    const row = local
      ? // an account stored before the username rule takes the normalized name on its next sign-in
        tx.update(users).set({ ...values, username }).where(eq(users.id, local.id)).returning({ id: users.id }).get()
      : tx.insert(users).values({ username, source: "ldap", ...values }).returning({ id: users.id }).get();
    writeAudit(tx, { id: row.id, username }, {
      action: local ? "auth.sign-in" : "user.create",
      entityType: "user",
      entityId: row.id,
      summary: local ? `${username} signed in (LDAP)` : `${username} signed in (LDAP) for the first time as ${role}`,
      after: local ? undefined : { username, role, source: "ldap" },
    });
    return row.id;
  });
  return { ok: true, userId: id, username, displayName: user.displayName || username };
}

function fail(db: Db, username: string, reason: Exclude<SignInResult, { ok: true }>["reason"]): SignInResult {
  writeAudit(db, { id: null, username }, { action: "auth.sign-in-failed", entityType: "user", entityId: username, summary: `Sign-in refused for ${username}: ${reason}` });
  return { ok: false, reason };
}
