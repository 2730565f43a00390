import { Download, Search } from "lucide-react";
import { TermBreadcrumbs } from "@/components/courses/term-breadcrumbs";
import Link from "next/link";
import { AddStudentForm } from "@/components/rosters/add-student-form";
import { RosterImport } from "@/components/rosters/roster-import";
import { StudentTable } from "@/components/rosters/student-table";
import { ButtonAnchor } from "@/components/ui/button";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { Pagination } from "@/components/ui/pagination";
import { can } from "@/lib/auth/capabilities";
import { requireTermPage } from "@/lib/courses/term-page";
import { getDb } from "@/lib/db/client";
import { listStudents, printRow } from "@/lib/rosters/roster";
import { defaultCsvDialect } from "@/lib/csv/write";
import { getTranslations } from "next-intl/server";
import { PrintButton } from "@/components/ui/print-button";
import { StaleNotice } from "@/components/shell/stale-notice";
import { termStaleness } from "@/lib/deployment/staleness";
import { getFmt } from "@/lib/i18n/server";
import { PrintTable, RosterPrint } from "@/components/rosters/roster-print";
import { addStudentAction, applyRosterAction, previewRosterAction, rejectedRowsAction, removeStudentsAction } from "./actions";

export async function generateMetadata() {
  return { title: (await getTranslations("roster"))("title") };
}

