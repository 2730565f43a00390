/**
 * Who can sign in to each hub, as the rendered values decide it: for the cluster page.
 * Plain data: the shape lives in views.ts.
 */
import { FAIL_CLOSED_AUTHENTICATOR, HUB_NAMES } from "@/lib/render";
import type { PortalRender } from "./model";
import type { HubAccessNote } from "./views";

export type { HubAccessNote } from "./views";

export function hubAccessNotes(r: PortalRender): HubAccessNote[] {
  const out: HubAccessNote[] = [];
  for (const hub of HUB_NAMES) {
    const v = r.render.values[hub] as { hub?: { config?: { JupyterHub?: { authenticator_class?: string }; Authenticator?: { admin_users?: string[] } } }; custom?: { e2xPortal?: { examRooms?: string[] } } } | undefined;
    if (!v) continue;
    const authenticator = v.hub?.config?.JupyterHub?.authenticator_class ?? FAIL_CLOSED_AUTHENTICATOR;
    out.push({
      hub,
      signIn: authenticator === FAIL_CLOSED_AUTHENTICATOR ? "closed" : authenticator.startsWith("ldapauthenticator.") ? "ldap" : "custom",
      authenticator,
      rooms: v.custom?.e2xPortal?.examRooms,
      admins: v.hub?.config?.Authenticator?.admin_users?.length ?? 0,
    });
  }
  return out;
}
