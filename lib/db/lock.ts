/**
 * Who has the database open: a small file beside it (`portal.db.lock`) naming the process,
 * its host and what it does. The portal takes it when it first opens the database and drops
 * it when it exits; a restore takes it for as long as it replaces the file. A lock whose
 * process is gone (same host, no such pid) is stale and taken over. A lock from another host
 * (the pod before this one) cannot be checked: the caller decides.
 */
import fs from "node:fs";
import os from "node:os";

export type LockKind = "portal" | "restore";

export interface LockInfo {
  kind: LockKind;
  pid: number;
  host: string;
  since: string;
}

export const lockPath = (dbFile: string) => `${dbFile}.lock`;

export function readLock(dbFile: string): LockInfo | null {
  try {
    const info = JSON.parse(fs.readFileSync(lockPath(dbFile), "utf8")) as Partial<LockInfo>;
    if (typeof info.pid !== "number" || typeof info.host !== "string") return null;
    return { kind: info.kind === "restore" ? "restore" : "portal", pid: info.pid, host: info.host, since: String(info.since ?? "") };
  } catch {
    return null;
  }
}

/** true: the holder runs; false: it is gone; "unknown": it ran on another host (another pod). */
export function holderAlive(info: LockInfo): boolean | "unknown" {
  if (info.host !== os.hostname()) return "unknown";
  if (info.pid === process.pid) return true;
  try {
    process.kill(info.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The live holder of the lock other than this process, or null. */
export function otherHolder(dbFile: string): (LockInfo & { alive: true | "unknown" }) | null {
  const info = readLock(dbFile);
  if (!info || (info.pid === process.pid && info.host === os.hostname())) return null;
  const alive = holderAlive(info);
  return alive === false ? null : { ...info, alive };
}

export function describeHolder(h: LockInfo & { alive: true | "unknown" }): string {
  const what = h.kind === "restore" ? "A restore" : "The portal";
  return h.alive === true ? `${what} (process ${h.pid}, since ${h.since}) has the database open` : `${what} on host ${h.host} (process ${h.pid}, since ${h.since}) may have the database open`;
}

/**
 * Takes the lock for this process, replacing a stale one. Returns a release function, or the
 * live holder when another process has it (nothing is written then).
 */
export function takeLock(
  dbFile: string,
  kind: LockKind,
  opts: { takeOverOtherHost?: (holder: LockInfo) => boolean } = {},
): { release: () => void } | { holder: LockInfo & { alive: true | "unknown" } } {
  const file = lockPath(dbFile);
  const mine: LockInfo = { kind, pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(mine) + "\n", { flag: "wx", mode: 0o600 });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        const now = readLock(dbFile);
        if (now && now.pid === mine.pid && now.host === mine.host) fs.rmSync(file, { force: true });
        process.off("exit", release);
      };
      process.on("exit", release);
      return { release };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = otherHolder(dbFile);
      if (holder && !(holder.alive === "unknown" && opts.takeOverOtherHost?.(holder))) return { holder };
      fs.rmSync(file, { force: true }); // stale (or our own from before), take it over
    }
  }
  throw new Error(`Could not take the lock ${file}.`);
}
