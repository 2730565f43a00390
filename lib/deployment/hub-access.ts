/**
 * Who can sign in to each hub, as the rendered values decide it: for the cluster page.
 * Plain data (components may import the type).
 */
import { FAIL_CLOSED_AUTHENTICATOR, HUB_NAMES, type HubName } from "@/lib/render";
import type { PortalRender } from "./model";

export interface HubAccessNote {
  hub: HubName;
  /** "ldap", "closed" (refuses every sign-in) or "custom" (a class set in the render model). */
  signIn: "ldap" | "closed" | "custom";
  authenticator: string;
  /** Exam hub: the room networks it admits sign-ins from (empty: none). */
  rooms?: string[];
  admins: number;
}

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
