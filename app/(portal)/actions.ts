"use server";
import { bumpSessionVersion } from "@/lib/auth/account";
import { signOut } from "@/lib/auth/auth";
import { currentPrincipal } from "@/lib/auth/guard";
import { writeAudit } from "@/lib/audit/audit";
import { getDb } from "@/lib/db/client";

/** Signs out everywhere: the account's session version moves on, so a copied cookie is dead too. */
export async function signOutAction() {
  const p = await currentPrincipal();
  if (p) {
    getDb().transaction((tx) => {
      bumpSessionVersion(tx, p.id);
      writeAudit(tx, { id: p.id, username: p.username }, { action: "auth.sign-out", entityType: "user", entityId: p.id, message: { key: "signOut", params: { username: p.username } } });
    });
  }
  await signOut({ redirectTo: "/sign-in" });
}
