/**
 * Who can sign in to each hub, as the pushed hub settings decide it: for the cluster page.
 * Plain data: the shape lives in views.ts.
 */
import { EXAM_AUTHENTICATOR, FAIL_CLOSED_AUTHENTICATOR, HUB_NAMES } from "@/lib/render";
import type { PortalRender } from "./model";
import type { HubAccessNote } from "./views";

export type { HubAccessNote } from "./views";

export function hubAccessNotes(r: PortalRender): HubAccessNote[] {
  const out: HubAccessNote[] = [];
  for (const hub of HUB_NAMES) {
    const v = r.render.hubSettings[hub] as { config?: { JupyterHub?: { authenticator_class?: string }; Authenticator?: { admin_users?: string[] } }; examRooms?: string[] } | undefined;
    if (!v) continue;
    const authenticator = v.config?.JupyterHub?.authenticator_class ?? FAIL_CLOSED_AUTHENTICATOR;
    const exam = authenticator === EXAM_AUTHENTICATOR;
    out.push({
      hub,
      signIn: authenticator === FAIL_CLOSED_AUTHENTICATOR ? "closed" : exam ? "exam" : authenticator.startsWith("ldapauthenticator.") ? "ldap" : "custom",
      ...(exam ? { exams: (r.model.exams ?? []).map((e) => ({ title: e.title, period: e.period, status: e.status, accounts: e.accounts.length })) } : {}),
      authenticator,
      rooms: v.examRooms,
      admins: v.config?.Authenticator?.admin_users?.length ?? 0,
    });
  }
  return out;
}
