/**
 * Scanner of an nbgrader / e2xgrader exchange for one course's inbound submissions.
 *
 * Layouts (relative to `<root>/<course_id>/`):
 *   inbound/<student>+<assignment>+<timestamp>[+<random>]/                       plain nbgrader
 *   personalized-inbound/<user>/<student>+<assignment>+<timestamp>[+<random>]/   e2xgrader (default)
 * e2xgrader's collector only takes folders whose `<student>` equals `<user>`; others are reported.
 *
 * Per submission: every file (path, size, streamed SHA-1; symlinks are listed, never followed),
 * `timestamp.txt`, `<user>_info.txt` (Username / Hashcode / Timestamp), the parsed
 * `SHA1SUM.txt`, the hashcode recomputed in both e2xgrader modes, a fingerprint of the
 * whole folder and everything that went wrong (reported on the submission; the scan goes on).
 *
 * Exports:
 *   scanExchange(opts): AsyncGenerator<ScannedSubmission, ScanSummary>   in discovery order
 *   runScan(opts): Promise<{ submissions, summary }>                     the same, collected
 *   scanSubmissionDir(dir, opts?): Promise<ScannedSubmission>           one folder
 *   discoverSubmissions(root, courseId, opts?)                           the folders only, no hashing
 *   parseSubmissionFolderName(name): ParsedFolderName | null
 *   parseNbgraderTimestamp(text, timezones?): ParsedTimestamp | null
 *   parseInfoFile(text): InfoFile
 *   emptyCheckpoint(root, courseId): ScanCheckpoint
 *
 * Resume: pass the last `ScanCheckpoint` (emitted through `onCheckpoint` after every finished
 * submission). Keys in `completed` are skipped; `firstSeen` holds the fingerprint a submission had
 * the first time the portal scanned it, so later scans can flag changes.
 */
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import {
  INFO_FILE_SUFFIX,
  SHA1SUM_FILE,
  TIMESTAMP_FILE,
  buildSha1sum,
  hashcodeOfSha1sumText,
  isExcludedFromSha1sum,
  notebookHashcodes,
  parseSha1sum,
  sha1File,
  sha1Hex,
  truncateHashcode,
  compareCodePoints,
  hashConcurrency,
  lstatEntries,
  readdirRaw,
  readSmallFile,
  type NotebookHashcodes,
  type Sha1sumEntry,
} from "./hash";
import type { ScanProblemKey, ScanProblemText } from "./problem-text";

export type ExchangeLayout = "inbound" | "personalized-inbound";
export const EXCHANGE_LAYOUTS: readonly ExchangeLayout[] = ["inbound", "personalized-inbound"];

export type ScanProblemCode =
  | "root-missing"
  | "unreadable-dir"
  | "unreadable-file"
  | "vanished"
  | "symlink-outside-root"
  | "symlink-inside-root"
  | "not-a-regular-file"
  | "not-a-directory"
  | "malformed-folder-name"
  | "bad-timestamp"
  | "timestamp-mismatch"
  | "missing-timestamp"
  | "missing-info-file"
  | "several-info-files"
  | "malformed-info-file"
  | "undecodable-name"
  | "changed-during-scan"
  | "student-dir-mismatch"
  | "sha1sum-invalid-lines"
  | "file-too-large-to-parse"
  | "io-error";

export interface ScanProblem {
  code: ScanProblemCode;
  /** Relative to the submission folder (submission problems) or to the course folder (root problems). */
  path?: string;
  /** The English sentence (logs, searches, and what problems stored before `text` show). */
  message: string;
  /**
   * The same sentence as a catalogue key of `scanProblems` and its values, which pages
   * translate into the reader's language (./problem-text.ts). Absent on older rows.
   */
  text?: ScanProblemText;
}

/** What a file system error was met on (a value of the problem texts, translated with them). */
export type ScanProblemSubject = "file" | "symlink" | "submissionFolder" | "timestampTxt" | "infoFile" | "entry" | "userFolder" | "submission" | "sha1sumTxt";

const SUBJECT_EN: Record<ScanProblemSubject, string> = {
  file: "file",
  symlink: "symlink",
  submissionFolder: "submission folder",
  timestampTxt: "timestamp.txt",
  infoFile: "info file",
  entry: "entry",
  userFolder: "user folder",
  submission: "submission",
  sha1sumTxt: "SHA1SUM.txt",
};
export const SCAN_PROBLEM_SUBJECTS = Object.keys(SUBJECT_EN) as ScanProblemSubject[];

/**
 * The English `message` of every problem text, from its values. The catalogue's English
 * (`scanProblems` in messages/en.json) says the same; problem-text.test.ts holds them together.
 */
