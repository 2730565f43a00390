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
 *   sha1File(path, opts?)                 streaming SHA-1 + byte count of one file (never follows symlinks)
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
import fs from "node:fs";
import fsp from "node:fs/promises";
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
  /** Called after every chunk with the number of bytes just read. */
  onBytes?: (n: number) => void;
}

/** Read buffers handed back after each file, so hashing many files does not churn the GC. */
const bufferPool = new Map<number, Buffer[]>();

function takeBuffer(size: number): Buffer {
  return bufferPool.get(size)?.pop() ?? Buffer.allocUnsafe(size);
}

function giveBuffer(buf: Buffer): void {
  const list = bufferPool.get(buf.length) ?? [];
  if (list.length < 16) list.push(buf);
  bufferPool.set(buf.length, list);
}

/**
 * Streams one file through SHA-1, one chunk at a time into a reused buffer (never the whole
 * file in memory). Opens with O_NOFOLLOW so a symlink swapped in after a directory listing is
 * refused (ELOOP) instead of followed; anything but a regular file is refused with code EFTYPE.
 * Errors (ENOENT when a file vanished, EACCES ...) reject with the original
 * `NodeJS.ErrnoException`; an aborted signal rejects with an AbortError.
 */
export async function sha1File(filePath: string, opts: Sha1FileOptions = {}): Promise<FileDigest> {
  opts.signal?.throwIfAborted();
  // O_NONBLOCK: a FIFO swapped in after the listing must not block the scan (no effect on files).
  const fh = await fsp.open(filePath, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  const buf = takeBuffer(opts.chunkSize ?? 1024 * 1024);
  try {
    if (!(await fh.stat()).isFile()) {
      throw Object.assign(new Error(`not a regular file: ${filePath}`), { code: "EFTYPE" });
    }
    const hash = createHash("sha1");
    let size = 0;
    for (;;) {
      opts.signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      size += bytesRead;
      opts.onBytes?.(bytesRead);
    }
    return { sha1: hash.digest("hex"), size };
  } finally {
    giveBuffer(buf);
    await fh.close();
  }
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
