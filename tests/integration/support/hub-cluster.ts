// What the tests that push to a real API server share: the hubs' namespaces (those of the
// default settings), the actor and request of their pushes, and a term found by its codes.
import { and, eq } from "drizzle-orm";
import type { ClusterConnection } from "@/lib/cluster";
import type { DbOrTx } from "@/lib/db/open";
import { courses, terms } from "@/lib/db/schema";
import { DEFAULT_SETTINGS } from "@/lib/deployment/settings";

export const HUB_NAMESPACES = Object.values(DEFAULT_SETTINGS.hubs).map((h) => h.namespace);
export const PUSH_ACTOR = { id: null, username: "admin" };
export const PUSH_REQUEST = { forceConflicts: false, prune: true };

/** The hubs' namespaces, which exist before the portal pushes (Helm creates them with the hubs). */
export async function createHubNamespaces(conn: ClusterConnection): Promise<void> {
  for (const name of HUB_NAMESPACES) await conn.request("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name } } });
}

/** The id of a course's term, e.g. termIdOf(db, "mathe1", "WS25") of the demo seed. */
export function termIdOf(db: DbOrTx, code: string, term: string): number {
  const c = db.select().from(courses).where(eq(courses.code, code)).get()!;
  return db.select().from(terms).where(and(eq(terms.courseId, c.id), eq(terms.term, term))).get()!.id;
}
