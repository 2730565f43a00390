"use client";
import { Columns3, Loader2 } from "lucide-react";
import { useId, useState } from "react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { TableScroll } from "@/components/ui/table";

export interface Meaning {
  meaning: string;
  label: string;
  kept: boolean;
}

export interface Mapping {
  hasHeader: boolean;
  columns: (string | null)[];
}

export interface MappingStepData {
  first: { row: number; cells: string[] } | null;
  rows: { row: number; cells: string[] }[];
  width: number;
  suggestion: Mapping;
}

const IDENTITY = ["username", "universityId"];

/** Problems the person has to fix before a preview makes sense (the server checks again). */
type T = ReturnType<typeof useTranslations<"columnMapping">>;

function problems(m: Mapping, label: (meaning: string) => string, t: T): string[] {
  const out: string[] = [];
  const seen = new Map<string, number>();
  m.columns.forEach((c, i) => {
    if (!c) return;
    if (seen.has(c)) out.push(t("both", { a: seen.get(c)! + 1, b: i + 1, label: label(c) }));
    else seen.set(c, i);
  });
  if (!m.columns.some((c) => c && IDENTITY.includes(c))) out.push(t("needIdentity"));
  return out;
}

/**
 * The column-mapping step: the first rows of the file, a meaning per column, and whether the
 * first row is a header. Used when a file has no header or no column names the student, and
 * to correct a detected mapping.
 */
export function ColumnMapping({
  step,
  meanings,
  initial,
  message,
  courseCode,
  pending,
  onSubmit,
  onCancel,
}: {
  step: MappingStepData;
  meanings: Meaning[];
  initial: Mapping;
  message?: string;
  courseCode: string;
  pending: boolean;
  onSubmit: (m: Mapping) => void;
  onCancel?: () => void;
}) {
  const [mapping, setMapping] = useState<Mapping>(() => ({ hasHeader: initial.hasHeader, columns: Array.from({ length: step.width }, (_, i) => initial.columns[i] ?? null) }));
  const id = useId();
  const t = useTranslations("columnMapping");
  const label = (meaning: string) => (t.has(`meanings.${meaning}` as "meanings.username") ? t(`meanings.${meaning}` as "meanings.username") : (meanings.find((x) => x.meaning === meaning)?.label ?? meaning));
  const issues = problems(mapping, label, t);
  const body = mapping.hasHeader || !step.first ? step.rows : [step.first, ...step.rows];
  const header = mapping.hasHeader ? step.first?.cells ?? [] : [];
  const set = (i: number, v: string) => setMapping((m) => ({ ...m, columns: m.columns.map((c, k) => (k === i ? v || null : c)) }));
  const isPassword = (i: number) => mapping.columns[i] === "password";

  return (
    <section aria-labelledby={`${id}-title`} className="space-y-3 rounded-md border border-brand-200 bg-brand-50/40 p-4" data-testid="column-mapping">
      <div className="flex items-start gap-2">
        <Columns3 className="mt-0.5 size-4 text-brand-700" aria-hidden />
        <div>
          <h3 id={`${id}-title`} className="text-sm font-semibold text-slate-900">{t("title")}</h3>
          <p className="text-sm text-slate-600">
            {message ? `${message} ` : ""}
            {t("hint", { code: courseCode })}
          </p>
        </div>
      </div>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input type="checkbox" checked={mapping.hasHeader} onChange={(e) => setMapping((m) => ({ ...m, hasHeader: e.target.checked }))} />
        {t("hasHeader")}
      </label>
      <TableScroll className="rounded-md bg-white ring-1 ring-slate-200">
        <table className="w-full text-left text-sm">
          <thead className="bg-slate-50 text-xs text-slate-600">
            <tr>
              <th scope="col" className="w-32 px-3 py-2 font-medium">{t("column")}</th>
              <th scope="col" className="px-3 py-2 font-medium">
                {t("firstRows")} {body.length > 0 && <span className="font-normal">{t("rowsRange", { from: body[0].row, to: body[body.length - 1].row })}</span>}
              </th>
              <th scope="col" className="w-64 px-3 py-2 font-medium">{t("meaning")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {mapping.columns.map((c, i) => (
              <tr key={i} data-testid="mapping-column" className={c ? "" : "bg-slate-50/60"}>
                <th scope="row" className="px-3 py-2 align-top font-medium text-slate-800">
                  {mapping.hasHeader ? header[i] || <span className="text-slate-600">{t("emptyHeader")}</span> : t("columnN", { n: i + 1 })}
                  {mapping.hasHeader && <div className="text-xs font-normal text-slate-600">{t("columnN", { n: i + 1 })}</div>}
                </th>
                <td className="max-w-0 px-3 py-2 align-top">
                  <div className={`truncate font-mono text-xs ${c ? "text-slate-800" : "text-slate-500"}`} title={body.map((r) => r.cells[i] ?? "").join(" · ")}>
                    {body.map((r, k) => (
                      <span key={r.row}>
                        {k > 0 && <span className="px-1 text-slate-300">·</span>}
                        {isPassword(i) && r.cells[i] ? "***" : r.cells[i] || <span className="italic text-slate-500">{t("empty")}</span>}
                      </span>
                    ))}
                  </div>
                </td>
                <td className="px-3 py-1.5 align-top">
                  <label className="sr-only" htmlFor={`${id}-col-${i}`}>
                    {t("meaningOf", { n: i + 1 })}
                    {header[i] ? ` (${header[i]})` : ""}
                  </label>
                  <select
                    id={`${id}-col-${i}`}
                    value={c ?? ""}
                    onChange={(e) => set(i, e.target.value)}
                    className={`w-full rounded-md border-0 py-1.5 pl-2 pr-7 text-sm ring-1 ring-inset focus:ring-2 focus:ring-brand-500 ${c ? "text-slate-900 ring-brand-300" : "text-slate-600 ring-slate-300"}`}
                  >
                    <option value="">{t("notKept")}</option>
                    {meanings.map((m) => (
                      <option key={m.meaning} value={m.meaning}>
                        {label(m.meaning)}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {issues.length > 0 && (
        <ul className="list-inside list-disc text-sm text-amber-800" aria-live="polite">
          {issues.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <div className="flex justify-end gap-2">
        {onCancel && (
          <Button type="button" variant="secondary" onClick={onCancel} disabled={pending}>
            {t("cancel")}
          </Button>
        )}
        <Button type="button" onClick={() => onSubmit(mapping)} disabled={pending || issues.length > 0}>
          {pending && <Loader2 className="size-4 animate-spin" aria-hidden />} {t("submit")}
        </Button>
      </div>
    </section>
  );
}
