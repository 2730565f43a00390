import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/card";
import type { HubName } from "@/lib/constants";

const TONE = { assignment: "blue", exam: "violet", grading: "green" } as const satisfies Record<HubName, string>;

/** A term's hubs as short coloured badges ("Übung", "Prüfung", "Korrektur"). */
export function HubBadges({ hubs }: { hubs: readonly HubName[] }) {
  const t = useTranslations("hubs.short");
  return hubs.map((h) => (
    <Badge key={h} tone={TONE[h]}>
      {t(h)}
    </Badge>
  ));
}
