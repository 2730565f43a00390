import { t } from "@/lib/i18n/t";
import { msg } from "@/lib/i18n/t";
import { asc, count, eq, or, sql } from "drizzle-orm";
import { z } from "zod";
import { bumpSessionVersion } from "@/lib/auth/account";
import { ActionError, type ActionContext } from "@/lib/auth/guard-types";
import type { DbOrTx } from "@/lib/db/client";
import { ROLES, termStaff, users } from "@/lib/db/schema";
import { usernameField } from "@/lib/identity/schema";

export const staffInput = z.object({
  /** Normalized like every hub name (lib/identity/username.ts): `Irene` becomes `irene`. */
  username: usernameField,
  displayName: z.string().trim().min(1, msg("errors.required")).max(200),
  email: z.union([z.literal(""), z.string().trim().email(msg("errors.email"))]).default(""),
  role: z.enum(ROLES),
});
export type StaffInput = z.infer<typeof staffInput>;

export function listStaff(db: DbOrTx) {
  const assignments = new Map(
    db
      .select({ userId: termStaff.userId, n: count() })
      .from(termStaff)
      .groupBy(termStaff.userId)
      .all()
      .map((r) => [r.userId, r.n]),
  );
  return db
    .select({ id: users.id, username: users.username, displayName: users.displayName, email: users.email, role: users.role, source: users.source, active: users.active, lastLoginAt: users.lastLoginAt, createdAt: users.createdAt })
    .from(users)
    .orderBy(asc(users.username))
    .all()
    .map((u) => ({ ...u, assignments: assignments.get(u.id) ?? 0 }));
}

export function createStaff(input: StaffInput, passwordHash: string, { tx, audit }: ActionContext) {
  // lower(): accounts older than the username rule may still be stored in another case.
  const clash = tx
    .select({ id: users.id, username: users.username })
    .from(users)
    .where(or(eq(users.username, input.username), sql`lower(${users.username}) = ${input.username}`))
    .get();
  if (clash) throw new ActionError(t("domain.usernameTaken"), { username: [t("domain.usernameTakenWhy", { username: clash.username })] });
  const row = tx
    .insert(users)
    .values({ username: input.username, displayName: input.displayName, email: input.email || null, role: input.role, source: "local", passwordHash, mustChangePassword: true })
    .returning({ id: users.id })
    .get();
  audit({ action: "user.create", entityType: "user", entityId: row.id, message: { key: "staffCreate", params: { username: input.username, role: input.role } }, after: input });
  return row.id;
}

function activeAdmins(db: DbOrTx) {
  return db.select({ id: users.id, role: users.role, active: users.active }).from(users).all().filter((u) => u.role === "admin" && u.active).length;
}

export function updateStaff(userId: number, input: Omit<StaffInput, "username"> & { active: boolean }, { tx, audit, principal }: ActionContext) {
  const before = tx.select().from(users).where(eq(users.id, userId)).get();
  if (!before) throw new ActionError(t("domain.accountGone"));
  const losesAdmin = before.role === "admin" && before.active && (input.role !== "admin" || !input.active);
  if (losesAdmin && activeAdmins(tx) <= 1) throw new ActionError(t("domain.lastAdmin"), { role: [t("domain.needAdmin")] });
  if (userId === principal.id && !input.active) throw new ActionError(t("domain.ownAccount"));
  const values = { displayName: input.displayName, email: input.email || null, role: input.role, active: input.active };
  const changed = (Object.keys(values) as (keyof typeof values)[]).filter((k) => before[k] !== values[k]);
  if (!changed.length) return;
  tx.update(users).set(values).where(eq(users.id, userId)).run();
  // a new role or a deactivation ends the account's sessions: rights never outlive them
  if (before.role !== values.role || before.active !== values.active) bumpSessionVersion(tx, userId);
  audit({
    action: "user.update",
    entityType: "user",
    entityId: userId,
    message: { key: "staffUpdate", params: { username: before.username, fields: changed.join(", ") } },
    before: Object.fromEntries(changed.map((k) => [k, before[k]])),
    after: Object.fromEntries(changed.map((k) => [k, values[k]])),
  });
}

export function setStaffPassword(userId: number, passwordHash: string, { tx, audit }: ActionContext) {
  const user = tx.select().from(users).where(eq(users.id, userId)).get();
  if (!user) throw new ActionError(t("domain.accountGone"));
  if (user.source !== "local") throw new ActionError(t("domain.ldapPassword"));
  // a generated password: changed at the next sign-in; the old sessions end now
  tx.update(users).set({ passwordHash, mustChangePassword: true, passwordChangedAt: new Date() }).where(eq(users.id, userId)).run();
  bumpSessionVersion(tx, userId);
  audit({ action: "user.password-reset", entityType: "user", entityId: userId, message: { key: "staffPasswordReset", params: { username: user.username } } });
  return user.username;
}
