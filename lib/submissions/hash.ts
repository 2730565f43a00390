/**
 * Submission hashing, byte-compatible with e2xgrader.
 *
 * Two ways e2xgrader derives the hashcode a student writes on the exam sheet:
 *
 * - SHA1SUM.txt mode (e2xgrader 0.3.x, `exchange/hash_utils.py` + `exchange/submit.py`):
 *   every file of the assignment folder is SHA-1 hashed, except files whose *basename*
 *   matches (fnmatch, case-sensitive) `timestamp.txt`, `<username>_info.txt`, `*.html` or
 *   `SHA1SUM.txt`, and except every folder whose path contains `.ipynb_checkpoints` or
 *   `.history` as a substring. Lines `<sha1>  <relpath>` sorted by path (code points) are
 *   joined with "\n" (no trailing newline) and written to `SHA1SUM.txt`; the hashcode is the
 *   SHA-1 of that file, first 12 hex characters in 3 chunks of 4 (`1a2b-3c4d-5e6f`),
 *   lower case in `<username>_info.txt`, upper case on the student's screen.
 * - Notebook mode (e2xgrader 0.1.x-0.2.x): the SHA-1 of `<assignment_id>.ipynb` after a
 *   timestamp cell was appended; formatted as 4 overlapping chunks of 6 characters
 *   (`hex[0:6]-hex[5:11]-hex[10:16]-hex[15:21]`). The 3x4 form of the same SHA-1 is accepted too.
 *
 * Exports:
 *   sha1File(path, opts?)                 streaming SHA-1 + byte count of one file (never follows symlinks),
 *                                         on a pool of worker threads, one per core
 *   lstatEntries(paths), readdirRaw(dir), readSmallFile(path, max)
 *                                         a scan's small file system work, on the same threads
 *   hashConcurrency(), hashThreads(), hashPoolStatus()   how many files to keep in flight; pool size
 *   sha1Hex(data)                         SHA-1 of a string (UTF-8) or bytes
 *   fnmatch(name, pattern)                Python `fnmatch.fnmatch` semantics on POSIX
 *   e2xExcludeFiles(username)             the file patterns e2xgrader excludes
 *   isExcludedFromSha1sum(relPath, opts)  true if e2xgrader would leave the file out of SHA1SUM.txt
 *   buildSha1sum(entries)                 SHA1SUM.txt text exactly as e2xgrader writes it
 *   parseSha1sum(text)                    entries + unparseable lines (also reads GNU-escaped lines)
 *   truncateHashcode, legacyTruncateHashcode, normalizeHashcode, hashcodesEqual, isHashcodeShaped
 *                                         re-exported from ./hashcode (no Node imports, client-safe)
 *   hashcodeOfSha1sumText(text)           hashcode derived from SHA1SUM.txt content
 *   notebookHashcodes(sha1)               both formats of a notebook SHA-1
 *   compareCodePoints(a, b)               Python's str ordering
 */
import { createHash } from "node:crypto";
import os from "node:os";
import { Worker } from "node:worker_threads";
// relative: the scan also runs as another user from outside the repository, without its path aliases
import { THREAD_DEPTH, ThreadPool } from "../threads/pool";
import { legacyTruncateHashcode, truncateHashcode } from "./hashcode";

export { hashcodesEqual, isHashcodeShaped, legacyTruncateHashcode, normalizeHashcode, truncateHashcode } from "./hashcode";

export const SHA1SUM_FILE = "SHA1SUM.txt";
export const TIMESTAMP_FILE = "timestamp.txt";
export const INFO_FILE_SUFFIX = "_info.txt";
/** `E2xExchangeSubmit.exclude_hashcode_subfolders` default. */
export const DEFAULT_EXCLUDE_SUBFOLDERS: readonly string[] = [".ipynb_checkpoints", ".history"];
/** nbgrader `CourseDirectory.ignore` default: never copied from the student's folder to the exchange. */
export const NBGRADER_COPY_IGNORE: readonly string[] = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"];

