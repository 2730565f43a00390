import { Archive, BookOpen, Plus } from "lucide-react";
import Link from "next/link";
import { ButtonLink } from "@/components/ui/button";
import { Badge, EmptyState, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { can } from "@/lib/auth/capabilities";
import { requirePage } from "@/lib/auth/guard";
import { listCourses } from "@/lib/courses/courses";
import { getDb } from "@/lib/db/client";

export const metadata = { title: "Courses" };

export default async function CoursesPage({ searchParams }: { searchParams: Promise<{ archived?: string }> }) {
  const principal = await requirePage("dashboard.view");
  const { archived } = await searchParams;
  const showArchived = archived === "1";
  const list = listCourses(getDb(), principal, { includeArchived: showArchived });
  const canCreate = can(principal, "course.create");
  return (
    <>
      <PageHeader
        title="Courses"
        description="Each course has terms; a term decides the image, resources, mounts and hubs its students get."
        actions={
          <>
            <ButtonLink variant="secondary" href={showArchived ? "/courses" : "/courses?archived=1"}>
              <Archive className="size-4" aria-hidden /> {showArchived ? "Hide archived" : "Show archived"}
            </ButtonLink>
            {canCreate && (
              <ButtonLink href="/courses/new">
                <Plus className="size-4" aria-hidden /> New course
              </ButtonLink>
            )}
          </>
        }
      />
      {list.length === 0 ? (
        <EmptyState icon={<BookOpen className="size-8" />} title="No courses" action={canCreate && <ButtonLink href="/courses/new">Create the first course</ButtonLink>}>
          {canCreate ? "Courses you create appear here." : "You are not staff on any course yet."}
        </EmptyState>
      ) : (
        <Table>
          <thead>
            <tr>
              <Th>Code</Th>
              <Th>Title</Th>
              <Th>Terms</Th>
              <Th className="text-right">Students</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.map((c) => (
              <tr key={c.id} className="hover:bg-slate-50">
                <Td className="font-mono font-medium">
                  <Link href={`/courses/${c.id}`} className="text-brand-700 hover:underline">
                    {c.code}
                  </Link>
                  {c.archivedAt && <span className="ml-2"><Badge>archived</Badge></span>}
                </Td>
                <Td>{c.title}</Td>
                <Td>
                  <div className="flex flex-wrap gap-1">
                    {c.terms.length === 0 ? <span className="text-slate-500">none</span> : c.terms.map((t) => <Badge key={t.id} tone={t.archivedAt ? "slate" : "blue"}>{t.term}</Badge>)}
                  </div>
                </Td>
                <Td className="text-right tabular-nums">{c.terms.reduce((n, t) => n + t.students, 0)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
