/**
 * Demo exchange for a fresh portal: submissions of assignment `week1` of mathe1-WS25, written
 * with plain Node fs in the layout e2xgrader 0.3.6 produces in exam mode (SHA1SUM.txt,
 * `<user>_info.txt`, `<notebook>_hashcode.html`, `timestamp.txt`), so that the grading pages have
 * something to scan on first start. No Python needed.
 *
 * What the demo shows: most submissions verify; one was edited after submission (mismatch), one
 * has no info file (no hashcode), one is late, one student submitted twice.
 */
import fs from "node:fs";
import path from "node:path";
import { and, asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { assignments, courses, students, terms } from "@/lib/db/schema";
import { buildSha1sum, sha1Hex, truncateHashcode } from "@/lib/submissions/hash";
import { nbgraderCourseId } from "@/lib/courses/course-id";
import { exchangeRoot } from "./exchange";

export const DEMO_ASSIGNMENT = "week1";
/** 24 Oct 2025, 23:59 in Berlin. */
export const DEMO_DEADLINE = new Date("2025-10-24T21:59:00Z");

function notebook(student: string, answer: string): string {
  const cells = [
    { cell_type: "markdown", id: "intro", metadata: {}, source: ["# Week 1: vectors and matrices\n", "\n", "Answer every task in this notebook."] },
    { cell_type: "markdown", id: "task1", metadata: { nbgrader: { grade: false, grade_id: "task1", locked: true } }, source: ["**Task 1.** Compute the dot product of $u = (1, 2, 3)$ and $v = (4, 5, 6)$."] },
    { cell_type: "code", id: "answer1", execution_count: 1, metadata: { nbgrader: { grade: true, grade_id: "answer1", points: 2 } }, outputs: [], source: [`# ${student}\n`, answer] },
  ];
  return `${JSON.stringify({ cells, metadata: { kernelspec: { display_name: "Python 3", language: "python", name: "python3" } }, nbformat: 4, nbformat_minor: 5 }, null, 1)}\n`;
}

/** nbgrader's `%Y-%m-%d %H:%M:%S.%f %Z` in UTC. */
function nbTimestamp(d: Date, micros: number): string {
  return `${d.toISOString().slice(0, 19).replace("T", " ")}.${String(micros).padStart(6, "0")} UTC`;
}

function write(file: string, content: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

interface DemoSubmission {
  user: string;
  at: Date;
  answer: string;
  /** Edit the notebook after SHA1SUM.txt was written. */
  editedAfter?: boolean;
  noInfoFile?: boolean;
}

/** Writes one submission the way e2xgrader's E2xExchangeSubmit does in exam mode; returns its hashcode. */
export function writeDemoSubmission(courseDir: string, assignment: string, s: DemoSubmission, micros: number): { dir: string; hashcode: string } {
  const ts = nbTimestamp(s.at, micros);
  const dir = path.join(courseDir, "personalized-inbound", s.user, `${s.user}+${assignment}+${ts}`);
  const files: Record<string, string> = {
    [`${assignment}.ipynb`]: notebook(s.user, s.answer),
    "helpers.py": "import numpy as np\n\n\ndef dot(u, v):\n    return float(np.dot(u, v))\n",
    "data/vectors.csv": "u,v\n1,4\n2,5\n3,6\n",
  };
  for (const [rel, content] of Object.entries(files)) write(path.join(dir, rel), content);
  const sum = buildSha1sum(Object.entries(files).map(([p, c]) => ({ path: p, sha1: sha1Hex(c) })));
  write(path.join(dir, "SHA1SUM.txt"), sum);
  const hashcode = truncateHashcode(sha1Hex(sum));
  const hms = ts.slice(11, 19);
  if (!s.noInfoFile) write(path.join(dir, `${s.user}_info.txt`), `\nUsername: ${s.user}\nHashcode: ${hashcode}\nTimestamp: ${hms}\n`);
  write(
    path.join(dir, `${assignment}_hashcode.html`),
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${assignment}</title></head><body><h1>${assignment}</h1><p>Hashcode: ${hashcode.toUpperCase()}</p><p>Timestamp: ${ts.slice(0, 19)}</p></body></html>\n`,
  );
  write(path.join(dir, "timestamp.txt"), ts);
  if (s.editedAfter) fs.appendFileSync(path.join(dir, `${assignment}.ipynb`), "\n");
  return { dir, hashcode };
}

/** Writes the demo exchange of one course folder for these students (at most 12 used). */
export function writeDemoExchange(root: string, courseId: string, usernames: string[]): { courseDir: string; submissions: number } {
  const courseDir = path.join(root, courseId);
  write(path.join(courseDir, "outbound", DEMO_ASSIGNMENT, `${DEMO_ASSIGNMENT}.ipynb`), notebook("student", "# your answer here\n"));
  const base = Date.UTC(2025, 9, 20, 8, 0, 0);
  const list: DemoSubmission[] = usernames.slice(0, 12).map((user, i) => ({
    user,
    at: new Date(base + i * 7 * 3600_000 + i * 137_000),
    answer: i % 3 === 0 ? "u @ v  # 32\n" : i % 3 === 1 ? "sum(a * b for a, b in zip(u, v))\n" : "1*4 + 2*5 + 3*6\n",
    editedAfter: i === 3,
    noInfoFile: i === 5,
  }));
  if (list.length > 7) list[7].at = new Date(DEMO_DEADLINE.getTime() + 2 * 3600_000 + 41_000); // late
  if (list.length > 9) list.push({ user: list[9].user, at: new Date(list[9].at.getTime() + 5 * 3600_000), answer: "np.dot(u, v)  # second try\n" });
  list.forEach((s, i) => writeDemoSubmission(courseDir, DEMO_ASSIGNMENT, s, 100_000 + i * 4321));
  return { courseDir, submissions: list.length };
}

/**
 * On a freshly seeded demo database: writes the exchange of mathe1-WS25 (unless it exists) and
 * gives `week1` its deadline. Returns what was written, or null when there was nothing to do.
 */
export function seedDemoGrading(db: DbOrTx, root = exchangeRoot()): { courseDir: string; submissions: number } | null {
  const term = db
    .select({ id: terms.id, term: terms.term, code: courses.code })
    .from(terms)
    .innerJoin(courses, eq(courses.id, terms.courseId))
    .where(and(eq(courses.code, "mathe1"), eq(terms.term, "WS25")))
    .get();
  if (!term) return null;
  const courseId = nbgraderCourseId(term.code, term.term);
  db.insert(assignments).values({ termId: term.id, name: DEMO_ASSIGNMENT, title: "Week 1: vectors and matrices", deadline: DEMO_DEADLINE }).onConflictDoNothing().run();
  if (fs.existsSync(path.join(root, courseId))) return null;
  const usernames = db.select({ u: students.username }).from(students).where(eq(students.termId, term.id)).orderBy(asc(students.id)).limit(12).all().map((r) => r.u);
  if (usernames.length === 0) return null;
  return writeDemoExchange(root, courseId, usernames);
}