const SHA1_RE = /^[0-9a-f]{40}$/;

export interface FileDigest {
  sha1: string;
  /** Bytes actually read. */
  size: number;
}

export interface Sha1FileOptions {
  /** Read size; memory held per file being hashed. Default 1 MiB. */
  chunkSize?: number;
  signal?: AbortSignal;
  /** Called with the number of bytes read since the last call: every few MiB of a large file, and at its end. */
  onBytes?: (n: number) => void;
}

// ---- the file pool --------------------------------------------------------------------------
//
// SHA-1 runs in worker threads, one per core (sha1-worker.mjs, on the pool of lib/threads/pool.ts),
// so that a scan uses every core and the event loop stays free for the pages meanwhile. Each
// thread reads its file in chunks into one reused buffer: memory is bounded by threads x chunk
// size, whatever the file sizes. The same threads do the scan's small file system work (lstat of
// a folder's entries, reading a small text file): done there with plain system calls, it costs
// the main thread one message instead of a promise per call.

type PoolMessage =
  | { op: "sha1"; path: string; chunkSize: number; progress: boolean }
  | { op: "lstat"; paths: string[] }
  | { op: "read"; path: string; max: number }
  | { op: "readdir"; path: string };

/** An error from a thread as the system error it was (`code` ENOENT, ELOOP, EFTYPE ...). */
function systemError(e: { code?: string; message: string }): NodeJS.ErrnoException {
  return Object.assign(new Error(e.message), e.code ? { code: e.code } : {});
}

