"use server";
import { signOut } from "@/lib/auth/auth";
import { currentPrincipal } from "@/lib/auth/guard";
import { writeAudit } from "@/lib/audit/audit";
import { getDb } from "@/lib/db/client";

export async function signOutAction() {
  const p = await currentPrincipal();
  if (p) writeAudit(getDb(), { id: p.id, username: p.username }, { action: "auth.sign-out", entityType: "user", entityId: p.id, summary: `${p.username} signed out` });
  await signOut({ redirectTo: "/sign-in" });
}
