/** Deterministic serialisation helpers: every object the renderer emits goes through these. */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Deep copy with object keys sorted (arrays keep their order); drops `undefined` values. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v)) as T;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value as object).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out as T;
  }
  return value;
}

/** Compact JSON with sorted keys: the format of the ConfigMap payloads. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** Byte length of a string as UTF-8 (what counts towards the 1 MiB object limit). */
export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

/** Code-point order comparison, independent of the locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
