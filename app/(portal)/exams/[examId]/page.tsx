import { AlertTriangle, CheckCircle2 } from "lucide-react";
import Link from "next/link";
import { ExamForm } from "@/components/exams/exam-form";
import { ExamHeader } from "@/components/exams/exam-header";
import { dateInput, examTime } from "@/components/exams/format";
import { HubStep } from "@/components/exams/hub-step";
import { DeleteExamForm, LifecyclePanel, SupervisorsPanel, type StepView } from "@/components/exams/lifecycle-panel";
import { UnlockPanel } from "@/components/exams/unlock-panel";
import { Card, Stat } from "@/components/ui/card";
import { getDb } from "@/lib/db/client";
import { requireExamPage } from "@/lib/exams/exam-page";
import { examSnapshot, participantRows } from "@/lib/exams/exams";
import { canEdit, examHubData, readiness, TRANSITION_NAMES, TRANSITIONS, transitionEffects, transitionProblems } from "@/lib/exams/lifecycle";
import { portalTimeZone } from "@/lib/grading/time";
import { listStaff } from "@/lib/staff/staff";
import { getTranslations } from "next-intl/server";
import { getFmt, requestLocale } from "@/lib/i18n/server";
import { t as tr, withLocale } from "@/lib/i18n/t";
import { localChecks } from "@/lib/exam-day/preflight";
import { addSupervisorAction, deleteExamAction, planExamAction, previewExamStepAction, pushExamAction, removeSupervisorAction, runExamAction, unlockParticipantAction, updateExamAction } from "../actions";

export async function generateMetadata() {
  return { title: (await getTranslations("examPage"))("title") };
}

const AREA_HREF = { details: "", rooms: "/rooms", participants: "/participants", seating: "/seating", sheets: "/sheets", supervisors: "" } as const;

/**
 * Before opening: the pre-flight check's open points that need only the portal's data (seats,
 * sheets, backups, networks, supervisors). They do not block: the supervisor decides, seeing them.
 * The window's "start is past" is left out: opening after the start is what this step is for.
 */
function openAttention(db: ReturnType<typeof getDb>, d: Parameters<typeof localChecks>[1], examId: number): Pick<StepView, "attention"> {
  const open = localChecks(db, d).filter((i) => i.status === "no-go" && i.id !== "window");
  if (!open.length) return {};
  return { attention: { text: tr("examPage.openAttention", { count: open.length }), items: open.map((i) => `${i.title}: ${i.detail}`), href: `/exams/${examId}/preflight`, linkLabel: tr("examPage.openAttentionLink") } };
}

