"use client";
import { Search } from "lucide-react";
import { usePathname, useSearchParams } from "next/navigation";
import { useId } from "react";
import { useTranslations } from "next-intl";
import { cn } from "@/components/ui/cn";

/** The student search of the navigation: a plain GET form, so it works without scripts and from the keyboard. */
export function StudentSearch({ className }: { className?: string }) {
  const t = useTranslations("students.search");
  const id = useId();
  const path = usePathname();
  const params = useSearchParams();
  const q = path === "/students" ? (params.get("q") ?? "") : "";
  return (
    <form role="search" aria-label={t("label")} action="/students" className={cn("no-print", className)}>
      <label htmlFor={id} className="sr-only">
        {t("label")}
      </label>
      <div className="relative">
        <Search className="pointer-events-none absolute left-2.5 top-2.5 size-4 text-slate-500" aria-hidden />
        <input
          key={q}
          id={id}
          name="q"
          type="search"
          defaultValue={q}
          placeholder={t("placeholder")}
          autoComplete="off"
          enterKeyHint="search"
          className="w-full rounded-md border-0 py-2 pl-8 pr-2 text-sm text-slate-900 ring-1 ring-inset ring-slate-300 placeholder:text-slate-500 focus:ring-2 focus:ring-brand-500"
        />
      </div>
    </form>
  );
}
