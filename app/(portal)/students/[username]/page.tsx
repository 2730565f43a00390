import Link from "next/link";
import { notFound } from "next/navigation";
import { FolderOpen } from "lucide-react";
import { getTranslations } from "next-intl/server";
import { FlagBadges, StatusBadge } from "@/components/grading/badges";
import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { can } from "@/lib/auth/capabilities";
import { requirePageCourses } from "@/lib/auth/guard";
import { nbgraderCourseId } from "@/lib/courses/course-id";
import { getDb } from "@/lib/db/client";
import { studentProfiles } from "@/lib/deployment/student-profiles";
import { getFmt } from "@/lib/i18n/server";
import type { ProfileEntry } from "@/lib/render";
import { getStudentPerson, studentSubmissions } from "@/lib/students/students";

type Params = { params: Promise<{ username: string }> };

export async function generateMetadata({ params }: Params) {
  const { username } = await params;
  return { title: (await getTranslations("students.person"))("title", { username: decodeURIComponent(username) }) };
}

/** Entries of one login's list grouped as the hub shows them: one profile per slug, its terms as choices. */
function bySlug(entries: readonly ProfileEntry[]): { slug: string; entries: ProfileEntry[] }[] {
  const out: { slug: string; entries: ProfileEntry[] }[] = [];
  for (const e of entries) {
    const g = out.find((x) => x.slug === e.slug);
    if (g) g.entries.push(e);
    else out.push({ slug: e.slug, entries: [e] });
  }
  return out;
}

