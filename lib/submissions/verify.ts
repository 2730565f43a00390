/**
 * Verification of scanned submissions: pure functions, no I/O.
 *
 * A submission carries any number of flags:
 *   verified                  the recorded hashcode matches and every file still matches SHA1SUM.txt
 *                             (notebook mode: the notebook still hashes to the recorded code)
 *   mismatch                  names the reasons and the files that differ from SHA1SUM.txt
 *   missing-hashcode          no `<user>_info.txt`, no Hashcode line, or not a hashcode
 *   changed-since-first-scan  the folder's fingerprint differs from the portal's first scan
 *   late                      submitted after the assignment's deadline
 *   several-submissions       the student submitted the assignment more than once; names the one
 *                             that counts: the latest at or before the deadline, else the latest
 *                             (e2xgrader's `before_duedate` collect rule)
 *   scan-problems             what the scanner reported (vanished files, symlinks, bad names ...)
 *   wrong-student             the info file (its name `<user>_info.txt` or its Username line) names
 *                             someone else than the student the folder belongs to
 *   misfiled                  filed under another student's `personalized-inbound/<user>/`: counts for
 *                             neither of them (e2xgrader's collector skips it too)
 *   added-after-submission    files in the submission that e2xgrader's hash leaves out (besides the
 *                             ones e2xgrader writes itself): `.ipynb_checkpoints` are never copied by
 *                             nbgrader's submit, so they were put there later; `*.html`, `.history`
 *                             and other excluded paths are copied but not covered by the hashcode
 *
 * Exports:
 *   verifySubmission(sub, opts?): SubmissionVerdict
 *   verifyAll(subs, opts?): { submissions: SubmissionVerdict[]; groups: GroupVerdict[] }
 *   diffAgainstSha1sum(sub): FileDiff[]
 *   buildHashcodeIndex(subs): HashcodeIndex
 *   lookupHashcode(typed, subsOrIndex, opts?): HashcodeLookup
 *   toDeadlineMicros(deadline): number | null
 */
import { sameUsername } from "../identity/username";
import { compareCodePoints, INFO_FILE_SUFFIX, isIgnoredByNbgraderCopy, SHA1SUM_FILE, TIMESTAMP_FILE } from "./hash";
import { hashcodesEqual, isHashcodeShaped, normalizeHashcode } from "./hashcode";
import type { HashMode, ScanProblem, ScannedSubmission } from "./scan";

/** The fields verification reads: a `ScannedSubmission` or a row rebuilt from the database. */
export type VerifiableSubmission = Pick<
  ScannedSubmission,
  | "key"
  | "student"
  | "assignment"
  | "submittedAt"
  | "recordedHashcode"
  | "mode"
  | "sha1sum"
  | "notebook"
  | "files"
  | "fingerprint"
  | "firstSeenFingerprint"
  | "problems"
> &
  Partial<Pick<ScannedSubmission, "personalizedUser" | "info">>;

export type FileDiffStatus = "changed" | "missing" | "extra" | "unreadable" | "not-verifiable";

export interface FileDiff {
  path: string;
  status: FileDiffStatus;
  /** From SHA1SUM.txt (null for extra files). */
  expectedSha1: string | null;
  /** Now (null if missing or unreadable). */
  actualSha1: string | null;
  /** Missing because nbgrader never copies such paths (`*.pyc`, `__pycache__`, `feedback`, checkpoints): not a failure. */
  ignoredOnCopy?: boolean;
}

export type MismatchReason =
  /** Recorded hashcode differs from SHA1SUM.txt as stored (SHA1SUM.txt or info file altered). */
  | "hashcode"
  /** Files differ from SHA1SUM.txt. */
  | "files"
  /** SHA1SUM.txt has lines that are not `<sha1>  <path>`. */
  | "sha1sum-unparseable"
  /** A hashcode is recorded but neither SHA1SUM.txt nor `<assignment>.ipynb` exists to check it. */
  | "no-source";

