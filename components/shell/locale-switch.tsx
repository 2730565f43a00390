import { useLocale, useTranslations } from "next-intl";
import { LOCALE_NAMES, LOCALES } from "@/lib/i18n/config";
import { setLocaleAction } from "@/app/actions";
import { cn } from "@/components/ui/cn";

/** Deutsch | English: two buttons posting the choice (works without JavaScript). */
export function LocaleSwitch({ className }: { className?: string }) {
  const locale = useLocale();
  const t = useTranslations("shell");
  return (
    <form action={setLocaleAction} className={cn("flex items-center gap-1 text-xs", className)} aria-label={t("language")} role="group">
      {LOCALES.map((l) => (
        <button
          key={l}
          type="submit"
          name="locale"
          value={l}
          lang={l}
          aria-pressed={l === locale}
          className={cn("rounded px-2 py-1 font-medium", l === locale ? "bg-slate-200 text-slate-900" : "text-slate-600 hover:bg-slate-100")}
        >
          {LOCALE_NAMES[l]}
        </button>
      ))}
    </form>
  );
}
