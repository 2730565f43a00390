import { and, desc, eq, gte, like, lte, notInArray, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { auditLog } from "@/lib/db/schema";
import { englishAuditSummary, type AuditMessage } from "@/lib/i18n/audit-label";

export type { AuditMessage };

export interface Actor {
  id: number | null;
  username: string;
}

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | number | null;
  courseId?: number | null;
  /**
   * What happened, as a catalogue key (`auditMessages.*`) and its values: the log shows it in the
   * reader's language. The stored `summary` is its English text (search, older readers).
   */
  message: AuditMessage;
  before?: unknown;
  after?: unknown;
}

const SECRET_KEY = /pass(word)?|secret|otp|token|hash|credential/i;

/** Removes anything that looks like a secret before it is written to the log. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object" && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? "[redacted]" : redact(v);
    return out;
  }
  return value;
}

export function writeAudit(db: DbOrTx, actor: Actor, entry: AuditEntry): void {
  db.insert(auditLog)
    .values({
      actorId: actor.id,
      actorName: actor.username,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId == null ? null : String(entry.entityId),
      courseId: entry.courseId ?? null,
      summary: englishAuditSummary(entry.message),
      message: { key: entry.message.key, ...(entry.message.params ? { params: redact(entry.message.params) as AuditMessage["params"] } : {}) },
      before: entry.before === undefined ? null : redact(entry.before),
      after: entry.after === undefined ? null : redact(entry.after),
    })
    .run();
}

/** Field-level difference between two flat records, for edit entries. */
export function changedFields<T extends Record<string, unknown>>(before: T, after: Partial<T>) {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key] = before[key];
      a[key] = after[key];
    }
  }
  return { before: b, after: a, changed: Object.keys(a) };
}

export interface AuditFilter {
  q?: string;
  action?: string;
  actor?: string;
  courseId?: number;
  /** Sign-ins and sign-outs are left out unless asked for. */
  signIns?: boolean;
  from?: Date;
  to?: Date;
  page?: number;
  pageSize?: number;
}

const SIGN_IN_ACTIONS = ["auth.sign-in", "auth.sign-out", "auth.sign-in-failed"];

export function listAudit(db: DbOrTx, f: AuditFilter) {
  const where: SQL[] = [];
  if (f.action) where.push(like(auditLog.action, `${f.action}%`));
  if (f.actor) where.push(eq(auditLog.actorName, f.actor));
  if (f.courseId) where.push(eq(auditLog.courseId, f.courseId));
  if (!f.signIns && !f.action?.startsWith("auth")) where.push(notInArray(auditLog.action, SIGN_IN_ACTIONS));
  if (f.from) where.push(gte(auditLog.at, f.from));
  if (f.to) where.push(lte(auditLog.at, f.to));
  if (f.q) {
    const q = `%${f.q}%`;
    // the details too: an import's entry names everyone it added or removed only there
    where.push(or(like(auditLog.summary, q), like(auditLog.entityId, q), like(auditLog.actorName, q), like(auditLog.before, q), like(auditLog.after, q))!);
  }
  const cond = where.length ? and(...where) : undefined;
  const pageSize = Math.min(Math.max(f.pageSize ?? 50, 1), 200);
  const page = Math.max(f.page ?? 1, 1);
  const rows = db
    .select()
    .from(auditLog)
    .where(cond)
    .orderBy(desc(auditLog.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all();
  const total = db.select({ n: sql<number>`count(*)` }).from(auditLog).where(cond).get()?.n ?? 0;
  const actions = db
    .selectDistinct({ action: auditLog.action })
    .from(auditLog)
    .orderBy(auditLog.action)
    .all()
    .map((r) => r.action);
  return { rows, total, page, pageSize, actions };
}