export type SubmissionFlag =
  | { kind: "verified"; mode: Exclude<HashMode, "none">; hashcode: string }
  | {
      kind: "mismatch";
      mode: HashMode;
      reasons: MismatchReason[];
      recordedHashcode: string | null;
      /** What the submission hashes to now (SHA1SUM.txt as stored, or the notebook). */
      computedHashcode: string | null;
      /** SHA1SUM.txt rebuilt from the files now. */
      rebuiltHashcode: string | null;
      files: FileDiff[];
    }
  | { kind: "missing-hashcode"; reason: "no-info-file" | "no-hashcode-line" | "not-a-hashcode"; recorded: string | null }
  | { kind: "changed-since-first-scan"; firstSeenFingerprint: string; fingerprint: string }
  | { kind: "late"; deadline: string; submittedAt: string; lateByMs: number }
  | {
      kind: "several-submissions";
      count: number;
      countingKey: string;
      counts: boolean;
      rule: "latest-before-deadline" | "latest" | "latest-none-before-deadline";
    }
  | { kind: "scan-problems"; problems: ScanProblem[] }
  | {
      kind: "wrong-student";
      /** The student the folder belongs to. */
      student: string;
      infoFile: string | null;
      infoUsername: string | null;
      /** Which part of the info file names someone else. */
      disagree: ("file-name" | "username-line")[];
    }
  | { kind: "misfiled"; student: string; folderOwner: string }
  | { kind: "added-after-submission"; files: { path: string; reason: AddedReason }[] };

/**
 * `never-copied`: nbgrader's submit never copies such a path (`CourseDirectory.ignore`), so it
 * was added to the exchange afterwards. `not-hashed`: copied at submit time, but e2xgrader's
 * hash leaves it out, so nothing shows whether it was added or changed afterwards.
 */
export type AddedReason = "never-copied" | "not-hashed";

export type SubmissionFlagKind = SubmissionFlag["kind"];

/**
 * One word for lists, the worst outcome first: misfiled (counts for nobody), wrong-student (the
 * info file names someone else), mismatch, verified, missing-hashcode.
 */
export type SubmissionStatus = "verified" | "mismatch" | "missing-hashcode" | "wrong-student" | "misfiled";

export interface SubmissionVerdict {
  key: string;
  student: string | null;
  assignment: string | null;
  status: SubmissionStatus;
  flags: SubmissionFlag[];
  /** The submission that counts for its (student, assignment); false for superseded ones. */
  counts: boolean;
  recordedHashcode: string | null;
  computedHashcode: string | null;
}

export interface GroupVerdict {
  student: string;
  assignment: string;
  /** Latest first. */
  keys: string[];
  countingKey: string;
  rule: "latest-before-deadline" | "latest" | "latest-none-before-deadline";
  deadline: string | null;
}

export type Deadline = Date | string | number | null | undefined;

export interface VerifyOptions {
  /** Deadline of the submission's assignment (Date, ISO string or epoch ms). */
  deadline?: Deadline;
}

export interface VerifyAllOptions {
  /** Deadline per assignment id, or a function of it. */
  deadlines?: Record<string, Deadline> | ((assignment: string) => Deadline);
}

/** Epoch microseconds of a deadline; null if absent or unreadable. */
export function toDeadlineMicros(deadline: Deadline): number | null {
  if (deadline === null || deadline === undefined || deadline === "") return null;
  const ms = deadline instanceof Date ? deadline.getTime() : typeof deadline === "number" ? deadline : Date.parse(deadline);
  return Number.isFinite(ms) ? ms * 1000 : null;
}

