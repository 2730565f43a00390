import { getTranslations } from "next-intl/server";
import { getFmt } from "@/lib/i18n/server";
import { Badge, Card } from "@/components/ui/card";
import type { ActionState } from "@/lib/auth/guard-types";
import type { SettingsView } from "@/lib/deployment/views";
import { SettingsForm } from "./settings-form";

/** The deployment settings, with the placeholders still to replace. */
export async function SettingsCard({ settings: s, action, canEdit }: { settings: SettingsView; action: (prev: ActionState, form: FormData) => Promise<ActionState>; canEdit: boolean }) {
  const t = await getTranslations("cluster.settings");
  const f = await getFmt();
  return (
    <Card
      title={t("title")}
      description={s.saved && s.updatedAt ? t("saved", { when: f.dateTime(s.updatedAt) }) : t("defaults")}
      actions={s.placeholders.length ? <Badge tone="amber">{t("placeholders")}</Badge> : undefined}
    >
      {s.placeholders.length > 0 && (
        <ul className="mb-4 list-disc rounded-md bg-amber-50 py-2 pl-8 pr-3 text-sm text-amber-900 ring-1 ring-amber-200">
          {s.placeholders.map((p) => (
            <li key={p}>{p} {t("setReal")}</li>
          ))}
        </ul>
      )}
      <SettingsForm action={action} initial={s.form} canEdit={canEdit} />
    </Card>
  );
}
