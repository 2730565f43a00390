import type { Principal } from "@/lib/auth/capabilities";
import { writeAudit, type AuditEntry } from "@/lib/audit/audit";
import type { ActionContext } from "@/lib/auth/guard-types";
import type { Db } from "@/lib/db/client";
import { loadPrincipal } from "@/lib/auth/principal";
import { users, type Role } from "@/lib/db/schema";

let seq = 0;

/** A uniquely named staff account. */
export function makeUser(db: Db, role: Role, name?: string) {
  const username = name ?? `${role}${++seq}`;
  return db.insert(users).values({ username, displayName: `${role} ${seq}`, role, source: "local" }).returning().get();
}

export function principalOf(db: Db, userId: number): Principal {
  const p = loadPrincipal(db, userId);
  if (!p) throw new Error("no principal");
  return p;
}

/** Runs a domain function the way an action does: one transaction with its audit entries. */
export function inAction<T>(db: Db, principal: Principal, fn: (ctx: ActionContext) => T): T {
  return db.transaction((tx) => fn({ tx, principal, audit: (e: AuditEntry) => writeAudit(tx, { id: principal.id, username: principal.username }, e) }));
}
