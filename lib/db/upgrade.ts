/**
 * Data upgrades that need the portal's own rules, run once after the drizzle migrations
 * (`openDb`), tracked by SQLite's `user_version`. Schema changes stay in drizzle/; these only
 * rewrite rows, in one transaction each, with an audit entry naming every change.
 *
 * 1. Usernames by the one rule (lib/identity/username.ts). Before it, an import lower-cased
 *    names and manual add did not, so one hub user could be two roster rows (`Alice`, `alice`).
 *    - Students: rows of one term that normalize to the same name become one. The row already
 *      spelled in normal form is kept (else the oldest); its empty fields are filled from the
 *      others; where both hold different values the kept row's value stays and the other value
 *      is recorded in the audit entry. The kept row takes the normalized name.
 *    - Staff accounts: renamed to the normalized form unless two accounts would collide. Those
 *      are left as they are (accounts carry passwords, course rights and history, so merging
 *      them is a decision for an admin); sign-in finds them by their exact spelling and the
 *      cluster page lists them as one hub user.
 * 2. Search keys (lib/text/fold.ts) of every student.
 */
import { eq, inArray } from "drizzle-orm";
import { writeAudit, type AuditEntry } from "@/lib/audit/audit";
import { normalizeUsername } from "@/lib/identity/username";
import { studentSearchKey } from "@/lib/rosters/search";
import type { Db, DbOrTx } from "./client";
import { students, users } from "./schema";

export const DATA_VERSION = 1;

type StudentRow = typeof students.$inferSelect;

const MERGED_FIELDS = ["universityId", "firstName", "lastName", "displayName", "matrikel", "room", "seat", "examDate", "isBackup"] as const;

const audit = (tx: DbOrTx, entry: AuditEntry) => writeAudit(tx, { id: null, username: "system" }, entry);

/** Merges students that are one hub user; returns how many rows were merged away or renamed. */
export function normalizeStudentUsernames(db: DbOrTx): { merged: number; renamed: number } {
  const rows = db.select().from(students).all();
  const groups = new Map<string, StudentRow[]>();
  for (const r of rows) {
    const key = `${r.termId}\u0000${normalizeUsername(r.username)}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  let merged = 0;
  let renamed = 0;
  for (const [key, group] of groups) {
    const name = key.split("\u0000")[1];
    if (group.length === 1 && group[0].username === name) continue;
    const sorted = [...group].sort((a, b) => a.id - b.id);
    const keep = sorted.find((r) => r.username === name) ?? sorted[0];
    const others = sorted.filter((r) => r !== keep);
    const values: Partial<StudentRow> = { username: name };
    const conflicts: Record<string, unknown>[] = [];
    for (const f of MERGED_FIELDS) {
      let v = keep[f];
      for (const o of others) {
        if (o[f] === null || o[f] === undefined) continue;
        if (v === null || v === undefined) v = o[f] as never;
        else if (v !== o[f]) conflicts.push({ field: f, kept: v, dropped: o[f], from: o.username });
      }
      (values as Record<string, unknown>)[f] = v;
    }
    values.searchKey = studentSearchKey({ ...keep, ...values } as StudentRow);
    if (others.length) db.delete(students).where(inArray(students.id, others.map((o) => o.id))).run();
    db.update(students).set(values).where(eq(students.id, keep.id)).run();
    merged += others.length;
    if (keep.username !== name) renamed++;
    audit(db, {
      action: "roster.normalize-username",
      entityType: "student",
      entityId: keep.id,
      message:
        others.length > 0
          ? { key: "rosterMerge", params: { names: [keep, ...others].map((r) => r.username).join(", "), username: name, term: String(keep.termId) } }
          : { key: "rosterRename", params: { from: keep.username, to: name, term: String(keep.termId) } },
      before: { kept: keep, merged: others, conflicts },
      after: values,
    });
  }
  return { merged, renamed };
}

/** Renames staff accounts to the normalized form where that collides with no other account. */
export function normalizeStaffUsernames(db: DbOrTx): { renamed: number; collisions: string[][] } {
  const rows = db.select({ id: users.id, username: users.username }).from(users).all();
  const byName = new Map<string, typeof rows>();
  for (const r of rows) {
    const n = normalizeUsername(r.username);
    byName.set(n, [...(byName.get(n) ?? []), r]);
  }
  let renamed = 0;
  const collisions: string[][] = [];
  for (const [name, group] of byName) {
    if (group.length > 1) {
      collisions.push(group.map((g) => g.username));
      continue;
    }
    const [u] = group;
    if (u.username === name) continue;
    db.update(users).set({ username: name }).where(eq(users.id, u.id)).run();
    renamed++;
    audit(db, { action: "user.normalize-username", entityType: "user", entityId: u.id, message: { key: "staffRename", params: { from: u.username, to: name } }, before: { username: u.username }, after: { username: name } });
  }
  if (collisions.length > 0) {
    audit(db, {
      action: "user.username-collision",
      entityType: "user",
      message: { key: "staffCollision", params: { groups: collisions.map((c) => c.join(" / ")).join("; ") } },
      after: { collisions },
    });
  }
  return { renamed, collisions };
}

/** Stores the search key of every student whose key is missing or stale. */
export function refreshSearchKeys(db: DbOrTx): number {
  let n = 0;
  for (const s of db.select().from(students).all()) {
    const key = studentSearchKey(s);
    if (key === s.searchKey) continue;
    db.update(students).set({ searchKey: key }).where(eq(students.id, s.id)).run();
    n++;
  }
  return n;
}

/** Runs the upgrades this database has not had yet. */
export function applyDataUpgrades(db: Db): void {
  const version = Number(db.$client.pragma("user_version", { simple: true }));
  if (version >= DATA_VERSION) return;
  db.transaction((tx) => {
    normalizeStudentUsernames(tx);
    normalizeStaffUsernames(tx);
    refreshSearchKeys(tx);
    // in the same transaction: the upgrade and its mark commit together
    db.$client.pragma(`user_version = ${DATA_VERSION}`);
  });
}