/** Files that differ from SHA1SUM.txt (empty when there is no SHA1SUM.txt). */
export function diffAgainstSha1sum(sub: Pick<VerifiableSubmission, "sha1sum" | "files">): FileDiff[] {
  if (!sub.sha1sum.present) return [];
  const diffs: FileDiff[] = [];
  const now = new Map(sub.files.map((f) => [f.path, f]));
  const listed = new Set<string>();
  for (const e of sub.sha1sum.listed) {
    listed.add(e.path);
    const f = now.get(e.path);
    if (!f) {
      diffs.push({ path: e.path, status: "missing", expectedSha1: e.sha1, actualSha1: null, ...(isIgnoredByNbgraderCopy(e.path) ? { ignoredOnCopy: true } : {}) });
    } else if (f.kind !== "file") {
      diffs.push({ path: e.path, status: "not-verifiable", expectedSha1: e.sha1, actualSha1: null });
    } else if (f.sha1 === null) {
      diffs.push({ path: e.path, status: f.error === "vanished" ? "missing" : "unreadable", expectedSha1: e.sha1, actualSha1: null });
    } else if (f.sha1 !== e.sha1) {
      diffs.push({ path: e.path, status: "changed", expectedSha1: e.sha1, actualSha1: f.sha1 });
    }
  }
  for (const f of sub.files) {
    if (f.excluded || listed.has(f.path) || f.path === ".") continue;
    diffs.push({ path: f.path, status: "extra", expectedSha1: null, actualSha1: f.sha1 });
  }
  return diffs;
}

function isFailing(d: FileDiff): boolean {
  return !(d.status === "missing" && d.ignoredOnCopy);
}

const userOfInfoFile = (file: string | null | undefined) => (file && file.endsWith(INFO_FILE_SUFFIX) ? file.slice(0, -INFO_FILE_SUFFIX.length) : null);

/** The identity flags of a submission: filed under someone else's folder, or an info file naming someone else. */
export function identityFlags(sub: Pick<VerifiableSubmission, "student" | "personalizedUser" | "info">): SubmissionFlag[] {
  const flags: SubmissionFlag[] = [];
  const student = sub.student;
  if (student === null) return flags;
  if (sub.personalizedUser && !sameUsername(sub.personalizedUser, student)) {
    flags.push({ kind: "misfiled", student, folderOwner: sub.personalizedUser });
  }
  const info = sub.info;
  if (info) {
    const disagree: ("file-name" | "username-line")[] = [];
    const fileUser = userOfInfoFile(info.file);
    if (fileUser !== null && !sameUsername(fileUser, student)) disagree.push("file-name");
    if (info.username !== null && !sameUsername(info.username, student)) disagree.push("username-line");
    if (disagree.length > 0) flags.push({ kind: "wrong-student", student, infoFile: info.file || null, infoUsername: info.username, disagree });
  }
  return flags;
}

/**
 * Files the hashcode does not cover, without the ones e2xgrader writes itself (`timestamp.txt`,
 * `SHA1SUM.txt`, the submitter's `<user>_info.txt`, `<notebook>_hashcode.html` beside each
 * top-level notebook). SHA1SUM.txt mode only: in notebook mode only the notebook is hashed.
 */
export function filesAddedAfterSubmission(sub: Pick<VerifiableSubmission, "mode" | "files" | "student" | "info">): { path: string; reason: AddedReason }[] {
  if (sub.mode !== "sha1sum") return [];
  const user = userOfInfoFile(sub.info?.file) ?? sub.student ?? "";
  const own = new Set([TIMESTAMP_FILE, SHA1SUM_FILE, `${user}${INFO_FILE_SUFFIX}`]);
  for (const f of sub.files) {
    if (!f.path.includes("/") && f.path.endsWith(".ipynb")) own.add(`${f.path.slice(0, -".ipynb".length)}_hashcode.html`);
  }
  return sub.files
    .filter((f) => f.excluded && f.path !== "." && !own.has(f.path))
    .map((f) => ({ path: f.path, reason: isIgnoredByNbgraderCopy(f.path) ? ("never-copied" as const) : ("not-hashed" as const) }))
    .sort((a, b) => compareCodePoints(a.path, b.path));
}

