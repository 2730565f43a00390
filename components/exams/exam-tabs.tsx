"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
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
  // On a phone the tabs scroll sideways: the current one is brought into view, and an edge that
  // has more tabs behind it fades out, so that they are not taken for all there are.
  const nav = useRef<HTMLElement>(null);
  const [more, setMore] = useState({ left: false, right: false });
  useEffect(() => {
    const el = nav.current;
    if (!el) return;
    const measure = () => setMore({ left: el.scrollLeft > 1, right: el.scrollLeft + el.clientWidth < el.scrollWidth - 1 });
    const current = el.querySelector<HTMLElement>('[aria-current="page"]');
    if (current && el.scrollWidth > el.clientWidth) {
      const at = current.getBoundingClientRect().left - el.getBoundingClientRect().left + el.scrollLeft;
      el.scrollLeft = at - (el.clientWidth - current.offsetWidth) / 2;
    }
    measure();
    el.addEventListener("scroll", measure, { passive: true });
    window.addEventListener("resize", measure);
    return () => {
      el.removeEventListener("scroll", measure);
      window.removeEventListener("resize", measure);
    };
  }, [path]);
  const fade = more.left && more.right ? "linear-gradient(to right, transparent, black 2.5rem, black calc(100% - 2.5rem), transparent)" : more.right ? "linear-gradient(to right, black calc(100% - 2.5rem), transparent)" : more.left ? "linear-gradient(to right, transparent, black 2.5rem)" : undefined;
  return (
    <nav ref={nav} aria-label={t("label")} data-more-right={more.right || undefined} className="no-print mb-6 flex gap-1 overflow-x-auto border-b border-slate-200" style={fade ? { maskImage: fade, WebkitMaskImage: fade } : undefined}>
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
