/** Kubernetes resource quantities and image references, as the API server accepts them. */
import { t } from "@/lib/i18n/t";
import { parseQuantity } from "./quantity-parse";

export { normalizeCpu, normalizeMemory, parseQuantity } from "./quantity-parse";

export function quantityError(q: string, kind: "cpu" | "memory"): string | null {
  if (!q.trim()) return t("errors.required");
  const v = parseQuantity(q);
  if (v === null) return kind === "cpu" ? t("quantity.badCpu", { q }) : t("quantity.badMemory", { q });
  if (v <= 0) return t("quantity.zero");
  if (kind === "cpu" && v < 0.001) return t("quantity.tinyCpu");
  if (kind === "memory" && v < 1) return t("quantity.tinyMemory");
  return null;
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
