// npm run backup and npm run restore, run as a user runs them, while another process has
// the database open and keeps writing to it (the roster writer: the portal's roster code,
// one student and its audit entry per transaction).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BACKUP_NAME, listBackups, verifyDatabase } from "@/lib/db/backup";
import { lockPath } from "@/lib/db/lock";
import { openDb } from "@/lib/db/open";
import { students, terms } from "@/lib/db/schema";
import { seedIfEmpty } from "@/lib/db/seed";
import { listStudents } from "@/lib/rosters/roster";
import Database from "better-sqlite3";
import { like } from "drizzle-orm";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-backup-"));
const dbFile = path.join(dir, "data", "portal.db");
const backups = path.join(dir, "backups");
const env = { ...process.env, E2X_DB_FILE: dbFile, E2X_BACKUP_DIR: backups, E2X_DATA_DIR: path.join(dir, "data") };
let termId = 0;
let writer: ChildProcess | null = null;

/** Runs `npm run ...` as a user does, without blocking this process (the writer's output keeps arriving). */
function npm(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", ...args], { env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => resolve({ code, out, err }));
  });
}

/** Students the writer added (w000001, w000002, ...) in a database file, and their audit entries. */
function written(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    const names = (db.prepare("SELECT username FROM students WHERE term_id = ? AND username GLOB 'w[0-9][0-9][0-9][0-9][0-9][0-9]' ORDER BY username").all(termId) as { username: string }[]).map((r) => r.username);
    const audits = (db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'roster.add' AND summary GLOB 'Added w[0-9][0-9][0-9][0-9][0-9][0-9] *'").get() as { n: number }).n;
    return { names, audits };
  } finally {
    db.close();
  }
}

function startWriter(): Promise<{ committed: () => number; stop: () => Promise<number> }> {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/integration/support/roster-writer.ts", dbFile, String(termId)], { env, stdio: ["ignore", "pipe", "pipe"] });
  writer = child;
  let committed = 0;
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const exited = new Promise<number>((resolve) => child.on("exit", () => resolve(committed)));
  child.stdout!.on("data", (d: Buffer) => {
    for (const m of d.toString().matchAll(/committed (\d+)/g)) committed = Number(m[1]);
  });
  return new Promise((resolve, reject) => {
    const t = setInterval(() => {
      if (committed >= 200) {
        clearInterval(t);
        resolve({
          committed: () => committed,
          stop: async () => {
            child.kill("SIGTERM");
            const n = await exited;
            writer = null;
            return n;
          },
        });
      } else if (child.exitCode !== null) {
        clearInterval(t);
        reject(new Error(`the writer stopped: ${stderr}`));
      }
    }, 50);
  });
}

beforeAll(async () => {
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  const db = openDb(dbFile);
  await seedIfEmpty(db, { demo: true, password: "backup-test-pw" });
  termId = db.select({ id: terms.id }).from(terms).orderBy(terms.id).get()!.id;
  db.$client.close();
});

