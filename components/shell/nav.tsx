"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { BookOpen, CalendarClock, ClipboardCheck, LayoutDashboard, ScrollText, Server, Users } from "lucide-react";
import { cn } from "@/components/ui/cn";

const ICONS = { dashboard: LayoutDashboard, courses: BookOpen, exams: CalendarClock, grading: ClipboardCheck, staff: Users, audit: ScrollText, cluster: Server };
export type NavItem = { href: string; label: string; icon: keyof typeof ICONS };

export function Nav({ items }: { items: NavItem[] }) {
  const path = usePathname();
  return (
    <nav aria-label="Main" className="flex flex-col gap-0.5">
      {items.map((item) => {
        const Icon = ICONS[item.icon];
        const active = item.href === "/" ? path === "/" : path.startsWith(item.href);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? "page" : undefined}
            className={cn("flex items-center gap-2.5 rounded-md px-3 py-2 text-sm font-medium", active ? "bg-brand-50 text-brand-700" : "text-slate-700 hover:bg-slate-100")}
          >
            <Icon className="size-4" aria-hidden />
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
