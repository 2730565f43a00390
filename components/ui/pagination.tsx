import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";

type Unit = "entries" | "students" | "submissions" | "pushes" | "rows";

export function Pagination({ page, pages, total, href, label = "rows" }: { page: number; pages: number; total: number; href: (page: number) => string; label?: Unit }) {
  const t = useTranslations("ui.pagination");
  const f = useFormatter();
  if (total === 0) return null;
  const item = "rounded-md px-3 py-1.5 text-sm ring-1 ring-inset ring-slate-300 bg-white hover:bg-slate-50";
  return (
    <nav aria-label={t("label")} className="no-print flex flex-wrap items-center justify-between gap-3 pt-4 text-sm text-slate-600">
      <span>{t("summary", { page: f.number(page), pages: f.number(pages), items: t(label, { count: total }) })}</span>
      <span className="flex gap-2">
        {page > 1 ? (
          <Link className={item} href={href(page - 1)} rel="prev">
            {t("previous")}
          </Link>
        ) : (
          <span className={`${item} opacity-40`} aria-disabled>
            {t("previous")}
          </span>
        )}
        {page < pages ? (
          <Link className={item} href={href(page + 1)} rel="next">
            {t("next")}
          </Link>
        ) : (
          <span className={`${item} opacity-40`} aria-disabled>
            {t("next")}
          </span>
        )}
      </span>
    </nav>
  );
}
