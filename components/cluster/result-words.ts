/**
 * The words for a push's per-object results (created, configured, …) and planned actions
 * (create, change, …) in the reader's language; the cluster's own word where none is known.
 * `t` is a translator of the "pushObjects" namespace (useTranslations or getTranslations).
 */
interface Translator {
  (key: never): string;
  has(key: never): boolean;
}

export function resultWord(t: Translator, result: string): string {
  const key = `results.${result}` as never;
  return t.has(key) ? t(key) : result;
}

export function plannedWord(t: Translator, action: string): string {
  const key = `plannedAs.${action}` as never;
  return t.has(key) ? t(key) : action;
}

/** "5 unverändert · 21 angelegt", in the order given. */
export function resultCounts(t: Translator, counts: Iterable<[string, number]>): string {
  return [...counts].map(([k, v]) => `${v} ${resultWord(t, k)}`).join(" · ");
}