export default async function ExamPage({ params }: { params: Promise<{ examId: string }> }) {
  const { examId, detail: d, may } = await requireExamPage("exam.view", await params);
  const db = getDb();
  const snap = examSnapshot(db, examId)!;
  const locale = await requestLocale();
  const problems = withLocale(locale, () => readiness(snap));
  const hub = examHubData(snap);
  const manage = may("exam.manage");
  const t = await getTranslations("examPage");
  const fm = await getFmt();
  const steps: StepView[] = withLocale(locale, () => TRANSITION_NAMES.filter((n) => (TRANSITIONS[n].from as readonly string[]).includes(d.exam.status) && may(TRANSITIONS[n].capability)).map((n) => ({
    name: n,
    label: t(`steps.${n}`),
    kind: TRANSITIONS[n].capability === "exam.manage" ? "plan" : "run",
    tone: n === "close" ? "danger" : n === "unschedule" || n === "archive" ? "secondary" : "primary",
    problems: transitionProblems(snap, n).map((p) => p.message),
    effects: transitionEffects(snap, n),
    ...(n === "open" ? openAttention(db, d, examId) : {}),
  })));
  const accounts = manage ? listStaff(db).filter((u) => u.active).map((u) => ({ username: u.username, displayName: u.displayName })) : [];
  const s = d.stats;
  const base = `/exams/${examId}`;
  const onHub = hub !== null;
  const current = d.exam.hubRevision === d.exam.revision;
  const unlockable = may("exam.run") && canEdit(d.exam.status, "unlock") ? participantRows(db, examId).filter((p) => p.hasPassword) : [];
  // seats that can be used (blocked ones not counted), and how many of them nobody has yet
  const capacity = d.stats.capacity;
  return (
    <>
      <ExamHeader exam={d.exam} course={d.course} term={d.term} section="Overview" />
      <div className="mb-6 grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat label={t("participants")} value={s.students} hint={s.backups ? t("backups", { count: s.backups }) : t("noBackups")} />
        <Stat label={t("rooms")} value={d.rooms.filter((r) => r.seats > 0).length} hint={t("seatsFree", { capacity, free: Math.max(0, capacity - s.seated) })} />
        <Stat label={t("seated")} value={`${s.seated} / ${s.students + s.backups}`} hint={s.withExtra ? t("extra", { count: s.withExtra, max: s.maxExtra }) : t("noExtra")} />
        <Stat label={t("passwords")} value={`${s.withPassword} / ${s.students + s.backups}`} hint={t("version", { version: d.exam.passwordsVersion })} />
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Card title={t("lifecycle")} description={t("lifecycleHint")}>
            <LifecyclePanel examId={examId} revision={d.exam.revision} steps={steps} plan={planExamAction as never} run={runExamAction as never} preview={previewExamStepAction as never} />
          </Card>
          <Card title={t("details")}>
            {manage && canEdit(d.exam.status, "details") ? (
              <ExamForm
                action={updateExamAction as never}
                examId={examId}
                zone={portalTimeZone()}
                submitLabel={t("saveChanges")}
                lockStart={d.exam.status === "open"}
                initial={{
                  termId: String(d.term.id),
                  title: d.exam.title,
                  period: d.exam.period,
                  date: dateInput(d.exam.startsAt),
                  start: examTime(d.exam.startsAt),
                  end: examTime(d.exam.endsAt),
                  graceMinutes: String(d.exam.graceMinutes),
                  language: d.exam.language,
                  examiners: d.exam.examiners.join("\n"),
                  headerLines: d.exam.headerLines.join("\n"),
                }}
              />
            ) : (
              <dl className="grid grid-cols-1 gap-2 text-sm sm:grid-cols-[10rem_1fr]">
                <dt className="text-slate-600">{t("sheetLanguage")}</dt>
                <dd>{d.exam.language === "de" ? t("german") : t("english")}</dd>
                <dt className="text-slate-600">{t("examiners")}</dt>
                <dd>{d.exam.examiners.join(", ") || "—"}</dd>
                <dt className="text-slate-600">{t("headerLines")}</dt>
                <dd>{d.exam.headerLines.join(" · ") || "—"}</dd>
              </dl>
            )}
          </Card>
        </div>
        <div className="space-y-6">
          <Card title={t("checklist")}>
            {problems.length === 0 ? (
              <p className="flex items-center gap-2 text-sm text-emerald-700">
                <CheckCircle2 className="size-4" aria-hidden /> {t("ready")}
              </p>
            ) : (
              <ul className="space-y-2" data-testid="checklist">
                {problems.map((p) => (
                  <li key={p.message}>
                    <Link href={`${base}${AREA_HREF[p.area]}`} className="flex gap-2 text-sm text-slate-700 hover:text-brand-700">
                      <AlertTriangle className={`mt-0.5 size-4 shrink-0 ${p.warning ? "text-amber-500" : "text-red-500"}`} aria-hidden />
                      {p.message}
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <Card title={t("onHub")} description={t("onHubHint")}>
            {onHub && (
              <div className="mb-3 space-y-2" data-testid="hub-status">
                {current ? (
                  <p className="flex items-start gap-2 text-sm text-emerald-700">
                    <CheckCircle2 className="mt-0.5 size-4 shrink-0" aria-hidden /> {t("hubSince", { when: d.exam.hubPushedAt ? fm.dateTime(d.exam.hubPushedAt) : "—", push: d.exam.hubPushId ?? 0 })}
                  </p>
                ) : (
                  <p className="flex items-start gap-2 text-sm text-amber-800">
                    <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
                    {d.exam.hubRevision === null || !d.exam.hubPushedAt ? t("notOnHub") : t("changesNotOnHub", { when: fm.dateTime(d.exam.hubPushedAt) })}
                    {d.exam.status === "scheduled" ? t("openingPushes") : ""}
                  </p>
                )}
                {!current && may("exam.run") && (
                  <HubStep variant="secondary" title={t("pushTitle")} confirmLabel={t("pushConfirm")} fields={{ examId, step: "sync" }} preview={previewExamStepAction as never} apply={pushExamAction as never} testId="hub-sync">
                    {t("pushButton")}
                  </HubStep>
                )}
              </div>
            )}
            {hub ? (
              <dl className="grid grid-cols-[7rem_1fr] gap-2 text-sm" data-testid="hub-preview">
                <dt className="text-slate-600">{t("signIn")}</dt>
                <dd>{hub.accepting ? t("accepting") : t("refused")}</dd>
                <dt className="text-slate-600">{t("accounts")}</dt>
                <dd>{hub.accounts.length}{hub.withoutPassword ? t("withoutPassword", { count: hub.withoutPassword }) : ""}</dd>
                <dt className="text-slate-600">{t("networks")}</dt>
                <dd className="font-mono text-xs">{hub.networks.join(", ") || t("none")}</dd>
                <dt className="text-slate-600">{t("revision")}</dt>
                <dd>{t("revisionValue", { version: hub.passwordsVersion })}</dd>
              </dl>
            ) : (
              <p className="text-sm text-slate-600">{d.exam.status === "draft" ? t("nothingDraft") : t("nothingArchive")}</p>
            )}
          </Card>
          {unlockable.length > 0 && (
            <Card title={t("lockTitle")} description={t("lockHint")}>
              <UnlockPanel
                examId={examId}
                revision={d.exam.revision}
                participants={unlockable.map((p) => ({ id: p.id, label: `${p.kind === "backup" ? t("backupLabel") : [p.lastName, p.firstName].filter(Boolean).join(", ")} · ${p.username}${p.room ? ` · ${p.room} ${p.seat ?? ""}` : ""}` }))}
                preview={previewExamStepAction as never}
                apply={unlockParticipantAction as never}
              />
            </Card>
          )}
          <Card title={t("supervisors")}>
            <SupervisorsPanel examId={examId} supervisors={d.supervisors} accounts={accounts} canEdit={manage && canEdit(d.exam.status, "supervisors")} add={addSupervisorAction as never} remove={removeSupervisorAction as never} />
          </Card>
          {manage && d.exam.status === "draft" && (
            <Card title={t("deleteDraft")}>
              <DeleteExamForm examId={examId} action={deleteExamAction as never} />
            </Card>
          )}
        </div>
      </div>
    </>
  );
}