export default async function StudentPage({ params }: Params) {
  const { principal, courses } = await requirePageCourses("roster.view");
  const username = decodeURIComponent((await params).username);
  const db = getDb();
  const person = getStudentPerson(db, courses, username);
  if (!person) notFound();
  const t = await getTranslations();
  const f = await getFmt();

  // what each hub offers: the renderer's own lists; entries of courses the reader cannot see are only counted
  const visible = new Set(person.terms.map((x) => nbgraderCourseId(x.code, x.term)));
  let built: ReturnType<typeof studentProfiles> | null;
  try {
    built = studentProfiles(db, person.username);
  } catch {
    // a model the renderer refuses: the push would refuse it too, and the cluster page says why
    built = null;
  }
  const shownLists = (built ?? []).map((l) => ({ ...l, shown: l.entries.filter((e) => visible.has(e.course_id)), hidden: l.entries.filter((e) => !visible.has(e.course_id)).length }));

  const gradable = person.terms.filter((x) => can(principal, "grading.view", { courseId: x.courseId }));
  const subs = studentSubmissions(db, person, gradable.map((x) => x.termId));
  const roleName = (role: string) => (role === "student" ? t("students.person.roles.student") : t(`roles.${role as "grader"}`));

  return (
    <>
      <PageHeader
        breadcrumbs={<Link href="/students" className="hover:underline">{t("students.person.breadcrumb")}</Link>}
        title={person.name ?? <span translate="no">{person.username}</span>}
        description={
          <span className="flex flex-wrap gap-x-4 gap-y-1">
            <span>
              {t("students.person.username")}: <span className="font-mono text-slate-900" translate="no" data-testid="student-username">{person.username}</span>
            </span>
            {person.matrikel && (
              <span>
                {t("students.person.matrikel")}: <span className="tabular-nums text-slate-900">{person.matrikel}</span>
              </span>
            )}
            {person.universityId && person.universityId !== person.username && (
              <span>
                {t("students.person.universityId")}: <span className="font-mono text-slate-900" translate="no">{person.universityId}</span>
              </span>
            )}
          </span>
        }
      />
      <div className="space-y-6">
        <Card title={t("students.person.termsTitle")} description={t("students.person.termsHint")}>
          <Table>
            <thead>
              <tr>
                <Th>{t("students.person.th.course")}</Th>
                <Th className="hidden sm:table-cell">{t("students.person.th.term")}</Th>
                <Th className="hidden sm:table-cell">{t("students.person.th.roles")}</Th>
                <Th className="hidden sm:table-cell">{t("students.person.th.hubs")}</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {person.terms.map((x) => {
                const termLink = (
                  <>
                    <Link href={`/courses/${x.courseId}/terms/${x.termId}/roster?q=${encodeURIComponent(person.username)}`} className="text-brand-700 hover:underline">
                      {x.term}
                    </Link>
                    {x.archived && (
                      <span className="ml-2">
                        <Badge>{t("students.person.archived")}</Badge>
                      </span>
                    )}
                  </>
                );
                const roles = (
                  <>
                    <ul className="flex flex-wrap gap-1">
                      <li>
                        <Badge tone="blue">{t("students.person.roles.student")}</Badge>
                      </li>
                      {x.backup && (
                        <li>
                          <Badge tone="amber">{t("students.person.roles.backup")}</Badge>
                        </li>
                      )}
                      {x.exams.map((e) => (
                        <li key={e.examId}>
                          <Link href={`/exams/${e.examId}`} className="hover:underline">
                            <Badge tone="violet">
                              {t(e.kind === "backup" ? "students.person.roles.participantBackup" : "students.person.roles.participant", { title: e.title, period: e.period })} · {t(`examStatus.${e.status as "open"}`)}
                            </Badge>
                          </Link>
                        </li>
                      ))}
                    </ul>
                    {(x.room || x.seat) && <div className="mt-1 text-xs text-slate-600">{[x.room && t("students.person.roles.room", { room: x.room }), x.seat && t("students.person.roles.seat", { seat: x.seat })].filter(Boolean).join(" · ")}</div>}
                  </>
                );
                const hubs = x.hubs.length ? f.list(x.hubs.map((h) => t(`hubs.${h}`))) : <span className="text-slate-600">{t("students.person.noHubs")}</span>;
                return (
                  <tr key={x.termId}>
                    <Td>
                      <Link href={`/courses/${x.courseId}`} className="font-medium text-brand-700 hover:underline" translate="no">
                        {x.code}
                      </Link>
                      <span className="ml-2 sm:hidden">{termLink}</span>
                      <div className="text-xs text-slate-600">{x.title}</div>
                      {/* on a phone the other columns fold in here */}
                      <div className="mt-2 space-y-1 sm:hidden">
                        {roles}
                        <div className="text-sm">{hubs}</div>
                      </div>
                    </Td>
                    <Td className="hidden whitespace-nowrap sm:table-cell">{termLink}</Td>
                    <Td className="hidden sm:table-cell">{roles}</Td>
                    <Td className="hidden sm:table-cell">{hubs}</Td>
                  </tr>
                );
              })}
            </tbody>
          </Table>
        </Card>

        <Card title={t("students.person.profilesTitle")} description={t("students.person.profilesHint")}>
          {built === null ? (
            <EmptyState title={t("students.person.profilesErrorTitle")}>{t("students.person.profilesErrorBody")}</EmptyState>
          ) : shownLists.length === 0 ? (
            <EmptyState title={t("students.person.noProfiles")}>{t("students.person.noProfilesBody")}</EmptyState>
          ) : (
            <div className="grid gap-4 lg:grid-cols-2">
              {shownLists.map((l) => (
                <section key={`${l.hub}:${l.login}`} className="min-w-0 rounded-lg border border-slate-200" data-testid={`hub-profiles-${l.hub}`} aria-labelledby={`hub-${l.hub}-${l.login}`}>
                  <header className="flex flex-wrap items-baseline justify-between gap-2 border-b border-slate-100 bg-slate-50 px-4 py-2.5">
                    <h3 id={`hub-${l.hub}-${l.login}`} className="text-sm font-semibold text-slate-900 first-letter:uppercase">{t(`hubs.${l.hub}`)}</h3>
                    <span className="text-xs text-slate-600">
                      {t.rich("students.person.login", {
                        login: l.login,
                        m: (c) => (
                          <span className="font-mono text-slate-900" translate="no">
                            {c}
                          </span>
                        ),
                      })}{" "}
                      · {t("students.person.profileCount", { count: l.entries.length })}
                    </span>
                  </header>
                  <ol className="divide-y divide-slate-100" data-testid="profile-list">
                    {bySlug(l.shown).map((g) => (
                      <li key={g.slug} className="px-4 py-3">
                        <div className="flex flex-wrap items-baseline gap-2">
                          <span className="font-medium text-slate-900" data-testid="profile-name">{g.entries[0].display_name}</span>
                          <span className="font-mono text-xs text-slate-600" translate="no">{g.slug}</span>
                          <span className="text-xs text-slate-600">{t("students.person.role", { role: roleName(g.entries[0].role) })}</span>
                        </div>
                        <ul className="mt-2 space-y-2">
                          {g.entries.map((e, i) => (
                            <li key={e.key} className="rounded-md bg-slate-50 px-3 py-2 text-sm" data-testid="profile-choice" data-key={e.key}>
                              <div className="flex flex-wrap items-center gap-2">
                                <span className="font-medium text-slate-900">{e.choice_display_name}</span>
                                {i === 0 && <Badge tone="green">{t("students.person.default")}</Badge>}
                              </div>
                              <dl className="mt-1 grid grid-cols-1 gap-x-3 gap-y-0.5 text-xs text-slate-700 sm:grid-cols-[auto_minmax(0,1fr)]">
                                <dt className="mt-1 text-slate-600 sm:mt-0">{t("students.person.image")}</dt>
                                <dd className="font-mono [overflow-wrap:anywhere]" translate="no">{e.choice_override.image}</dd>
                                <dt className="mt-1 text-slate-600 sm:mt-0">{t("students.person.cpu")}</dt>
                                <dd>{t("courses.cpuRange", { g: f.cores(String(e.choice_override.cpu_guarantee)), l: f.cores(String(e.choice_override.cpu_limit)) })}</dd>
                                <dt className="mt-1 text-slate-600 sm:mt-0">{t("students.person.memory")}</dt>
                                <dd>{t("courses.memRange", { g: f.memory(String(e.choice_override.mem_guarantee)), l: f.memory(String(e.choice_override.mem_limit)) })}</dd>
                                <dt className="mt-1 text-slate-600 sm:mt-0">{t("students.person.folders")}</dt>
                                <dd>
                                  <ul>
                                    {Object.entries(e.choice_override.volume_mounts ?? {}).map(([k, m]) => (
                                      <li key={k} className="font-mono [overflow-wrap:anywhere]" translate="no">
                                        {m.mountPath.replaceAll("{username}", l.login)}
                                        {m.readOnly && <span className="ml-1 font-sans text-slate-600">({t("students.person.readOnly")})</span>}
                                      </li>
                                    ))}
                                  </ul>
                                </dd>
                              </dl>
                            </li>
                          ))}
                        </ul>
                      </li>
                    ))}
                  </ol>
                  {l.hidden > 0 && <p className="border-t border-slate-100 px-4 py-2 text-xs text-slate-600">{t("students.person.hidden", { count: l.hidden })}</p>}
                </section>
              ))}
            </div>
          )}
        </Card>

        {gradable.length > 0 && (
          <Card title={t("students.person.submissionsTitle")} description={t("students.person.submissionsHint")}>
            {subs.length === 0 ? (
              <EmptyState icon={<FolderOpen className="size-8" aria-hidden />} title={t("students.person.noSubmissions")}>
                {t("students.person.noSubmissionsBody")}
              </EmptyState>
            ) : (
              <Table data-testid="student-submissions">
                <thead>
                  <tr>
                    <Th className="hidden sm:table-cell">{t("students.person.sth.course")}</Th>
                    <Th>{t("students.person.sth.assignment")}</Th>
                    <Th className="hidden sm:table-cell">{t("students.person.sth.submitted")}</Th>
                    <Th className="hidden sm:table-cell">{t("students.person.sth.status")}</Th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {subs.map((s) => {
                    const status = (
                      <span className="flex flex-wrap items-center gap-1">
                        <StatusBadge status={s.status} />
                        <FlagBadges flags={s.flags} />
                        {!s.counts && <Badge>{t("students.person.notCounted")}</Badge>}
                        {s.gone && <Badge>{t("students.person.gone")}</Badge>}
                      </span>
                    );
                    return (
                      <tr key={s.id}>
                        <Td className="hidden whitespace-nowrap sm:table-cell" translate="no">
                          {s.code} {s.term}
                        </Td>
                        <Td>
                          <Link href={`/courses/${s.courseId}/terms/${s.termId}/grading/submissions/${s.id}`} className="font-mono text-brand-700 hover:underline" aria-label={t("students.person.open", { assignment: s.assignment ?? "—" })}>
                            {s.assignment ?? "—"}
                          </Link>
                          {/* on a phone the other columns fold in here */}
                          <div className="mt-1 space-y-1 text-sm sm:hidden">
                            <div className="text-slate-600">
                              <span translate="no">
                                {s.code} {s.term}
                              </span>{" "}
                              · <span className="tabular-nums">{f.dateTime(s.submittedAt)}</span>
                            </div>
                            {status}
                          </div>
                        </Td>
                        <Td className="hidden whitespace-nowrap tabular-nums sm:table-cell">{f.dateTime(s.submittedAt)}</Td>
                        <Td className="hidden sm:table-cell">{status}</Td>
                      </tr>
                    );
                  })}
                </tbody>
              </Table>
            )}
          </Card>
        )}
      </div>
    </>
  );
}