/** Flags of one submission, without the group-level `several-submissions` flag. */
export function verifySubmission(sub: VerifiableSubmission, opts: VerifyOptions = {}): SubmissionVerdict {
  const flags: SubmissionFlag[] = [];
  const recorded = sub.recordedHashcode;
  const recordedOk = recorded !== null && isHashcodeShaped(recorded);
  let computed: string | null = null;
  let verified = false;
  let mismatch = false;

  if (recorded === null) {
    const noInfo = sub.problems.some((p) => p.code === "missing-info-file");
    flags.push({ kind: "missing-hashcode", reason: noInfo ? "no-info-file" : "no-hashcode-line", recorded: null });
  } else if (!recordedOk) {
    flags.push({ kind: "missing-hashcode", reason: "not-a-hashcode", recorded });
  }

  if (sub.mode === "sha1sum") {
    computed = sub.sha1sum.storedHashcode;
    const diffs = diffAgainstSha1sum(sub);
    const failing = diffs.filter(isFailing);
    const reasons: MismatchReason[] = [];
    if (recordedOk && !hashcodesEqual(recorded, computed)) reasons.push("hashcode");
    if (failing.length > 0) reasons.push("files");
    if (sub.sha1sum.invalidLines > 0) reasons.push("sha1sum-unparseable");
    if (reasons.length > 0) {
      mismatch = true;
      flags.push({ kind: "mismatch", mode: "sha1sum", reasons, recordedHashcode: recorded, computedHashcode: computed, rebuiltHashcode: sub.sha1sum.rebuiltHashcode, files: diffs });
    } else if (recordedOk) {
      verified = true;
      flags.push({ kind: "verified", mode: "sha1sum", hashcode: computed! });
    }
  } else if (sub.mode === "notebook" && sub.notebook) {
    const nb = sub.notebook;
    const legacyFormat = recordedOk && normalizeHashcode(recorded).length === 24;
    computed = legacyFormat ? nb.legacy : nb.short;
    if (recordedOk) {
      if (hashcodesEqual(recorded, nb.legacy) || hashcodesEqual(recorded, nb.short)) {
        verified = true;
        flags.push({ kind: "verified", mode: "notebook", hashcode: computed });
      } else {
        mismatch = true;
        flags.push({
          kind: "mismatch",
          mode: "notebook",
          reasons: ["hashcode"],
          recordedHashcode: recorded,
          computedHashcode: computed,
          rebuiltHashcode: null,
          files: [{ path: nb.path, status: "changed", expectedSha1: null, actualSha1: nb.sha1 }],
        });
      }
    }
  } else if (recordedOk) {
    mismatch = true;
    flags.push({ kind: "mismatch", mode: "none", reasons: ["no-source"], recordedHashcode: recorded, computedHashcode: null, rebuiltHashcode: null, files: [] });
  }

  if (sub.firstSeenFingerprint && sub.fingerprint !== sub.firstSeenFingerprint) {
    flags.push({ kind: "changed-since-first-scan", firstSeenFingerprint: sub.firstSeenFingerprint, fingerprint: sub.fingerprint });
  }

  const deadline = toDeadlineMicros(opts.deadline);
  if (deadline !== null && sub.submittedAt && sub.submittedAt.epochMicros > deadline) {
    flags.push({
      kind: "late",
      deadline: new Date(deadline / 1000).toISOString(),
      submittedAt: sub.submittedAt.utc,
      lateByMs: Math.round((sub.submittedAt.epochMicros - deadline) / 1000),
    });
  }

  const added = filesAddedAfterSubmission(sub);
  if (added.length > 0) flags.push({ kind: "added-after-submission", files: added });

  const identity = identityFlags(sub);
  flags.push(...identity);

  if (sub.problems.length > 0) flags.push({ kind: "scan-problems", problems: sub.problems });

  const status: SubmissionStatus = identity.some((f) => f.kind === "misfiled")
    ? "misfiled"
    : identity.some((f) => f.kind === "wrong-student")
      ? "wrong-student"
      : mismatch
        ? "mismatch"
        : verified
          ? "verified"
          : "missing-hashcode";
  return { key: sub.key, student: sub.student, assignment: sub.assignment, status, flags, counts: true, recordedHashcode: recorded, computedHashcode: computed };
}

function deadlineFor(opts: VerifyAllOptions, assignment: string | null): Deadline {
  if (!assignment || !opts.deadlines) return null;
  return typeof opts.deadlines === "function" ? opts.deadlines(assignment) : opts.deadlines[assignment];
}

/**
 * Verifies every submission and groups them per (student, assignment). Submissions whose folder
 * name could not be read, and folders filed under another student's personalized inbound, form
 * no group and count for nobody.
 */
