"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { cn } from "@/components/ui/cn";

export function ExamTabs({ examId }: { examId: number }) {
  const path = usePathname();
  const t = useTranslations("exams.tabs");
  const base = `/exams/${examId}`;
  const tabs = [
    { href: base, label: t("Overview") },
    { href: `${base}/rooms`, label: t("Rooms") },
    { href: `${base}/participants`, label: t("Participants") },
    { href: `${base}/seating`, label: t("Seating") },
    { href: `${base}/sheets`, label: t("Sheets") },
    { href: `${base}/preflight`, label: t("PreflightTab") },
    { href: `${base}/board`, label: t("Board") },
    { href: `${base}/receipts`, label: t("Receipts") },
  ];
  return (
    <nav aria-label={t("label")} className="no-print mb-6 flex gap-1 overflow-x-auto border-b border-slate-200">
      {tabs.map((t) => {
        const active = t.href === base ? path === base : path.startsWith(t.href);
        return (
          <Link key={t.href} href={t.href} aria-current={active ? "page" : undefined} className={cn("-mb-px shrink-0 border-b-2 px-3 py-2 text-sm font-medium", active ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900")}>
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
