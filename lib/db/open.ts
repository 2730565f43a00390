/**
 * Opening the SQLite file: pragmas and migrations. For the server, use getDb() from
 * lib/db/client (server-only); scripts and tests open files here.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema";
import { applyDataUpgrades } from "./upgrade";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** The handle a transaction callback receives; domain functions accept either. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

// Runtime paths, chosen by the environment: the bundler must not trace the project through them.
export function dataDir(): string {
  return path.resolve(/* turbopackIgnore: true */ process.env.E2X_DATA_DIR ?? ".data");
}

export function dbFile(): string {
  return path.resolve(/* turbopackIgnore: true */ process.env.E2X_DB_FILE ?? path.join(dataDir(), "portal.db"));
}

function migrationsFolder(): string {
  return path.resolve(/* turbopackIgnore: true */ process.env.E2X_MIGRATIONS_DIR ?? path.join(process.cwd(), "drizzle"));
}

/**
 * The database holds password hashes and student data: its folder is 0700, the file 0600.
 * SQLite gives the -wal and -shm files the mode of the database file, so they are 0600 too.
 */
export function secureDbFile(file: string) {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (path.resolve(dir) === dataDir()) fs.chmodSync(dir, 0o700);
  fs.closeSync(fs.openSync(file, "a", 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    try {
      fs.chmodSync(f, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
}

/** Opens a SQLite file with the pragmas the portal relies on and applies pending migrations. */
export function openDb(file: string): Db {
  secureDbFile(file);
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder: migrationsFolder() });
  applyDataUpgrades(db);
  return db;
}
