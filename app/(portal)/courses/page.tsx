import { Archive, BookOpen, Plus } from "lucide-react";
import Link from "next/link";
import { ButtonLink } from "@/components/ui/button";
import { Badge, EmptyState, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { can } from "@/lib/auth/capabilities";
import { requirePage } from "@/lib/auth/guard";
import { listCourses } from "@/lib/courses/courses";
import { getDb } from "@/lib/db/client";
import { getTranslations } from "next-intl/server";
import { getFmt } from "@/lib/i18n/server";

export async function generateMetadata() {
  return { title: (await getTranslations("courses"))("title") };
}

export default async function CoursesPage({ searchParams }: { searchParams: Promise<{ archived?: string }> }) {
  const principal = await requirePage("dashboard.view");
  const { archived } = await searchParams;
  const showArchived = archived === "1";
  const list = listCourses(getDb(), principal, { includeArchived: showArchived });
  const canCreate = can(principal, "course.create");
  const t = await getTranslations("courses");
  const f = await getFmt();
  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          <>
            <ButtonLink variant="secondary" href={showArchived ? "/courses" : "/courses?archived=1"}>
              <Archive className="size-4" aria-hidden /> {showArchived ? t("hideArchived") : t("showArchived")}
            </ButtonLink>
            {canCreate && (
              <ButtonLink href="/courses/new">
                <Plus className="size-4" aria-hidden /> {t("newCourse")}
              </ButtonLink>
            )}
          </>
        }
      />
      {list.length === 0 ? (
        <EmptyState icon={<BookOpen className="size-8" />} title={t("none")} action={canCreate && <ButtonLink href="/courses/new">{t("createFirst")}</ButtonLink>}>
          {canCreate ? t("noneCreate") : t("noneStaff")}
        </EmptyState>
      ) : (
        <Table>
          <thead>
            <tr>
              <Th>{t("code")}</Th>
              <Th>{t("courseTitle")}</Th>
              <Th>{t("terms")}</Th>
              <Th className="text-right">{t("students")}</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.map((c) => (
              <tr key={c.id} className="hover:bg-slate-50">
                <Td className="font-mono font-medium">
                  <Link href={`/courses/${c.id}`} className="text-brand-700 hover:underline">
                    {c.code}
                  </Link>
                  {c.archivedAt && <span className="ml-2"><Badge>{t("archived")}</Badge></span>}
                </Td>
                <Td>{c.title}</Td>
                <Td>
                  <div className="flex flex-wrap gap-1">
                    {c.terms.length === 0 ? <span className="text-slate-600">{t("noneShort")}</span> : c.terms.map((term) => <Badge key={term.id} tone={term.archivedAt ? "slate" : "blue"}>{term.term}</Badge>)}
                  </div>
                </Td>
                <Td className="text-right tabular-nums">{f.number(c.terms.reduce((n, term) => n + term.students, 0))}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
