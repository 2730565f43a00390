import { stringify } from "csv-stringify/sync";

/**
 * Roster CSV files: reading every layout the E2x tools produce, comparing an import with the
 * current roster, and writing files back out. Pure functions, no I/O.
 *
 * Reading (parseRosterCsv):
 * - Encoding: UTF-8 (with or without BOM); UTF-16 with BOM; anything that is not valid
 *   UTF-8 is decoded as Windows-1252 (German Excel's "CSV (Trennzeichen-getrennt)"), with a
 *   warning. Text is normalised to Unicode NFC.
 * - Separator: `,` or `;`, detected from the header line (outside quotes); an Excel
 *   `sep=;` first line is honoured and skipped.
 * - Quotes as in RFC 4180 (`""` inside quotes), CRLF, LF or CR line ends, quoted fields
 *   may span lines. Every field is trimmed. A stray text after a closing quote is kept.
 * - Empty lines and rows with only separators (`;;;`) are skipped silently.
 * - Row numbers are what Excel shows: header = row 1, one row per record, blank lines count,
 *   a `sep=` line does not. Without multi-line cells this is the file's line number.
 * - Rows with an empty or malformed user name, or with the wrong number of columns, are
 *   reported in `invalid` and left out. Extra columns are tolerated only when empty.
 * - A user name seen again is reported in `duplicates` and only its first row is kept.
 * - Password columns (exam account output, exam sheets) are never kept: dropped on reading,
 *   with a warning.
 * - Files larger than 10 MiB are refused before anything is decoded.
 */

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

export type RosterFormat = "e2x-course" | "legacy" | "exam-input" | "exam-output" | "exam-sheet" | "portal";

export type Delimiter = "," | ";";

/** The roster fields a file can carry (besides the user name). */
export type RosterField =
  | "universityId"
  | "displayName"
  | "firstName"
  | "lastName"
  | "matrikel"
  | "room"
  | "seat"
  | "examDate"
  | "isBackup";

export const ROSTER_FIELDS: readonly RosterField[] = [
  "universityId",
  "displayName",
  "firstName",
  "lastName",
  "matrikel",
  "room",
  "seat",
  "examDate",
  "isBackup",
];

/** One student as read from a file. Optional fields are present only when the cell had a value. */
export type ParsedRow = {
  /** Row number as Excel shows it (header = 1). */
  row: number;
  /** Trimmed, lower-cased (unless disabled) and checked against USERNAME_PATTERN. */
  username: string;
  /** The university account (`FB02UID`) when the file's login name is a separate exam account. */
  universityId?: string;
  /** `Name` column, or first + last name. */
  displayName?: string;
  firstName?: string;
  lastName?: string;
  /** Student number (`Matrikel`). */
  matrikel?: string;
  room?: string;
  /** `Platz` / `seat`. */
  seat?: string;
  /** `Date` as written in the file (not reinterpreted). */
  examDate?: string;
  /** exam sheets: `is_backup` (spare accounts kept for the room). */
  isBackup?: boolean;
};

export type InvalidRow = { row: number; raw: string; reason: string };

export type DuplicateRow = {
  row: number;
  username: string;
  /** Row that was kept. */
  firstRow: number;
  /** True when both rows carry the same data; false when they disagree (the first one wins). */
  identical: boolean;
};

export type RosterEncoding = "utf-8" | "windows-1252" | "utf-16le" | "utf-16be";

export type ParsedRoster = {
  format: RosterFormat;
  formatLabel: string;
  delimiter: Delimiter;
  encoding: RosterEncoding;
  /** Header cells as found in the file. */
  columns: string[];
  rows: ParsedRow[];
  invalid: InvalidRow[];
  duplicates: DuplicateRow[];
  /** Things the user should know that did not make a row invalid (dropped passwords, encoding ...). */
  warnings: string[];
};

