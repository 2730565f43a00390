import Link from "next/link";
import { Search, UserRound } from "lucide-react";
import { getTranslations } from "next-intl/server";
import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/card";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePageCourses } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { searchStudents } from "@/lib/students/students";

export async function generateMetadata() {
  return { title: (await getTranslations("students.results"))("title") };
}

export default async function StudentSearchPage({ searchParams }: { searchParams: Promise<{ q?: string; page?: string }> }) {
  const { courses } = await requirePageCourses("roster.view");
  const sp = await searchParams;
  const q = (typeof sp.q === "string" ? sp.q : "").trim().slice(0, 200);
  const list = searchStudents(getDb(), courses, q, { page: Number(sp.page) || 1 });
  const t = await getTranslations("students");
  const href = (page: number) => `/students?${new URLSearchParams({ q, page: String(page) })}`;
  return (
    <>
      <PageHeader title={t("results.title")} description={t("results.description")} />
      {!q ? (
        <EmptyState icon={<Search className="size-8" aria-hidden />} title={t("results.promptTitle")}>
          {t("results.promptBody")}
        </EmptyState>
      ) : list.total === 0 ? (
        <EmptyState icon={<UserRound className="size-8" aria-hidden />} title={t("results.noneTitle")}>
          {t("results.noneBody", { q })}
        </EmptyState>
      ) : (
        <Card title={<span aria-live="polite">{t("results.count", { count: list.total, q })}</span>}>
          <Table>
            <thead>
              <tr>
                <Th>{t("results.th.username")}</Th>
                <Th className="hidden sm:table-cell">{t("results.th.name")}</Th>
                <Th className="hidden sm:table-cell">{t("results.th.matrikel")}</Th>
                <Th className="hidden sm:table-cell">{t("results.th.terms")}</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {list.rows.map((r) => {
                const termBadges = (
                  <span className="flex flex-wrap gap-1">
                    {r.terms.map((x) => (
                      <Badge key={x.termId} tone={x.archived ? "slate" : "blue"}>
                        <span translate="no">
                          {x.code} {x.term}
                        </span>
                        {x.archived && <span className="ml-1">({t("results.archived")})</span>}
                      </Badge>
                    ))}
                  </span>
                );
                return (
                  <tr key={r.username} className="hover:bg-slate-50">
                    <Td>
                      <Link href={`/students/${encodeURIComponent(r.username)}`} className="font-mono text-brand-700 underline-offset-2 hover:underline" translate="no">
                        {r.username}
                      </Link>
                      {/* on a phone the other columns fold in here */}
                      <div className="mt-1 space-y-1 text-sm sm:hidden">
                        <div>
                          {r.name ?? "—"}
                          {r.matrikel && <span className="ml-2 tabular-nums text-slate-600">{r.matrikel}</span>}
                        </div>
                        {termBadges}
                      </div>
                    </Td>
                    <Td className="hidden sm:table-cell">{r.name ?? <span className="text-slate-500">—</span>}</Td>
                    <Td className="hidden tabular-nums sm:table-cell">{r.matrikel ?? <span className="text-slate-500">—</span>}</Td>
                    <Td className="hidden sm:table-cell">{termBadges}</Td>
                  </tr>
                );
              })}
            </tbody>
          </Table>
          <Pagination page={list.page} pages={list.pages} total={list.total} label="students" href={href} />
        </Card>
      )}
    </>
  );
}
