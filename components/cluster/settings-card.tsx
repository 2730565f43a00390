import { formatDateTime } from "@/components/format";
import { Badge, Card } from "@/components/ui/card";
import type { ActionState } from "@/lib/auth/guard-types";
import type { SettingsView } from "@/lib/deployment/views";
import { SettingsForm } from "./settings-form";

/** The deployment settings, with the placeholders still to replace. */
export function SettingsCard({ settings: s, action, canEdit }: { settings: SettingsView; action: (prev: ActionState, form: FormData) => Promise<ActionState>; canEdit: boolean }) {
  return (
    <Card
      title="Deployment settings"
      description={s.saved && s.updatedAt ? `Last saved ${formatDateTime(s.updatedAt)}.` : "The E2x defaults apply: nothing has been saved yet."}
      actions={s.placeholders.length ? <Badge tone="amber">Placeholders</Badge> : undefined}
    >
      {s.placeholders.length > 0 && (
        <ul className="mb-4 list-disc rounded-md bg-amber-50 py-2 pl-8 pr-3 text-sm text-amber-900 ring-1 ring-amber-200">
          {s.placeholders.map((p) => (
            <li key={p}>{p} Set the real one before pushing to a cluster.</li>
          ))}
        </ul>
      )}
      <SettingsForm action={action} initial={s.form} canEdit={canEdit} />
    </Card>
  );
}