export type ParseRosterOptions = {
  /** Default 10 MiB. */
  maxBytes?: number;
  /**
   * Lower-case user names (default true). JupyterHub lower-cases names at login, so `Alice`
   * and `alice` are one hub user; duplicates are found case-insensitively either way.
   */
  lowercaseUsernames?: boolean;
  /** Default "auto": BOM, then strict UTF-8, else Windows-1252. Only used for Buffer input. */
  encoding?: "auto" | RosterEncoding;
};

export type RosterFileErrorCode = "too-large" | "empty" | "unknown-header";

export class RosterFileError extends Error {
  constructor(
    readonly code: RosterFileErrorCode,
    message: string,
    readonly details: { size?: number; maxBytes?: number; header?: string[]; acceptedHeaders?: string[] } = {},
  ) {
    super(message);
    this.name = "RosterFileError";
  }
}

export const MAX_ROSTER_FILE_BYTES = 10 * 1024 * 1024;

/**
 * Allowed user names: ASCII letter or digit first, then letters, digits, `.`, `_`, `@`, `-`,
 * 64 characters at most.
 *
 * Why: the name ends up in hub URLs (`/user/<name>/`), in Kubernetes object names that
 * KubeSpawner derives from it, in NFS paths (`homes/<mode>/students/<course_id>/<name>`) and
 * in shell-driven tools. Spaces, quotes, slashes and non-ASCII letters break or get escaped
 * differently in each of those; a leading `.` or `-` could make a hidden directory, `..`, or a
 * command-line option. University accounts (FB02UID) and generated exam accounts fit the
 * rule; `@` admits e-mail-style logins.
 */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export const USERNAME_RULE =
  "letters A-Z, digits and . _ @ - only, starting with a letter or digit, at most 64 characters";

// ---------------------------------------------------------------------------------------------
// Formats
// ---------------------------------------------------------------------------------------------

type ColumnTarget = RosterField | "username" | "password";

type ColumnSpec = { name: string; target: ColumnTarget; optional?: boolean };

type FormatSpec = {
  format: RosterFormat;
  label: string;
  header: string;
  columns: ColumnSpec[];
  /** Any subset of the columns (with the username) is accepted, in any order. */
  subset?: boolean;
};

const col = (name: string, target: ColumnTarget, optional = false): ColumnSpec => ({ name, target, optional });

/** Header row of exportFullCsv, also read back as the "portal" format. */
export const PORTAL_COLUMNS = [
  col("Username", "username"),
  col("FB02UID", "universityId"),
  col("Name", "displayName"),
  col("First name", "firstName"),
  col("Last name", "lastName"),
  col("Matrikel", "matrikel"),
  col("Room", "room"),
  col("Seat", "seat"),
  col("Date", "examDate"),
  col("Backup", "isBackup"),
] as const satisfies readonly ColumnSpec[];

const FORMATS: FormatSpec[] = [
  {
    format: "e2x-course",
    label: "E2x course roster (Username)",
    header: "Username",
    columns: [col("Username", "username")],
  },
  {
    format: "legacy",
    label: "E2x course roster, old layout (FB02UID)",
    header: "FB02UID",
    columns: [col("FB02UID", "username")],
  },
  {
    format: "exam-input",
    label: "E2x exam account list, input",
    header: "Name,FB02UID,Matrikel,Room,Platz,Date",
    columns: [col("Name", "displayName"), col("FB02UID", "username"), col("Matrikel", "matrikel"), col("Room", "room"), col("Platz", "seat"), col("Date", "examDate")],
  },
  {
    // The generated exam account (Username) is the login on the exam hub; FB02UID is kept
    // as the university account it belongs to.
    format: "exam-output",
    label: "E2x exam account list, output",
    header: "Name,FB02UID,Username,Password,Matrikel,Raum,Platz,Date",
    columns: [
      col("Name", "displayName"),
      col("FB02UID", "universityId"),
      col("Username", "username"),
      col("Password", "password"),
      col("Matrikel", "matrikel"),
      col("Raum", "room"),
      col("Platz", "seat"),
      col("Date", "examDate"),
    ],
  },
  {
    format: "exam-sheet",
    label: "E2x exam sheet list",
    header: "first_name,last_name,room,seat,username,password[,is_backup]",
    columns: [
      col("first_name", "firstName"),
      col("last_name", "lastName"),
      col("room", "room"),
      col("seat", "seat"),
      col("username", "username"),
      col("password", "password"),
      col("is_backup", "isBackup", true),
    ],
  },
  {
    format: "portal",
    label: "E2x Hub Portal export",
    header: PORTAL_COLUMNS.map((c) => c.name).join(","),
    columns: [...PORTAL_COLUMNS],
    subset: true,
  },
];

