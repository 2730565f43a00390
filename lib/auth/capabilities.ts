import type { Role, TermRole } from "@/lib/db/schema";

/**
 * The one table that decides every permission in the portal.
 *
 * A capability is global (granted by the account's role), course-scoped (granted by the
 * account's role on a term of that course) or exam-scoped (granted to the supervisors of one
 * exam). Admins hold every capability everywhere.
 */
export const CAPABILITIES = {
  "dashboard.view": "See the dashboard",
  "course.create": "Create courses",
  "course.view": "See a course, its terms and staff",
  "course.edit": "Edit a course and its terms",
  "course.archive": "Archive and restore a course",
  "roster.view": "See and export a student roster",
  "roster.edit": "Import, add and remove students",
  "grading.view": "See submissions and their hashcodes",
  "grading.verify": "Scan exchanges and check hashcodes",
  "grading.deadline": "Set assignment deadlines (who counts as late)",
  "exam.view": "See exams, their rooms, participants and seating",
  "exam.manage": "Create and edit exams, rooms, participants and supervisors",
  "exam.seat": "Seat participants",
  "exam.print": "Print password sheets and re-issue passwords",
  "exam.run": "Open and close an exam",
  "staff.manage": "Manage staff accounts",
  "audit.view": "Read the audit log",
  "cluster.view": "See what the cluster gets",
  "cluster.push": "Push to the cluster",
} as const;

export type Capability = keyof typeof CAPABILITIES;

/** What a global role grants, independent of any course. */
export const GLOBAL_GRANTS: Record<Role, readonly Capability[]> = {
  admin: Object.keys(CAPABILITIES) as Capability[],
  instructor: ["dashboard.view", "course.create"],
  grader: ["dashboard.view"],
  supervisor: ["dashboard.view"],
};

/** What a role on a course term grants, for that course. */
export const TERM_GRANTS: Record<TermRole, readonly Capability[]> = {
  instructor: [
    "course.view",
    "course.edit",
    "course.archive",
    "roster.view",
    "roster.edit",
    "grading.view",
    "grading.verify",
    "grading.deadline",
    "exam.view",
    "exam.manage",
    "exam.seat",
    "exam.print",
    "exam.run",
  ],
  grader: ["course.view", "roster.view", "grading.view", "grading.verify"],
  /**
   * Nothing course-wide: a supervisor sees the exams they supervise (EXAM_GRANTS), not the
   * course or its rosters. The term role puts them on every new exam of that term.
   */
  supervisor: [],
};

/** What supervising one exam grants, for that exam only. */
export const EXAM_GRANTS: readonly Capability[] = ["exam.view", "exam.seat", "exam.print", "exam.run"];

export interface Principal {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  /** courseId -> roles the principal holds on any term of that course */
  courseRoles: Map<number, Set<TermRole>>;
  /** Exams the principal supervises. */
  supervisedExams?: ReadonlySet<number>;
  /** Where the account's password lives. */
  source?: "local" | "ldap";
  /** A generated password not yet replaced: nothing but the password change is allowed. */
  mustChangePassword?: boolean;
}

export interface Scope {
  courseId?: number;
  /** For exam capabilities: the exam (its course goes in courseId). */
  examId?: number;
}

export function can(principal: Principal, capability: Capability, scope: Scope = {}): boolean {
  if (GLOBAL_GRANTS[principal.role].includes(capability)) return true;
  if (scope.examId !== undefined && principal.supervisedExams?.has(scope.examId) && EXAM_GRANTS.includes(capability)) return true;
  if (scope.courseId === undefined) return false;
  const roles = principal.courseRoles.get(scope.courseId);
  if (!roles) return false;
  for (const r of roles) if (TERM_GRANTS[r].includes(capability)) return true;
  return false;
}

/** Courses on which the principal holds a capability; "all" for a global grant. */
export function coursesWith(principal: Principal, capability: Capability): "all" | number[] {
  if (GLOBAL_GRANTS[principal.role].includes(capability)) return "all";
  const ids: number[] = [];
  for (const [courseId, roles] of principal.courseRoles) {
    if ([...roles].some((r) => TERM_GRANTS[r].includes(capability))) ids.push(courseId);
  }
  return ids;
}
