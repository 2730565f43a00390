import { createTranslator } from "use-intl/core";
import type { Locale } from "./config";
import { formatter } from "./format";
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

/** The area of an audit action, its first part ("exam.seat.auto" -> "exam"): the filter's groups. */
export function auditArea(action: string): string {
  return action.split(".")[0]!;
}

/** A human name for an audit area, or the area itself when the catalogue has none. `t` is a root translator. */
export function auditAreaLabel(t: unknown, area: string): string {
  const tr = t as LooseTranslator;
  const key = `audit.groups.${area}`;
  return tr.has(key) ? tr(key) : area;
}

/** An audit entry's summary as a catalogue key of `auditMessages` and its values. */
export interface AuditMessage {
  key: string;
  params?: Record<string, string | number>;
}

/**
 * An audit message's values as the reader writes dates: a stored calendar day ("2026-12-05")
 * and a wall-clock time in the portal's zone ("2026-12-05T14:00") become "05.12.2026" and
 * "05.12.2026, 14:00" in German, "5 Dec 2026" and "5 Dec 2026, 14:00" in English. Audit
 * entries store them in that neutral form so that each reader gets their own.
 */
/** A title the entry quoted (an exam's “Klausur”) in the reader's quotation marks: „Klausur“ in German. */
function quoted(v: string, locale: Locale): string {
  return locale === "de" ? v.replace(/“([^”]*)”/g, "„$1“") : v;
}

function localizeParams(params: Record<string, string | number> | undefined, locale: Locale): Record<string, string | number> | undefined {
  if (!params) return params;
  // the values are wall-clock already: formatted in UTC so that no zone moves them
  const f = formatter(locale, "UTC");
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(params)) {
    out[k] = typeof v !== "string" ? v : /^\d{4}-\d{2}-\d{2}$/.test(v) ? f.date(`${v}T12:00:00Z`) : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? f.dateTime(`${v}:00Z`) : quoted(v, locale);
  }
  return out;
}

/**
 * Values that name a thing of the portal in words: a refused capability ("grading.view" → "die
 * Korrektur sehen") and a list of changed account fields ("role, active" → "Rolle, aktiv").
 */
function wordsOf(params: Record<string, string | number> | undefined, tr: LooseTranslator): Record<string, string | number> | undefined {
  if (!params) return params;
  const out = { ...params };
  const word = (group: string, v: string) => (tr.has(`auditWords.${group}.${v.replace(/\./g, "_")}`) ? tr(`auditWords.${group}.${v.replace(/\./g, "_")}`) : v);
  if (typeof out.capability === "string") out.capability = word("capability", out.capability);
  if (typeof out.fields === "string") out.fields = out.fields.split(", ").map((f) => word("field", f)).join(", ");
  return out;
}

/** The English text of an audit message (stored beside the key, for search and older readers). */
export function englishAuditSummary(m: AuditMessage): string {
  const tr = createTranslator({ locale: "en", messages: MESSAGES.en }) as unknown as LooseTranslator & ((key: string, values?: Record<string, string | number>) => string);
  const key = `auditMessages.${m.key}`;
  return tr.has(key) ? tr(key, localizeParams(wordsOf(m.params, tr), "en")) : m.key;
}

/**
 * An audit row's summary in the reader's language: its message key when the catalogue has it,
 * else the stored text (rows written before messages were stored, and entries without a key).
 */
export function auditSummary(t: unknown, row: { summary: string; message?: AuditMessage | null }, locale: Locale): string {
  const tr = t as LooseTranslator & ((key: string, values?: Record<string, string | number>) => string);
  if (!row.message) return row.summary;
  const key = `auditMessages.${row.message.key}`;
  try {
    return tr.has(key) ? tr(key, localizeParams(wordsOf(row.message.params, tr), locale)) : row.summary;
  } catch {
    return row.summary;
  }
}
