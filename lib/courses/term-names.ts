/**
 * Term names as German universities write them: WS25 is the winter term 2025/26, SS26 the summer
 * term 2026 after it. One chronological value per name, and the term to suggest next.
 *
 * Exports: termValue, newestTerm, suggestNextTerm
 */

/** WS25 → 51, SS26 → 52, WS26 → 53; null for a name of another shape. */
export function termValue(name: string): number | null {
  const m = /^(WS|SS)(\d{2})$/i.exec(name.trim());
  return m ? Number(m[2]) * 2 + (m[1].toUpperCase() === "WS" ? 1 : 0) : null;
}

const nameOf = (value: number) => (value % 2 === 1 ? `WS${String((value - 1) / 2).padStart(2, "0")}` : `SS${String(value / 2).padStart(2, "0")}`);

/** The chronologically newest of the named terms (the last one given when none is WS/SS-shaped). */
export function newestTerm<T extends { term: string }>(terms: readonly T[]): T | undefined {
  let best: T | undefined;
  let bestValue = -1;
  for (const t of terms) {
    const v = termValue(t.term);
    if (v !== null && v > bestValue) [best, bestValue] = [t, v];
  }
  return best ?? terms.at(-1);
}

/**
 * The term a new one most likely is: the one after the course's newest term, or the term running
 * on `now` for a course without WS/SS-named terms (winter from October to March).
 */
export function suggestNextTerm(existing: readonly string[], now = new Date()): string {
  const values = existing.map(termValue).filter((v): v is number => v !== null);
  const y = now.getFullYear() % 100;
  const m = now.getMonth() + 1;
  const current = m >= 4 && m <= 9 ? y * 2 : m >= 10 ? y * 2 + 1 : (y - 1) * 2 + 1;
  let next = values.length ? Math.max(...values) + 1 : current;
  const taken = new Set(values);
  while (taken.has(next)) next++;
  return nameOf(next);
}