export function verifyAll(
  subs: readonly VerifiableSubmission[],
  opts: VerifyAllOptions = {},
): { submissions: SubmissionVerdict[]; groups: GroupVerdict[] } {
  const verdicts = subs.map((s) => verifySubmission(s, { deadline: deadlineFor(opts, s.assignment) }));
  const byKey = new Map(verdicts.map((v) => [v.key, v]));
  const groups = new Map<string, VerifiableSubmission[]>();
  for (const s of subs) {
    if (s.student === null || s.assignment === null || byKey.get(s.key)!.status === "misfiled") {
      byKey.get(s.key)!.counts = false;
      continue;
    }
    const g = `${s.student}\u0000${s.assignment}`;
    const list = groups.get(g);
    if (list) list.push(s);
    else groups.set(g, [s]);
  }
  const result: GroupVerdict[] = [];
  for (const members of groups.values()) {
    const sorted = [...members].sort((a, b) => {
      const ta = a.submittedAt?.epochMicros ?? -Infinity;
      const tb = b.submittedAt?.epochMicros ?? -Infinity;
      return ta !== tb ? tb - ta : a.key < b.key ? 1 : a.key > b.key ? -1 : 0;
    });
    const { student, assignment } = sorted[0] as { student: string; assignment: string };
    const deadline = toDeadlineMicros(deadlineFor(opts, assignment));
    let counting = sorted[0];
    let rule: GroupVerdict["rule"] = "latest";
    if (deadline !== null) {
      const before = sorted.find((s) => s.submittedAt !== null && s.submittedAt.epochMicros <= deadline);
      if (before) {
        counting = before;
        rule = "latest-before-deadline";
      } else {
        rule = "latest-none-before-deadline";
      }
    }
    for (const s of sorted) {
      const v = byKey.get(s.key)!;
      v.counts = s.key === counting.key;
      if (sorted.length > 1) {
        v.flags.push({ kind: "several-submissions", count: sorted.length, countingKey: counting.key, counts: v.counts, rule });
      }
    }
    result.push({
      student,
      assignment,
      keys: sorted.map((s) => s.key),
      countingKey: counting.key,
      rule,
      deadline: deadline === null ? null : new Date(deadline / 1000).toISOString(),
    });
  }
  result.sort((a, b) => (a.assignment === b.assignment ? (a.student < b.student ? -1 : 1) : a.assignment < b.assignment ? -1 : 1));
  return { submissions: verdicts, groups: result };
}

// ---------------------------------------------------------------------------------------------
// "Type the code from the sheet"

export type HashcodeSource = "recorded" | "sha1sum-stored" | "sha1sum-rebuilt" | "notebook";

type IndexedSubmission = VerifiableSubmission;

export interface HashcodeIndex {
  byCode: Map<string, { sub: IndexedSubmission; source: HashcodeSource }[]>;
  /** verifySubmission(...).status per key. */
  status: Map<string, SubmissionStatus>;
  subs: readonly IndexedSubmission[];
}

export interface HashcodeMatch {
  key: string;
  student: string | null;
  assignment: string | null;
  submittedAt: string | null;
  /** Which of the submission's hashcodes equal the typed one. */
  matchedOn: HashcodeSource[];
  /** The submission's verification status (deadline-independent). */
  status: SubmissionStatus;
}

export interface HashcodeLookup {
  typed: string;
  normalized: string;
  /** 12 hex characters (e2xgrader 0.3) or 24 (0.1/0.2), after dropping case, dashes and spaces. */
  wellFormed: boolean;
  /**
   * verified: recorded in the info file, and the submission verifies (files unchanged);
   * recorded-only: the info file says so but the submission no longer verifies;
   * files-only: SHA1SUM.txt or the files hash to it but the info file says otherwise (or is missing);
   * no-match / malformed.
   */
  answer: "verified" | "recorded-only" | "files-only" | "no-match" | "malformed";
  matches: HashcodeMatch[];
  /** For no-match: codes one typo away (one character wrong, or two neighbours swapped). */
  nearMatches: (HashcodeMatch & { code: string })[];
}

