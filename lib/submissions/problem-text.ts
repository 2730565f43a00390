/**
 * Scan problems in the reader's language.
 *
 * The scanner (./scan.ts) stores every problem with its English sentence (`message`, for logs
 * and searches) and the same sentence as a catalogue key of `scanProblems` with its values
 * (`text`). Pages translate `text` when they show the problem; problems stored before they
 * carried a key have only `message`, which is shown as it was written.
 *
 * No Node imports: the scan panel (a client component) uses this too.
 */
import type { Messages } from "../i18n/messages";

type Catalogue = Messages["scanProblems"];

/** The keys of `scanProblems` that are sentences of a problem (not the sub-objects). */
export type ScanProblemKey = { [K in keyof Catalogue]: Catalogue[K] extends string ? K : never }[keyof Catalogue];

export type ScanProblemValues = Record<string, string | number>;

export interface ScanProblemText {
  key: ScanProblemKey;
  values?: ScanProblemValues;
}

type LooseTranslator = { (key: string, values?: ScanProblemValues): string; has(key: string): boolean };

/**
 * A problem's sentence in the reader's language: its catalogue key when it has one the
 * catalogue knows, else the stored English `message`. `t` is a root translator
 * (`getTranslations()` or lib/i18n/t's `t`), or with `prefix` "" one of the namespace
 * (`useTranslations("scanProblems")`: client components name the namespaces they read).
 */
export function scanProblemText(t: unknown, p: { message: string; text?: ScanProblemText | null }, prefix = "scanProblems."): string {
  if (!p.text) return p.message;
  const tr = t as LooseTranslator;
  const key = `${prefix}${p.text.key}`;
  try {
    return tr.has(key) ? tr(key, p.text.values) : p.message;
  } catch {
    return p.message;
  }
}
