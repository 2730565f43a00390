/**
 * Backups and restores of the portal's SQLite file (npm run backup / npm run restore FILE).
 *
 * A backup is taken with SQLite's online backup API while the portal keeps serving: the
 * pages are copied in one step, inside one read transaction, so the copy is the database as
 * it was at one moment (writers are not blocked in WAL mode, and a write cannot make the
 * copy start over). It is written under a temporary name, checked with
 * `PRAGMA integrity_check`, and only then renamed to `portal-<UTC time>.db`. The oldest
 * backups beyond the retention (E2X_BACKUP_KEEP, default 14) are removed afterwards.
 *
 * A restore refuses while the portal has the database open (its lock, lib/db/lock.ts). It
 * checks the backup, copies it with `VACUUM INTO`, keeps a copy of the database it replaces,
 * and swaps the file in with a rename, so the data directory holds either the old database or
 * the restored one.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { freshName, stamp } from "./files";
import { describeHolder, takeLock } from "./lock";
import { MIGRATIONS_TABLE } from "./migrate";

export const BACKUP_NAME = /^portal-(\d{8}-\d{6}Z)(?:-(\d+))?\.db$/;
export const DEFAULT_KEEP = 14;

export class BackupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "BackupError";
  }
}

export function backupKeep(): number {
  const v = Number(process.env.E2X_BACKUP_KEEP);
  return Number.isInteger(v) && v >= 1 ? v : DEFAULT_KEEP;
}

export interface Verified {
  /** Rows per table (the portal's tables, drizzle's migration table left out). */
  counts: Record<string, number>;
  /** Migrations recorded in the file. */
  migrations: number;
}

const tablesOf = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> ? ORDER BY name").all(MIGRATIONS_TABLE) as { name: string }[]).map(
    (r) => r.name,
  );

/** Opens a database file read-only and checks it: integrity, a portal schema, row counts. */
export function verifyDatabase(file: string): Verified {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new BackupError(`${file} cannot be opened: ${e instanceof Error ? e.message : String(e)}.`, { cause: e });
  }
  try {
    let result: string[];
    try {
      result = (db.pragma("integrity_check") as { integrity_check: string }[]).map((r) => r.integrity_check);
    } catch (e) {
      throw new BackupError(`${file} is not a readable SQLite database: ${e instanceof Error ? e.message : String(e)}.`, { cause: e });
    }
    if (result.length !== 1 || result[0] !== "ok") throw new BackupError(`${file} is damaged (integrity_check: ${result.slice(0, 3).join("; ")}).`);
    const hasMigrations = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(MIGRATIONS_TABLE);
    if (!hasMigrations) throw new BackupError(`${file} is not a portal database (it has no ${MIGRATIONS_TABLE} table).`);
    const counts: Record<string, number> = {};
    for (const t of tablesOf(db)) counts[t] = (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n;
    const migrations = (db.prepare(`SELECT count(*) AS n FROM "${MIGRATIONS_TABLE}"`).get() as { n: number }).n;
    return { counts, migrations };
  } finally {
    db.close();
  }
}

export interface BackupResult extends Verified {
  file: string;
  bytes: number;
  ms: number;
  /** Older backups removed by the retention. */
  removed: string[];
}

function removePartial(file: string) {
  for (const f of [file, `${file}-journal`, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
}

function diskMessage(e: unknown, where: string): string | null {
  const code = (e as { code?: string })?.code ?? "";
  if (code === "SQLITE_FULL" || code === "ENOSPC") return `The disk holding ${where} is full.`;
  if (code.startsWith("SQLITE_READONLY") || code === "SQLITE_CANTOPEN" || code === "EACCES" || code === "EROFS") return `${where} cannot be written (check its owner and permissions).`;
  return null;
}

/** Backs up the database `source` into `dir`, verifies the copy and applies the retention. */
export async function backupDatabase(source: string, dir: string, opts: { keep?: number; now?: Date } = {}): Promise<BackupResult> {
  const t0 = performance.now();
  if (!fs.existsSync(source)) throw new BackupError(`There is no database at ${source}.`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new BackupError(`The backup directory ${dir} cannot be created: ${e instanceof Error ? e.message : String(e)}.`, { cause: e });
  }
  const final = freshName(dir, `portal-${stamp(opts.now)}`);
  const partial = path.join(dir, `.${path.basename(final)}.partial`);
  removePartial(partial);

  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    // the first transfer only counts the pages; the second copies all of them in one step
    await db.backup(partial, { progress: ({ remainingPages }) => Math.max(remainingPages, 1) });
  } catch (e) {
    removePartial(partial);
    const disk = diskMessage(e, `the backup directory ${dir}`);
    throw new BackupError(`The backup failed${disk ? `: ${disk}` : `: ${e instanceof Error ? e.message : String(e)}.`} No backup was written; the database is unchanged.`, { cause: e });
  } finally {
    db.close();
  }
  let verified: Verified;
  try {
    // one self-contained file: no WAL beside it
    const copy = new Database(partial, { fileMustExist: true });
    try {
      copy.pragma("journal_mode = DELETE");
    } finally {
      copy.close();
    }
    verified = verifyDatabase(partial);
    fs.chmodSync(partial, 0o600);
    const fd = fs.openSync(partial, "r");
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(partial, final);
  } catch (e) {
    removePartial(partial);
    throw e instanceof BackupError ? new BackupError(`The copy failed its check and was removed: ${e.message}`, { cause: e }) : e;
  }
  const removed = pruneBackups(dir, opts.keep ?? backupKeep());
  return { file: final, bytes: fs.statSync(final).size, ms: Math.round(performance.now() - t0), removed, ...verified };
}

/** The backups `npm run backup` made in `dir`, newest first (copies before upgrades and restores are not among them). */
export function listBackups(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => BACKUP_NAME.test(f))
    .sort((a, b) => {
      const [, sa, na] = BACKUP_NAME.exec(a)!;
      const [, sb, nb] = BACKUP_NAME.exec(b)!;
      return sa === sb ? Number(nb ?? 1) - Number(na ?? 1) : sb.localeCompare(sa);
    })
    .map((f) => path.join(dir, f));
}

