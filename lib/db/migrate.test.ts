// Migrations on start: all or nothing, foreign keys kept, and every database an earlier version
// of the portal made opens with the current code with every row it held.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { getTableColumns, getTableName, is } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import { migrate as drizzleMigrate } from "drizzle-orm/better-sqlite3/migrator";
import { afterAll, describe, expect, it } from "vitest";
import { listPushes } from "@/lib/deployment/history";
import { loadLastApplied } from "@/lib/deployment/applied";
import { latestScan } from "@/lib/grading/scans";
import { listStudents } from "@/lib/rosters/roster";
import { EXTENDED_IN_PLACE, MIGRATIONS_TABLE, MigrationError, migrateDatabase, readMigrations } from "./migrate";
import { openDb } from "./open";
import * as schema from "./schema";

const CURRENT = path.resolve("drizzle");
const FIXTURES = path.resolve("lib/db/__fixtures__/migration-sets");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-migrate-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const tmpPath = (name: string) => path.join(tmp, `${++n}-${name}`);

/** A migrations folder holding the first `count` migrations of the current one (plus extra files). */
function folderWith(count: number, extra: { tag: string; sql: string }[] = []): string {
  const dir = tmpPath("drizzle");
  fs.mkdirSync(path.join(dir, "meta"), { recursive: true });
  const journal = JSON.parse(fs.readFileSync(path.join(CURRENT, "meta/_journal.json"), "utf8"));
  journal.entries = journal.entries.slice(0, count);
  let when = journal.entries.at(-1)?.when ?? 0;
  for (const e of journal.entries) fs.copyFileSync(path.join(CURRENT, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  for (const x of extra) {
    journal.entries.push({ idx: journal.entries.length, version: "6", when: (when += 1000), tag: x.tag, breakpoints: true });
    fs.writeFileSync(path.join(dir, `${x.tag}.sql`), x.sql);
  }
  fs.writeFileSync(path.join(dir, "meta/_journal.json"), JSON.stringify(journal, null, 2));
  return dir;
}

/** A database made the way a version with this migrations folder made it (drizzle's migrator). */
function databaseFrom(folder: string): string {
  const dir = tmpPath("data");
  fs.mkdirSync(dir);
  const file = path.join(dir, "portal.db");
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  drizzleMigrate(drizzle(sqlite), { migrationsFolder: folder });
  sqlite.close();
  return file;
}

function withEnvFolder<T>(folder: string, fn: () => T): T {
  const before = process.env.E2X_MIGRATIONS_DIR;
  process.env.E2X_MIGRATIONS_DIR = folder;
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.E2X_MIGRATIONS_DIR;
    else process.env.E2X_MIGRATIONS_DIR = before;
  }
}

/** Every table, index and trigger, the SQL text with its layout (line breaks, indents) evened out. */
const schemaOf = (db: Database.Database) =>
  (db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all() as { type: string; name: string; sql: string | null }[]).map((o) => ({
    ...o,
    sql: o.sql?.replace(/\s+/g, " ").replace(/\( /g, "(").replace(/ \)/g, ")") ?? null,
  }));
const migrationsOf = (db: Database.Database) => db.prepare(`SELECT hash, created_at FROM "${MIGRATIONS_TABLE}" ORDER BY created_at`).all();
const userTables = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> ? ORDER BY name").all(MIGRATIONS_TABLE) as { name: string }[]).map((r) => r.name);

interface Column {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

/**
 * Fills every table of an old schema with `perTable` rows through that schema: parents before
 * children, every column given a value of its declared type, foreign keys pointing at rows
 * that exist, unique values. Usernames are already in normal form, so the data upgrade has
 * nothing to merge.
 */
function fillEveryTable(file: string, perTable = 3): Record<string, number> {
  const db = new Database(file);
  db.pragma("foreign_keys = ON");
  const tables = userTables(db);
  const fks = new Map(tables.map((t) => [t, db.pragma(`foreign_key_list("${t}")`) as { table: string; from: string; to: string }[]]));
  const order: string[] = [];
  const visit = (t: string, seen = new Set<string>()) => {
    if (order.includes(t) || seen.has(t)) return;
    seen.add(t);
    for (const fk of fks.get(t) ?? []) if (fk.table !== t) visit(fk.table, seen);
    order.push(t);
  };
  tables.forEach((t) => visit(t));
  const counts: Record<string, number> = {};
  for (const t of order) {
    const cols = db.pragma(`table_info("${t}")`) as Column[];
    const fkOf = new Map((fks.get(t) ?? []).map((f) => [f.from, f]));
    for (let i = 0; i < perTable; i++) {
      const names: string[] = [];
      const values: unknown[] = [];
      for (const c of cols) {
        const fk = fkOf.get(c.name);
        const type = c.type.toLowerCase();
        if (c.pk && type.includes("int") && !fk) continue; // rowid
        let v: unknown;
        if (fk) {
          const parents = db.prepare(`SELECT "${fk.to}" AS v FROM "${fk.table}" ORDER BY rowid`).all() as { v: unknown }[];
          if (parents.length === 0) continue;
          v = parents[i % parents.length].v;
        } else if (type.includes("int") || type.includes("numeric") || type.includes("real")) {
          v = c.dflt_value === "false" || c.dflt_value === "true" ? i % 2 : 1_700_000_000_000 + i * 1000 + order.indexOf(t);
        } else if (c.dflt_value === "'[]'" || JSON_COLUMNS.has(`${t}.${c.name}`)) v = "[]";
        else v = `v${i}-${t}.${c.name}`.toLowerCase().replace(/[^a-z0-9.@_-]/g, "-");
        names.push(`"${c.name}"`);
        values.push(v);
      }
      db.prepare(`INSERT INTO "${t}" (${names.join(", ")}) VALUES (${names.map(() => "?").join(", ")})`).run(...values);
    }
    counts[t] = (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n;
  }
  db.close();
  return counts;
}

/** Every row of every table, every column, by table and rowid. */
function snapshot(file: string): Record<string, Record<string, unknown>[]> {
  const db = new Database(file, { readonly: true });
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const t of userTables(db)) out[t] = db.prepare(`SELECT rowid AS __rowid, * FROM "${t}" ORDER BY rowid`).all() as Record<string, unknown>[];
  db.close();
  return out;
}

/** Columns the code reads as JSON (drizzle's json mode), by table and SQL name. */
const JSON_COLUMNS = new Set(
  (Object.values(schema) as unknown[])
    .filter((t): t is SQLiteTable => is(t, SQLiteTable))
    .flatMap((t) => Object.values(getTableColumns(t)).filter((c) => c.columnType === "SQLiteTextJson").map((c) => `${getTableName(t)}.${c.name}`)),
);

/** Columns the data upgrade derives from others and rewrites on purpose. */
const DERIVED = new Set(["students.search_key"]);
const withoutDerived = (table: string) => (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).filter(([col]) => !DERIVED.has(`${table}.${col}`)));

describe("migrations on start", () => {
  it("apply every migration to a new database, recorded as drizzle records them", () => {
    const ours = new Database(tmpPath("ours.db"));
    const outcome = migrateDatabase(ours, CURRENT, { backupDir: tmpPath("backups") });
    expect(outcome.applied).toEqual(readMigrations(CURRENT).map((m) => m.tag));
    expect(outcome.backup).toBeNull();
    const theirs = new Database(databaseFrom(CURRENT));
    expect(schemaOf(ours)).toEqual(schemaOf(theirs));
    expect(migrationsOf(ours)).toEqual(migrationsOf(theirs));
    // nothing left to do, and drizzle's migrator agrees
    expect(migrateDatabase(ours, CURRENT).applied).toEqual([]);
    const before = migrationsOf(ours);
    drizzleMigrate(drizzle(ours), { migrationsFolder: CURRENT });
    expect(migrationsOf(ours)).toEqual(before);
    ours.close();
    theirs.close();
  });

  it("a failing migration leaves the old schema and every row, and says which statement failed and why", () => {
    const all = readMigrations(CURRENT).length;
    const file = databaseFrom(folderWith(all));
    fillEveryTable(file);
    const before = snapshot(file);
    const schemaBefore = schemaOf(new Database(file, { readonly: true }));
    const broken = folderWith(all, [
      { tag: "0098_fine", sql: "CREATE TABLE `exam_notes` (`id` integer PRIMARY KEY NOT NULL, `text` text NOT NULL);" },
      {
        tag: "0099_broken",
        sql: ["ALTER TABLE `students` ADD `nickname` text;", "UPDATE `students` SET `nickname` = `username`;", "INSERT INTO `no_such_table` (`x`) VALUES (1);"].join("\n--> statement-breakpoint\n"),
      },
    ]);
    let error: unknown;
    try {
      withEnvFolder(broken, () => openDb(file));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MigrationError);
    const message = (error as Error).message;
    expect(message).toContain("Migration 0099_broken failed at statement 3 of 3 (INSERT INTO `no_such_table`");
    expect(message).toContain("no such table: no_such_table");
    expect(message).toContain(`Nothing was changed: the database is still at ${readMigrations(CURRENT).at(-1)!.tag}.`);
    // the copy taken before the attempt is named and holds the old rows
    const copy = /A copy from before the attempt is (\S+)\.$/.exec(message)?.[1];
    expect(copy && fs.existsSync(copy)).toBe(true);
    expect(fs.statSync(copy!).mode & 0o777).toBe(0o600);
    expect(snapshot(copy!)).toEqual(before);
    // the earlier pending migration (0098) was rolled back with it
    const after = new Database(file, { readonly: true });
    expect(schemaOf(after)).toEqual(schemaBefore);
    after.close();
    expect(snapshot(file)).toEqual(before);
  });

  it("a migration that would leave rows pointing nowhere is refused before it commits", () => {
    const all = readMigrations(CURRENT).length;
    const file = databaseFrom(folderWith(all));
    fillEveryTable(file);
    const before = snapshot(file);
    const orphan = folderWith(all, [{ tag: "0099_orphans", sql: "DELETE FROM `terms` WHERE `id` = (SELECT min(`id`) FROM `terms`);" }]);
    expect(() => withEnvFolder(orphan, () => openDb(file))).toThrow(/would leave \d+ rows? pointing at rows that do not exist \(.*→ terms.*\)\. Nothing was changed/);
    expect(snapshot(file)).toEqual(before);
  });

  it("a table rebuild (drizzle-kit's way of changing a column) keeps the rows that point at the table", () => {
    const all = readMigrations(CURRENT).length;
    const file = databaseFrom(folderWith(all));
    fillEveryTable(file);
    const db = new Database(file, { readonly: true });
    const termsSql = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'terms'").get() as { sql: string }).sql;
    db.close();
    const cols = (new Database(file, { readonly: true }).pragma('table_info("terms")') as Column[]).map((c) => `\`${c.name}\``).join(", ");
    const rebuild = [
      "PRAGMA foreign_keys=OFF;",
      termsSql.replace("CREATE TABLE `terms`", "CREATE TABLE `__new_terms`") + ";",
      `INSERT INTO \`__new_terms\`(${cols}) SELECT ${cols} FROM \`terms\`;`,
      "DROP TABLE `terms`;",
      "ALTER TABLE `__new_terms` RENAME TO `terms`;",
      "PRAGMA foreign_keys=ON;",
    ].join("\n--> statement-breakpoint\n");
    const before = snapshot(file);
    expect(before.students.length).toBeGreaterThan(0);
    const opened = withEnvFolder(folderWith(all, [{ tag: "0099_rebuild_terms", sql: rebuild }]), () => openDb(file));
    opened.$client.close();
    const after = snapshot(file);
    for (const t of ["terms", "students", "term_staff"]) expect(after[t].map(withoutDerived(t)), t).toEqual(before[t].map(withoutDerived(t)));
  });

  it("refuses a database written by a newer version", () => {
    const file = databaseFrom(CURRENT);
    const db = new Database(file);
    db.prepare(`INSERT INTO "${MIGRATIONS_TABLE}" (hash, created_at) VALUES ('f00d', ?)`).run(readMigrations(CURRENT).at(-1)!.when + 86_400_000);
    expect(() => migrateDatabase(db, CURRENT)).toThrow(/written by a newer version of the portal/);
    db.close();
  });
});

describe("starting this version on a database of every earlier version", () => {
  const current = readMigrations(CURRENT);
  // Every migrations folder the portal has had: the two first texts of 0000 (kept as fixtures,
  // they were extended in place) and each prefix of today's folder.
  const sets: { name: string; folder: () => string }[] = [
    { name: "first schema (0000_core)", folder: () => path.join(FIXTURES, "5922ed8") },
    { name: "0000_init before the push history", folder: () => path.join(FIXTURES, "5a80fa5") },
    ...current.slice(0, -1).map((m, i) => ({ name: `up to ${m.tag}`, folder: () => folderWith(i + 1) })),
  ];

  it("the fixtures are the released texts the runner completes", () => {
    const hashes = new Set([...readMigrations(path.join(FIXTURES, "5922ed8")), ...readMigrations(path.join(FIXTURES, "5a80fa5"))].map((m) => m.hash));
    expect(new Set(EXTENDED_IN_PLACE.map((e) => e.hash))).toEqual(hashes);
    for (const e of EXTENDED_IN_PLACE) {
      const to = current.find((m) => m.tag === e.becomes)!;
      const from = [...readMigrations(path.join(FIXTURES, "5922ed8")), ...readMigrations(path.join(FIXTURES, "5a80fa5"))].find((m) => m.hash === e.hash)!;
      expect(from.statements.length).toBe(e.statements);
      // the earlier text is the start of today's
      expect(from.statements.map((s) => s.trim())).toEqual(to.statements.slice(0, e.statements).map((s) => s.trim()));
    }
  });

  for (const set of sets) {
    it(`${set.name}: every row of every table survives, and the portal reads the upgraded database`, () => {
      const file = databaseFrom(set.folder());
      const counts = fillEveryTable(file);
      expect(Object.values(counts).every((c) => c > 0)).toBe(true);
      const before = snapshot(file);

      const db = openDb(file);
      const outcome = migrationsOf(db.$client) as { hash: string }[];
      expect(outcome.map((r) => r.hash)).toEqual(current.map((m) => m.hash));
      expect(schemaOf(db.$client).filter((o) => (o as { type: string }).type !== "table" || (o as { name: string }).name !== MIGRATIONS_TABLE)).toEqual(
        schemaOf(new Database(databaseFrom(CURRENT), { readonly: true })).filter((o) => (o as { name: string }).name !== MIGRATIONS_TABLE),
      );
      // today's code reads what it needs, the tables added since included
      const term = db.$client.prepare("SELECT id FROM terms ORDER BY id LIMIT 1").get() as { id: number };
      expect(listStudents(db, term.id).total).toBe(before.students.filter((s) => s.term_id === term.id).length);
      expect(listPushes(db).total).toBe(before.pushes?.length ?? 0);
      expect(loadLastApplied(db, "https://nowhere").size).toBe(0);
      expect(() => latestScan(db, term.id)).not.toThrow();
      db.$client.close();

      const after = snapshot(file);
      for (const [table, rows] of Object.entries(before)) {
        expect(after[table]?.length, `${table}: rows`).toBe(rows.length);
        rows.forEach((row, i) => {
          for (const [col, v] of Object.entries(row)) {
            if (DERIVED.has(`${table}.${col}`)) continue;
            expect(after[table][i][col], `${table}.${col} of row ${row.__rowid}`).toEqual(v);
          }
        });
      }
      // the copy taken before the upgrade holds the old database
      const backups = fs.readdirSync(path.join(path.dirname(file), "backups"));
      expect(backups).toHaveLength(1);
      expect(snapshot(path.join(path.dirname(file), "backups", backups[0]))).toEqual(before);
    });
  }
});
