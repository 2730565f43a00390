import "server-only";
import { dbFile, openDb, type Db } from "./open";

export { dataDir, dbFile, openDb, type Db, type DbOrTx, type Tx } from "./open";

const globalForDb = globalThis as unknown as { __e2xDb?: { file: string; db: Db } };

/** The one connection of this process (kept on globalThis so dev reloads reuse it). */
export function getDb(): Db {
  const file = dbFile();
  if (!globalForDb.__e2xDb || globalForDb.__e2xDb.file !== file) {
    globalForDb.__e2xDb = { file, db: openDb(file) };
  }
  return globalForDb.__e2xDb.db;
}