/** Removes the oldest backups beyond `keep`; returns what it removed. */
export function pruneBackups(dir: string, keep: number): string[] {
  const old = listBackups(dir).slice(Math.max(keep, 1));
  for (const f of old) fs.rmSync(f, { force: true });
  return old;
}

export interface RestoreResult extends Verified {
  /** The database that was replaced, kept beside the backups (null when there was none). */
  previous: string | null;
}

/**
 * Replaces the database `target` with the backup `file`. Refuses while another process has
 * the database open, unless `force` (a holder on another host that is known to be stopped).
 */
export function restoreDatabase(target: string, file: string, opts: { backupDir: string; force?: boolean }): RestoreResult {
  const source = path.resolve(file);
  if (!fs.existsSync(source)) throw new BackupError(`There is no backup at ${source}.`);
  if (source === path.resolve(target)) throw new BackupError(`${source} is the database itself; name a backup file.`);
  // --force: a holder on another host is known to be stopped
  const lock = takeLock(target, "restore", { takeOverOtherHost: () => !!opts.force });
  if ("holder" in lock) {
    const h = lock.holder;
    const stop =
      h.alive === true
        ? "Stop the portal first (in the cluster: kubectl -n e2x-portal scale deployment/e2x-portal --replicas=0), then run the restore again."
        : "If that portal is stopped (kubectl -n e2x-portal scale deployment/e2x-portal --replicas=0), run the restore again with --force.";
    throw new BackupError(`${describeHolder(h)}. Nothing was restored. ${stop}`);
  }
  const release = lock.release;
  try {
    const verified = verifyDatabase(source);
    const dir = path.dirname(path.resolve(target));
    fs.mkdirSync(dir, { recursive: true });
    const incoming = path.join(dir, `.${path.basename(target)}.restoring`);
    removePartial(incoming);
    // SQLite copies the backup (with what a WAL beside it holds, which a file copy would
    // miss) into one self-contained file
    const from = new Database(source, { readonly: true, fileMustExist: true });
    try {
      from.prepare("VACUUM INTO ?").run(incoming);
      fs.chmodSync(incoming, 0o600);
      const fd = fs.openSync(incoming, "r");
      fs.fsyncSync(fd);
      fs.closeSync(fd);
    } catch (e) {
      removePartial(incoming);
      const disk = diskMessage(e, dir);
      throw new BackupError(`The backup could not be copied into place${disk ? `: ${disk}` : `: ${e instanceof Error ? e.message : String(e)}.`} Nothing was restored.`, { cause: e });
    } finally {
      from.close();
    }
    let previous: string | null = null;
    if (fs.existsSync(target)) {
      // the database being replaced, with what its WAL still held, as a copy beside the backups
      fs.mkdirSync(opts.backupDir, { recursive: true, mode: 0o700 });
      previous = freshName(opts.backupDir, `portal-${stamp()}-before-restore`);
      const old = new Database(target, { fileMustExist: true });
      try {
        old.prepare("VACUUM INTO ?").run(previous);
        old.pragma("wal_checkpoint(TRUNCATE)");
      } catch (e) {
        removePartial(incoming);
        removePartial(previous);
        const disk = diskMessage(e, opts.backupDir);
        throw new BackupError(`The current database could not be copied aside${disk ? `: ${disk}` : `: ${e instanceof Error ? e.message : String(e)}.`} Nothing was restored.`, { cause: e });
      } finally {
        old.close();
      }
      fs.chmodSync(previous, 0o600);
    }
    // the old WAL belongs to the old file: gone before the new file takes its name
    for (const f of [`${target}-wal`, `${target}-shm`, `${target}-journal`]) fs.rmSync(f, { force: true });
    fs.renameSync(incoming, target);
    const dfd = fs.openSync(dir, "r");
    fs.fsyncSync(dfd);
    fs.closeSync(dfd);
    return { previous, ...verified };
  } finally {
    release();
  }
}
