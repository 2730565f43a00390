/**
 * Hashcode strings only: no Node imports, so client components can use it too (e.g. to
 * normalize what a grader types before sending it).
 *
 * Exports:
 *   truncateHashcode(hex, chunks?, size?)  e2xgrader 0.3.x format, default 3 chunks of 4: `1a2b-3c4d-5e6f`
 *   legacyTruncateHashcode(hex)            e2xgrader 0.1/0.2 format: 4 chunks of 6, overlapping by one
 *   normalizeHashcode(typed)               lower case, without spaces and dash-like separators
 *   hashcodesEqual(a, b)                   comparison forgiving case, dashes and spaces
 *   isHashcodeShaped(typed)                12 (0.3.x) or 24 (0.1/0.2) hex characters once normalized
 */

/** e2xgrader 0.3.x `truncate_hashcode(hashcode, number_of_chunks=3, chunk_size=4)`. */
export function truncateHashcode(hex: string, chunks = 3, size = 4): string {
  const parts: string[] = [];
  for (let i = 0; i < chunks * size; i += size) parts.push(hex.slice(i, i + size));
  return parts.join("-");
}

/** e2xgrader 0.1/0.2 `truncate_hashcode(hashcode)`: 4 chunks of 6 characters, each overlapping the next by one. */
export function legacyTruncateHashcode(hex: string): string {
  const parts: string[] = [];
  for (let i = 0; i < 20; i += 5) parts.push(hex.slice(i, i + 6));
  return parts.join("-");
}

/**
 * Canonical form for comparison: lower case, with whitespace and dash-like separators
 * (`-`, `–`, `—`, `_`, `.`, `/`) removed. `1A2B 3c4d-5e6f` -> `1a2b3c4d5e6f`.
 */
export function normalizeHashcode(typed: string): string {
  return typed
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s\-‐‑‒–—―−_./:]+/gu, "");
}

export function hashcodesEqual(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a == null || b == null) return false;
  const na = normalizeHashcode(a);
  return na !== "" && na === normalizeHashcode(b);
}

/** 12 hex characters (e2xgrader 0.3.x) or 24 (0.1/0.2 notebook mode) once normalized. */
export function isHashcodeShaped(typed: string): boolean {
  const n = normalizeHashcode(typed);
  return /^[0-9a-f]+$/.test(n) && (n.length === 12 || n.length === 24);
}
