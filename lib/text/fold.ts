/**
 * Text folding for search and for matching column headers the way Germans type: `mueller` and
 * `muller` find `Müller`, `strasse` finds `Straße`. Pure, client-safe.
 */

const GERMAN: Record<string, string> = { ä: "ae", ö: "oe", ü: "ue", ß: "ss", ẞ: "ss" };

function stripMarks(s: string): string {
  // NFKD splits é into e + U+0301 (and ligatures like ﬁ into f i); the marks are dropped.
  return s.normalize("NFKD").replace(/\p{M}+/gu, "");
}

/** Lower case, ä ö ü -> ae oe ue, ß -> ss, other accents dropped (é -> e). */
export function foldGerman(s: string): string {
  return stripMarks(s.normalize("NFC").toLowerCase().replace(/[äöüßẞ]/g, (c) => GERMAN[c]));
}

/** Lower case, every accent dropped (ü -> u), ß -> ss. */
export function foldPlain(s: string): string {
  return stripMarks(s.normalize("NFC").toLowerCase().replace(/[ßẞ]/g, "ss"));
}

/**
 * The stored search text of a record: each part in both foldings, so that a query folded with
 * `foldGerman` matches `ü` typed as `ü`, `ue` or `u`. Parts are separated by `|`, which no
 * query term contains, so a term never matches across two fields.
 */
export function searchKey(parts: readonly (string | null | undefined)[]): string {
  const out: string[] = [];
  for (const p of parts) {
    if (p === null || p === undefined || p.trim() === "") continue;
    const g = foldGerman(p.trim());
    const plain = foldPlain(p.trim());
    out.push(g === plain ? g : `${g}|${plain}`);
  }
  return `|${out.join("|")}|`;
}

/** Query terms: folded with `foldGerman`, split on spaces and commas, `|` removed; all must match. */
export function searchTerms(q: string): string[] {
  return foldGerman(q)
    .replace(/\|/g, " ")
    .split(/[\s,;]+/)
    .filter(Boolean)
    .slice(0, 8);
}

/** A column header as the alias table sees it: folded, only letters and digits. */
export function foldHeader(s: string): string {
  return foldGerman(s).replace(/[^a-z0-9]+/g, "");
}
