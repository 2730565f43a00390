import { CheckCircle2, CloudUpload } from "lucide-react";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { getFmt } from "@/lib/i18n/server";

/** What lib/deployment/staleness.ts answers for a term. */
interface Staleness {
  pending: number;
  changedAt: Date | null;
  pushedAt: Date | null;
}

/** Per term: "not yet on the hubs, changed at 12:08", or when the term's last change went out. */
export async function StaleNotice({ staleness, canPush }: { staleness: Staleness; canPush: boolean }) {
  const t = await getTranslations("stale");
  const f = await getFmt();
  // "at 12:08" today, otherwise "on" the date and time
  const when = (d: Date) => (f.date(d) === f.date(new Date()) ? t("at", { time: f.time(d) }) : t("on", { date: f.dateTime(d) }));
  if (staleness.pending === 0) {
    if (!staleness.pushedAt) return null;
    return (
      <p className="no-print mb-4 flex items-center gap-2 text-sm text-emerald-800" data-testid="stale-notice" data-state="current">
        <CheckCircle2 className="size-4 shrink-0" aria-hidden /> {t("upToDate", { when: f.dateTime(staleness.pushedAt) })}
      </p>
    );
  }
  return (
    <div role="status" className="no-print mb-4 flex flex-wrap items-start justify-between gap-3 rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200" data-testid="stale-notice" data-state="pending">
      <div className="flex gap-2">
        <CloudUpload className="mt-0.5 size-4 shrink-0" aria-hidden />
        <div>
          <div className="font-semibold">{t("pendingTitle")}</div>
          <div>{staleness.pushedAt ? t("pending", { count: staleness.pending, when: when(staleness.changedAt ?? new Date()) }) : t("pendingNever")}</div>
          {!canPush && <div className="mt-0.5 text-amber-900">{t("askAdmin")}</div>}
        </div>
      </div>
      {canPush && (
        <Link href="/cluster/push" className="rounded-md bg-white px-3 py-1.5 font-medium text-amber-900 ring-1 ring-inset ring-amber-300 hover:bg-amber-100">
          {t("pushNow")}
        </Link>
      )}
    </div>
  );
}
