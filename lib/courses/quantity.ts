/** Kubernetes resource quantities and image references, as the API server accepts them. */

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
  if (!q.trim()) return "Required.";
  const v = parseQuantity(q);
  if (v === null) {
    return kind === "cpu"
      ? `"${q}" is not a Kubernetes quantity: use cores such as 0.5, 2 or 500m.`
      : `"${q}" is not a Kubernetes quantity: use bytes with a suffix such as 512Mi, 2Gi or 1G.`;
  }
  if (v <= 0) return "Must be more than zero.";
  if (kind === "cpu" && v < 0.001) return "Kubernetes cannot give less than 1m of CPU.";
  if (kind === "memory" && v < 1) return "Memory must be at least one byte.";
  return null;
}

const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const DOMAIN = "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\\d+)?";
const IMAGE = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`);

export function imageError(ref: string): string | null {
  const r = ref.trim();
  if (!r) return "Required.";
  if (r.length > 255) return "An image reference has at most 255 characters.";
  if (!IMAGE.test(r)) return `"${r}" is not an image reference such as ghcr.io/digiklausur/e2xgrader-notebook:2025.1.`;
  if (!/[:@]/.test(r.split("/").pop()!)) return "Pin a tag or digest (for example :2025.1); \"latest\" changes under running courses.";
  return null;
}
