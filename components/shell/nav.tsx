"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useId, useState, type ReactNode } from "react";
import { BookOpen, CalendarClock, ClipboardCheck, LayoutDashboard, Menu, ScrollText, Server, Users, X } from "lucide-react";
import { cn } from "@/components/ui/cn";

const ICONS = { dashboard: LayoutDashboard, courses: BookOpen, exams: CalendarClock, grading: ClipboardCheck, staff: Users, audit: ScrollText, cluster: Server };
export type NavItem = { href: string; label: string; icon: keyof typeof ICONS; badge?: { count: number; label: string } };

export function Nav({ items, label, onNavigate }: { items: NavItem[]; label: string; onNavigate?: () => void }) {
  const path = usePathname();
  const id = useId();
  return (
    <nav aria-label={label} className="flex flex-col gap-0.5">
      {items.map((item) => {
        const Icon = ICONS[item.icon];
        const active = item.href === "/" ? path === "/" : path.startsWith(item.href);
        const badge = item.badge && item.badge.count > 0 ? item.badge : null;
        return (
          <Link
            key={item.href}
            href={item.href}
            onClick={onNavigate}
            aria-current={active ? "page" : undefined}
            aria-describedby={badge ? `${id}-${item.icon}-badge` : undefined}
            className={cn("flex items-center gap-2.5 rounded-md px-3 py-2 text-sm font-medium", active ? "bg-brand-50 text-brand-700" : "text-slate-700 hover:bg-slate-100")}
          >
            <Icon className="size-4" aria-hidden />
            <span className="flex-1">{item.label}</span>
            {badge && (
              // The count is the link's description, not part of its name ("Cluster" stays "Cluster").
              <span className="rounded-full bg-amber-100 px-1.5 py-0.5 text-xs font-semibold tabular-nums text-amber-900" data-testid="pending-count">
                <span aria-hidden>{badge.count}</span>
                <span id={`${id}-${item.icon}-badge`} hidden>
                  {badge.label}
                </span>
              </span>
            )}
          </Link>
        );
      })}
    </nav>
  );
}

/** Below the md breakpoint: a top bar with a menu button that opens the navigation. */
export function MobileNav({ items, openLabel, closeLabel, navLabel, appName, search, children }: { items: NavItem[]; openLabel: string; closeLabel: string; navLabel: string; appName: string; search?: ReactNode; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const path = usePathname();
  useEffect(() => setOpen(false), [path]);
  const pending = items.reduce((n, i) => n + (i.badge?.count ?? 0), 0);
  return (
    <div className="no-print sticky top-0 z-40 border-b border-slate-200 bg-white md:hidden">
      <div className="flex items-center justify-between px-4 py-2">
        <div className="flex items-center gap-2">
          <div className="flex size-7 items-center justify-center rounded-md bg-brand-600 text-[10px] font-bold text-white">E2x</div>
          <span className="text-sm font-semibold text-slate-900">{appName}</span>
        </div>
        <button
          type="button"
          className="relative flex items-center gap-1 rounded-md px-2 py-1.5 text-sm text-slate-700 ring-1 ring-inset ring-slate-300"
          aria-expanded={open}
          aria-controls="mobile-nav"
          onClick={() => setOpen((o) => !o)}
        >
          {open ? <X className="size-5" aria-hidden /> : <Menu className="size-5" aria-hidden />}
          <span className="sr-only">{open ? closeLabel : openLabel}</span>
          {!open && pending > 0 && <span className="absolute -right-1 -top-1 size-2.5 rounded-full bg-amber-500" aria-hidden />}
        </button>
      </div>
      {search && <div className="px-4 pb-2">{search}</div>}
      <div id="mobile-nav" hidden={!open} className="max-h-[80vh] overflow-y-auto border-t border-slate-100 px-3 pb-3 pt-2">
        <Nav items={items} label={navLabel} onNavigate={() => setOpen(false)} />
        <div className="mt-3">{children}</div>
      </div>
    </div>
  );
}