/** The headers parseRosterCsv understands, as shown in error messages. */
export const ACCEPTED_HEADERS: readonly string[] = FORMATS.map((f) => f.header);

const norm = (s: string) => s.replace(/\s+/g, " ").trim().toLowerCase();

function detectFormat(header: string[]): { spec: FormatSpec; index: Map<ColumnTarget, number> } | null {
  const cells = header.map(norm);
  if (new Set(cells).size !== cells.length) return null;
  for (const spec of FORMATS) {
    const byName = new Map(spec.columns.map((c) => [norm(c.name), c] as const));
    if (!cells.every((c) => byName.has(c))) continue;
    const present = new Set(cells);
    const required = spec.subset ? spec.columns.filter((c) => c.target === "username") : spec.columns.filter((c) => !c.optional);
    if (!required.every((c) => present.has(norm(c.name)))) continue;
    // A lone "Username" column is the E2x course roster, not a one-column portal export.
    if (spec.subset && cells.length === 1) continue;
    const index = new Map<ColumnTarget, number>();
    cells.forEach((c, i) => index.set(byName.get(c)!.target, i));
    return { spec, index };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

function decode(input: Buffer | string, encoding: ParseRosterOptions["encoding"] = "auto"): { text: string; encoding: RosterEncoding } {
  if (typeof input === "string") return { text: input.replace(/^\uFEFF/, ""), encoding: "utf-8" };
  const b = input;
  const pick = (enc: RosterEncoding, skip: number) => ({ text: new TextDecoder(enc).decode(b.subarray(skip)), encoding: enc });
  if (encoding !== "auto") {
    const text = new TextDecoder(encoding).decode(b);
    return { text: text.replace(/^\uFEFF/, ""), encoding };
  }
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return pick("utf-8", 3);
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return pick("utf-16le", 2);
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return pick("utf-16be", 2);
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(b), encoding: "utf-8" };
  } catch {
    // Not UTF-8: German Excel writes Windows-1252 (a superset of Latin-1 for printable text).
    return pick("windows-1252", 0);
  }
}

// ---------------------------------------------------------------------------------------------
// Tokenizer
// ---------------------------------------------------------------------------------------------

type RawRecord = { row: number; fields: string[]; raw: string; error?: string };

/** Index just past the end of the physical line that contains `pos` (its line break included). */
function endOfLine(text: string, pos: number): { contentEnd: number; next: number } {
  let i = pos;
  while (i < text.length && text[i] !== "\n" && text[i] !== "\r") i++;
  if (i >= text.length) return { contentEnd: i, next: i };
  if (text[i] === "\r" && text[i + 1] === "\n") return { contentEnd: i, next: i + 2 };
  return { contentEnd: i, next: i + 1 };
}

/**
 * Splits text into records. Quoted fields may contain separators, `""` and line breaks; an
 * unterminated quote invalidates only its own line (tokenizing resumes on the next line).
 */
