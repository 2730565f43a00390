import "server-only";
import { describeHolder, takeLock } from "./lock";
import { dbFile, openDb, type Db } from "./open";

export { dataDir, dbFile, openDb, type Db, type DbOrTx, type Tx } from "./open";

const globalForDb = globalThis as unknown as { __e2xDb?: { file: string; db: Db } };

/**
 * The one connection of this process (kept on globalThis so dev reloads reuse it). Opening it
 * takes the database's lock (lib/db/lock.ts), so `npm run restore` knows the portal runs;
 * while a restore replaces the file, the portal waits for it instead of opening it.
 */
export function getDb(): Db {
  const file = dbFile();
  if (!globalForDb.__e2xDb || globalForDb.__e2xDb.file !== file) {
    // a portal's lock from another host is the pod this one replaced (one replica, Recreate)
    const lock = takeLock(file, "portal", { takeOverOtherHost: (h) => h.kind === "portal" });
    if ("holder" in lock && lock.holder.kind === "restore") {
      throw new Error(`${describeHolder(lock.holder)}: the database is being restored. Try again when it has finished.`);
    }
    globalForDb.__e2xDb = { file, db: openDb(file) };
  }
  return globalForDb.__e2xDb.db;
}
