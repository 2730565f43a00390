import { FolderTree } from "lucide-react";
import { useTranslations } from "next-intl";
import type { MountChangesView } from "@/lib/deployment/views";

const TONE = { added: "text-emerald-700", removed: "text-amber-700", changed: "text-brand-700" } as const;

/** The push preview's NFS mount changes, per hub and course term (what pods may read and write). */
export function MountChanges({ value }: { value: MountChangesView }) {
  const t = useTranslations("mounts");
  if (value.error) {
    return <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">{value.error}</p>;
  }
  if (!value.changes.length) return null;
  const groups = new Map<string, MountChangesView["changes"]>();
  for (const c of value.changes) {
    const k = t("group", { hub: c.hub, profile: c.profile });
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  return (
    <section aria-labelledby="mount-changes" className="rounded-md border border-slate-200 p-3" data-testid="mount-changes">
      <h3 id="mount-changes" className="mb-2 flex items-center gap-2 text-sm font-semibold text-slate-900">
        <FolderTree className="size-4 text-slate-600" aria-hidden />
        {t("title", { count: value.changes.length + value.truncated })}
      </h3>
      <ul className="space-y-2 text-sm">
        {[...groups].map(([group, changes]) => (
          <li key={group}>
            <div className="font-medium text-slate-700">{group}</div>
            <ul className="ml-4 list-disc text-[13px]">
              {changes.map((c) => (
                <li key={c.mountPath}>
                  <span className={TONE[c.change]}>{t(`word.${c.change}`)}</span> <span className="font-mono">{c.mountPath}</span>
                  {c.before !== undefined && <>{t("was")}<span className="font-mono">{c.before}</span></>}
                  {c.after !== undefined && <>{c.before !== undefined ? t("now") : t("from")}<span className="font-mono">{c.after}</span></>}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      {value.truncated > 0 && <p className="mt-2 text-xs text-slate-600">{t("more", { count: value.truncated })}</p>}
    </section>
  );
}
