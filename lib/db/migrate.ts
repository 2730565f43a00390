/**
 * Schema migrations on start: the files drizzle-kit generates in drizzle/, applied in one
 * transaction, recorded in drizzle's own table (`__drizzle_migrations`, same hashes and times,
 * so drizzle-kit and this runner agree on what is applied).
 *
 * Compared with drizzle's migrator it adds what an upgrade on a real database needs:
 * - all or nothing: the pending migrations run in one IMMEDIATE transaction; a failing
 *   statement rolls everything back and the error names the migration, the statement and
 *   SQLite's reason; the schema stays as it was;
 * - foreign keys off while the schema changes (a table rebuild must not cascade-delete the
 *   rows that point at it; SQLite ignores `PRAGMA foreign_keys` inside a transaction, so
 *   drizzle-kit's own PRAGMA lines cannot do this), then `foreign_key_check` before commit;
 * - released migration files that were later extended in place (EXTENDED_IN_PLACE): a
 *   database that ran the earlier text gets the statements added since;
 * - a database written by a newer portal (a migration this code does not know, newer than all
 *   it knows) is refused rather than used with a schema the code does not expect;
 * - a copy of the database before the first pending migration (`VACUUM INTO`, 0600), unless
 *   the database is new.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import { freshName, stamp } from "./files";

export const MIGRATIONS_TABLE = "__drizzle_migrations";

export interface MigrationFile {
  tag: string;
  /** The journal's `when`: drizzle's order key, stored as `created_at`. */
  when: number;
  /** sha256 of the file text, as drizzle computes it. */
  hash: string;
  statements: string[];
}

/**
 * Migration files that were released and later extended in place (statements appended, the
 * earlier ones unchanged). A database made by the earlier text gets the statements after
 * the first `statements` of `becomes`.
 */
export const EXTENDED_IN_PLACE: readonly { hash: string; tag: string; becomes: string; statements: number }[] = [
  // The first schema (courses, terms, rosters, staff, audit), before the submission tables.
  { hash: "8b47d82696ae40a3fad638b948f096ce83009cc1e86fae1ebd07600f8b189e3e", tag: "0000_core", becomes: "0000_init", statements: 15 },
  // 0000_init before the deployment settings and push history tables were added to it.
  { hash: "8a477fe16bc2be78d17306092dce3f9c94b39b0ab966a29082602994b56adf9d", tag: "0000_init (first text)", becomes: "0000_init", statements: 27 },
];

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly migration?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "MigrationError";
  }
}

/** The migrations of a drizzle folder, in journal order (the same split and hash as drizzle). */
export function readMigrations(folder: string): MigrationFile[] {
  const journalPath = path.join(folder, "meta", "_journal.json");
  if (!fs.existsSync(journalPath)) throw new MigrationError(`No migrations found: ${journalPath} does not exist.`);
  const journal = JSON.parse(fs.readFileSync(journalPath, "utf8")) as { entries: { tag: string; when: number }[] };
  return journal.entries.map((e) => {
    const file = path.join(folder, `${e.tag}.sql`);
    if (!fs.existsSync(file)) throw new MigrationError(`Migration ${e.tag} is listed in the journal but ${file} is missing.`, e.tag);
    const text = fs.readFileSync(file, "utf8");
    return {
      tag: e.tag,
      when: e.when,
      hash: createHash("sha256").update(text).digest("hex"),
      statements: text.split("--> statement-breakpoint").filter((s) => s.trim() !== ""),
    };
  });
}

interface AppliedRow {
  id: number;
  hash: string;
  created_at: number | string | null;
}

export interface MigrationOutcome {
  /** Tags applied now, in order. */
  applied: string[];
  /** Earlier texts of extended migrations that were completed now. */
  completed: string[];
  /** Copy of the database taken before the change, if any. */
  backup: string | null;
}

export interface MigrateOptions {
  /** Where the copy before an upgrade goes; null: no copy. */
  backupDir?: string | null;
  /** Called with warnings (migrations this code does not know, older than the newest it knows). */
  warn?: (message: string) => void;
}

const firstLine = (s: string) => s.trim().split("\n")[0].slice(0, 120);

