/**
 * What rendering leaves out or warns about, as a catalogue key and its values (`portalWarnings.*`
 * in lib/i18n/messages), so the preview says it in the reader's language and by course code and
 * term rather than by the renderer's internal ids. The render cache keeps them for every
 * language, so they are words only when shown.
 */
import type { WarningView } from "./views";

/** `<course>+<role>+<course>-<term>[+<period>]` -> "course term (period)". */
function profileLabel(key: string): string {
  const [course, , courseId, period] = key.split("+");
  if (!course || !courseId) return key;
  const term = courseId.startsWith(`${course}-`) ? courseId.slice(course.length + 1) : courseId;
  return `${course} ${term}${period ? ` (${period})` : ""}`;
}

/**
 * lib/render's warnings (English sentences, kept for its own tests and the hub side) as keys.
 * Each pattern is one `warnings.push` in lib/render (exam.ts, profiles.ts); one that is not known
 * here is shown as it is.
 */
export function renderWarning(text: string): WarningView {
  let m = /^exam hub: (\S+) (\S+) (\S+): the course term is not offered on the exam hub; its (\d+) accounts get no profile$/.exec(text);
  if (m) return { key: "examNotOffered", params: { course: m[1], term: m[2], period: m[3], count: Number(m[4]) } };
  m = /^exam hub: (.+) is in (\d+) exam course terms \((.+)\); only (\S+) is offered$/.exec(text);
  if (m) return { key: "examTwice", params: { user: m[1], count: Number(m[2]), exams: m[3].split(", ").map(profileLabel).join(", "), first: profileLabel(m[4]) } };
  m = /^exam hub: the password Secret holds (\d+) bytes of its 1 MiB$/.exec(text);
  if (m) return { key: "examSecretLarge", params: { size: `${Math.round(Number(m[1]) / 1024)} KB` } };
  return { key: "other", params: { text } };
}

/** Whether a warning concerns the exam hub (the exam push dialogs show only those). */
export function isExamWarning(w: WarningView): boolean {
  return w.key.startsWith("exam") || (w.key === "other" && String(w.params.text).startsWith("exam hub:"));
}
