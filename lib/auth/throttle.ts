import { createHmac, randomBytes } from "node:crypto";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { auditLog, signInThrottle } from "@/lib/db/schema";
import { englishAuditSummary, type AuditMessage } from "@/lib/i18n/audit-label";

/**
 * Sign-in throttling, per account and per client address. The first failures of a key are
 * free; after that every failure locks the key for a delay that doubles, up to a ceiling.
 * While a key is locked no password is checked at all. Unknown usernames are keyed exactly
 * like known ones (a keyed hash of the name), so a lock says nothing about whether the
 * account exists.
 */
export interface ThrottlePolicy {
  /** Failures of one username before the first delay. */
  accountFree: number;
  /** Failures from one client address (any username) before the first delay. */
  addressFree: number;
  /** First delay; each further failure doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A key with no failure for this long starts over. */
  windowMs: number;
  /** Ceiling on stored keys (oldest dropped first), whatever an attacker sends. */
  maxRows: number;
}

export const DEFAULT_POLICY: ThrottlePolicy = {
  accountFree: Number(process.env.E2X_SIGNIN_ACCOUNT_FREE ?? 5),
  addressFree: Number(process.env.E2X_SIGNIN_ADDRESS_FREE ?? 20),
  baseDelayMs: Number(process.env.E2X_SIGNIN_DELAY_MS ?? 15_000),
  maxDelayMs: 15 * 60_000,
  windowMs: 60 * 60_000,
  maxRows: 10_000,
};

let fallbackKey: Buffer | null = null;
function hmacKey(): Buffer | string {
  if (process.env.AUTH_SECRET) return `sign-in-throttle:${process.env.AUTH_SECRET}`;
  return (fallbackKey ??= randomBytes(32));
}

/** A keyed hash of a typed username: the name itself is never stored. */
export function usernameKey(username: string): string {
  return "u:" + createHmac("sha256", hmacKey()).update(username.normalize("NFC").toLowerCase()).digest("base64url").slice(0, 32);
}

export function addressKey(address: string): string {
  return "a:" + address.slice(0, 64);
}

/**
 * The client address: the last X-Forwarded-For entry (the one the nearest proxy, or Next.js
 * itself from the socket, added). Without a proxy in front a client can forge it; the
 * per-account throttle holds regardless.
 */
export function clientAddress(headers: Headers | null | undefined): string {
  const xff = headers?.get("x-forwarded-for") ?? "";
  const last = xff.split(",").map((s) => s.trim()).filter(Boolean).pop();
  const addr = last || headers?.get("x-real-ip") || "unknown";
  return addr.replace(/^::ffff:/, "").replace(/[^0-9A-Za-z.:_-]/g, "").slice(0, 64) || "unknown";
}

export interface Lock {
  key: string;
  retryAfterMs: number;
}

/** The longest lock among the keys, or null. */
export function activeLock(db: DbOrTx, keys: string[], now = Date.now()): Lock | null {
  let worst: Lock | null = null;
  for (const key of keys) {
    const row = db.select().from(signInThrottle).where(eq(signInThrottle.key, key)).get();
    if (!row?.lockedUntil) continue;
    const ms = row.lockedUntil.getTime() - now;
    if (ms > 0 && (!worst || ms > worst.retryAfterMs)) worst = { key, retryAfterMs: ms };
  }
  return worst;
}

function delayFor(failures: number, free: number, p: ThrottlePolicy): number {
  if (failures < free) return 0;
  return Math.min(p.baseDelayMs * 2 ** Math.min(failures - free, 20), p.maxDelayMs);
}

/** Counts a failure against a key; returns the key's failures in this window. */
export function recordFailure(db: DbOrTx, key: string, free: number, now = Date.now(), p: ThrottlePolicy = DEFAULT_POLICY) {
  const row = db.select().from(signInThrottle).where(eq(signInThrottle.key, key)).get();
  const fresh = !row || now - row.lastAt.getTime() > p.windowMs;
  const failures = fresh ? 1 : row.failures + 1;
  const delay = delayFor(failures, free, p);
  const values = {
    failures,
    firstAt: fresh ? new Date(now) : row.firstAt,
    lastAt: new Date(now),
    lockedUntil: delay ? new Date(now + delay) : null,
    auditId: fresh ? null : row.auditId,
  };
  if (row) db.update(signInThrottle).set(values).where(eq(signInThrottle.key, key)).run();
  else db.insert(signInThrottle).values({ key, ...values }).run();
  return { failures, delayMs: delay, auditId: values.auditId, firstAt: values.firstAt };
}

export function setAuditId(db: DbOrTx, key: string, auditId: number) {
  db.update(signInThrottle).set({ auditId }).where(eq(signInThrottle.key, key)).run();
}