export const SCAN_PROBLEM_ENGLISH = {
  vanished: (v: { what: ScanProblemSubject }) => `${SUBJECT_EN[v.what]} vanished during the scan`,
  notReadable: (v: { what: ScanProblemSubject; code: string }) => `${SUBJECT_EN[v.what]} is not readable (${v.code})`,
  becameSymlink: (v: { what: ScanProblemSubject }) => `${SUBJECT_EN[v.what]} became a symlink during the scan; not followed`,
  notRegularFile: (v: { what: ScanProblemSubject }) => `${SUBJECT_EN[v.what]} is no longer a regular file`,
  replaced: (v: { what: ScanProblemSubject }) => `${SUBJECT_EN[v.what]} was replaced during the scan`,
  ioError: (v: { what: ScanProblemSubject; error: string }) => `${SUBJECT_EN[v.what]}: ${v.error}`,
  symlinkInside: (v: { target: string }) => `symlink to ${v.target}; not followed`,
  symlinkOutside: (v: { target: string }) => `symlink pointing outside the exchange (${v.target}); not followed`,
  courseFolderMissing: (v: { dir: string; error: string }) => `course folder missing or unreadable: ${v.dir} (${v.error})`,
  undecodableEntry: () => "entry name is not valid UTF-8; skipped",
  cannotListDir: (v: { dir: string; error: string }) => `cannot list ${v.dir} (${v.error})`,
  notUserFolder: () => "unexpected entry in personalized-inbound (not a user folder); skipped",
  noLayoutFolder: (v: { layout: string; dir: string }) => `no ${v.layout} folder under ${v.dir}`,
  noLayoutFolders: (v: { first: string; second: string; dir: string }) => `no ${v.first} or ${v.second} folder under ${v.dir}`,
  undecodableFile: () => "file name is not valid UTF-8; skipped",
  folderVanished: () => "folder vanished during the scan",
  cannotListFolder: (v: { error: string }) => `cannot list folder (${v.error})`,
  specialFile: () => "special file (fifo, socket or device); not read",
  malformedFolderName: (v: { name: string }) => `folder name is not <student>+<assignment>+<timestamp>[+<random>]: ${v.name}`,
  studentDirMismatch: (v: { student: string; owner: string }) => `submitted as ${v.student} inside the folder of ${v.owner}; e2xgrader's collector ignores it`,
  notAFolder: () => "submission entry is not a folder",
  severalInfoFiles: (v: { files: string; used: string }) => `several info files: ${v.files}; using ${v.used}`,
  sizeChanged: (v: { before: number; after: number }) => `size changed while scanning (${v.before} -> ${v.after} bytes)`,
  timestampTooLarge: () => "timestamp.txt is larger than 4 KiB",
  missingTimestamp: () => "timestamp.txt is missing; using the folder name",
  badTimestamp: (v: { timestamp: string }) => `cannot read timestamp "${v.timestamp}"`,
  timestampMismatch: (v: { file: string; folder: string }) => `timestamp.txt says "${v.file}", the folder name "${v.folder}"`,
  infoFileTooLarge: () => "info file is larger than 64 KiB",
  noHashcodeLine: () => "info file has no Hashcode line",
  missingInfoFile: () => "no <user>_info.txt in the submission",
  sha1sumTooLarge: () => "SHA1SUM.txt is larger than 64 MiB",
  sha1sumInvalidLines: (v: { count: number; first: number }) => `${v.count} line(s) are not "<sha1>  <path>" (first: line ${v.first})`,
} satisfies Record<ScanProblemKey, (v: never) => string>;

type English = typeof SCAN_PROBLEM_ENGLISH;

/** A problem at `at` with its English message and its catalogue key: `problemAt("vanished", ".", "folderVanished")`. */
function problemAt<K extends ScanProblemKey>(code: ScanProblemCode, at: string, key: K, ...values: Parameters<English[K]>): ScanProblem {
  const v = values[0] as Record<string, string | number> | undefined;
  return { code, path: at, message: (SCAN_PROBLEM_ENGLISH[key] as (v?: unknown) => string)(v), text: v ? { key, values: v } : { key } };
}

export interface ParsedFolderName {
  student: string;
  assignment: string;
  /** Timestamp text exactly as in the folder name. */
  timestamp: string;
  random: string | null;
}

export interface ParsedTimestamp {
  text: string;
  /** UTC, microsecond precision: `2024-02-01T09:00:00.123456Z`. */
  utc: string;
  epochMicros: number;
}

export interface InfoFile {
  /** File name, e.g. `alice_info.txt`. */
  file: string;
  username: string | null;
  hashcode: string | null;
  timestamp: string | null;
}

export type ScannedFileKind = "file" | "symlink" | "other";

export interface ScannedFile {
  /** POSIX path relative to the submission folder. */
  path: string;
  kind: ScannedFileKind;
  size: number | null;
  sha1: string | null;
  /** Left out of SHA1SUM.txt by e2xgrader (info/timestamp/html/checkpoints ...). */
  excluded: boolean;
  /** Symlink target as stored (never followed). */
  linkTarget?: string;
  /** Problem hashing this entry, if any (also listed in the submission's problems). */
  error?: ScanProblemCode;
}

export type HashMode = "sha1sum" | "notebook" | "none";

