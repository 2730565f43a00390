import { Download, Lock, ShieldAlert } from "lucide-react";
import { useTranslations } from "next-intl";
import type { HubAccessNote } from "@/lib/deployment/views";

/** Who may sign in to each hub, and the load balancer's configuration to download. */
export function HubAccess({ notes }: { notes: HubAccessNote[] }) {
  const t = useTranslations("cluster");
  const ts = useTranslations("examStatus");
  return (
    <div className="mt-4 space-y-2 border-t border-slate-100 pt-3 text-sm" data-testid="hub-access">
      <ul className="space-y-1.5">
        {notes.map((n) => (
          <li key={n.hub} className="flex items-start gap-2">
            {n.signIn === "closed" || (n.signIn === "exam" && !(n.exams ?? []).some((e) => e.status === "open")) ? <ShieldAlert className="mt-0.5 size-4 shrink-0 text-amber-600" aria-hidden /> : <Lock className="mt-0.5 size-4 shrink-0 text-slate-500" aria-hidden />}
            <span>
              <span className="font-medium text-slate-800">{t(`hubLabel.${n.hub}`)}:</span>{" "}
              {n.signIn === "closed" ? (
                <span className="text-amber-800">{t("access.closed")}</span>
              ) : n.signIn === "exam" ? (
                (() => {
                  const open = (n.exams ?? []).filter((e) => e.status === "open");
                  return open.length ? (
                    <>{t("access.examOpen", { exams: open.map((e) => t("access.examItem", { title: e.title, period: e.period, count: e.accounts })).join(", ") })}</>
                  ) : (
                    <span className="text-amber-800">{t("access.examNone")}{n.exams?.length ? t("access.examOthers", { exams: n.exams.map((e) => t("access.examOther", { title: e.title, status: ts.has(e.status as "open") ? ts(e.status as "open") : e.status })).join(", ") }) : ""}</span>
                  );
                })()
              ) : n.signIn === "ldap" ? (
                t("access.ldap")
              ) : (
                t("access.other", { authenticator: n.authenticator ?? "" })
              )}
              {n.rooms && (n.rooms.length ? t("access.rooms", { count: n.rooms.length }) : t("access.noRooms"))}
            </span>
          </li>
        ))}
      </ul>
      <a className="inline-flex items-center gap-1 font-medium text-brand-700 hover:underline" href="/api/cluster/haproxy.cfg">
        <Download className="size-4" aria-hidden /> {t("access.haproxy")}
      </a>
    </div>
  );
}
