import { count } from "drizzle-orm";
import { writeAudit } from "@/lib/audit/audit";
import { generatePassword, hashPassword } from "@/lib/auth/password";
import { defaultMounts } from "@/lib/courses/schemas";
import { studentSearchKey } from "@/lib/rosters/search";
import type { Db } from "./client";
import { courses, students, termStaff, terms, users, type Hub, type Role, type TermRole } from "./schema";

export interface SeedAccount {
  username: string;
  role: Role;
  password: string;
}

const FIRST = ["Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hannes", "Ida", "Jonas", "Käthe", "Lukas", "Mia", "Noah", "Özlem", "Paul", "Quirin", "Rosa", "Sören", "Tilda", "Ulf", "Vera", "Wanda", "Yusuf", "Zoë"];
const LAST = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange"];

function asciiFold(s: string) {
  return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/ß/g, "ss").toLowerCase();
}

/** Deterministic demo students: E2x-style usernames (first letter, surname, number, "s"). */
export function demoStudents(n: number, offset = 0) {
  const out = [];
  for (let i = offset; i < offset + n; i++) {
    const firstName = FIRST[(i * 7) % FIRST.length];
    const lastName = LAST[(i * 11 + Math.floor(i / 25)) % LAST.length];
    const username = `${asciiFold(firstName)[0]}${asciiFold(lastName).slice(0, 5)}${2 + (i % 97)}s`.replace(/[^a-z0-9]/g, "") + (i >= 97 ? String(i) : "");
    const student = { username, firstName, lastName, matrikel: String(9_100_000 + i * 37) };
    out.push({ ...student, searchKey: studentSearchKey(student) });
  }
  return out;
}

/**
 * Fills an empty database: the first admin, one account of every role, a few courses
 * with terms and about 300 students. Returns the accounts with their one-time-shown
 * passwords, or null when the database already has accounts.
 */
export async function seedIfEmpty(db: Db, opts: { password?: string; demo?: boolean } = {}): Promise<SeedAccount[] | null> {
  const n = db.select({ n: count() }).from(users).get()?.n ?? 0;
  if (n > 0) return null;
  const plan: { username: string; displayName: string; role: Role }[] = [{ username: "admin", displayName: "Portal Admin", role: "admin" }];
  if (opts.demo !== false) {
    plan.push(
      { username: "irene", displayName: "Irene Instruktorin", role: "instructor" },
      { username: "gustav", displayName: "Gustav Grader", role: "grader" },
      { username: "susanne", displayName: "Susanne Aufsicht", role: "supervisor" },
    );
  }
  const accounts: SeedAccount[] = [];
  const hashes: string[] = [];
  for (const p of plan) {
    const password = opts.password ?? generatePassword(16);
    accounts.push({ username: p.username, role: p.role, password });
    hashes.push(await hashPassword(password));
  }
  db.transaction((tx) => {
    const system = { id: null, username: "system" };
    const ids = plan.map((p, i) => tx.insert(users).values({ ...p, source: "local", passwordHash: hashes[i], mustChangePassword: !opts.password }).returning({ id: users.id }).get().id);
    for (const p of plan) writeAudit(tx, system, { action: "user.create", entityType: "user", entityId: p.username, message: { key: "seedAccount", params: { role: p.role, username: p.username } } });
    if (opts.demo === false) return;
    const byName = Object.fromEntries(plan.map((p, i) => [p.username, ids[i]]));
    const demo: { code: string; title: string; description: string; terms: { term: string; hubs: Hub[]; students: number; offset: number; staff: [string, TermRole][]; mem: [string, string]; cpu: [string, string] }[] }[] = [
      {
        code: "mathe1",
        title: "Mathematik für Informatiker 1",
        description: "Linear algebra and analysis with Jupyter notebooks; weekly nbgrader assignments.",
        terms: [
          { term: "WS25", hubs: ["assignment", "grading"], students: 140, offset: 0, staff: [["irene", "instructor"], ["gustav", "grader"]], mem: ["1Gi", "2Gi"], cpu: ["500m", "1"] },
          { term: "SS26", hubs: ["assignment", "exam", "grading"], students: 60, offset: 140, staff: [["irene", "instructor"], ["susanne", "supervisor"], ["gustav", "grader"]], mem: ["2Gi", "2Gi"], cpu: ["1", "1"] },
        ],
      },
      {
        code: "datasci",
        title: "Data Science",
        description: "pandas, scikit-learn and a final exam in the pool rooms.",
        terms: [{ term: "WS25", hubs: ["assignment", "exam", "grading"], students: 70, offset: 60, staff: [["irene", "instructor"], ["susanne", "supervisor"]], mem: ["2Gi", "4Gi"], cpu: ["1", "2"] }],
      },
      {
        code: "progbio",
        title: "Programming in Biology",
        description: "Python for life scientists.",
        terms: [{ term: "WS25", hubs: ["assignment"], students: 30, offset: 200, staff: [], mem: ["512Mi", "1Gi"], cpu: ["250m", "500m"] }],
      },
    ];
    for (const c of demo) {
      const course = tx.insert(courses).values({ code: c.code, title: c.title, description: c.description }).returning({ id: courses.id }).get();
      for (const t of c.terms) {
        const term = tx
          .insert(terms)
          .values({
            courseId: course.id,
            term: t.term,
            hubs: t.hubs,
            image: "ghcr.io/digiklausur/e2xgrader-notebook:2025.1",
            cpuGuarantee: t.cpu[0],
            cpuLimit: t.cpu[1],
            memGuarantee: t.mem[0],
            memLimit: t.mem[1],
            mounts: defaultMounts(),
          })
          .returning({ id: terms.id })
          .get();
        for (const [username, role] of t.staff) tx.insert(termStaff).values({ termId: term.id, userId: byName[username], role }).run();
        // exam terms get disjoint students: an exam hub user sits one exam at a time
        const rows = demoStudents(t.students, t.offset).map((s) => ({ termId: term.id, ...s }));
        tx.insert(students).values(rows).run();
      }
    }
    writeAudit(tx, system, { action: "seed.demo", entityType: "portal", message: { key: "seedDemo" } });
  });
  return accounts;
}