function tokenize(text: string, delim: Delimiter, firstRow: number): RawRecord[] {
  const records: RawRecord[] = [];
  const n = text.length;
  let i = 0;
  let row = firstRow;
  while (i < n) {
    const start = i;
    const fields: string[] = [];
    let broken = false;
    for (;;) {
      // Spaces before an opening quote are insignificant.
      let j = i;
      while (j < n && (text[j] === " " || text[j] === "\t")) j++;
      if (text[j] === '"') {
        j++;
        let value = "";
        let seg = j;
        let closed = false;
        while (j < n) {
          if (text[j] === '"') {
            if (text[j + 1] === '"') {
              value += text.slice(seg, j + 1);
              j += 2;
              seg = j;
              continue;
            }
            value += text.slice(seg, j);
            j++;
            closed = true;
            break;
          }
          j++;
        }
        if (!closed) {
          broken = true;
          break;
        }
        // Text between the closing quote and the next separator is kept (lenient).
        let k = j;
        while (k < n && text[k] !== delim && text[k] !== "\n" && text[k] !== "\r") k++;
        fields.push(value + text.slice(j, k));
        i = k;
      } else {
        let k = i;
        while (k < n && text[k] !== delim && text[k] !== "\n" && text[k] !== "\r") k++;
        fields.push(text.slice(i, k));
        i = k;
      }
      if (i < n && text[i] === delim) {
        i++;
        continue;
      }
      break;
    }
    if (broken) {
      const { contentEnd, next } = endOfLine(text, start);
      records.push({ row, fields: [], raw: text.slice(start, contentEnd), error: "a quoted field is not closed (missing \")" });
      i = next;
      row++;
      continue;
    }
    const contentEnd = i;
    if (i < n) i += text[i] === "\r" && text[i + 1] === "\n" ? 2 : 1;
    records.push({ row, fields, raw: text.slice(start, contentEnd) });
    row++;
  }
  return records;
}

/** Counts separators outside quotes on the first line. */
function detectDelimiter(line: string): Delimiter {
  let inQuotes = false;
  let commas = 0;
  let semicolons = 0;
  for (const ch of line) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && ch === ",") commas++;
    else if (!inQuotes && ch === ";") semicolons++;
  }
  return semicolons > commas ? ";" : ",";
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/** Cells starting with = + - @ are written with a leading ' (see exportFullCsv); undo that. */
function unguard(value: string): string {
  return /^'[=+\-@]/.test(value) ? value.slice(1) : value;
}

