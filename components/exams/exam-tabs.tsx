"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";

export function ExamTabs({ examId }: { examId: number }) {
  const path = usePathname();
  const base = `/exams/${examId}`;
  const tabs = [
    { href: base, label: "Overview" },
    { href: `${base}/rooms`, label: "Rooms" },
    { href: `${base}/participants`, label: "Participants" },
    { href: `${base}/seating`, label: "Seating" },
    { href: `${base}/sheets`, label: "Sheets" },
    { href: `${base}/preflight`, label: "Pre-flight" },
    { href: `${base}/board`, label: "Room board" },
    { href: `${base}/receipts`, label: "Receipts" },
  ];
  return (
    <nav aria-label="Exam" className="mb-6 flex gap-1 border-b border-slate-200">
      {tabs.map((t) => {
        const active = t.href === base ? path === base : path.startsWith(t.href);
        return (
          <Link key={t.href} href={t.href} aria-current={active ? "page" : undefined} className={cn("-mb-px border-b-2 px-3 py-2 text-sm font-medium", active ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900")}>
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
