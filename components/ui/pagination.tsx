import Link from "next/link";

const SINGULAR: Record<string, string> = { entries: "entry", students: "student", submissions: "submission", pushes: "push", rows: "row" };

export function Pagination({ page, pages, total, href, label = "rows" }: { page: number; pages: number; total: number; href: (page: number) => string; label?: string }) {
  if (total === 0) return null;
  const item = "rounded-md px-3 py-1.5 text-sm ring-1 ring-inset ring-slate-300 bg-white hover:bg-slate-50";
  return (
    <nav aria-label="Pagination" className="flex items-center justify-between gap-3 pt-4 text-sm text-slate-600">
      <span>
        Page {page} of {pages} · {total.toLocaleString("en")} {total === 1 ? (SINGULAR[label] ?? label) : label}
      </span>
      <span className="flex gap-2">
        {page > 1 ? (
          <Link className={item} href={href(page - 1)} rel="prev">
            ← Previous
          </Link>
        ) : (
          <span className={`${item} opacity-40`} aria-disabled>
            ← Previous
          </span>
        )}
        {page < pages ? (
          <Link className={item} href={href(page + 1)} rel="next">
            Next →
          </Link>
        ) : (
          <span className={`${item} opacity-40`} aria-disabled>
            Next →
          </span>
        )}
      </span>
    </nav>
  );
}
