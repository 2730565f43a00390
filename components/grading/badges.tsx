import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/card";

type Tone = "slate" | "green" | "amber" | "red" | "blue" | "violet";

export const STATUS_TEXT: Record<string, { label: string; tone: Tone }> = {
  verified: { label: "verified", tone: "green" },
  mismatch: { label: "mismatch", tone: "red" },
  "missing-hashcode": { label: "no hashcode", tone: "amber" },
  "wrong-student": { label: "wrong student", tone: "red" },
  misfiled: { label: "misfiled", tone: "red" },
};

export const FLAG_TEXT: Record<string, { label: string; tone: Tone; hint: string }> = {
  late: { label: "late", tone: "amber", hint: "Submitted after the deadline" },
  "changed-since-first-scan": { label: "changed since first scan", tone: "red", hint: "The folder differs from what the portal saw the first time" },
  "several-submissions": { label: "several submissions", tone: "violet", hint: "The student submitted more than once" },
  "scan-problems": { label: "scan problems", tone: "slate", hint: "The scanner reported problems (see the submission)" },
  mismatch: { label: "mismatch", tone: "red", hint: "Hashcode or files differ from SHA1SUM.txt" },
  "missing-hashcode": { label: "no hashcode", tone: "amber", hint: "No info file or no hashcode in it" },
  verified: { label: "verified", tone: "green", hint: "Hashcode and files match" },
  "added-after-submission": { label: "added after submission", tone: "amber", hint: "Files the hashcode does not cover (checkpoints, .history, *.html)" },
  "wrong-student": { label: "wrong student", tone: "red", hint: "The info file names another student than the folder" },
  misfiled: { label: "misfiled", tone: "red", hint: "Filed under another student's inbound folder: counts for neither" },
};

export const FILE_STATUS_TONE: Record<string, Tone> = {
  ok: "green",
  excluded: "slate",
  changed: "red",
  missing: "red",
  "ignored-on-copy": "slate",
  extra: "amber",
  unreadable: "red",
  "not-verifiable": "amber",
  unlisted: "slate",
};

/** The label of a status in the page's language (the English table above is the fallback). */
export function useStatusLabel() {
  const t = useTranslations("grading");
  return (status: string) => (t.has(`status.${status}` as "status.verified") ? t(`status.${status}` as "status.verified") : (STATUS_TEXT[status]?.label ?? status));
}

export function useFlagText() {
  const t = useTranslations("grading");
  return (flag: string) => {
    const base = FLAG_TEXT[flag] ?? { label: flag, tone: "slate" as const, hint: flag };
    if (!t.has(`flag.${flag}` as "flag.late")) return base;
    return { ...base, label: t(`flag.${flag}` as "flag.late"), hint: t(`flag.${flag}Hint` as "flag.lateHint") };
  };
}

export function StatusBadge({ status }: { status: string }) {
  const label = useStatusLabel();
  const s = STATUS_TEXT[status] ?? { label: status, tone: "slate" as const };
  return <Badge tone={s.tone}>{label(status)}</Badge>;
}

/** The flags beyond the status itself. */
export function FlagBadges({ flags }: { flags: string[] }) {
  const text = useFlagText();
  const shown = flags.filter((f) => !(f in STATUS_TEXT));
  if (shown.length === 0) return null;
  return (
    <span className="inline-flex flex-wrap gap-1">
      {shown.map((f) => {
        const t = text(f);
        return (
          <span key={f} title={t.hint}>
            <Badge tone={t.tone}>{t.label}</Badge>
          </span>
        );
      })}
    </span>
  );
}
