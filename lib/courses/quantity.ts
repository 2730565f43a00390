/** Kubernetes resource quantities and image references, as the API server accepts them. */
import { t } from "@/lib/i18n/t";

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

export function quantityError(q: string, kind: "cpu" | "memory"): string | null {
  if (!q.trim()) return t("errors.required");
  const v = parseQuantity(q);
  if (v === null) return kind === "cpu" ? t("quantity.badCpu", { q }) : t("quantity.badMemory", { q });
  if (v <= 0) return t("quantity.zero");
  if (kind === "cpu" && v < 0.001) return t("quantity.tinyCpu");
  if (kind === "memory" && v < 1) return t("quantity.tinyMemory");
  return null;
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

const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const DOMAIN = "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\\d+)?";
const IMAGE = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`);

export function imageError(ref: string): string | null {
  const r = ref.trim();
  if (!r) return t("errors.required");
  if (r.length > 255) return t("quantity.imageLong");
  if (!IMAGE.test(r)) return t("quantity.imageBad", { r });
  if (!/[:@]/.test(r.split("/").pop()!)) return t("quantity.imagePin");
  return null;
}