/** A successful sign-in clears the username's key (the address keeps its count until the window ends). */
export function clearKey(db: DbOrTx, key: string) {
  db.delete(signInThrottle).where(eq(signInThrottle.key, key)).run();
}

/** Drops keys whose window is over, and the oldest beyond the ceiling. */
export function pruneThrottle(db: DbOrTx, now = Date.now(), p: ThrottlePolicy = DEFAULT_POLICY) {
  const cutoff = new Date(now - p.windowMs);
  db.delete(signInThrottle)
    .where(and(lt(signInThrottle.lastAt, cutoff), or(isNull(signInThrottle.lockedUntil), lt(signInThrottle.lockedUntil, new Date(now))))!)
    .run();
  const n = db.select({ n: sql<number>`count(*)` }).from(signInThrottle).get()?.n ?? 0;
  if (n > p.maxRows) {
    db.run(sql`DELETE FROM sign_in_throttle WHERE key IN (SELECT key FROM sign_in_throttle ORDER BY last_at ASC LIMIT ${n - p.maxRows})`);
  }
}

/**
 * Why a sign-in failed, as the audit entry counts it: a code for the message (its words are in
 * the catalogue, `auditMessages.signInFailed`) and the English words stored in `after`.
 */
export const FAILURE_REASONS = {
  wrongPw: "wrong password",
  wrongCurrentPw: "wrong current password",
  deactivated: "deactivated account",
  unknownAccount: "unknown account",
  localName: "name of a local account",
  noGroup: "no portal group in the directory",
  refused: "refused",
} as const;
export type FailureReason = keyof typeof FAILURE_REASONS;

const REASON_CODES = Object.keys(FAILURE_REASONS) as FailureReason[];

/** The code of a reason stored in words (entries written before the codes, too). */
function reasonCode(words: string): FailureReason {
  return REASON_CODES.find((c) => FAILURE_REASONS[c] === words) ?? "refused";
}

/**
 * The audit message of a window's failures: the count per reason (every reason, 0 when none)
 * and the first one named, so the sentence knows where its list starts.
 */
function failureMessage(reasons: Record<string, number>, account: { username: string } | null, address: string): { message: AuditMessage; total: number } {
  const counts = Object.fromEntries(REASON_CODES.map((c) => [c, 0])) as Record<FailureReason, number>;
  for (const [words, n] of Object.entries(reasons)) counts[reasonCode(words)] += n;
  const total = REASON_CODES.reduce((a, c) => a + counts[c], 0);
  const first = REASON_CODES.find((c) => counts[c] > 0) ?? "refused";
  const params = { failures: total, who: account ? "account" : "unknown", ...(account ? { username: account.username } : {}), address, first, ...counts };
  return { message: { key: "signInFailed", params }, total };
}

/**
 * One audit entry per throttle key and window, counting its failures: an attacker's
 * thousand guesses are one row, not a thousand. Under the account when it exists (its id,
 * never the typed text), else under the address.
 */
export function auditFailure(
  db: DbOrTx,
  key: string,
  counted: { failures: number; auditId: number | null; firstAt: Date },
  entry: { account: { id: number; username: string } | null; address: string; reason: FailureReason },
) {
  let reasons: Record<string, number> = {};
  if (counted.auditId) {
    const prev = db.select({ after: auditLog.after }).from(auditLog).where(eq(auditLog.id, counted.auditId)).get()?.after as { reasons?: Record<string, number> } | undefined;
    reasons = { ...(prev?.reasons ?? {}) };
  }
  const words = FAILURE_REASONS[entry.reason];
  reasons[words] = (reasons[words] ?? 0) + 1;
  const { message, total } = failureMessage(reasons, entry.account, entry.address);
  const summary = englishAuditSummary(message);
  const after = {
    ...(entry.account ? { account: entry.account.id } : {}),
    reason: words,
    address: entry.address,
    reasons,
    failures: total,
    since: counted.firstAt.toISOString(),
    last: new Date().toISOString(),
  };
  if (counted.auditId) {
    const updated = db
      .update(auditLog)
      .set({ summary, message, after })
      .where(and(eq(auditLog.id, counted.auditId), eq(auditLog.action, "auth.sign-in-failed")))
      .returning({ id: auditLog.id })
      .get();
    if (updated) return;
  }
  const row = db
    .insert(auditLog)
    .values({
      actorId: null,
      actorName: entry.account?.username ?? "unknown",
      action: "auth.sign-in-failed",
      entityType: "user",
      entityId: entry.account ? String(entry.account.id) : null,
      summary,
      message,
      after,
    })
    .returning({ id: auditLog.id })
    .get();
  setAuditId(db, key, row.id);
}
