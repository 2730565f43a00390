/** Kubernetes quantities and plain-word amounts ("0,5", "2 GB"), pure: safe in client components. */

const SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

const QUANTITY = /^\+?(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

/** The value of a quantity in base units (cores or bytes), or null when it is not one. */
export function parseQuantity(q: string): number | null {
  const m = QUANTITY.exec(q.trim());
  if (!m) return null;
  const n = Number(m[1]);
  if (m[3] !== undefined) return n * 10 ** Number(m[3]);
  return n * SUFFIX[m[2] ?? ""];
}

/** "0,5", "0.5 Kerne", "1 core", "500m" -> a plain number text ("0.5"), or null. */
function plainNumber(s: string, units: RegExp): number | null {
  const m = new RegExp(`^\\s*(\\d+(?:[.,]\\d+)?|[.,]\\d+)\\s*(${units.source})?\\s*$`, "i").exec(s);
  return m ? Number(m[1]!.replace(",", ".")) : null;
}

/**
 * A CPU amount as typed ("0,5", "0.5 Kerne", "2 cores", or a Kubernetes quantity such as
 * "500m") as the Kubernetes quantity the portal stores: whole cores ("2") or millicores
 * ("500m"). Text that is neither comes back unchanged, for the error message to name it.
 */
export function normalizeCpu(input: string): string {
  const raw = input.trim();
  const cores = parseQuantity(raw) ?? plainNumber(raw, /kerne?|cores?|cpus?/);
  if (cores === null || cores <= 0) return raw;
  if (Number.isInteger(cores)) return String(cores);
  const milli = Math.round(cores * 1000);
  return milli > 0 ? `${milli}m` : raw;
}

const PLAIN_MEMORY: Record<string, number> = { kb: 2 ** 10, kib: 2 ** 10, mb: 2 ** 20, mib: 2 ** 20, gb: 2 ** 30, gib: 2 ** 30, tb: 2 ** 40, tib: 2 ** 40 };

/**
 * A memory amount as typed ("2 GB", "1,5 GB", "512 MB", or a Kubernetes quantity such as
 * "2Gi" or "1G", kept as it is) as a Kubernetes quantity. "GB" counts in 1024s, as the
 * portal shows memory ("2Gi" is shown as "2 GB"). Other text comes back unchanged.
 */
export function normalizeMemory(input: string): string {
  const raw = input.trim();
  if (parseQuantity(raw) !== null) return raw;
  const m = /^\s*(\d+(?:[.,]\d+)?|[.,]\d+)\s*(kib|kb|mib|mb|gib|gb|tib|tb)\s*$/i.exec(raw);
  if (!m) return raw;
  const bytes = Number(m[1]!.replace(",", ".")) * PLAIN_MEMORY[m[2]!.toLowerCase()]!;
  for (const [suffix, size] of [["Ti", 2 ** 40], ["Gi", 2 ** 30], ["Mi", 2 ** 20], ["Ki", 2 ** 10]] as const) {
    if (bytes >= size && Number.isInteger(bytes / size)) return `${bytes / size}${suffix}`;
  }
  return String(Math.round(bytes));
}