function codesOf(sub: IndexedSubmission): { code: string; source: HashcodeSource }[] {
  const out: { code: string; source: HashcodeSource }[] = [];
  const add = (c: string | null | undefined, source: HashcodeSource) => {
    if (c) {
      const n = normalizeHashcode(c);
      if (n) out.push({ code: n, source });
    }
  };
  add(sub.recordedHashcode, "recorded");
  add(sub.sha1sum.storedHashcode, "sha1sum-stored");
  add(sub.sha1sum.rebuiltHashcode, "sha1sum-rebuilt");
  if (sub.notebook) {
    add(sub.notebook.short, "notebook");
    add(sub.notebook.legacy, "notebook");
  }
  return out;
}

/** Index of every hashcode of every submission by normalized code (build once per page). */
export function buildHashcodeIndex(subs: readonly IndexedSubmission[]): HashcodeIndex {
  const byCode = new Map<string, { sub: IndexedSubmission; source: HashcodeSource }[]>();
  for (const sub of subs) {
    for (const { code, source } of codesOf(sub)) {
      const list = byCode.get(code);
      if (list) list.push({ sub, source });
      else byCode.set(code, [{ sub, source }]);
    }
  }
  const status = new Map(subs.map((s) => [s.key, verifySubmission(s).status]));
  return { byCode, status, subs };
}

function oneTypoApart(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  const diff: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff.push(i);
  if (diff.length === 1) return true;
  return diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]];
}

function collect(index: HashcodeIndex, entries: { sub: IndexedSubmission; source: HashcodeSource }[]): HashcodeMatch[] {
  const byKey = new Map<string, HashcodeMatch>();
  for (const { sub, source } of entries) {
    let m = byKey.get(sub.key);
    if (!m) {
      const status = index.status.get(sub.key) ?? verifySubmission(sub).status;
      m = { key: sub.key, student: sub.student, assignment: sub.assignment, submittedAt: sub.submittedAt?.utc ?? null, matchedOn: [], status };
      byKey.set(sub.key, m);
    }
    if (!m.matchedOn.includes(source)) m.matchedOn.push(source);
  }
  return [...byKey.values()];
}

/**
 * Looks up a hashcode typed from a student's sheet. Case, dashes and spaces are forgiven.
 * `opts.student` / `opts.assignment` narrow the search.
 */
export function lookupHashcode(
  typed: string,
  subsOrIndex: readonly IndexedSubmission[] | HashcodeIndex,
  opts: { student?: string; assignment?: string } = {},
): HashcodeLookup {
  const index = Array.isArray(subsOrIndex) ? buildHashcodeIndex(subsOrIndex) : (subsOrIndex as HashcodeIndex);
  const normalized = normalizeHashcode(typed);
  const wellFormed = isHashcodeShaped(typed);
  const keep = (s: IndexedSubmission) =>
    (opts.student === undefined || s.student === opts.student) && (opts.assignment === undefined || s.assignment === opts.assignment);
  const base = { typed, normalized, wellFormed };
  if (!wellFormed) return { ...base, answer: "malformed", matches: [], nearMatches: [] };

  const matches = collect(index, (index.byCode.get(normalized) ?? []).filter((e) => keep(e.sub)));
  if (matches.length > 0) {
    const rank = (m: HashcodeMatch) => (m.matchedOn.includes("recorded") ? (m.status === "verified" ? 2 : 1) : 0);
    const ordered = [...matches].sort((a, b) => rank(b) - rank(a));
    const answer = (["files-only", "recorded-only", "verified"] as const)[rank(ordered[0])];
    return { ...base, answer, matches: ordered, nearMatches: [] };
  }
  const near: (HashcodeMatch & { code: string })[] = [];
  for (const [code, entries] of index.byCode) {
    if (!oneTypoApart(code, normalized)) continue;
    for (const m of collect(index, entries.filter((e) => keep(e.sub)))) near.push({ ...m, code });
  }
  return { ...base, answer: "no-match", matches: [], nearMatches: near };
}
