import { Download, Search } from "lucide-react";
import Link from "next/link";
import { AddStudentForm } from "@/components/rosters/add-student-form";
import { RosterImport } from "@/components/rosters/roster-import";
import { StudentTable } from "@/components/rosters/student-table";
import { ButtonLink } from "@/components/ui/button";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { Pagination } from "@/components/ui/pagination";
import { can } from "@/lib/auth/capabilities";
import { requireTermPage } from "@/lib/courses/term-page";
import { getDb } from "@/lib/db/client";
import { listStudents } from "@/lib/rosters/roster";
import { CSV_DIALECT_LABEL, defaultCsvDialect } from "@/lib/csv/write";
import { addStudentAction, applyRosterAction, previewRosterAction, rejectedRowsAction, removeStudentsAction } from "./actions";

export const metadata = { title: "Roster" };

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
  const exportBase = `/api/terms/${termId}/roster`;
  // the default variant follows the portal's language; the other one is one click away
  const dialect = defaultCsvDialect();
  const other = dialect === "standard" ? "excel-de" : "standard";
  return (
    <>
      <PageHeader
        breadcrumbs={
          <>
            <Link href="/courses" className="hover:underline">Courses</Link> / <Link href={`/courses/${courseId}`} className="hover:underline">{row.course.code}</Link> /{" "}
            <Link href={`/courses/${courseId}/terms/${termId}`} className="hover:underline">{row.term.term}</Link>
          </>
        }
        title={`Roster · ${row.course.code} ${row.term.term}`}
        description={`Students who get a ${row.course.code} profile in ${row.term.term}. Usernames are matched after trimming.`}
        actions={
          <>
            <ButtonLink variant="secondary" href={`${exportBase}?format=e2x`} prefetch={false}>
              <Download className="size-4" aria-hidden /> E2x CSV
            </ButtonLink>
            <ButtonLink variant="secondary" href={`${exportBase}?format=full&variant=${dialect}`} prefetch={false} title={`Every field, ${CSV_DIALECT_LABEL[dialect]}`}>
              <Download className="size-4" aria-hidden /> Full CSV
            </ButtonLink>
            <ButtonLink variant="ghost" href={`${exportBase}?format=full&variant=${other}`} prefetch={false} title={`Every field, ${CSV_DIALECT_LABEL[other]}`}>
              {other === "excel-de" ? "Full CSV for German Excel (;)" : "Full CSV (comma-separated)"}
            </ButtonLink>
          </>
        }
      />
      <div className="space-y-6">
        {canEdit && (
          <div className="grid gap-6 lg:grid-cols-3">
            <Card title="Import a CSV" description="E2x rosters (Username or FB02UID), exam account lists, exam-sheet files and university exports. You see every change, and what is not kept, before anything is written." className="lg:col-span-2">
              <RosterImport termId={termId} courseCode={row.course.code} sampleHref={`${exportBase}/sample?variant=${dialect}`} preview={previewRosterAction as never} apply={applyRosterAction as never} rejected={rejectedRowsAction as never} />
            </Card>
            <Card title="Add a student">
              <AddStudentForm termId={termId} action={addStudentAction as never} />
            </Card>
          </div>
        )}
        <Card
          title={`${list.total.toLocaleString("en")} student${list.total === 1 ? "" : "s"}${sp.q ? ` matching “${sp.q}”` : ""}`}
          actions={
            <form role="search" action={base} className="flex items-center gap-2">
              <input type="hidden" name="sort" value={sort} />
              <input type="hidden" name="dir" value={dir} />
              <label htmlFor="q" className="sr-only">Search students</label>
              <div className="relative">
                <Search className="pointer-events-none absolute left-2.5 top-2.5 size-4 text-slate-500" aria-hidden />
                <input id="q" name="q" type="search" defaultValue={sp.q} placeholder="Name, username or matriculation no." className="w-72 rounded-md border-0 py-2 pl-8 pr-3 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500" />
              </div>
            </form>
          }
        >
          {list.total === 0 ? (
            sp.q ? (
              <EmptyState title="No match">Nobody on this roster matches “{sp.q}”. <Link className="text-brand-700 underline" href={base}>Clear the search</Link>.</EmptyState>
            ) : (
              <EmptyState title="The roster is empty">{canEdit ? "Import a CSV or add students one by one." : "An instructor has not imported students yet."}</EmptyState>
            )
          ) : (
            <>
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
            </>
          )}
        </Card>
      </div>
    </>
  );
}
