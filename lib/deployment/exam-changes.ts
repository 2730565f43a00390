/**
 * What a push changes on the exam hub, in words: the password Secret's content as the hub has it
 * now against what the push writes (lib/render/exam.ts writes the format). Pure; hashes are only
 * compared, never shown. In the active language (lib/i18n/t).
 */

import { t } from "@/lib/i18n/t";

type AccountRow = [number, number, number, string, number];

export interface ExamsDoc {
  version: number;
  exams: { id: number; title: string; period: string; status: string; accepting: boolean; start: number; end: number; rooms: { name: string; cidrs: string[] }[] }[];
  accounts: Record<string, AccountRow>;
}

/** Parses `exams.json`; null when it is not the expected format. */
export function parseExamsDoc(text: string): ExamsDoc | null {
  try {
    const doc = JSON.parse(text) as ExamsDoc;
    if (doc?.version !== 1 || !Array.isArray(doc.exams) || typeof doc.accounts !== "object") return null;
    return doc;
  } catch {
    return null;
  }
}

function names(list: string[]): string {
  return list.length <= 4 ? list.join(", ") : t("hubChanges.names", { first: list.slice(0, 3).join(", "), count: list.length - 3 });
}

interface ExamView {
  exam: ExamsDoc["exams"][number];
  accounts: Map<string, { room: string; until: number; hash: string; unlocks: number }>;
}

function byExam(doc: ExamsDoc | null): Map<number, ExamView> {
  const out = new Map<number, ExamView>();
  if (!doc) return out;
  doc.exams.forEach((exam) => out.set(exam.id, { exam, accounts: new Map() }));
  for (const [username, [ei, ri, until, hash, unlocks]] of Object.entries(doc.accounts)) {
    const exam = doc.exams[ei];
    if (!exam) continue;
    out.get(exam.id)!.accounts.set(username, { room: exam.rooms[ri]?.name ?? "?", until, hash, unlocks });
  }
  return out;
}

/**
 * The changes per exam, the exams of `focus` first (the exam whose page asks); exams the push
 * leaves as they are get one line only when they are the focus.
 */
export function examHubChanges(before: ExamsDoc | null, after: ExamsDoc, focus?: number): string[] {
  const a = byExam(before);
  const b = byExam(after);
  const ids = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => (x === focus ? -1 : y === focus ? 1 : x - y));
  const out: string[] = [];
  if (!before) out.push(t("hubChanges.firstSecret"));
  for (const id of ids) {
    const was = a.get(id);
    const will = b.get(id);
    const label = t("hubChanges.label", { title: (will ?? was)!.exam.title, period: (will ?? was)!.exam.period });
    if (!was && will) {
      const n = will.accounts.size;
      out.push(will.exam.accepting ? t("hubChanges.onHubOpen", { label, count: n }) : t("hubChanges.staged", { label, count: n }));
      continue;
    }
    if (was && !will) {
      out.push(was.accounts.size ? t("hubChanges.removedWith", { label, count: was.accounts.size }) : t("hubChanges.removed", { label }));
      continue;
    }
    const lines: string[] = [];
    if (!was!.exam.accepting && will!.exam.accepting) lines.push(t("hubChanges.opens", { count: will!.accounts.size }));
    if (was!.exam.accepting && !will!.exam.accepting) lines.push(t("hubChanges.stops", { status: t.has(`examStatus.${will!.exam.status}` as "examStatus.open") ? t(`examStatus.${will!.exam.status}` as "examStatus.open") : will!.exam.status }));
    if (was!.exam.start !== will!.exam.start || was!.exam.end !== will!.exam.end) lines.push(t("hubChanges.times"));
    const rooms = (v: ExamView) => JSON.stringify(v.exam.rooms.map((r) => [r.name, [...r.cidrs].sort()]));
    if (rooms(was!) !== rooms(will!)) lines.push(t("hubChanges.networks"));
    const added: string[] = [];
    const removed: string[] = [];
    const password: string[] = [];
    const window: string[] = [];
    const room: string[] = [];
    const unlocked: string[] = [];
    for (const [u, x] of will!.accounts) {
      const y = was!.accounts.get(u);
      if (!y) added.push(u);
      else {
        if (y.hash !== x.hash) password.push(u);
        if (y.until !== x.until) window.push(u);
        if (y.room !== x.room) room.push(u);
        if (x.unlocks > y.unlocks) unlocked.push(u);
      }
    }
    for (const u of was!.accounts.keys()) if (!will!.accounts.has(u)) removed.push(u);
    if (removed.length) lines.push(`${t("hubChanges.revoked", { count: removed.length })}${removed.length <= 4 ? ` (${names(removed)})` : ""}`);
    if (added.length) lines.push(`${t("hubChanges.added", { count: added.length })}${added.length <= 4 ? ` (${names(added)})` : ""}`);
    if (password.length) lines.push(t("hubChanges.newPassword", { names: names(password), count: password.length }));
    if (window.length) lines.push(t("hubChanges.newEnd", { names: names(window) }));
    if (room.length) lines.push(t("hubChanges.newRoom", { names: names(room) }));
    if (unlocked.length) lines.push(t("hubChanges.unlocked", { names: names(unlocked) }));
    if (lines.length) out.push(`${label}: ${lines.join("; ")}.`);
    else if (id === focus) out.push(t("hubChanges.hasIt", { label }));
  }
  return out;
}
