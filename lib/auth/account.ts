import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { writeAudit } from "@/lib/audit/audit";
import type { Db, DbOrTx } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { msg, t } from "@/lib/i18n/t";
import { hashPassword, verifyPassword } from "./password";
import { activeLock, addressKey, auditFailure, clearKey, DEFAULT_POLICY, recordFailure, usernameKey } from "./throttle";

/** Ends every session of the account (they carry the old version). */
export function bumpSessionVersion(tx: DbOrTx, userId: number) {
  tx.update(users).set({ sessionVersion: sql`${users.sessionVersion} + 1` }).where(eq(users.id, userId)).run();
}

export const MIN_PASSWORD_LENGTH = 12;

export const passwordChangeInput = z
  .object({
    current: z.string().min(1, msg("password.enterCurrent")).max(1024),
    password: z.string().min(MIN_PASSWORD_LENGTH, msg("password.atLeast", { min: MIN_PASSWORD_LENGTH })).max(1024, msg("password.atMost")),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], ...msg("password.differ") })
  .refine((v) => v.password !== v.current, { path: ["password"], ...msg("password.same") });

export type PasswordChangeResult =
  | { ok: true }
  | { ok: false; field?: "current" | "password"; message: string };

/**
 * Self-service password change of a local account: the current password is checked under the
 * sign-in throttle, the new one stored as a salted hash, and every session of the account
 * ends (the caller signs this browser in again with the new password).
 */
export async function changeOwnPassword(db: Db, userId: number, input: z.infer<typeof passwordChangeInput>, address: string): Promise<PasswordChangeResult> {
  const user = db.select().from(users).where(eq(users.id, userId)).get();
  if (!user || !user.active) return { ok: false, message: t("password.gone") };
  if (user.source !== "local") return { ok: false, message: t("password.ldapChange") };
  if (input.password.toLowerCase().includes(user.username.toLowerCase())) return { ok: false, field: "password", message: t("password.containsUsername") };
  const key = usernameKey(user.username);
  const lock = activeLock(db, [key, addressKey(address)]);
  if (lock) return { ok: false, field: "current", message: t("password.locked", { wait: waitText(lock.retryAfterMs) }) };
  if (!(await verifyPassword(input.current, user.passwordHash))) {
    db.transaction((tx) => {
      const counted = recordFailure(tx, key, DEFAULT_POLICY.accountFree);
      recordFailure(tx, addressKey(address), DEFAULT_POLICY.addressFree);
      auditFailure(tx, key, counted, { account: user, address, reason: "wrongCurrentPw" });
    });
    return { ok: false, field: "current", message: t("password.wrong") };
  }
  const hash = await hashPassword(input.password);
  db.transaction((tx) => {
    tx.update(users).set({ passwordHash: hash, mustChangePassword: false, passwordChangedAt: new Date() }).where(eq(users.id, userId)).run();
    bumpSessionVersion(tx, userId);
    clearKey(tx, key);
    writeAudit(tx, { id: user.id, username: user.username }, {
      action: "user.password-change",
      entityType: "user",
      entityId: user.id,
      message: { key: "passwordChange", params: { username: user.username, generated: user.mustChangePassword ? "yes" : "no" } },
    });
  });
  return { ok: true };
}

/** "45 seconds", "3 minutes" (in the active language). */
export function waitText(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 90) return t("password.seconds", { count: s });
  return t("password.minutes", { count: Math.ceil(s / 60) });
}