/** Applies the pending migrations of `folder` to an open database, all or nothing. */
export function migrateDatabase(sqlite: Database.Database, folder: string, opts: MigrateOptions = {}): MigrationOutcome {
  const migrations = readMigrations(folder);
  const byTag = new Map(migrations.map((m) => [m.tag, m]));
  const known = new Set(migrations.map((m) => m.hash));
  sqlite.exec(`CREATE TABLE IF NOT EXISTS "${MIGRATIONS_TABLE}" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`);
  const rows = sqlite.prepare(`SELECT rowid AS id, hash, created_at FROM "${MIGRATIONS_TABLE}" ORDER BY created_at`).all() as AppliedRow[];

  const completions: { row: AppliedRow; from: (typeof EXTENDED_IN_PLACE)[number]; to: MigrationFile }[] = [];
  let last = -Infinity;
  for (const row of rows) {
    let when = Number(row.created_at);
    if (!known.has(row.hash)) {
      const ext = EXTENDED_IN_PLACE.find((e) => e.hash === row.hash);
      const to = ext && byTag.get(ext.becomes);
      if (ext && to) {
        completions.push({ row, from: ext, to });
        when = to.when;
      } else if (migrations.length && when > migrations[migrations.length - 1].when) {
        throw new MigrationError(
          `This database was written by a newer version of the portal (it has a migration from ${new Date(when).toISOString()} that this version does not know). Start that version, or restore a backup made by this one.`,
        );
      } else {
        opts.warn?.(`The database has a migration this version does not know (hash ${row.hash.slice(0, 12)}, ${new Date(when).toISOString()}); it is left as it is.`);
      }
    }
    last = Math.max(last, when);
  }
  const pending = migrations.filter((m) => m.when > last);
  if (pending.length === 0 && completions.length === 0) return { applied: [], completed: [], backup: null };

  let backup: string | null = null;
  if (rows.length > 0 && opts.backupDir) {
    fs.mkdirSync(opts.backupDir, { recursive: true, mode: 0o700 });
    backup = freshName(opts.backupDir, `portal-${stamp()}-before-${(pending[0] ?? completions[0].to).tag}`);
    try {
      sqlite.prepare("VACUUM INTO ?").run(backup);
      fs.chmodSync(backup, 0o600);
    } catch (e) {
      throw new MigrationError(`Could not copy the database to ${backup} before upgrading it: ${e instanceof Error ? e.message : String(e)}. Nothing was changed.`, undefined, { cause: e });
    }
  }

  const newest = rows.at(-1);
  const atVersion = newest ? (migrations.find((m) => m.hash === newest.hash)?.tag ?? EXTENDED_IN_PLACE.find((e) => e.hash === newest.hash)?.tag ?? "its current schema") : "an empty schema";
  const fkWasOn = Number(sqlite.pragma("foreign_keys", { simple: true })) === 1;
  sqlite.pragma("foreign_keys = OFF");
  let current = "";
  let statement = 0;
  let total = 0;
  let text = "";
  try {
    sqlite.exec("BEGIN IMMEDIATE");
    // Another process (a second replica, a build worker) may have migrated while this one
    // waited for the write lock: then start over from what it recorded.
    const now = sqlite.prepare(`SELECT rowid AS id, hash, created_at FROM "${MIGRATIONS_TABLE}" ORDER BY created_at`).all() as AppliedRow[];
    if (now.map((r) => r.hash).join() !== rows.map((r) => r.hash).join()) {
      sqlite.exec("ROLLBACK");
      if (backup) fs.rmSync(backup, { force: true });
      if (fkWasOn) sqlite.pragma("foreign_keys = ON");
      return migrateDatabase(sqlite, folder, opts);
    }
    try {
      for (const c of completions) {
        current = `${c.to.tag} (completing ${c.from.tag})`;
        const rest = c.to.statements.slice(c.from.statements);
        total = c.to.statements.length;
        rest.forEach((s, i) => {
          statement = c.from.statements + i + 1;
          text = s;
          sqlite.exec(s);
        });
        sqlite.prepare(`UPDATE "${MIGRATIONS_TABLE}" SET hash = ?, created_at = ? WHERE rowid = ?`).run(c.to.hash, c.to.when, c.row.id);
      }
      for (const m of pending) {
        current = m.tag;
        total = m.statements.length;
        m.statements.forEach((s, i) => {
          statement = i + 1;
          text = s;
          sqlite.exec(s);
        });
        statement = 0;
        sqlite.prepare(`INSERT INTO "${MIGRATIONS_TABLE}" (hash, created_at) VALUES (?, ?)`).run(m.hash, m.when);
      }
      current = "";
      const broken = sqlite.pragma("foreign_key_check") as { table: string; parent: string }[];
      if (broken.length > 0) {
        const tables = [...new Set(broken.map((b) => `${b.table} → ${b.parent}`))].join(", ");
        throw new MigrationError(`The migrations would leave ${broken.length} row${broken.length === 1 ? "" : "s"} pointing at rows that do not exist (${tables}).`);
      }
      sqlite.exec("COMMIT");
    } catch (e) {
      sqlite.exec("ROLLBACK");
      throw e;
    }
  } catch (e) {
    if (e instanceof MigrationError && !current) throw new MigrationError(`${e.message} Nothing was changed: the database is still at ${atVersion}.`, undefined, { cause: e });
    const reason = e instanceof Error ? e.message : String(e);
    const where = current ? `Migration ${current} failed${statement ? ` at statement ${statement} of ${total} (${firstLine(text)})` : ""}: ${reason}.` : `The migrations failed: ${reason}.`;
    throw new MigrationError(`${where} Nothing was changed: the database is still at ${atVersion}.${backup ? ` A copy from before the attempt is ${backup}.` : ""}`, current || undefined, { cause: e });
  } finally {
    if (fkWasOn) sqlite.pragma("foreign_keys = ON");
  }
  return { applied: pending.map((m) => m.tag), completed: completions.map((c) => c.from.tag), backup };
}
