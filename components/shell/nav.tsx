"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { BookOpen, CalendarClock, ClipboardCheck, LayoutDashboard, Menu, ScrollText, Server, Users, X } from "lucide-react";
import { cn } from "@/components/ui/cn";

const ICONS = { dashboard: LayoutDashboard, courses: BookOpen, exams: CalendarClock, grading: ClipboardCheck, staff: Users, audit: ScrollText, cluster: Server };
export type NavItem = { href: string; label: string; icon: keyof typeof ICONS; badge?: { count: number; label: string } };

export function Nav({ items, label }: { items: NavItem[]; label: string }) {
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

/**
 * The side bar, written once for every width: from the md breakpoint on it is the column on the
 * left; below it, a top bar whose menu button folds the navigation and the account block (the
 * children) out. The brand and the search stay in view on a phone.
 */
export function ShellBar({ pending, openLabel, closeLabel, appName, search, children }: { pending: number; openLabel: string; closeLabel: string; appName: string; search?: ReactNode; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const path = usePathname();
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => setOpen(false), [path]);
  return (
    <aside
      // Escape folds the menu wherever the focus is in the bar (its button included), and the
      // focus leaving the bar (Tab past the last item) folds it too: nothing stays focused under it
      onKeyDown={(e) => {
        if (e.key === "Escape" && open) {
          setOpen(false);
          button.current?.focus();
        }
      }}
      onBlur={(e) => {
        if (open && e.relatedTarget instanceof Node && !e.currentTarget.contains(e.relatedTarget)) setOpen(false);
      }}
      className="no-print sticky top-0 z-40 flex shrink-0 flex-col border-b border-slate-200 bg-white md:h-screen md:w-60 md:self-start md:border-b-0 md:border-r md:px-3 md:py-4">
      <div className="flex items-center justify-between px-4 py-2 md:mb-6 md:px-2 md:py-0">
        <div className="flex items-center gap-2">
          <div className="flex size-7 items-center justify-center rounded-md bg-brand-600 text-[10px] font-bold text-white md:size-8 md:rounded-lg md:text-xs">E2x</div>
          <span className="text-sm font-semibold text-slate-900">{appName}</span>
        </div>
        <button
          ref={button}
          type="button"
          className="relative flex items-center gap-1 rounded-md px-2 py-1.5 text-sm text-slate-700 ring-1 ring-inset ring-slate-300 md:hidden"
          aria-expanded={open}
          aria-controls="mobile-nav"
          onClick={() => setOpen((o) => !o)}
        >
          {open ? <X className="size-5" aria-hidden /> : <Menu className="size-5" aria-hidden />}
          <span className="sr-only">{open ? closeLabel : openLabel}</span>
          {!open && pending > 0 && <span className="absolute -right-1 -top-1 size-2.5 rounded-full bg-amber-500" aria-hidden />}
        </button>
      </div>
      {search && <div className="px-4 pb-2 md:mb-4 md:px-0 md:pb-0">{search}</div>}
      <div
        id="mobile-nav"
        // a link of the page already shown changes no path: close the menu on any link
        onClick={(e) => {
          if ((e.target as Element).closest("a")) setOpen(false);
        }}
        className={cn(open ? "flex" : "hidden", "max-h-[80vh] flex-col gap-3 overflow-y-auto border-t border-slate-100 px-3 pb-3 pt-2 md:flex md:max-h-none md:flex-1 md:justify-between md:overflow-visible md:border-t-0 md:p-0")}
      >
        {children}
      </div>
    </aside>
  );
}
