import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BackupError, backupDatabase, restoreDatabase } from "./backup";
import { lockPath, otherHolder, readLock, takeLock } from "./lock";
import { openDb } from "./open";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-lock-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function deadPid(): number {
  // a pid no process has: the highest possible one is never handed out in a test run
  return 4_194_303;
}

describe("the database lock", () => {
  it("takes over the lock of a process that is gone, and drops its own on release", () => {
    const file = path.join(dir, "a.db");
    fs.writeFileSync(lockPath(file), JSON.stringify({ kind: "portal", pid: deadPid(), host: os.hostname(), since: "2026-01-01T00:00:00Z" }));
    expect(otherHolder(file)).toBeNull();
    const lock = takeLock(file, "restore");
    expect("release" in lock).toBe(true);
    expect(readLock(file)).toMatchObject({ kind: "restore", pid: process.pid });
    if ("release" in lock) lock.release();
    expect(fs.existsSync(lockPath(file))).toBe(false);
  });

  it("a restore refuses a lock from another host unless told that portal is stopped", async () => {
    const file = path.join(dir, "b", "portal.db");
    fs.mkdirSync(path.dirname(file));
    openDb(file).$client.close();
    const backup = await backupDatabase(file, path.join(dir, "b", "backups"));
    fs.writeFileSync(lockPath(file), JSON.stringify({ kind: "portal", pid: 7, host: "e2x-portal-5f7c9-old", since: "2026-01-01T00:00:00Z" }));
    expect(() => restoreDatabase(file, backup.file, { backupDir: path.join(dir, "b", "backups") })).toThrow(BackupError);
    expect(() => restoreDatabase(file, backup.file, { backupDir: path.join(dir, "b", "backups") })).toThrow(/on host e2x-portal-5f7c9-old .* may have the database open\. Nothing was restored\. .*--force/);
    const r = restoreDatabase(file, backup.file, { backupDir: path.join(dir, "b", "backups"), force: true });
    expect(r.previous).toMatch(/before-restore\.db$/);
    // the stale lock went with it: the next restore needs no --force
    expect(fs.existsSync(lockPath(file))).toBe(false);
    expect(restoreDatabase(file, backup.file, { backupDir: path.join(dir, "b", "backups") }).previous).toMatch(/before-restore/);
  });
});
