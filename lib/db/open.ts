/**
 * Opening the SQLite file: pragmas and migrations. For the server, use getDb() from
 * lib/db/client (server-only); scripts and tests open files here.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrateDatabase } from "./migrate";
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

/** Where backups go: E2X_BACKUP_DIR, else `backups/` beside the database file. */
export function backupDir(file = dbFile()): string {
  return path.resolve(/* turbopackIgnore: true */ process.env.E2X_BACKUP_DIR ?? path.join(path.dirname(file), "backups"));
}

/**
 * How long a write waits for another connection's write transaction before it fails with
 * SQLITE_BUSY (the action then answers "busy, nothing changed"). better-sqlite3 waits
 * synchronously: the whole process waits with it, so keep it short.
 */
export function busyTimeoutMs(): number {
  const v = Number(process.env.E2X_DB_BUSY_TIMEOUT_MS);
  return Number.isFinite(v) && v >= 0 ? v : 5000;
}

/**
 * Opens a SQLite file with the pragmas the portal relies on and applies pending migrations
 * (lib/db/migrate.ts: all or nothing, a copy of the database first) and data upgrades.
 */
export function openDb(file: string): Db {
  secureDbFile(file);
  const sqlite = new Database(file);
  try {
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma(`busy_timeout = ${busyTimeoutMs()}`);
    sqlite.pragma("synchronous = NORMAL");
    migrateDatabase(sqlite, migrationsFolder(), { backupDir: backupDir(file), warn: (m) => console.warn(m) });
    const db = drizzle(sqlite, { schema }) as Db;
    // Every transaction takes the write lock at BEGIN (IMMEDIATE): it waits for another
    // process's write transaction (busy_timeout) instead of failing half-way through, and a
    // read followed by a write never meets a snapshot another process has moved on from.
    // One that only reads asks for { behavior: "deferred" } (the guard's readOnly actions).
    const transaction = db.transaction.bind(db);
    db.transaction = ((fn, config) => transaction(fn, { behavior: "immediate", ...config })) as Db["transaction"];
    applyDataUpgrades(db);
    return db;
  } catch (e) {
    sqlite.close();
    throw e;
  }
}
