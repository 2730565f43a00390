import { Archive, CalendarClock, Plus } from "lucide-react";
import Link from "next/link";
import { STATUS_TONE } from "@/components/exams/format";
import { getTranslations } from "next-intl/server";
import { getFmt } from "@/lib/i18n/server";
import { ButtonLink } from "@/components/ui/button";
import { Badge, EmptyState, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { coursesWith } from "@/lib/auth/capabilities";
import { requirePage } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { listExams } from "@/lib/exams/exams";

export async function generateMetadata() {
  return { title: (await getTranslations("exams"))("title") };
}

export default async function ExamsPage({ searchParams }: { searchParams: Promise<{ archived?: string }> }) {
  const principal = await requirePage("dashboard.view");
  const showArchived = (await searchParams).archived === "1";
  const list = listExams(getDb(), principal, { includeArchived: showArchived });
  const manages = coursesWith(principal, "exam.manage");
  const canCreate = manages === "all" || manages.length > 0;
  const t = await getTranslations();
  const f = await getFmt();
  return (
    <>
      <PageHeader
        title={t("exams.title")}
        description={canCreate ? t("exams.descManage") : t("exams.descSupervise")}
        actions={
          <>
            <ButtonLink variant="secondary" href={showArchived ? "/exams" : "/exams?archived=1"}>
              <Archive className="size-4" aria-hidden /> {showArchived ? t("exams.hideArchived") : t("exams.showArchived")}
            </ButtonLink>
            {canCreate && (
              <ButtonLink href="/exams/new">
                <Plus className="size-4" aria-hidden /> {t("exams.new")}
              </ButtonLink>
            )}
          </>
        }
      />
      {list.length === 0 ? (
        <EmptyState icon={<CalendarClock className="size-8" />} title={showArchived ? t("exams.none") : t("exams.noneUpcoming")} action={canCreate && <ButtonLink href="/exams/new">{t("exams.plan")}</ButtonLink>}>
          {canCreate ? t("exams.planHint") : t("exams.notAssigned")}
        </EmptyState>
      ) : (
        <Table>
          <thead>
            <tr>
              <Th>{t("exams.th.exam")}</Th>
              <Th className="hidden sm:table-cell">{t("exams.th.course")}</Th>
              <Th>{t("exams.th.when")}</Th>
              <Th className="hidden sm:table-cell">{t("exams.th.rooms")}</Th>
              <Th className="text-right">{t("exams.th.participants")}</Th>
              <Th className="hidden sm:table-cell">{t("exams.th.status")}</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.map((r) => (
              <tr key={r.exam.id} className="hover:bg-slate-50" data-testid="exam-row">
                <Td>
                  <Link href={`/exams/${r.exam.id}`} className="font-medium text-brand-700 hover:underline">
                    {r.exam.title}
                  </Link>
                  <div className="text-xs text-slate-600">
                    {r.exam.period}
                    {/* on a phone course, rooms and status are under the title, not in columns behind a sideways swipe */}
                    <span className="sm:hidden">
                      {" · "}
                      <span className="font-mono">{r.courseCode}</span> {r.term}
                      {r.rooms.length > 0 && ` · ${r.rooms.join(", ")}`}
                    </span>
                    <span className="ml-2 sm:hidden">
                      <Badge tone={STATUS_TONE[r.exam.status]}>{t(`examStatus.${r.exam.status}`)}</Badge>
                    </span>
                  </div>
                </Td>
                <Td className="hidden sm:table-cell">
                  <span className="font-mono">{r.courseCode}</span> {r.term}
                </Td>
                <Td className="tabular-nums">
                  {f.weekdayDate(r.exam.startsAt)}, {f.time(r.exam.startsAt)}–{f.time(r.exam.endsAt)}
                </Td>
                <Td className="hidden sm:table-cell">{r.rooms.length ? r.rooms.join(", ") : <span className="text-slate-600">{t("exams.noRooms")}</span>}</Td>
                <Td className="text-right tabular-nums">
                  {r.participants}
                  {r.backups ? <span className="text-slate-600">{t("exams.backup", { count: r.backups })}</span> : null}
                </Td>
                <Td className="hidden sm:table-cell">
                  <Badge tone={STATUS_TONE[r.exam.status]}>{t(`examStatus.${r.exam.status}`)}</Badge>
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