export default async function RosterPage({ params, searchParams }: { params: Promise<{ courseId: string; termId: string }>; searchParams: Promise<{ q?: string; page?: string; sort?: string; dir?: string }> }) {
  const p = await params;
  const sp = await searchParams;
  const { principal, courseId, termId, row } = await requireTermPage("roster.view", p);
  const db = getDb();
  const canEdit = can(principal, "roster.edit", { courseId });
  const sort = (["username", "lastName", "matrikel"] as const).find((s) => s === sp.sort) ?? "username";
  const dir = sp.dir === "desc" ? "desc" : "asc";
  const list = listStudents(db, termId, { q: sp.q, page: Number(sp.page) || 1, pageSize: 50, sort, dir });
  const base = `/courses/${courseId}/terms/${termId}/roster`;
  const qs = (o: Record<string, string | number | undefined>) => {
    const u = new URLSearchParams();
    for (const [k, v] of Object.entries({ q: sp.q, sort, dir, ...o })) if (v !== undefined && v !== "") u.set(k, String(v));
    return `${base}?${u}`;
  };
  const t = await getTranslations();
  const f = await getFmt();
  // Printing shows every row of the search, not the current page: a longer list loads them when
  // printed (and prints the page's own table until then), a shorter one has them all here.
  const complete = list.total <= list.rows.length;
  const printHead = { username: t("roster.table.username"), name: t("roster.table.name"), matrikel: t("roster.table.matrikel"), roomSeat: t("roster.table.roomSeat") };
  const rowsSrc = `/api/terms/${termId}/roster/rows?${new URLSearchParams({ ...(sp.q ? { q: sp.q } : {}), sort, dir })}`;
  const exportBase = `/api/terms/${termId}/roster`;
  // the default variant follows the portal's language; the other one is one click away
  const dialect = defaultCsvDialect();
  const other = dialect === "standard" ? "excel-de" : "standard";
  return (
    <>
      <PageHeader
        breadcrumbs={
<TermBreadcrumbs coursesLabel={t("courses.title")} courseId={courseId} courseCode={row.course.code} termId={termId} term={row.term.term} />
        }
        title={t("roster.heading", { code: row.course.code, term: row.term.term })}
        description={t("roster.description", { code: row.course.code, term: row.term.term })}
        actions={
          <div className="no-print flex flex-wrap items-center gap-2">
            <PrintButton label={t("roster.print")} />
            <ButtonAnchor variant="secondary" href={`${exportBase}?format=e2x`}>
              <Download className="size-4" aria-hidden /> {t("roster.e2xCsv")}
            </ButtonAnchor>
            <ButtonAnchor variant="secondary" href={`${exportBase}?format=full&variant=${dialect}`} title={t("roster.everyField", { dialect: t(`roster.dialects.${dialect}`) })}>
              <Download className="size-4" aria-hidden /> {t("roster.fullCsv")}
            </ButtonAnchor>
            <ButtonAnchor variant="ghost" href={`${exportBase}?format=full&variant=${other}`} title={t("roster.everyField", { dialect: t(`roster.dialects.${other}`) })}>
              {other === "excel-de" ? t("roster.fullCsvExcel") : t("roster.fullCsvComma")}
            </ButtonAnchor>
          </div>
        }
      />
      <StaleNotice staleness={termStaleness(db, courseId, termId)} canPush={can(principal, "cluster.push")} />
      <div className="space-y-6">
        {canEdit && (
          <div className="no-print grid gap-6 lg:grid-cols-3">
            <Card title={t("roster.importTitle")} description={t("roster.importHint")} className="min-w-0 lg:col-span-2">
              <RosterImport termId={termId} courseCode={row.course.code} sampleHref={`${exportBase}/sample?variant=${dialect}`} preview={previewRosterAction as never} apply={applyRosterAction as never} rejected={rejectedRowsAction as never} />
            </Card>
            <Card title={t("roster.addTitle")}>
              <AddStudentForm termId={termId} action={addStudentAction as never} />
            </Card>
          </div>
        )}
        <Card
          title={sp.q ? t("roster.matching", { count: t("roster.count", { count: list.total }), q: sp.q }) : t("roster.count", { count: list.total })}
          actions={
            <form role="search" action={base} className="no-print flex w-full items-center gap-2 sm:w-auto">
              <input type="hidden" name="sort" value={sort} />
              <input type="hidden" name="dir" value={dir} />
              <label htmlFor="q" className="sr-only">{t("roster.searchLabel")}</label>
              <div className="relative w-full sm:w-auto">
                <Search className="pointer-events-none absolute left-2.5 top-2.5 size-4 text-slate-500" aria-hidden />
                <input id="q" name="q" type="search" defaultValue={sp.q} placeholder={t("roster.searchPlaceholder")} className="w-full rounded-md sm:w-72 border-0 py-2 pl-8 pr-3 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500" />
              </div>
            </form>
          }
        >
          {list.total === 0 ? (
            sp.q ? (
              <EmptyState title={t("roster.noMatch")}>{t("roster.noMatchBody", { q: sp.q })} <Link className="text-brand-700 underline" href={base}>{t("roster.clear")}</Link>.</EmptyState>
            ) : (
              <EmptyState title={t("roster.empty")}>{canEdit ? t("roster.emptyEdit") : t("roster.emptyView")}</EmptyState>
            )
          ) : (
            <>
              {/* before the page's own table: on paper the date and the note come first */}
              <div className="hidden print:block" data-testid="roster-print">
                <p className="mb-2 text-xs text-slate-600">{t("roster.printedAt", { when: f.dateTime(new Date()) })}</p>
                {complete ? <PrintTable rows={list.rows.map(printRow)} head={printHead} /> : <RosterPrint src={rowsSrc} head={printHead} incomplete={t("roster.printCurrentPageOnly")} />}
              </div>
              <div data-print-screen>
              <StudentTable
                termId={termId}
                rows={list.rows.map((r) => ({ id: r.id, username: r.username, firstName: r.firstName, lastName: r.lastName, displayName: r.displayName, matrikel: r.matrikel, room: r.room, seat: r.seat, examDate: r.examDate, isBackup: r.isBackup }))}
                canEdit={canEdit}
                remove={removeStudentsAction as never}
                sortLinks={Object.fromEntries(["username", "lastName", "matrikel"].map((col) => [col, qs({ sort: col, dir: sort === col && dir === "asc" ? "desc" : "asc", page: 1 })]))}
                sort={sort}
                dir={dir}
              />
              <Pagination page={list.page} pages={list.pages} total={list.total} label="students" href={(n) => qs({ page: n })} />
              </div>
            </>
          )}
        </Card>
      </div>
    </>
  );
}
