import { createTranslator } from "use-intl/core";
import { MESSAGES } from "./messages";

/** The catalogue key of an audit action ("exam.seat.auto" -> "exam_seat_auto"; next-intl keys cannot hold dots). */
function auditActionKey(action: string): string {
  return action.replace(/\./g, "_");
}

type LooseTranslator = { (key: string): string; has(key: string): boolean };

/** A human label for an audit action, or the action itself when the catalogue has none. `t` is a root translator. */
export function auditActionLabel(t: unknown, action: string): string {
  const tr = t as LooseTranslator;
  const key = `audit.actions.${auditActionKey(action)}`;
  return tr.has(key) ? tr(key) : action;
}

/** An audit entry's summary as a catalogue key of `auditMessages` and its values. */
export interface AuditMessage {
  key: string;
  params?: Record<string, string | number>;
}

/** The English text of an audit message (stored beside the key, for search and older readers). */
export function englishAuditSummary(m: AuditMessage): string {
  const tr = createTranslator({ locale: "en", messages: MESSAGES.en }) as unknown as LooseTranslator & ((key: string, values?: Record<string, string | number>) => string);
  const key = `auditMessages.${m.key}`;
  return tr.has(key) ? tr(key, m.params) : m.key;
}

/**
 * An audit row's summary in the reader's language: its message key when the catalogue has it,
 * else the stored text (rows written before messages were stored, and entries without a key).
 */
export function auditSummary(t: unknown, row: { summary: string; message?: AuditMessage | null }): string {
  const tr = t as LooseTranslator & ((key: string, values?: Record<string, string | number>) => string);
  if (!row.message) return row.summary;
  const key = `auditMessages.${row.message.key}`;
  try {
    return tr.has(key) ? tr(key, row.message.params) : row.summary;
  } catch {
    return row.summary;
  }
}