export interface ScannedSubmission {
  /** Stable identity: path of the folder relative to the course folder, POSIX separators. */
  key: string;
  layout: ExchangeLayout;
  folderName: string;
  /** `<user>` of personalized-inbound/<user>/; null for plain inbound. */
  personalizedUser: string | null;
  student: string | null;
  assignment: string | null;
  random: string | null;
  /** Raw text of timestamp.txt (or of the folder name when timestamp.txt is missing). */
  timestamp: string | null;
  submittedAt: ParsedTimestamp | null;
  info: InfoFile | null;
  /** Hashcode from `<user>_info.txt`, as written (null if absent). */
  recordedHashcode: string | null;
  mode: HashMode;
  sha1sum: {
    present: boolean;
    /** Hashcode of SHA1SUM.txt as stored now. */
    storedHashcode: string | null;
    /** Hashcode of SHA1SUM.txt rebuilt from the files now; null if a file could not be hashed. */
    rebuiltHashcode: string | null;
    listed: Sha1sumEntry[];
    invalidLines: number;
  };
  notebook: ({ path: string; sha1: string } & NotebookHashcodes) | null;
  files: ScannedFile[];
  totalBytes: number;
  fingerprint: string;
  /** Fingerprint at the portal's first scan of this key (this scan's own, the first time). */
  firstSeenFingerprint: string;
  problems: ScanProblem[];
  scannedAt: string;
}

export interface ScanCheckpoint {
  version: 1;
  root: string;
  courseId: string;
  /** Keys finished by the run being resumed: skipped. */
  completed: string[];
  /** First fingerprint ever seen, per key (kept across scans). */
  firstSeen: Record<string, string>;
}

export interface ScanProgress {
  submissionsTotal: number;
  submissionsDone: number;
  submissionsSkipped: number;
  filesHashed: number;
  bytesHashed: number;
  currentKey: string | null;
  elapsedMs: number;
}

export interface ScanSummary {
  /** Problems outside any submission: missing course or inbound folder, stray entries. */
  rootProblems: ScanProblem[];
  progress: ScanProgress;
  checkpoint: ScanCheckpoint;
  aborted: boolean;
}

export interface ScanOptions {
  /** Exchange root, e.g. /srv/nbgrader/exchange or the NFS mount. */
  root: string;
  courseId: string;
  /** Default: both layouts. */
  layouts?: readonly ExchangeLayout[];
  /** Only folders of this assignment (by folder name). */
  assignmentId?: string;
  /** Files hashed at the same time (default: enough to keep every hashing thread busy). */
  concurrency?: number;
  /** Read size per file (default 1 MiB). */
  chunkSize?: number;
  checkpoint?: ScanCheckpoint | null;
  onProgress?: (p: ScanProgress) => void;
  /**
   * Called after every finished submission with the checkpoint to persist. The object is live
   * (it keeps growing): serialize it inside the callback, throttled as the caller sees fit.
   */
  onCheckpoint?: (c: ScanCheckpoint) => void;
  /** Minimum interval between byte-level progress calls (default 250 ms). */
  progressIntervalMs?: number;
  signal?: AbortSignal;
  excludeSubfolders?: readonly string[];
  /** Extra or overriding time zone abbreviations, minutes east of UTC. */
  timezones?: Record<string, number>;
}

export interface SubmissionFolder {
  key: string;
  layout: ExchangeLayout;
  dir: string;
  folderName: string;
  personalizedUser: string | null;
  parsed: ParsedFolderName | null;
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** Minutes east of UTC for abbreviations `%Z` produces in the zones universities configure. */
export const TIMEZONE_OFFSETS: Readonly<Record<string, number>> = {
  UTC: 0, UT: 0, GMT: 0, Z: 0, WET: 0, WEST: 60, BST: 60, IST: 60,
  CET: 60, CEST: 120, MET: 60, MEST: 120, EET: 120, EEST: 180, MSK: 180,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
};

const TS_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:\s*(\S+))?$/;

/**
 * Parses nbgrader's `%Y-%m-%d %H:%M:%S.%f %Z` (also numeric `+0100` / `+01:00` zones).
 * No zone means UTC (as nbgrader's `parse_utc`). Unknown zone abbreviations return null.
 */
export function parseNbgraderTimestamp(text: string, timezones?: Record<string, number>): ParsedTimestamp | null {
  const t = text.trim();
  const m = TS_RE.exec(t);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  let offsetMin = 0;
  if (tz) {
    const num = /^([+-])(\d{2}):?(\d{2})$/.exec(tz);
    if (num) offsetMin = (num[1] === "-" ? -1 : 1) * (Number(num[2]) * 60 + Number(num[3]));
    else {
      const key = tz.toUpperCase();
      const known = timezones?.[tz] ?? timezones?.[key] ?? TIMEZONE_OFFSETS[key];
      if (known === undefined) return null;
      offsetMin = known;
    }
  }
  const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  const check = new Date(ms);
  if (
    check.getUTCFullYear() !== +y || check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d ||
    check.getUTCHours() !== +h || check.getUTCMinutes() !== +mi || check.getUTCSeconds() !== +s
  ) {
    return null;
  }
  const micros = frac ? Number(frac.padEnd(6, "0")) : 0;
  const epochMicros = (ms - offsetMin * 60_000) * 1000 + micros;
  const whole = new Date(Math.floor(epochMicros / 1_000_000) * 1000).toISOString().slice(0, 19);
  const utc = `${whole}.${String(((epochMicros % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, "0")}Z`;
  return { text: t, utc, epochMicros };
}

const RANDOM_RE = /^[A-Za-z0-9_-]{12}$/;

/**
 * `<student>+<assignment>+<timestamp>[+<random>]` (nbgrader; random = urlsafe base64 of 9 bytes).
 * Returns null when a part is missing or empty.
 */
