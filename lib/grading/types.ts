/**
 * Shapes the grading pages send to the browser (client components import these; no Node or
 * database imports here).
 */
import type { ScanProblem } from "@/lib/submissions/scan";
import type { HashcodeSource, SubmissionStatus } from "@/lib/submissions/verify";

/** A scan's own notes the portal writes on it (`scanProblems.scanRun`), shown in the reader's language. */
export type ScanNoteKey = "interrupted" | "stopped";

/** What the progress endpoint and the overview show. */
export interface ScanView {
  id: number;
  termId: number;
  status: "queued" | "running" | "paused" | "completed" | "failed";
  exchangeRoot: string;
  courseId: string;
  assignmentName: string | null;
  submissionsTotal: number;
  submissionsDone: number;
  submissionsSkipped: number;
  filesHashed: number;
  bytesHashed: number;
  /** Submissions already stored, per the checkpoint (what a resume skips). */
  checkpointed: number;
  rootProblems: ScanProblem[];
  /** Why the scan stopped or failed, as stored (English). */
  error: string | null;
  /** When `error` is one of the portal's own notes: its catalogue key, for the reader's language. */
  errorKey: ScanNoteKey | null;
  active: boolean;
  resumable: boolean;
  createdAt: string;
  startedAt: string | null;
  updatedAt: string | null;
  finishedAt: string | null;
}

/** What a lookup answer carries per match, for the grader's screen. */
export interface LookupMatch {
  id: number;
  student: string | null;
  assignment: string | null;
  submittedAt: string | null;
  status: SubmissionStatus;
  matchedOn: HashcodeSource[];
  counts: boolean;
  code?: string;
}

export interface LookupAnswer {
  typed: string;
  normalized: string;
  answer: "verified" | "recorded-only" | "files-only" | "no-match" | "malformed";
  matches: LookupMatch[];
  nearMatches: LookupMatch[];
}