afterEach(() => {
  writer?.kill("SIGKILL");
  writer = null;
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("backup and restore while the database is being written", () => {
  it("backs up a consistent copy, refuses to restore under a running writer, restores that copy when stopped", async () => {
    const w = await startWriter();
    const atStart = w.committed();

    const b = await npm(["backup"]);
    expect(b.err).toBe("");
    expect(b.code).toBe(0);
    // what the writer reports lags what it committed: read after the backup ended, it is
    // at least what was committed when the backup ended
    await new Promise((r) => setTimeout(r, 200));
    const atEnd = w.committed();
    const file = /✓ backup (\S+)/.exec(b.out)![1];
    expect(path.dirname(file)).toBe(backups);
    expect(BACKUP_NAME.test(path.basename(file))).toBe(true);
    expect(b.out).toContain("integrity_check ok");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    // no temporary file and no WAL left beside it
    expect(fs.readdirSync(backups)).toEqual([path.basename(file)]);

    // the copy opens, passes integrity_check, and its counts are the ones the command printed
    const v = verifyDatabase(file);
    expect(JSON.parse(/rows: (\{.*\})/.exec(b.out)![1])).toEqual(v.counts);
    // one moment: the writer's students form an unbroken run w000001..wN, each with its audit
    // entry (they were committed together), and N lies between what was committed before
    // and after the backup ran
    const inCopy = written(file);
    const n = inCopy.names.length;
    expect(inCopy.names).toEqual(Array.from({ length: n }, (_, i) => `w${String(i + 1).padStart(6, "0")}`));
    expect(inCopy.audits).toBe(n);
    expect(n).toBeGreaterThanOrEqual(atStart);
    expect(n).toBeLessThanOrEqual(atEnd);

    // the writer has the database open: restore refuses and changes nothing
    const refused = await npm(["restore", file]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/The portal \(process \d+, since .*\) has the database open\. Nothing was restored\. Stop the portal first/);
    expect(fs.readdirSync(backups)).toEqual([path.basename(file)]);
    const stillWriting = w.committed();
    await new Promise((r) => setTimeout(r, 300));
    expect(w.committed()).toBeGreaterThan(stillWriting);

    const final = await w.stop();
    expect(fs.existsSync(lockPath(dbFile))).toBe(false);
    expect(final).toBeGreaterThan(n);
    expect(written(dbFile).names).toHaveLength(final);

    const restored = await npm(["restore", file]);
    expect(restored.err).toBe("");
    expect(restored.code).toBe(0);
    const previous = /the database it replaced: (\S+)/.exec(restored.out)![1];
    // the replaced database is kept, with every row the writer committed
    expect(written(previous).names).toHaveLength(final);

    // the portal's own code opens the restored file (migrations, data upgrades) and reads the copy's data
    const db = openDb(dbFile);
    try {
      const copy = new Database(file, { readonly: true });
      const onRoster = (copy.prepare("SELECT count(*) AS n FROM students WHERE term_id = ?").get(termId) as { n: number }).n;
      copy.close();
      expect(listStudents(db, termId).total).toBe(onRoster);
      const counts = Object.fromEntries(Object.keys(v.counts).map((t) => [t, (db.$client.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n]));
      expect(counts).toEqual(v.counts);
    } finally {
      db.$client.close();
    }
    expect(written(dbFile)).toEqual(inCopy);
  });

  it("refuses a damaged or foreign file and leaves the database as it was", async () => {
    const before = written(dbFile).names.length;
    const junk = path.join(dir, "junk.db");
    fs.writeFileSync(junk, "this is not a database".repeat(100));
    const r = await npm(["restore", junk]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/junk\.db is not a readable SQLite database: file is not a database\. *$/m);
    const foreign = path.join(dir, "foreign.db");
    const f = new Database(foreign);
    f.exec("CREATE TABLE notes (x)");
    f.close();
    expect((await npm(["restore", foreign])).err).toMatch(/is not a portal database/);
    expect((await npm(["restore", path.join(dir, "nothing.db")])).err).toMatch(/There is no backup at .*nothing\.db/);
    expect(written(dbFile).names).toHaveLength(before);
  });

  it("restores a database copied by hand with its WAL beside it, with the rows only the WAL holds", async () => {
    const byHand = path.join(dir, "by-hand");
    fs.mkdirSync(byHand);
    const copy = path.join(byHand, "portal.db");
    const names = Array.from({ length: 50 }, (_, i) => `hand${String(i).padStart(3, "0")}s`);
    const db = openDb(dbFile);
    try {
      db.$client.pragma("wal_autocheckpoint = 0");
      db.$client.pragma("wal_checkpoint(TRUNCATE)");
      db.insert(students).values(names.map((username) => ({ termId, username }))).run();
      // portal.db and portal.db-wal copied as they are on the disk, the portal still running
      fs.copyFileSync(dbFile, copy);
      fs.copyFileSync(`${dbFile}-wal`, `${copy}-wal`);
      db.delete(students).where(like(students.username, "hand%")).run();
    } finally {
      db.$client.close();
    }
    const handRows = (file: string) => {
      const c = new Database(file, { readonly: true });
      try {
        return (c.prepare("SELECT username FROM students WHERE username LIKE 'hand%' ORDER BY username").all() as { username: string }[]).map((r) => r.username);
      } finally {
        c.close();
      }
    };
    // the main file alone does not have them: they are in the WAL
    const mainOnly = path.join(dir, "main-only.db");
    fs.copyFileSync(copy, mainOnly);
    expect(handRows(mainOnly)).toEqual([]);
    expect(handRows(dbFile)).toEqual([]);

    const r = await npm(["restore", copy]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(handRows(dbFile)).toEqual(names);
    expect(verifyDatabase(dbFile).counts.students).toBe(verifyDatabase(copy).counts.students);
  });

  it("keeps the newest backups (E2X_BACKUP_KEEP or --keep) and only removes backups it made", async () => {
    const unrelated = path.join(backups, "portal-20260101-000000Z-before-restore.db");
    fs.copyFileSync(listBackups(backups)[0], unrelated);
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await npm(["backup", "--", "--keep", "2"]);
      expect(r.code).toBe(0);
      made.push(/✓ backup (\S+)/.exec(r.out)![1]);
    }
    // the newest two are kept (made within one second, they are numbered)
    expect(listBackups(backups)).toEqual(made.slice(-2).reverse());
    expect(fs.existsSync(unrelated)).toBe(true);
    const keepEnv = await npm(["backup"], { E2X_BACKUP_KEEP: "1" });
    expect(keepEnv.code).toBe(0);
    expect(listBackups(backups)).toHaveLength(1);
    expect((await npm(["backup", "--", "--keep", "zero"])).err).toMatch(/--keep needs a whole number/);
  });
});