export function parseSubmissionFolderName(name: string): ParsedFolderName | null {
  const parts = name.split("+");
  if (parts.length < 3) return null;
  let end = parts.length;
  let random: string | null = null;
  if (parts.length >= 4 && RANDOM_RE.test(parts[end - 1]) && TS_RE.test(parts[end - 2].trim())) {
    random = parts[end - 1];
    end -= 1;
  }
  const timestamp = parts[end - 1];
  const assignment = parts[end - 2];
  const student = parts.slice(0, end - 2).join("+");
  if (!student || !assignment || !timestamp) return null;
  return { student, assignment, timestamp, random };
}

/** e2xgrader's `<user>_info.txt`: `Username: ...`, `Hashcode: ...`, `Timestamp: ...` lines. */
export function parseInfoFile(text: string, file = ""): InfoFile {
  const info: InfoFile = { file, username: null, hashcode: null, timestamp: null };
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(Username|Hashcode|Timestamp)\s*:\s*(.*?)\s*$/i.exec(raw);
    if (!m) continue;
    const k = m[1].toLowerCase() as "username" | "hashcode" | "timestamp";
    if (info[k] === null && m[2] !== "") info[k] = m[2];
  }
  return info;
}

export function emptyCheckpoint(root: string, courseId: string): ScanCheckpoint {
  return { version: 1, root, courseId, completed: [], firstSeen: {} };
}

// ---------------------------------------------------------------------------------------------
// Small helpers