/** Threads the pool uses: E2X_HASH_THREADS, else one per core. */
export function hashThreads(env: Record<string, string | undefined> = process.env): number {
  const n = Number(env.E2X_HASH_THREADS);
  return Number.isInteger(n) && n > 0 ? n : Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

/** Files a caller should keep in flight to keep every thread busy. */
export function hashConcurrency(): number {
  return Math.max(4, pool().size * THREAD_DEPTH);
}

const poolHolder = globalThis as unknown as { __e2xFilePool?: ThreadPool };

/** The process's one file pool (on globalThis, so every route bundle shares it). */
function pool(): ThreadPool {
  return (poolHolder.__e2xFilePool ??= new ThreadPool({
    size: hashThreads(),
    label: "hashing",
    spawn: (workerData) => new Worker(new URL("./sha1-worker.mjs", import.meta.url), { workerData }),
  }));
}

/** How the pool is sized and what it runs now (diagnostics, tests). */
export function hashPoolStatus(): { size: number; running: number; started: number } {
  const p = pool();
  return { size: p.size, running: p.running, started: p.started };
}

/**
 * Streams one file through SHA-1 on the file pool, one chunk at a time into a reused buffer
 * (never the whole file in memory). Opens with O_NOFOLLOW so a symlink swapped in after a
 * directory listing is refused (ELOOP) instead of followed; anything but a regular file is
 * refused with code EFTYPE. Errors (ENOENT when a file vanished, EACCES ...) reject with an
 * Error carrying the system `code`; an aborted signal rejects with an AbortError.
 */
export function sha1File(filePath: string, opts: Sha1FileOptions = {}): Promise<FileDigest> {
  const message: PoolMessage = { op: "sha1", path: filePath, chunkSize: opts.chunkSize ?? 1024 * 1024, progress: !!opts.onBytes };
  return pool().run<FileDigest>(message, opts);
}

export type EntryStat = { kind: "file" | "dir" | "symlink" | "other"; size: number } | { error: NodeJS.ErrnoException };

/** lstat of many paths in one go on the file pool (never follows symlinks); errors per path. */
export async function lstatEntries(paths: readonly string[]): Promise<EntryStat[]> {
  if (paths.length === 0) return [];
  const raw = await pool().run<({ kind: "file" | "dir" | "symlink" | "other"; size: number } | { error: { code?: string; message: string } })[]>({ op: "lstat", paths: [...paths] });
  return raw.map((r) => ("error" in r ? { error: systemError(r.error) } : r));
}

/** The entry names of a folder as raw bytes (not decoded: names need not be UTF-8), on the file pool. */
export async function readdirRaw(dirPath: string): Promise<Buffer[]> {
  const names = await pool().run<Uint8Array[]>({ op: "readdir", path: dirPath });
  return names.map((n) => Buffer.from(n.buffer, n.byteOffset, n.byteLength));
}

/**
 * A small text file (UTF-8) read on the file pool without following symlinks; null if it is
 * larger than `max` bytes. Anything but a regular file is refused with code EFTYPE.
 */
export function readSmallFile(filePath: string, max: number): Promise<string | null> {
  return pool().run<string | null>({ op: "read", path: filePath, max });
}

export function sha1Hex(data: string | Uint8Array): string {
  return createHash("sha1").update(data).digest("hex");
}

/** Python's default `str` ordering: by Unicode code point (JS `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

const fnmatchCache = new Map<string, RegExp>();

/** Python `fnmatch.translate`: `*`, `?`, `[seq]`, `[!seq]`; an unclosed `[` is literal. */
function translateGlob(pattern: string): RegExp {
  const cached = fnmatchCache.get(pattern);
  if (cached) return cached;
  let re = "";
  const n = pattern.length;
  let i = 0;
  const esc = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
  const escIn = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
  while (i < n) {
    const c = pattern[i++];
    if (c === "*") {
      re += "[\\s\\S]*";
    } else if (c === "?") {
      re += "[\\s\\S]";
    } else if (c === "[") {
      let j = i;
      if (j < n && pattern[j] === "!") j++;
      if (j < n && pattern[j] === "]") j++;
      while (j < n && pattern[j] !== "]") j++;
      if (j >= n) {
        re += "\\[";
      } else {
        let body = pattern.slice(i, j);
        i = j + 1;
        let negate = false;
        if (body.startsWith("!")) {
          negate = true;
          body = body.slice(1);
        }
        // Keep ranges a-z, escape everything else.
        let cls = "";
        for (let k = 0; k < body.length; k++) {
          if (body[k + 1] === "-" && k + 2 < body.length) {
            cls += `${escIn(body[k])}-${escIn(body[k + 2])}`;
            k += 2;
          } else {
            cls += escIn(body[k]);
          }
        }
        re += negate ? `[^${cls}]` : cls === "" ? "(?!)" : `[${cls}]`;
      }
    } else {
      re += esc(c);
    }
  }
  let compiled: RegExp;
  try {
    compiled = new RegExp(`^(?:${re})$`, "u");
  } catch {
    compiled = new RegExp(`^${esc(pattern)}$`, "u");
  }
  fnmatchCache.set(pattern, compiled);
  return compiled;
}

/** `fnmatch.fnmatch(name, pattern)` on POSIX (case-sensitive). */
export function fnmatch(name: string, pattern: string): boolean {
  return translateGlob(pattern).test(name);
}

/** The `exclude_files` e2xgrader 0.3.x passes, plus the output file it appends itself. */
export function e2xExcludeFiles(username: string): string[] {
  return [TIMESTAMP_FILE, `${username}${INFO_FILE_SUFFIX}`, "*.html", SHA1SUM_FILE];
}

export interface ExclusionOptions {
  /** Username of the submitting account (names `<username>_info.txt`). */
  username: string;
  excludeFiles?: readonly string[];
  excludeSubfolders?: readonly string[];
}

/**
 * True if e2xgrader's `hash_files_in_directory` would skip the file at `relPath`
 * (POSIX separators, relative to the submission folder).
 *
 * e2xgrader tests the subfolder names as substrings of the *absolute* walk root; the portal
 * tests them against the path relative to the submission folder, so a parent folder of the
 * exchange named e.g. `.history` does not hide a whole submission.
 */
export function isExcludedFromSha1sum(relPath: string, opts: ExclusionOptions): boolean {
  const slash = relPath.lastIndexOf("/");
  const base = slash < 0 ? relPath : relPath.slice(slash + 1);
  const dir = slash < 0 ? "" : relPath.slice(0, slash);
  const files = opts.excludeFiles ?? e2xExcludeFiles(opts.username);
  if (files.some((p) => fnmatch(base, p))) return true;
  const subfolders = opts.excludeSubfolders ?? DEFAULT_EXCLUDE_SUBFOLDERS;
  return subfolders.some((s) => dir.includes(normPath(s)));
}

function normPath(p: string): string {
  // os.path.normpath for the simple names used here: drop "./" and trailing "/".
  return p.replace(/^(\.\/)+/, "").replace(/\/+$/, "") || ".";
}

/** True if nbgrader's copy to the exchange leaves this path out (default `CourseDirectory.ignore`). */
export function isIgnoredByNbgraderCopy(relPath: string, ignore: readonly string[] = NBGRADER_COPY_IGNORE): boolean {
  return relPath.split("/").some((part) => ignore.some((p) => fnmatch(part, p)));
}

export interface Sha1sumEntry {
  path: string;
  sha1: string;
}

/** SHA1SUM.txt content as e2xgrader writes it: sorted, `<sha1>  <path>`, "\n"-joined, no final newline. */
export function buildSha1sum(entries: readonly Sha1sumEntry[]): string {
  return [...entries]
    .sort((a, b) => compareCodePoints(a.path, b.path))
    .map((e) => `${e.sha1}  ${e.path}`)
    .join("\n");
}

export interface ParsedSha1sum {
  entries: Sha1sumEntry[];
  /** 1-based line numbers and text of lines that are not `<40 hex>  <path>`. */
  invalidLines: { line: number; text: string }[];
}

/**
 * Reads `sha1sum` format: `<sha1>  <path>` or `<sha1> *<path>` (binary marker); GNU-escaped
 * lines (leading `\`, `\\` and `\n` escapes) are unescaped. e2xgrader never escapes, so a file
 * name containing a newline shows up here as invalid lines.
 */
export function parseSha1sum(text: string): ParsedSha1sum {
  const entries: Sha1sumEntry[] = [];
  const invalidLines: { line: number; text: string }[] = [];
  if (text === "") return { entries, invalidLines };
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  lines.forEach((raw, idx) => {
    let line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    let escaped = false;
    if (line.startsWith("\\")) {
      escaped = true;
      line = line.slice(1);
    }
    const m = /^([0-9a-fA-F]{40}) [ *](.*)$/s.exec(line);
    if (!m || m[2] === "") {
      invalidLines.push({ line: idx + 1, text: raw });
      return;
    }
    let p = m[2];
    if (escaped) p = p.replace(/\\(\\|n|r)/g, (_, c: string) => (c === "n" ? "\n" : c === "r" ? "\r" : "\\"));
    entries.push({ sha1: m[1].toLowerCase(), path: p });
  });
  return { entries, invalidLines };
}

/** The hashcode e2xgrader 0.3.x derives from SHA1SUM.txt content (lower case). */
export function hashcodeOfSha1sumText(text: string | Uint8Array): string {
  return truncateHashcode(sha1Hex(text));
}

export interface NotebookHashcodes {
  /** 0.1/0.2 format, as written to `<user>_info.txt` by those releases. */
  legacy: string;
  /** 3 x 4 format of the same SHA-1. */
  short: string;
}

export function notebookHashcodes(sha1: string): NotebookHashcodes {
  return { legacy: legacyTruncateHashcode(sha1), short: truncateHashcode(sha1) };
}

export function isSha1(s: string): boolean {
  return SHA1_RE.test(s);
}
