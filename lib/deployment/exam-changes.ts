/**
 * What a push changes on the exam hub, in words: the password Secret's content as the hub has it
 * now against what the push writes (lib/render/exam.ts writes the format). Pure; hashes are only
 * compared, never shown.
 */

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

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function names(list: string[]): string {
  return list.length <= 4 ? list.join(", ") : `${list.slice(0, 3).join(", ")} and ${list.length - 3} more`;
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
  if (!before) out.push("The exam hub gets its password Secret for the first time.");
  for (const id of ids) {
    const was = a.get(id);
    const will = b.get(id);
    const label = `“${(will ?? was)!.exam.title}” (${(will ?? was)!.exam.period})`;
    if (!was && will) {
      const n = will.accounts.size;
      out.push(will.exam.accepting ? `${label}: on the hub with ${plural(n, "account")}, sign-in open.` : `${label}: staged on the hub with ${plural(n, "account")} (password hashes only); nobody can sign in yet.`);
      continue;
    }
    if (was && !will) {
      out.push(`${label}: removed from the exam hub${was.accounts.size ? `, with its ${plural(was.accounts.size, "account")}` : ""}.`);
      continue;
    }
    const lines: string[] = [];
    if (!was!.exam.accepting && will!.exam.accepting) lines.push(`sign-in opens for ${plural(will!.accounts.size, "account")}, each inside its window and from its room`);
    if (was!.exam.accepting && !will!.exam.accepting) lines.push(`sign-in stops (the exam is ${will!.exam.status})`);
    if (was!.exam.start !== will!.exam.start || was!.exam.end !== will!.exam.end) lines.push("the exam's times change");
    const rooms = (v: ExamView) => JSON.stringify(v.exam.rooms.map((r) => [r.name, [...r.cidrs].sort()]));
    if (rooms(was!) !== rooms(will!)) lines.push("room networks change");
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
    if (removed.length) lines.push(`${plural(removed.length, "password")} revoked${removed.length <= 4 ? ` (${names(removed)})` : ""}`);
    if (added.length) lines.push(`${plural(added.length, "account")} added${added.length <= 4 ? ` (${names(added)})` : ""}`);
    if (password.length) lines.push(`a new password for ${names(password)}: the old ${password.length === 1 ? "one stops" : "ones stop"} working`);
    if (window.length) lines.push(`a new end of sign-in for ${names(window)}`);
    if (room.length) lines.push(`another room for ${names(room)}`);
    if (unlocked.length) lines.push(`the sign-in lock of ${names(unlocked)} is lifted`);
    if (lines.length) out.push(`${label}: ${lines.join("; ")}.`);
    else if (id === focus) out.push(`${label}: the hub has this already.`);
  }
  return out;
}