class Limiter {
  private active = 0;
  private queue: (() => void)[] = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

function errCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

function problemForError(e: unknown, rel: string, what: ScanProblemSubject): ScanProblem {
  const code = errCode(e);
  if (code === "ENOENT") return problemAt("vanished", rel, "vanished", { what });
  if (code === "EACCES" || code === "EPERM") return problemAt("unreadable-file", rel, "notReadable", { what, code });
  if (code === "ELOOP") return problemAt("symlink-inside-root", rel, "becameSymlink", { what });
  if (code === "EFTYPE") return problemAt("not-a-regular-file", rel, "notRegularFile", { what });
  if (code === "ENOTDIR") return problemAt("vanished", rel, "replaced", { what });
  return problemAt("io-error", rel, "ioError", { what, error: (e as Error)?.message ?? String(e) });
}

const fatalDecoder = new TextDecoder("utf-8", { fatal: true });

function decodeName(buf: Buffer): string | null {
  try {
    return fatalDecoder.decode(buf);
  } catch {
    return null;
  }
}

async function readdirNames(dir: string): Promise<{ names: string[]; undecodable: string[] }> {
  const raw = await readdirRaw(dir);
  const names: string[] = [];
  const undecodable: string[] = [];
  for (const b of raw) {
    const n = decodeName(b);
    if (n === null) undecodable.push(b.toString("latin1"));
    else names.push(n);
  }
  names.sort(compareCodePoints);
  return { names, undecodable };
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** Reads a small text file without following symlinks; null if larger than `max` bytes. */
async function readSmallText(abs: string, max: number): Promise<string | null> {
  return readSmallFile(abs, max);
}

// ---------------------------------------------------------------------------------------------
// Discovery

interface RootContext {
  root: string;
  rootReal: string;
}

async function rootContext(root: string): Promise<RootContext> {
  const abs = path.resolve(root);
  let real = abs;
  try {
    real = await fsp.realpath(abs);
  } catch {
    /* reported by discovery */
  }
  return { root: abs, rootReal: real };
}

async function symlinkProblem(ctx: RootContext, abs: string, rel: string): Promise<{ problem: ScanProblem; target: string }> {
  let target = "";
  try {
    target = await fsp.readlink(abs);
  } catch (e) {
    return { problem: problemForError(e, rel, "symlink"), target };
  }
  const resolved = path.resolve(path.dirname(abs), target);
  const inside = isInside(resolved, ctx.root) || isInside(resolved, ctx.rootReal);
  return {
    target,
    problem: inside
      ? problemAt("symlink-inside-root", rel, "symlinkInside", { target })
      : problemAt("symlink-outside-root", rel, "symlinkOutside", { target }),
  };
}

/**
 * Lists the submission folders of a course (no hashing). Problems outside any submission go
 * to `rootProblems`; symlinked or non-directory entries that look like submissions are returned
 * as folders so they are reported on a submission of their own.
 */
export async function discoverSubmissions(
  root: string,
  courseId: string,
  opts: { layouts?: readonly ExchangeLayout[]; assignmentId?: string } = {},
): Promise<{ folders: SubmissionFolder[]; rootProblems: ScanProblem[] }> {
  const ctx = await rootContext(root);
  const rootProblems: ScanProblem[] = [];
  const folders: SubmissionFolder[] = [];
  const courseDir = path.join(ctx.root, courseId);
  try {
    const st = await fsp.stat(courseDir);
    if (!st.isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
  } catch (e) {
    rootProblems.push(problemAt("root-missing", courseId, "courseFolderMissing", { dir: courseDir, error: String(errCode(e) ?? e) }));
    return { folders, rootProblems };
  }
  const wants = (p: ParsedFolderName | null) => !opts.assignmentId || p === null || p.assignment === opts.assignmentId;
  const layouts = opts.layouts ?? EXCHANGE_LAYOUTS;
  let sawLayout = false;

  const listDir = async (abs: string, rel: string): Promise<string[] | null> => {
    try {
      const { names, undecodable } = await readdirNames(abs);
      for (const u of undecodable) {
        rootProblems.push(problemAt("undecodable-name", `${rel}/${u}`, "undecodableEntry"));
      }
      return names;
    } catch (e) {
      if (errCode(e) !== "ENOENT") {
        rootProblems.push(problemAt("unreadable-dir", rel, "cannotListDir", { dir: rel, error: String(errCode(e) ?? e) }));
      }
      return null;
    }
  };

  for (const layout of layouts) {
    const layoutAbs = path.join(courseDir, layout);
    const names = await listDir(layoutAbs, layout);
    if (names === null) continue;
    sawLayout = true;
    if (layout === "inbound") {
      for (const name of names) {
        const parsed = parseSubmissionFolderName(name);
        if (!wants(parsed)) continue;
        folders.push({ key: `${layout}/${name}`, layout, dir: path.join(layoutAbs, name), folderName: name, personalizedUser: null, parsed });
      }
      continue;
    }
    for (const user of names) {
      const userAbs = path.join(layoutAbs, user);
      const userRel = `${layout}/${user}`;
      let st: fs.Stats;
      try {
        st = await fsp.lstat(userAbs);
      } catch (e) {
        rootProblems.push(problemForError(e, userRel, "userFolder"));
        continue;
      }
      if (st.isSymbolicLink()) {
        rootProblems.push((await symlinkProblem(ctx, userAbs, userRel)).problem);
        continue;
      }
      if (!st.isDirectory() || user.includes("+")) {
        // e2xgrader's collector skips these too.
        rootProblems.push(problemAt("not-a-directory", userRel, "notUserFolder"));
        continue;
      }
      const subs = await listDir(userAbs, userRel);
      if (subs === null) continue;
      for (const name of subs) {
        const parsed = parseSubmissionFolderName(name);
        if (!wants(parsed)) continue;
        folders.push({ key: `${userRel}/${name}`, layout, dir: path.join(userAbs, name), folderName: name, personalizedUser: user, parsed });
      }
    }
  }
  if (!sawLayout) {
    rootProblems.push(
      layouts.length === 2
        ? problemAt("root-missing", courseId, "noLayoutFolders", { first: layouts[0], second: layouts[1], dir: courseDir })
        : problemAt("root-missing", courseId, "noLayoutFolder", { layout: layouts.join(" or "), dir: courseDir }),
    );
  }
  return { folders, rootProblems };
}

// ---------------------------------------------------------------------------------------------
// One submission

interface WalkEntry {
  rel: string;
  abs: string;
  kind: ScannedFileKind;
  size: number;
}

async function walk(ctx: RootContext, dirAbs: string, problems: ScanProblem[], signal?: AbortSignal): Promise<{ entries: WalkEntry[]; links: Map<string, string> }> {
  const entries: WalkEntry[] = [];
  const links = new Map<string, string>();
  const stack: { abs: string; rel: string }[] = [{ abs: dirAbs, rel: "" }];
  while (stack.length > 0) {
    if (signal?.aborted) break;
    const { abs, rel } = stack.pop()!;
    let names: string[];
    try {
      const r = await readdirNames(abs);
      names = r.names;
      for (const u of r.undecodable) {
        problems.push(problemAt("undecodable-name", rel ? `${rel}/${u}` : u, "undecodableFile"));
      }
    } catch (e) {
      const code = errCode(e);
      problems.push(
        code === "ENOENT"
          ? problemAt("vanished", rel || ".", "folderVanished")
          : problemAt("unreadable-dir", rel || ".", "cannotListFolder", { error: String(code ?? e) }),
      );
      continue;
    }
    const subdirs: { abs: string; rel: string }[] = [];
    const stats = await lstatEntries(names.map((name) => path.join(abs, name)));
    for (const [i, name] of names.entries()) {
      const cAbs = path.join(abs, name);
      const cRel = rel ? `${rel}/${name}` : name;
      const st = stats[i];
      if ("error" in st) {
        problems.push(problemForError(st.error, cRel, "entry"));
        continue;
      }
      if (st.kind === "symlink") {
        const { problem, target } = await symlinkProblem(ctx, cAbs, cRel);
        problems.push(problem);
        links.set(cRel, target);
        entries.push({ rel: cRel, abs: cAbs, kind: "symlink", size: st.size });
      } else if (st.kind === "dir") {
        subdirs.push({ abs: cAbs, rel: cRel });
      } else if (st.kind === "file") {
        entries.push({ rel: cRel, abs: cAbs, kind: "file", size: st.size });
      } else {
        problems.push(problemAt("not-a-regular-file", cRel, "specialFile"));
        entries.push({ rel: cRel, abs: cAbs, kind: "other", size: st.size });
      }
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]);
  }
  return { entries, links };
}

interface SubmissionScanContext {
  ctx: RootContext;
  limiter: Limiter;
  chunkSize: number;
  signal?: AbortSignal;
  excludeSubfolders?: readonly string[];
  timezones?: Record<string, number>;
  onBytes: (n: number) => void;
  onFile: () => void;
  firstSeen?: string;
}

function computeFingerprint(files: readonly ScannedFile[]): string {
  const lines = [...files]
    .sort((a, b) => compareCodePoints(a.path, b.path))
    .map((f) => `${f.kind}\t${f.sha1 ?? f.linkTarget ?? "-"}\t${f.size ?? "-"}\t${f.path}`);
  return sha1Hex(lines.join("\n"));
}

async function scanFolder(folder: SubmissionFolder, sc: SubmissionScanContext): Promise<ScannedSubmission> {
  const problems: ScanProblem[] = [];
  const parsed = folder.parsed;
  const sub = blankSubmission(folder, problems);
  const finish = () => {
    // Files are hashed concurrently: report problems in a stable order.
    problems.sort((a, b) => compareCodePoints(a.path ?? "", b.path ?? ""));
    sub.fingerprint = computeFingerprint(sub.files);
    sub.firstSeenFingerprint = sc.firstSeen ?? sub.fingerprint;
    return sub;
  };

  if (!parsed) {
    problems.push(problemAt("malformed-folder-name", ".", "malformedFolderName", { name: folder.folderName }));
  } else if (folder.personalizedUser !== null && parsed.student !== folder.personalizedUser) {
    problems.push(problemAt("student-dir-mismatch", ".", "studentDirMismatch", { student: parsed.student, owner: folder.personalizedUser }));
  }

  let st: fs.Stats;
  try {
    st = await fsp.lstat(folder.dir);
  } catch (e) {
    problems.push(problemForError(e, ".", "submissionFolder"));
    return finish();
  }
  if (st.isSymbolicLink()) {
    const { problem, target } = await symlinkProblem(sc.ctx, folder.dir, ".");
    problems.push(problem);
    sub.files.push({ path: ".", kind: "symlink", size: null, sha1: null, excluded: true, linkTarget: target, error: problem.code });
    return finish();
  }
  if (!st.isDirectory()) {
    problems.push(problemAt("not-a-directory", ".", "notAFolder"));
    return finish();
  }

  const { entries, links } = await walk(sc.ctx, folder.dir, problems, sc.signal);

  // Who submitted: names `<user>_info.txt`, which e2xgrader leaves out of SHA1SUM.txt.
  const topFiles = entries.filter((e) => e.kind === "file" && !e.rel.includes("/"));
  const infoCandidates = topFiles.filter((e) => e.rel.endsWith(INFO_FILE_SUFFIX) && e.rel.length > INFO_FILE_SUFFIX.length);
  const preferred = [parsed?.student, folder.personalizedUser].filter((u): u is string => !!u).map((u) => `${u}${INFO_FILE_SUFFIX}`);
  let infoEntry = infoCandidates.find((e) => preferred.includes(e.rel)) ?? null;
  if (!infoEntry && infoCandidates.length > 0) infoEntry = infoCandidates[0];
  if (infoCandidates.length > 1) {
    problems.push(problemAt("several-info-files", ".", "severalInfoFiles", { files: infoCandidates.map((e) => e.rel).join(", "), used: infoEntry!.rel }));
  }
  const username = infoEntry ? infoEntry.rel.slice(0, -INFO_FILE_SUFFIX.length) : (folder.personalizedUser ?? parsed?.student ?? "");
  const exclusion = { username, excludeSubfolders: sc.excludeSubfolders };

  // Hash every regular file, bounded by the shared limiter.
  const files: ScannedFile[] = entries.map((e) => ({
    path: e.rel,
    kind: e.kind,
    size: e.kind === "file" ? e.size : null,
    sha1: null,
    excluded: isExcludedFromSha1sum(e.rel, exclusion),
    ...(e.kind === "symlink" ? { linkTarget: links.get(e.rel) } : {}),
    ...(e.kind === "symlink" ? { error: problems.find((p) => p.path === e.rel)?.code } : {}),
    ...(e.kind === "other" ? { error: "not-a-regular-file" as const } : {}),
  }));
  await Promise.all(
    entries.map((e, i) => {
      if (e.kind !== "file") return undefined;
      return sc.limiter.run(async () => {
        if (sc.signal?.aborted) return;
        try {
          const d = await sha1File(e.abs, { chunkSize: sc.chunkSize, signal: sc.signal, onBytes: sc.onBytes });
          files[i].sha1 = d.sha1;
          if (d.size !== e.size) {
            problems.push(problemAt("changed-during-scan", e.rel, "sizeChanged", { before: e.size, after: d.size }));
          }
          files[i].size = d.size;
          sc.onFile();
        } catch (err) {
          if ((err as Error)?.name === "AbortError") return;
          const p = problemForError(err, e.rel, "file");
          problems.push(p);
          files[i].error = p.code;
          files[i].size = null;
        }
      });
    }),
  );
  sub.files = files;
  sub.totalBytes = files.reduce((n, f) => n + (f.kind === "file" && f.size ? f.size : 0), 0);
  const byPath = new Map(files.map((f) => [f.path, f]));
  const readable = (rel: string) => {
    const f = byPath.get(rel);
    return f && f.kind === "file" && f.sha1 !== null ? f : null;
  };

  // timestamp.txt, falling back to the folder name.
  let tsText: string | null = null;
  if (readable(TIMESTAMP_FILE)) {
    try {
      tsText = await readSmallText(path.join(folder.dir, TIMESTAMP_FILE), 4096);
      if (tsText === null) problems.push(problemAt("file-too-large-to-parse", TIMESTAMP_FILE, "timestampTooLarge"));
    } catch (e) {
      problems.push(problemForError(e, TIMESTAMP_FILE, "timestampTxt"));
    }
  } else if (!byPath.has(TIMESTAMP_FILE)) {
    problems.push(problemAt("missing-timestamp", TIMESTAMP_FILE, "missingTimestamp"));
  }
  if (tsText !== null) tsText = tsText.trim();
  sub.timestamp = tsText ?? parsed?.timestamp ?? null;
  if (sub.timestamp !== null) {
    sub.submittedAt = parseNbgraderTimestamp(sub.timestamp, sc.timezones);
    if (!sub.submittedAt) problems.push(problemAt("bad-timestamp", tsText !== null ? TIMESTAMP_FILE : ".", "badTimestamp", { timestamp: sub.timestamp }));
  }
  if (tsText !== null && parsed && tsText !== parsed.timestamp.trim()) {
    const a = parseNbgraderTimestamp(parsed.timestamp, sc.timezones);
    if (!a || !sub.submittedAt || a.epochMicros !== sub.submittedAt.epochMicros) {
      problems.push(problemAt("timestamp-mismatch", TIMESTAMP_FILE, "timestampMismatch", { file: tsText, folder: parsed.timestamp }));
    }
  }

  // <user>_info.txt
  if (infoEntry && readable(infoEntry.rel)) {
    try {
      const text = await readSmallText(infoEntry.abs, 64 * 1024);
      if (text === null) {
        problems.push(problemAt("file-too-large-to-parse", infoEntry.rel, "infoFileTooLarge"));
      } else {
        sub.info = parseInfoFile(text, infoEntry.rel);
        sub.recordedHashcode = sub.info.hashcode;
        if (!sub.info.hashcode) problems.push(problemAt("malformed-info-file", infoEntry.rel, "noHashcodeLine"));
      }
    } catch (e) {
      problems.push(problemForError(e, infoEntry.rel, "infoFile"));
    }
  } else if (!infoEntry) {
    problems.push(problemAt("missing-info-file", `${username || "<user>"}${INFO_FILE_SUFFIX}`, "missingInfoFile"));
  }

  // SHA1SUM.txt mode.
  const sumFile = readable(SHA1SUM_FILE);
  if (byPath.has(SHA1SUM_FILE)) {
    sub.sha1sum.present = true;
    if (sumFile) {
      sub.sha1sum.storedHashcode = truncateHashcode(sumFile.sha1!);
      try {
        const text = await readSmallText(path.join(folder.dir, SHA1SUM_FILE), 64 * 1024 * 1024);
        if (text === null) {
          problems.push(problemAt("file-too-large-to-parse", SHA1SUM_FILE, "sha1sumTooLarge"));
        } else {
          const p = parseSha1sum(text);
          sub.sha1sum.listed = p.entries;
          sub.sha1sum.invalidLines = p.invalidLines.length;
          if (p.invalidLines.length > 0) {
            problems.push(problemAt("sha1sum-invalid-lines", SHA1SUM_FILE, "sha1sumInvalidLines", { count: p.invalidLines.length, first: p.invalidLines[0].line }));
          }
        }
      } catch (e) {
        problems.push(problemForError(e, SHA1SUM_FILE, "sha1sumTxt"));
      }
    }
  }
  const hashed = files.filter((f) => !f.excluded);
  if (hashed.every((f) => f.kind === "file" && f.sha1 !== null)) {
    sub.sha1sum.rebuiltHashcode = hashcodeOfSha1sumText(buildSha1sum(hashed.map((f) => ({ path: f.path, sha1: f.sha1! }))));
  }

  // Notebook mode (e2xgrader 0.1/0.2).
  if (parsed) {
    const nb = readable(`${parsed.assignment}.ipynb`);
    if (nb) sub.notebook = { path: nb.path, sha1: nb.sha1!, ...notebookHashcodes(nb.sha1!) };
  }
  sub.mode = sub.sha1sum.present ? "sha1sum" : sub.notebook ? "notebook" : "none";
  return finish();
}

/** A submission with nothing read yet: what a folder name alone tells. */
function blankSubmission(folder: SubmissionFolder, problems: ScanProblem[]): ScannedSubmission {
  return {
    key: folder.key,
    layout: folder.layout,
    folderName: folder.folderName,
    personalizedUser: folder.personalizedUser,
    student: folder.parsed?.student ?? null,
    assignment: folder.parsed?.assignment ?? null,
    random: folder.parsed?.random ?? null,
    timestamp: null,
    submittedAt: null,
    info: null,
    recordedHashcode: null,
    mode: "none",
    sha1sum: { present: false, storedHashcode: null, rebuiltHashcode: null, listed: [], invalidLines: 0 },
    notebook: null,
    files: [],
    totalBytes: 0,
    fingerprint: "",
    firstSeenFingerprint: "",
    problems,
    scannedAt: new Date().toISOString(),
  };
}

/** A submission whose scan threw unexpectedly: reported, never fatal to the whole scan. */
function failedSubmission(folder: SubmissionFolder, e: unknown, firstSeen: string | undefined): ScannedSubmission {
  const sub = blankSubmission(folder, [problemForError(e, ".", "submission")]);
  sub.fingerprint = computeFingerprint([]);
  sub.firstSeenFingerprint = firstSeen ?? sub.fingerprint;
  return sub;
}

/** Scans one submission folder (outside of any exchange walk, e.g. for a re-check of one key). */
export async function scanSubmissionDir(
  dir: string,
  opts: {
    root?: string;
    key?: string;
    layout?: ExchangeLayout;
    personalizedUser?: string | null;
    firstSeenFingerprint?: string;
    concurrency?: number;
    chunkSize?: number;
    excludeSubfolders?: readonly string[];
    timezones?: Record<string, number>;
    signal?: AbortSignal;
  } = {},
): Promise<ScannedSubmission> {
  const abs = path.resolve(dir);
  const folderName = path.basename(abs);
  const ctx = await rootContext(opts.root ?? path.dirname(abs));
  return scanFolder(
    {
      key: opts.key ?? folderName,
      layout: opts.layout ?? "inbound",
      dir: abs,
      folderName,
      personalizedUser: opts.personalizedUser ?? null,
      parsed: parseSubmissionFolderName(folderName),
    },
    {
      ctx,
      limiter: new Limiter(Math.max(1, opts.concurrency ?? hashConcurrency())),
      chunkSize: opts.chunkSize ?? 1024 * 1024,
      signal: opts.signal,
      excludeSubfolders: opts.excludeSubfolders,
      timezones: opts.timezones,
      onBytes: () => {},
      onFile: () => {},
      firstSeen: opts.firstSeenFingerprint,
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Whole exchange

/**
 * Scans a course's submissions and yields them in discovery order (sorted by key within each
 * layout). Files of up to `concurrency` submissions are hashed at once. Aborting via `signal`
 * stops after the submissions in flight; the returned summary's checkpoint resumes from there.
 */
export async function* scanExchange(opts: ScanOptions): AsyncGenerator<ScannedSubmission, ScanSummary, void> {
  const started = Date.now();
  const concurrency = Math.max(1, opts.concurrency ?? hashConcurrency());
  const ctx = await rootContext(opts.root);
  const prev = opts.checkpoint;
  const checkpoint: ScanCheckpoint = {
    version: 1,
    root: opts.root,
    courseId: opts.courseId,
    completed: [...(prev?.completed ?? [])],
    firstSeen: { ...(prev?.firstSeen ?? {}) },
  };
  const completed = new Set(checkpoint.completed);
  const { folders, rootProblems } = await discoverSubmissions(opts.root, opts.courseId, {
    layouts: opts.layouts,
    assignmentId: opts.assignmentId,
  });
  const progress: ScanProgress = {
    submissionsTotal: folders.length,
    submissionsDone: 0,
    submissionsSkipped: 0,
    filesHashed: 0,
    bytesHashed: 0,
    currentKey: null,
    elapsedMs: 0,
  };
  const interval = opts.progressIntervalMs ?? 250;
  let lastEmit = 0;
  const emit = (force: boolean) => {
    if (!opts.onProgress) return;
    const now = Date.now();
    if (!force && now - lastEmit < interval) return;
    lastEmit = now;
    progress.elapsedMs = now - started;
    opts.onProgress({ ...progress });
  };
  const limiter = new Limiter(concurrency);
  const todo = folders.filter((f) => {
    if (!completed.has(f.key)) return true;
    progress.submissionsDone++;
    progress.submissionsSkipped++;
    return false;
  });
  emit(true);

  const window = Math.max(2, concurrency);
  const inflight: Promise<ScannedSubmission>[] = [];
  let next = 0;
  const start = () => {
    while (inflight.length < window && next < todo.length && !opts.signal?.aborted) {
      const folder = todo[next++];
      const firstSeen = checkpoint.firstSeen[folder.key];
      inflight.push(
        scanFolder(folder, {
          ctx,
          limiter,
          chunkSize: opts.chunkSize ?? 1024 * 1024,
          signal: opts.signal,
          excludeSubfolders: opts.excludeSubfolders,
          timezones: opts.timezones,
          firstSeen,
          onBytes: (n) => {
            progress.bytesHashed += n;
            emit(false);
          },
          onFile: () => {
            progress.filesHashed++;
          },
        }).catch((e: unknown) => failedSubmission(folder, e, firstSeen)),
      );
    }
  };
  start();
  let aborted = false;
  while (inflight.length > 0) {
    const sub = await inflight.shift()!;
    if (opts.signal?.aborted) {
      aborted = true;
      continue; // possibly incomplete: not yielded, not checkpointed
    }
    if (!(sub.key in checkpoint.firstSeen)) checkpoint.firstSeen[sub.key] = sub.fingerprint;
    completed.add(sub.key);
    checkpoint.completed.push(sub.key);
    progress.submissionsDone++;
    progress.currentKey = sub.key;
    emit(true);
    opts.onCheckpoint?.(checkpoint);
    start();
    yield sub;
  }
  if (opts.signal?.aborted) aborted = true;
  progress.elapsedMs = Date.now() - started;
  return { rootProblems, progress: { ...progress }, checkpoint, aborted };
}

/** Runs `scanExchange` to the end and returns everything it yielded plus the summary. */
export async function runScan(opts: ScanOptions): Promise<{ submissions: ScannedSubmission[]; summary: ScanSummary }> {
  const submissions: ScannedSubmission[] = [];
  const gen = scanExchange(opts);
  for (;;) {
    const r = await gen.next();
    if (r.done) return { submissions, summary: r.value };
    submissions.push(r.value);
  }
}
