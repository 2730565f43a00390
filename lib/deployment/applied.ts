/**
 * What the portal last applied to each object of a cluster (table applied_objects): loaded for
 * a plan (lib/cluster's `lastApplied`), updated with every recorded push.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { appliedStateChanges, type AppliedState, type PushResult } from "@/lib/cluster";
import type { DbOrTx } from "@/lib/db/client";
import { appliedObjects } from "@/lib/db/schema";

/** The value the upsert tried to insert into `column`. */
const sqlExcluded = (column: string) => sql.raw(`excluded.${column}`);

/** The remembered state of every object the portal applied to the cluster at `location`. */
export function loadLastApplied(db: DbOrTx, location: string): Map<string, AppliedState> {
  const rows = db.select().from(appliedObjects).where(eq(appliedObjects.location, location)).all();
  return new Map(rows.map((r) => [r.key, { digest: r.digest, resourceVersion: r.resourceVersion, ...(r.uid ? { uid: r.uid } : {}) }]));
}

/** Stores what a push applied (inside the caller's transaction). */
export function rememberApplied(tx: DbOrTx, pushId: number, result: PushResult): void {
  const { remember, forget } = appliedStateChanges(result);
  const now = new Date();
  const rows = [...remember].map(([key, s]) => ({ location: result.location, key, digest: s.digest, resourceVersion: s.resourceVersion, uid: s.uid ?? null, pushId, updatedAt: now }));
  for (let i = 0; i < rows.length; i += 500) {
    tx.insert(appliedObjects)
      .values(rows.slice(i, i + 500))
      .onConflictDoUpdate({
        target: [appliedObjects.location, appliedObjects.key],
        set: { digest: sqlExcluded("digest"), resourceVersion: sqlExcluded("resource_version"), uid: sqlExcluded("uid"), pushId, updatedAt: now },
      })
      .run();
  }
  for (let i = 0; i < forget.length; i += 500) {
    tx.delete(appliedObjects).where(and(eq(appliedObjects.location, result.location), inArray(appliedObjects.key, forget.slice(i, i + 500)))).run();
  }
}