function parseBool(value: string): boolean {
  return ["1", "true", "yes", "y", "x", "ja", "wahr"].includes(value.trim().toLowerCase());
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Reads a roster file. Throws RosterFileError for files that cannot be a roster at all
 * (too large, empty, unknown header); problems with single rows are reported in the result.
 */
export function parseRosterCsv(input: Buffer | string, opts: ParseRosterOptions = {}): ParsedRoster {
  const maxBytes = opts.maxBytes ?? MAX_ROSTER_FILE_BYTES;
  const size = typeof input === "string" ? Buffer.byteLength(input, "utf8") : input.byteLength;
  if (size > maxBytes) {
    throw new RosterFileError("too-large", `The file is ${mb(size)}; roster files may be at most ${mb(maxBytes)}.`, { size, maxBytes });
  }
  const lowercase = opts.lowercaseUsernames ?? true;
  const warnings: string[] = [];

  const decoded = decode(input, opts.encoding);
  let text = decoded.text.normalize("NFC");
  if (decoded.encoding === "windows-1252") {
    warnings.push("The file is not UTF-8; it was read as Windows-1252 (Excel's usual encoding on German Windows). Check umlauts in the preview.");
  } else if (decoded.encoding !== "utf-8") {
    warnings.push(`The file was read as ${decoded.encoding.toUpperCase()}.`);
  }

  // Leading blank lines are skipped but still count as rows.
  let firstRow = 1;
  for (;;) {
    const { contentEnd, next } = endOfLine(text, 0);
    if (next === 0 || text.slice(0, contentEnd).trim() !== "") break;
    text = text.slice(next);
    firstRow++;
  }
  if (text.trim() === "") throw new RosterFileError("empty", "The file is empty: expected a header row and one student per row.");

  // Excel's "sep=;" directive: Excel hides this line, so it does not count as a row.
  let delimiter: Delimiter;
  const first = endOfLine(text, 0);
  const sep = /^sep=([,;])$/i.exec(text.slice(0, first.contentEnd).trim());
  if (sep) {
    delimiter = sep[1] as Delimiter;
    text = text.slice(first.next);
    if (text.trim() === "") throw new RosterFileError("empty", "The file is empty: expected a header row and one student per row.");
  } else {
    delimiter = detectDelimiter(text.slice(0, first.contentEnd));
  }

  const records = tokenize(text, delimiter, firstRow);
  const headerRecord = records.find((r) => !r.error && r.fields.some((f) => f.trim() !== ""));
  const headerCells = headerRecord ? headerRecord.fields.map((f) => f.trim()) : [];
  while (headerCells.length > 1 && headerCells[headerCells.length - 1] === "") headerCells.pop();
  const detected = headerRecord ? detectFormat(headerCells) : null;
  if (!headerRecord || !detected) {
    const found = headerCells.join(delimiter) || "(nothing)";
    throw new RosterFileError(
      "unknown-header",
      `Unknown roster layout: the first row is "${found}". The first row must be one of these headers (separated by , or ;):\n` +
        ACCEPTED_HEADERS.map((h) => `  ${h}`).join("\n"),
      { header: headerCells, acceptedHeaders: [...ACCEPTED_HEADERS] },
    );
  }
  const { spec, index } = detected;
  const width = headerCells.length;
  const minWidth = spec.columns.reduce((m, c) => (c.optional || !index.has(c.target) ? m : Math.max(m, index.get(c.target)! + 1)), 1);

  const rows: ParsedRow[] = [];
  const invalid: InvalidRow[] = [];
  const duplicates: DuplicateRow[] = [];
  const seen = new Map<string, ParsedRow>();
  let passwords = 0;
  let lowercased = 0;

  // Invalid rows are shown back to the user (and may be logged): never with a password in them.
  const passwordAt = index.get("password");
  const rawOf = (rec: RawRecord): string => {
    if (passwordAt === undefined) return rec.raw;
    if (rec.error) return "(row not shown: it may contain a password)";
    return rec.fields.map((f, i) => (i === passwordAt && f.trim() !== "" ? "***" : f)).join(delimiter);
  };

  for (const rec of records) {
    if (rec.row <= headerRecord.row) continue;
    if (rec.error) {
      invalid.push({ row: rec.row, raw: rawOf(rec), reason: rec.error });
      continue;
    }
    const cells = rec.fields.map((f) => f.trim());
    if (cells.every((c) => c === "")) continue; // blank line or ";;;;"
    let count = cells.length;
    while (count > width && cells[count - 1] === "") count--; // trailing empty cells from Excel
    if (count > width || count < minWidth) {
      invalid.push({ row: rec.row, raw: rawOf(rec), reason: `expected ${width} column${width === 1 ? "" : "s"}, found ${count}` });
      continue;
    }
    const cell = (target: ColumnTarget): string | undefined => {
      const i = index.get(target);
      if (i === undefined) return undefined;
      const v = cells[i];
      return v === undefined || v === "" ? undefined : v;
    };

    if (cell("password") !== undefined) passwords++;
    const rawName = cell("username");
    if (rawName === undefined) {
      invalid.push({ row: rec.row, raw: rawOf(rec), reason: "the user name is empty" });
      continue;
    }
    if (!USERNAME_PATTERN.test(rawName)) {
      invalid.push({ row: rec.row, raw: rawOf(rec), reason: `user name "${rawName}" is not allowed (${USERNAME_RULE})` });
      continue;
    }
    const username = lowercase ? rawName.toLowerCase() : rawName;
    if (username !== rawName) lowercased++;

    const parsed: ParsedRow = { row: rec.row, username };
    for (const field of ROSTER_FIELDS) {
      const v = cell(field);
      if (v === undefined) continue;
      if (field === "isBackup") parsed.isBackup = parseBool(v);
      else parsed[field] = unguard(v);
    }
    if (parsed.displayName === undefined && (parsed.firstName || parsed.lastName)) {
      parsed.displayName = [parsed.firstName, parsed.lastName].filter(Boolean).join(" ");
    }

    const key = username.toLowerCase();
    const earlier = seen.get(key);
    if (earlier) {
      duplicates.push({ row: rec.row, username, firstRow: earlier.row, identical: sameData(earlier, parsed) });
      continue;
    }
    seen.set(key, parsed);
    rows.push(parsed);
  }

  if (index.has("password")) {
    warnings.push(
      passwords > 0
        ? `The password column was dropped (${passwords} value${passwords === 1 ? "" : "s"}): passwords are never imported or stored. Issue new one-time passwords from the portal.`
        : "The password column was dropped: passwords are never imported or stored.",
    );
  }
  if (lowercased > 0) {
    warnings.push(`${lowercased} user name${lowercased === 1 ? " was" : "s were"} lower-cased (JupyterHub treats user names case-insensitively).`);
  }
  if (sep) warnings.push(`The file starts with an Excel "sep=${delimiter}" line; it was skipped.`);

  return {
    format: spec.format,
    formatLabel: spec.label,
    delimiter,
    encoding: decoded.encoding,
    columns: headerCells,
    rows,
    invalid,
    duplicates,
    warnings,
  };
}

function sameData(a: ParsedRow, b: ParsedRow): boolean {
  return ROSTER_FIELDS.every((f) => a[f] === b[f]);
}

// ---------------------------------------------------------------------------------------------
// Diff
// ---------------------------------------------------------------------------------------------

/** A student already on the roster. Fields may be null (database) or missing. */
export type ExistingStudent = { username: string } & { [F in RosterField]?: (F extends "isBackup" ? boolean : string) | null };

export type RosterRecord = { username: string } & { [F in RosterField]?: F extends "isBackup" ? boolean : string };

export type FieldChange = { field: RosterField; before: string | boolean | null; after: string | boolean };

export type RosterDiff<E extends ExistingStudent> = {
  mode: "replace" | "merge";
  /** In the file, not on the roster. */
  added: ParsedRow[];
  /** On the roster, not in the file: removed by a "replace" import (always empty for "merge"). */
  removed: E[];
  /** On the roster, not in the file, left alone by a "merge" import (always empty for "replace"). */
  kept: E[];
  /** In both, with different data. `after` is the record to store: the existing values with the file's values on top. */
  updated: { username: string; before: E; after: RosterRecord; row: ParsedRow; changes: FieldChange[] }[];
  /** In both, same data. */
  unchanged: { username: string; before: E; row: ParsedRow }[];
};

export type DiffOptions = {
  mode: "replace" | "merge";
  /**
   * Fields to compare. Default: those the existing record has as properties (null counts),
   * so a field the roster does not store (e.g. the exam date) never shows as a change.
   */
  fields?: readonly RosterField[];
};

/**
 * Compares an import with the current roster. User names match case-insensitively; `after`
 * keeps the roster's spelling of the name. A value missing or empty in the file never blanks
 * a stored value (an import adds and corrects data, it does not erase it).
 */
export function diffRoster<E extends ExistingStudent>(
  existing: readonly E[],
  parsed: ParsedRoster | readonly ParsedRow[],
  opts: DiffOptions = { mode: "replace" },
): RosterDiff<E> {
  const incoming = Array.isArray(parsed) ? (parsed as readonly ParsedRow[]) : (parsed as ParsedRoster).rows;
  const byName = new Map<string, E>();
  for (const e of existing) {
    const key = e.username.trim().toLowerCase();
    if (!byName.has(key)) byName.set(key, e);
  }
  const diff: RosterDiff<E> = { mode: opts.mode, added: [], removed: [], kept: [], updated: [], unchanged: [] };
  const matched = new Set<string>();

  for (const row of incoming) {
    const key = row.username.toLowerCase();
    if (matched.has(key)) continue; // duplicate in a hand-made row list
    const before = byName.get(key);
    if (!before) {
      diff.added.push(row);
      matched.add(key);
      continue;
    }
    matched.add(key);
    const fields = opts.fields ?? ROSTER_FIELDS.filter((f) => f in before);
    const after: RosterRecord = { username: before.username };
    for (const f of ROSTER_FIELDS) {
      const v = before[f];
      if (v !== null && v !== undefined) (after as Record<string, unknown>)[f] = v;
    }
    const changes: FieldChange[] = [];
    for (const f of fields) {
      const next = row[f];
      if (next === undefined) continue;
      const prev = before[f] ?? null;
      if (prev !== next) {
        changes.push({ field: f, before: prev, after: next });
        (after as Record<string, unknown>)[f] = next;
      }
    }
    if (changes.length > 0) diff.updated.push({ username: before.username, before, after, row, changes });
    else diff.unchanged.push({ username: before.username, before, row });
  }

  const left = [...byName.entries()].filter(([key]) => !matched.has(key)).map(([, e]) => e);
  if (opts.mode === "replace") diff.removed = left;
  else diff.kept = left;
  return diff;
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

/**
 * The E2x course roster file: header `Username`, one name per line, LF line ends, UTF-8
 * without BOM (the E2x tools read it with Python's csv module / pandas, where a BOM would
 * become part of the first column name). Names are trimmed, blanks dropped, repeats written
 * once; order is kept.
 */
export function exportE2xCsv(usernames: Iterable<string>): string {
  const seen = new Set<string>();
  const rows: string[][] = [["Username"]];
  for (const raw of usernames) {
    const name = raw.trim();
    if (!name || seen.has(name)) continue;
    seen.add(name);
    rows.push([name]);
  }
  return stringify(rows, { record_delimiter: "unix" });
}

export type ExportFullOptions = {
  /** Default ",". Use ";" for double-clicking in Excel with German regional settings. */
  delimiter?: Delimiter;
};

/** Excel runs cells starting with these as formulas (CSV injection): they get a leading '. */
function guard(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * Every field of every student, with the header PORTAL_COLUMNS (parseRosterCsv reads it back
 * as the "portal" format).
 *
 * Written as UTF-8 with a BOM and CRLF line ends, quoted where needed (RFC 4180): the BOM is
 * what makes Excel read the file as UTF-8, so umlauts show correctly; without it Excel
 * assumes the Windows code page. Excel splits columns on the system list separator when a
 * file is double-clicked; that is ";" on German Windows, so pass `{ delimiter: ";" }` for
 * those users (Data > From Text/CSV handles either). Cells that Excel would run as a formula
 * (starting with = + - @) are prefixed with ' and read back without it.
 */
export function exportFullCsv(students: Iterable<RosterRecord | ExistingStudent>, opts: ExportFullOptions = {}): string {
  const rows: string[][] = [PORTAL_COLUMNS.map((c) => c.name)];
  for (const s of students) {
    rows.push(
      PORTAL_COLUMNS.map((c) => {
        const v = c.target === "username" ? s.username : s[c.target as RosterField];
        if (v === null || v === undefined) return "";
        if (typeof v === "boolean") return v ? "yes" : "no";
        return guard(String(v).trim());
      }),
    );
  }
  return stringify(rows, { delimiter: opts.delimiter ?? ",", record_delimiter: "windows", bom: true });
}
