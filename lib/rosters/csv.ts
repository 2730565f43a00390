/**
 * Roster CSV files: reading the files staff really have (the E2x tools' lists, university
 * exports, hand-made Excel files), mapping their columns by meaning, comparing an import with
 * the current roster, and writing files back out. Pure functions, no I/O.
 *
 * Reading happens in two steps:
 * 1. `readRosterSheet`: bytes -> records.
 *    - Encoding: UTF-8 (with or without BOM); UTF-16 with BOM; anything that is not valid
 *      UTF-8 is decoded as Windows-1252 (German Excel's "CSV (Trennzeichen-getrennt)"), with a
 *      warning. Text is normalised to Unicode NFC.
 *    - Separator: `,`, `;` or tab, detected from the first line (outside quotes); an Excel
 *      `sep=;` first line is honoured and skipped.
 *    - Records come from csv-parse (RFC 4180 quotes, `""` inside quotes, CRLF / LF / CR, quoted
 *      fields spanning lines, spaces around quotes). A malformed quote costs only its own line:
 *      the line is reported and reading resumes on the next one.
 *    - Row numbers are what Excel shows: header = row 1, one row per record, blank lines count,
 *      a `sep=` line does not. Without multi-line cells this is the file's line number.
 *    - Files larger than 10 MiB are refused before anything is decoded.
 * 2. `applyMapping`: records -> students, by a `ColumnMapping` (the meaning of every column).
 *    `detectColumns` finds one from the header through aliases (German and English, any order,
 *    any subset with an identity column); a file without a header or without an identity
 *    column needs the user's mapping (`suggestMapping` proposes one, E2x layouts by position).
 *    - Identity: the university account (FB02UID) when the row has one, else the username;
 *      normalized by the one username rule (lib/identity/username.ts). When both are present
 *      and differ, the username is an E2x exam login (`<course>-<FB02UID>`): not kept, named.
 *    - Every cell is trimmed; rows with only separators are skipped; a row longer than the
 *      header (with values) or missing a mapped column is rejected with its reason.
 *    - A student seen again with the same data is kept once (reported as a duplicate); with
 *      different data the later row is rejected (a conflict) so nothing is decided silently.
 *    - Kept: username, FB02UID, names, matriculation number (as text: leading zeros stay),
 *      room, seat, exam date (as written), backup flag. Not kept, and named in `notKept`:
 *      passwords (never stored), exam logins, columns without a meaning.
 *    - Rejected rows are shown back to the user without passwords; `rejectedRowsCsv` writes
 *      them as a file to fix and import again.
 */
import { t } from "@/lib/i18n/t";
import { parse } from "csv-parse/sync";
import { checkUsername, normalizeUsername, parseExamLogin, USERNAME_PATTERN } from "@/lib/identity/username";
import { foldHeader } from "@/lib/text/fold";
import { unguardCell, writeCsv, type CsvDialect } from "@/lib/csv/write";

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

export type Delimiter = "," | ";" | "\t";

/** The roster fields a file can carry (besides the username). */
export type RosterField = "universityId" | "displayName" | "firstName" | "lastName" | "matrikel" | "room" | "seat" | "examDate" | "isBackup";

export const ROSTER_FIELDS: readonly RosterField[] = ["universityId", "displayName", "firstName", "lastName", "matrikel", "room", "seat", "examDate", "isBackup"];

/** What a column means. `examLogin` and `password` are recognised and never kept. */
export type ColumnMeaning = "username" | RosterField | "examLogin" | "password";

export const COLUMN_MEANINGS: readonly { meaning: ColumnMeaning; label: string; kept: boolean }[] = [
  { meaning: "username", label: "Username (hub login)", kept: true },
  { meaning: "universityId", label: "FB02UID (university account)", kept: true },
  { meaning: "displayName", label: "Name (full)", kept: true },
  { meaning: "firstName", label: "First name", kept: true },
  { meaning: "lastName", label: "Last name", kept: true },
  { meaning: "matrikel", label: "Matriculation no.", kept: true },
  { meaning: "room", label: "Room", kept: true },
  { meaning: "seat", label: "Seat", kept: true },
  { meaning: "examDate", label: "Exam date", kept: true },
  { meaning: "isBackup", label: "Backup seat (yes/no)", kept: true },
  { meaning: "examLogin", label: "Exam login (not kept)", kept: false },
  { meaning: "password", label: "Password (never kept)", kept: false },
];

/** The meaning of every column (null: not kept), and whether the first row is a header. */
export interface ColumnMapping {
  hasHeader: boolean;
  columns: (ColumnMeaning | null)[];
}

export type RosterFormat =
  | "e2x-course"
  | "legacy"
  | "exam-input"
  | "exam-output"
  | "exam-output-nopass"
  | "exam-sheet"
  | "portal"
  | "by-name"
  | "mapped";


/** One student as read from a file. Optional fields are present only when the cell had a value. */
export type ParsedRow = {
  /** Row number as Excel shows it (header = 1). */
  row: number;
  /** Normalized (lib/identity/username.ts). */
  username: string;
  /** The FB02UID, when the file has that column (normalized; the identity then). */
  universityId?: string;
  /** `Name` column, or first + last name. */
  displayName?: string;
  firstName?: string;
  lastName?: string;
  /** Student number (`Matrikel`), as text. */
  matrikel?: string;
  room?: string;
  /** `Platz` / `seat`. */
  seat?: string;
  /** `Date` as written in the file (not reinterpreted). */
  examDate?: string;
  /** `is_backup`: a spare seat. */
  isBackup?: boolean;
};

export type InvalidRow = {
  row: number;
  /** The row as text, passwords replaced by `***`. */
  raw: string;
  reason: string;
  /** A conflicting duplicate: the student's first row. */
  firstRow?: number;
  /** The username the row names, when it could be read. */
  username?: string;
};

export type DuplicateRow = { row: number; username: string; firstRow: number };

export type NotKept = {
  /** Header text, or `Column N` without a header. */
  column: string;
  index: number;
  reason: "password" | "exam-login" | "no-meaning";
  /** Non-empty cells in the column. */
  values: number;
};

export type RosterEncoding = "utf-8" | "windows-1252" | "utf-16le" | "utf-16be";

export type ParsedRoster = {
  format: RosterFormat;
  formatLabel: string;
  delimiter: Delimiter;
  encoding: RosterEncoding;
  hasHeader: boolean;
  /** Header cells as found in the file (`Column N` without a header). */
  columns: string[];
  mapping: ColumnMapping;
  /** Identifies the file's shape, for remembering a mapping (see `sheetSignature`). */
  signature: string;
  rows: ParsedRow[];
  invalid: InvalidRow[];
  duplicates: DuplicateRow[];
  notKept: NotKept[];
  /** Exam logins the file named: how many, and those that do not follow `<prefix>-<FB02UID>`. */
  examLogins: { count: number; prefixes: string[]; unusual: number; examples: { row: number; login: string; account: string }[] };
  /** Things the user should know that did not make a row invalid (dropped passwords, encoding ...). */
  warnings: string[];
};

export type ParseRosterOptions = {
  /** Default 10 MiB. */
  maxBytes?: number;
  /** Default "auto": BOM, then strict UTF-8, else Windows-1252. Only used for Buffer input. */
  encoding?: "auto" | RosterEncoding;
  /** The meaning of every column; default: detected from the header. */
  mapping?: ColumnMapping;
};

export type RosterFileErrorCode = "too-large" | "empty" | "unknown-header" | "bad-mapping";

export class RosterFileError extends Error {
  constructor(
    readonly code: RosterFileErrorCode,
    message: string,
    readonly details: { size?: number; maxBytes?: number; header?: string[]; suggestion?: ColumnMapping } = {},
  ) {
    super(message);
    this.name = "RosterFileError";
  }
}

export const MAX_ROSTER_FILE_BYTES = 10 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Column names
// ---------------------------------------------------------------------------------------------

/** Header aliases, compared after `foldHeader` (lower case, umlauts folded, only a-z 0-9). */
const ALIASES: Record<ColumnMeaning, string[]> = {
  username: ["username", "user", "benutzername", "nutzername", "login", "loginname", "userid", "hubuser"],
  universityId: ["fb02uid", "uid", "kennung", "benutzerkennung", "nutzerkennung", "hochschulkennung", "unikennung", "universityaccount", "universityid", "account"],
  displayName: ["name", "fullname", "vollername", "displayname", "anzeigename", "nachnamevorname", "namevorname", "teilnehmer", "studentname"],
  firstName: ["firstname", "vorname", "givenname", "rufname"],
  lastName: ["lastname", "nachname", "familienname", "surname", "familyname", "sn"],
  matrikel: ["matrikel", "matrikelnummer", "matrikelnr", "matrnr", "matnr", "mtknr", "matriculationnumber", "matriculationno", "matrikulationsnummer", "studentnumber", "studentid"],
  room: ["raum", "room", "hoersaal", "saal", "roomnumber", "raumnummer"],
  seat: ["platz", "seat", "sitzplatz", "platznummer", "platznr", "seatnumber", "sitz"],
  examDate: ["date", "datum", "examdate", "pruefungsdatum", "klausurdatum", "termin"],
  isBackup: ["isbackup", "backup", "ersatz", "ersatzplatz", "reserve", "spare"],
  examLogin: ["examlogin", "examusername", "pruefungslogin", "klausurlogin"],
  password: ["password", "passwort", "kennwort", "pw", "pwd", "otp", "onetimepassword", "einmalpasswort"],
};

const ALIAS_INDEX = new Map<string, ColumnMeaning>();
for (const [meaning, names] of Object.entries(ALIASES) as [ColumnMeaning, string[]][]) for (const n of names) ALIAS_INDEX.set(n, meaning);

/** The meaning a header cell names, if any. */
export function meaningOfHeader(header: string): ColumnMeaning | null {
  return ALIAS_INDEX.get(foldHeader(header)) ?? null;
}

/** Header of exportFullCsv (and of the sample file). */
export const PORTAL_COLUMNS: readonly { name: string; meaning: ColumnMeaning }[] = [
  { name: "Username", meaning: "username" },
  { name: "FB02UID", meaning: "universityId" },
  { name: "Name", meaning: "displayName" },
  { name: "First name", meaning: "firstName" },
  { name: "Last name", meaning: "lastName" },
  { name: "Matrikel", meaning: "matrikel" },
  { name: "Room", meaning: "room" },
  { name: "Seat", meaning: "seat" },
  { name: "Date", meaning: "examDate" },
  { name: "Backup", meaning: "isBackup" },
];

/** A column's name in files the portal writes (rejected rows without a header). */
const CANONICAL_NAME: Record<ColumnMeaning, string> = {
  ...(Object.fromEntries(PORTAL_COLUMNS.map((c) => [c.meaning, c.name])) as Record<ColumnMeaning, string>),
  examLogin: "Exam login",
  password: "Password",
};

/** E2x layouts, by the set of their (folded) header names. */
const LAYOUTS: { format: RosterFormat; names: string[]; optional?: string[] }[] = [
  { format: "e2x-course", names: ["username"] },
  { format: "legacy", names: ["fb02uid"] },
  { format: "exam-input", names: ["name", "fb02uid", "matrikel", "raum", "platz", "date"] },
  { format: "exam-input", names: ["name", "fb02uid", "matrikel", "room", "platz", "date"] },
  { format: "exam-output", names: ["name", "fb02uid", "username", "password", "matrikel", "raum", "platz", "date"] },
  { format: "exam-output-nopass", names: ["name", "fb02uid", "username", "matrikel", "raum", "platz", "date"] },
  { format: "exam-sheet", names: ["firstname", "lastname", "room", "seat", "username", "password"], optional: ["isbackup"] },
  { format: "portal", names: PORTAL_COLUMNS.map((c) => foldHeader(c.name)) },
];

function layoutOf(header: readonly string[]): RosterFormat {
  const folded = header.map(foldHeader);
  const set = new Set(folded);
  if (set.size !== folded.length) return "by-name";
  for (const l of LAYOUTS) {
    const allowed = new Set([...l.names, ...(l.optional ?? [])]);
    if (l.names.every((n) => set.has(n)) && folded.every((n) => allowed.has(n))) return l.format;
  }
  return "by-name";
}

/** The E2x layouts the reader knows by name, for messages. */
export const KNOWN_LAYOUTS: readonly string[] = [
  "Username",
  "FB02UID",
  "Name,FB02UID,Matrikel,Raum,Platz,Date",
  "Name,FB02UID,Username,Password,Matrikel,Raum,Platz,Date",
  "Name,FB02UID,Username,Matrikel,Raum,Platz,Date",
  "first_name,last_name,room,seat,username,password[,is_backup]",
];

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
// Records
// ---------------------------------------------------------------------------------------------

export type RawRecord = { row: number; fields: string[]; raw: string; /** Why csv-parse refused the line (`rosterFile.quote.*`). */ error?: "notClosed" | "textAfterQuote" };

/** The text of a file as records, before any column has a meaning. */
export type RosterSheet = {
  encoding: RosterEncoding;
  delimiter: Delimiter;
  records: RawRecord[];
  /** Encoding and `sep=` notes. */
  warnings: string[];
};

/** Index of the end of the physical line starting at `pos`, and of the next line. */
function endOfLine(text: string, pos: number): { contentEnd: number; next: number } {
  let i = pos;
  while (i < text.length && text[i] !== "\n" && text[i] !== "\r") i++;
  if (i >= text.length) return { contentEnd: i, next: i };
  if (text[i] === "\r" && text[i + 1] === "\n") return { contentEnd: i, next: i + 2 };
  return { contentEnd: i, next: i + 1 };
}

/** Counts separators outside quotes on the first line. */
function detectDelimiter(line: string): Delimiter {
  let inQuotes = false;
  const n = { ",": 0, ";": 0, "\t": 0 };
  for (const ch of line) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === "," || ch === ";" || ch === "\t")) n[ch]++;
  }
  if (n["\t"] > n[","] && n["\t"] > n[";"]) return "\t";
  return n[";"] > n[","] ? ";" : ",";
}

/** csv-parse's quote errors as the catalogue keys of their reasons (`rosterFile.quote.*`). */
const QUOTE_ERRORS: Record<string, "notClosed" | "textAfterQuote"> = {
  CSV_QUOTE_NOT_CLOSED: "notClosed",
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: "textAfterQuote",
  CSV_INVALID_CLOSING_QUOTE: "textAfterQuote",
};

/**
 * A line csv-parse refused: read with quotes off, then a field of the form `"x" y` becomes
 * `x y` (what a spreadsheet shows). An opening quote without a closing one stays an error.
 */
function lenientLine(line: string, delimiter: Delimiter): string[] | null {
  const fields = parse(line, { delimiter, quote: false, relax_column_count: true, skip_empty_lines: false })[0] as string[] | undefined;
  if (!fields) return [""];
  const out: string[] = [];
  for (const f of fields) {
    const t = f.trim();
    if (!t.startsWith('"')) {
      out.push(f);
      continue;
    }
    const m = /^"((?:[^"]|"")*)"(.*)$/s.exec(t);
    if (!m) return null;
    out.push(m[1].replace(/""/g, '"') + m[2]);
  }
  return out;
}

/**
 * Splits text into records with csv-parse. When csv-parse refuses a record (a broken quote), the
 * records before it are kept, its first line is read leniently or reported, and parsing resumes
 * on the following line.
 */
function splitRecords(text: string, delimiter: Delimiter, firstRow: number): RawRecord[] {
  const out: RawRecord[] = [];
  let rest = text;
  let row = firstRow;
  while (rest.length > 0) {
    // csv-parse counts UTF-8 bytes: slice the same bytes for each record's raw text
    const bytes = Buffer.from(rest, "utf8");
    const got: RawRecord[] = [];
    let consumed = 0;
    try {
      parse(bytes, {
        delimiter,
        record_delimiter: ["\r\n", "\n", "\r"],
        relax_quotes: true,
        relax_column_count: true,
        skip_empty_lines: false,
        trim: true,
        on_record: (record: string[], ctx: { bytes: number }) => {
          const raw = bytes.subarray(consumed, ctx.bytes).toString("utf8").replace(/(\r\n|\n|\r)$/, "");
          got.push({ row: row + got.length, fields: record, raw });
          consumed = ctx.bytes;
          return null;
        },
      });
      out.push(...got);
      break;
    } catch (err) {
      const code = (err as { code?: string }).code ?? "";
      if (!(code in QUOTE_ERRORS)) throw err;
      out.push(...got);
      row += got.length;
      const start = bytes.subarray(consumed).toString("utf8");
      const { contentEnd, next } = endOfLine(start, 0);
      const line = start.slice(0, contentEnd);
      const lenient = code === "CSV_QUOTE_NOT_CLOSED" ? null : lenientLine(line, delimiter);
      out.push(lenient ? { row, fields: lenient, raw: line } : { row, fields: [], raw: line, error: QUOTE_ERRORS[code] });
      row++;
      if (next === 0) break;
      rest = start.slice(next);
    }
  }
  return out;
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

const empty = () => t("rosterFile.empty");

/** Decodes a file and splits it into records. Throws RosterFileError (too large, empty). */
export function readRosterSheet(input: Buffer | string, opts: Pick<ParseRosterOptions, "maxBytes" | "encoding"> = {}): RosterSheet {
  const maxBytes = opts.maxBytes ?? MAX_ROSTER_FILE_BYTES;
  const size = typeof input === "string" ? Buffer.byteLength(input, "utf8") : input.byteLength;
  if (size > maxBytes) {
    throw new RosterFileError("too-large", t("rosterFile.tooLarge", { size: mb(size), max: mb(maxBytes) }), { size, maxBytes });
  }
  const warnings: string[] = [];
  const decoded = decode(input, opts.encoding);
  let text = decoded.text.normalize("NFC");
  if (decoded.encoding === "windows-1252") {
    warnings.push(t("rosterFile.windows1252"));
  } else if (decoded.encoding !== "utf-8") {
    warnings.push(t("rosterFile.readAs", { encoding: decoded.encoding.toUpperCase() }));
  }

  // Leading blank lines are skipped but still count as rows.
  let firstRow = 1;
  for (;;) {
    const { contentEnd, next } = endOfLine(text, 0);
    if (next === 0 || text.slice(0, contentEnd).trim() !== "") break;
    text = text.slice(next);
    firstRow++;
  }
  if (text.trim() === "") throw new RosterFileError("empty", empty());

  // Excel's "sep=;" directive: Excel hides this line, so it does not count as a row.
  let delimiter: Delimiter;
  const first = endOfLine(text, 0);
  const sep = /^\s*sep=([,;\t]) *$/i.exec(text.slice(0, first.contentEnd));
  if (sep) {
    delimiter = sep[1] as Delimiter;
    text = text.slice(first.next);
    if (text.trim() === "") throw new RosterFileError("empty", empty());
    warnings.push(t("rosterFile.sepLine", { sep: delimiter === "\t" ? "\\t" : delimiter }));
  } else {
    delimiter = detectDelimiter(text.slice(0, first.contentEnd));
  }
  return { encoding: decoded.encoding, delimiter, records: splitRecords(text, delimiter, firstRow), warnings };
}

const isBlank = (rec: RawRecord) => !rec.error && rec.fields.every((f) => f.trim() === "");

function trimmedCells(rec: RawRecord): string[] {
  const cells = rec.fields.map((f) => f.trim());
  while (cells.length > 0 && cells[cells.length - 1] === "") cells.pop();
  return cells;
}

/** The first record with content (the header, if the file has one). */
function firstContent(sheet: RosterSheet): RawRecord | undefined {
  return sheet.records.find((r) => !isBlank(r) && !r.error);
}

/** Number of columns: the header's, or the widest row of a headerless file. */
function widthOf(sheet: RosterSheet, hasHeader: boolean): number {
  const head = firstContent(sheet);
  if (hasHeader) return Math.max(1, head ? trimmedCells(head).length : 1);
  return Math.max(1, ...sheet.records.filter((r) => !r.error).map((r) => trimmedCells(r).length));
}

/**
 * Identifies a file's shape for remembering its mapping: the folded header cells, or the
 * number of columns of a headerless file.
 */
export function sheetSignature(sheet: RosterSheet, hasHeader: boolean): string {
  const head = firstContent(sheet);
  if (hasHeader && head) return `header:${trimmedCells(head).map(foldHeader).join("|")}`;
  return `columns:${widthOf(sheet, false)}`;
}

// ---------------------------------------------------------------------------------------------
// Detecting and suggesting a mapping
// ---------------------------------------------------------------------------------------------

const looksLikeUsername = (v: string | undefined) => !!v && USERNAME_PATTERN.test(normalizeUsername(v));
/** A first-row cell that is data, not a column name: digits, or a lower-case login like `wus-abc`. */
const looksLikeData = (v: string) => /\d/.test(v) || (v === v.toLowerCase() && /[-._@]/.test(v) && looksLikeUsername(v));

export type Detection =
  /** The header names an identity column: importable as it is. */
  | { ok: true; mapping: ColumnMapping; format: RosterFormat; header: string[] }
  /** No header, or no column names the student: the user maps the columns. */
  | { ok: false; suggestion: ColumnMapping; header: string[] };

function headerMeanings(header: readonly string[]): (ColumnMeaning | null)[] {
  const used = new Set<ColumnMeaning>();
  return header.map((h) => {
    const m = meaningOfHeader(h);
    if (!m || used.has(m)) return null;
    used.add(m);
    return m;
  });
}

/** The mapping the header names, if it names the student. */
export function detectColumns(sheet: RosterSheet): Detection {
  const head = firstContent(sheet);
  const header = head ? trimmedCells(head) : [];
  const meanings = headerMeanings(header);
  if (meanings.includes("username") || meanings.includes("universityId")) {
    return { ok: true, mapping: { hasHeader: true, columns: meanings }, format: layoutOf(header), header };
  }
  return { ok: false, suggestion: suggestMapping(sheet), header };
}

/**
 * A starting point for the column-mapping step. Headerless E2x lists by position: the exam
 * account input (6 columns), output (8, or 7 without passwords), exam sheet lists (6 or 7), a
 * one-column list of usernames; otherwise the header's known names plus a guess of the column
 * holding usernames.
 */
export function suggestMapping(sheet: RosterSheet): ColumnMapping {
  const head = firstContent(sheet);
  const first = head ? trimmedCells(head) : [];
  const named = headerMeanings(first);
  const hasHeader = named.some((m) => m !== null) || !first.some(looksLikeData);
  const width = widthOf(sheet, hasHeader);
  const data = sheet.records.filter((r) => !r.error && !isBlank(r) && (!hasHeader || r !== head)).slice(0, 20).map(trimmedCells);
  const sample = data[0] ?? [];
  const pad = (cols: (ColumnMeaning | null)[]) => [...cols, ...Array<null>(Math.max(0, width - cols.length)).fill(null)].slice(0, width);
  if (!hasHeader) {
    if (width === 1) return { hasHeader, columns: ["username"] };
    if (looksLikeUsername(sample[1])) {
      if (width === 6) return { hasHeader, columns: ["displayName", "universityId", "matrikel", "room", "seat", "examDate"] };
      if (width === 7) return { hasHeader, columns: ["displayName", "universityId", "examLogin", "matrikel", "room", "seat", "examDate"] };
      if (width === 8) return { hasHeader, columns: ["displayName", "universityId", "examLogin", "password", "matrikel", "room", "seat", "examDate"] };
    }
    if ((width === 6 || width === 7) && looksLikeUsername(sample[4])) {
      return { hasHeader, columns: pad(["firstName", "lastName", "room", "seat", "username", "password", width === 7 ? "isBackup" : null]) };
    }
  }
  const columns = pad(hasHeader ? named : []);
  if (!columns.includes("username") && !columns.includes("universityId")) {
    // the free column whose values most often look like usernames (ties: the leftmost)
    let best = -1;
    let bestScore = 0;
    for (let i = 0; i < width; i++) {
      if (columns[i] !== null) continue;
      const score = data.filter((r) => looksLikeUsername(r[i]) && /[a-z]/i.test(r[i] ?? "")).length;
      if (score > bestScore) [best, bestScore] = [i, score];
    }
    if (best >= 0) columns[best] = "username";
  }
  return { hasHeader, columns };
}

/** Problems with a mapping (empty when it can be applied). */
export function mappingProblems(mapping: ColumnMapping, width: number): string[] {
  const out: string[] = [];
  if (mapping.columns.length !== width) out.push(t("rosterFile.mappingWidth", { mapped: mapping.columns.length, width }));
  const seen = new Map<ColumnMeaning, number>();
  mapping.columns.forEach((m, i) => {
    if (m === null) return;
    if (seen.has(m)) out.push(t("columnMapping.both", { a: seen.get(m)! + 1, b: i + 1, label: t(`columnMapping.meanings.${m}`) }));
    else seen.set(m, i);
  });
  if (!seen.has("username") && !seen.has("universityId")) out.push(t("columnMapping.needIdentity"));
  return out;
}

/**
 * The first rows of a file for the mapping step: the first row with content (the header, if
 * the file has one) and the rows after it. Cells of password columns (as mapped or suggested)
 * are masked.
 */
export function sheetSample(sheet: RosterSheet, mapping: ColumnMapping, n = 5): { first: { row: number; cells: string[] } | null; rows: { row: number; cells: string[] }[]; width: number } {
  const width = widthOf(sheet, mapping.hasHeader);
  const head = firstContent(sheet);
  const mask = (cells: string[]) => cells.map((c, i) => (mapping.columns[i] === "password" && c !== "" ? "***" : c));
  const rows = sheet.records
    .filter((r) => !isBlank(r) && r !== head)
    .slice(0, n)
    .map((r) => ({ row: r.row, cells: r.error ? [r.raw] : mask(trimmedCells(r)) }));
  const first = head ? { row: head.row, cells: mapping.hasHeader ? trimmedCells(head) : mask(trimmedCells(head)) } : null;
  return { first, rows, width };
}

// ---------------------------------------------------------------------------------------------
// Applying a mapping
// ---------------------------------------------------------------------------------------------

const TRUE = new Set(["1", "true", "yes", "y", "x", "ja", "j", "wahr"]);
const FALSE = new Set(["0", "false", "no", "n", "nein", "falsch", "-"]);

/** A field's name inside a sentence ("with a different name"), in the active language. */
const fieldLabel = (f: RosterField) => t(`rosterFile.field.${f}`);

/** Reads a roster file: a given mapping, or the one its header names. */
export function parseRosterCsv(input: Buffer | string, opts: ParseRosterOptions = {}): ParsedRoster {
  const sheet = readRosterSheet(input, opts);
  if (opts.mapping) return applyMapping(sheet, opts.mapping);
  const d = detectColumns(sheet);
  if (!d.ok) {
    const found = d.header.join(sheet.delimiter) || "(nothing)";
    throw new RosterFileError(
      "unknown-header",
      t("rosterFile.unknownHeader", { found }) + "\n" + KNOWN_LAYOUTS.map((h) => `  ${h}`).join("\n"),
      { header: d.header, suggestion: d.suggestion },
    );
  }
  return applyMapping(sheet, d.mapping);
}

/** Students from a sheet by the meaning of every column. Throws RosterFileError("bad-mapping"). */
export function applyMapping(sheet: RosterSheet, mapping: ColumnMapping): ParsedRoster {
  const width = widthOf(sheet, mapping.hasHeader);
  const problems = mappingProblems(mapping, width);
  if (problems.length) throw new RosterFileError("bad-mapping", problems.join(" "), { suggestion: suggestMapping(sheet) });

  const head = mapping.hasHeader ? firstContent(sheet) : undefined;
  const header = head ? trimmedCells(head) : [];
  const columns = Array.from({ length: width }, (_, i) => header[i] ?? `Column ${i + 1}`);
  const detected = mapping.hasHeader ? headerMeanings(header) : null;
  const sameAsHeader = detected !== null && detected.length === mapping.columns.length && detected.every((m, i) => m === mapping.columns[i]);
  const format: RosterFormat = sameAsHeader ? layoutOf(header) : "mapped";

  const index = new Map<ColumnMeaning, number>();
  mapping.columns.forEach((m, i) => m && index.set(m, i));
  const optional = new Set<ColumnMeaning>(["isBackup", "examLogin", "password"]);
  const minWidth = Math.max(1, ...mapping.columns.map((m, i) => (m && !optional.has(m) ? i + 1 : 0)));

  const rows: ParsedRow[] = [];
  const invalid: InvalidRow[] = [];
  const duplicates: DuplicateRow[] = [];
  const seen = new Map<string, ParsedRow>();
  const filled = new Array<number>(width).fill(0);
  const examLogins: ParsedRoster["examLogins"] = { count: 0, prefixes: [], unusual: 0, examples: [] };
  const prefixes = new Map<string, number>();
  let passwords = 0;
  let renamed = 0;

  // Rows are shown back to the user (and may be logged): never with a password in them.
  const passwordAt = index.get("password");
  const quote = (f: string) => (f.includes(sheet.delimiter) || /["\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
  const rawOf = (rec: RawRecord): string => {
    if (passwordAt === undefined) return rec.raw;
    if (rec.error) return t("rosterFile.rowHidden");
    return rec.fields.map((f, i) => (i === passwordAt && f.trim() !== "" ? "***" : quote(f))).join(sheet.delimiter);
  };

  for (const rec of sheet.records) {
    if (rec === head || isBlank(rec)) continue;
    if (rec.error) {
      invalid.push({ row: rec.row, raw: rawOf(rec), reason: t(`rosterFile.quote.${rec.error}`) });
      continue;
    }
    const cells = trimmedCells(rec);
    cells.forEach((c, i) => {
      if (c !== "" && i < width) filled[i]++;
    });
    const cell = (m: ColumnMeaning): string | undefined => {
      const i = index.get(m);
      const v = i === undefined ? undefined : cells[i];
      return v === undefined || v === "" ? undefined : unguardCell(v);
    };
    const identityOf = (): string | undefined => {
      const v = cell("universityId") ?? cell("username");
      if (v === undefined) return undefined;
      const c = checkUsername(v);
      return c.ok ? c.username : undefined;
    };
    const reject = (reason: string, extra: Partial<InvalidRow> = {}) => {
      const username = identityOf();
      invalid.push({ row: rec.row, raw: rawOf(rec), reason, ...(username ? { username } : {}), ...extra });
    };
    if (cells.length > width) {
      reject(t("rosterFile.columns", { width, found: cells.length }));
      continue;
    }
    // present but empty trailing cells are fine; missing ones are not (the row is shifted or cut)
    if (rec.fields.length < minWidth) {
      reject(t("rosterFile.columns", { width, found: rec.fields.length }));
      continue;
    }
    if (cell("password") !== undefined) passwords++;

    const account = cell("universityId");
    const login = cell("username");
    const identity = account ?? login;
    if (identity === undefined) {
      reject(t(index.has("universityId") && !index.has("username") ? "rosterFile.uidEmpty" : "rosterFile.usernameEmpty"));
      continue;
    }
    const check = checkUsername(identity);
    if (!check.ok) {
      reject(check.username === "" ? t("rosterFile.usernameEmpty") : t("rosterFile.usernameBad", { name: identity.trim() }));
      continue;
    }
    const username = check.username;
    if (username !== identity) renamed++;

    // A username beside a different FB02UID is the exam login the E2x tools made from it.
    const exam = cell("examLogin") ?? (account !== undefined && login !== undefined && normalizeUsername(login) !== username ? login : undefined);
    if (exam !== undefined) {
      examLogins.count++;
      const p = parseExamLogin(exam);
      if (p && p.account === username) prefixes.set(p.prefix, (prefixes.get(p.prefix) ?? 0) + 1);
      else if (++examLogins.unusual <= 20) examLogins.examples.push({ row: rec.row, login: exam, account: username });
    }

    const parsed: ParsedRow = { row: rec.row, username };
    if (account !== undefined) parsed.universityId = username;
    let bad: string | null = null;
    for (const field of ROSTER_FIELDS) {
      if (field === "universityId") continue;
      const v = cell(field);
      if (v === undefined) continue;
      if (field === "isBackup") {
        const flag = v.toLowerCase();
        if (TRUE.has(flag)) parsed.isBackup = true;
        else if (FALSE.has(flag)) parsed.isBackup = false;
        else bad = t("rosterFile.backupFlag", { value: v });
      } else parsed[field] = v;
    }
    if (bad) {
      reject(bad);
      continue;
    }
    if (parsed.displayName === undefined && (parsed.firstName || parsed.lastName)) {
      parsed.displayName = [parsed.firstName, parsed.lastName].filter(Boolean).join(" ");
    }

    const earlier = seen.get(username);
    if (earlier) {
      const differ = ROSTER_FIELDS.filter((f) => earlier[f] !== undefined && parsed[f] !== undefined && earlier[f] !== parsed[f]);
      if (differ.length > 0) {
        reject(t("rosterFile.twice", { username, row: earlier.row, fields: differ.map(fieldLabel).join(", ") }), { firstRow: earlier.row, username });
        continue;
      }
      for (const f of ROSTER_FIELDS) if (earlier[f] === undefined && parsed[f] !== undefined) (earlier as Record<string, unknown>)[f] = parsed[f];
      duplicates.push({ row: rec.row, username, firstRow: earlier.row });
      continue;
    }
    seen.set(username, parsed);
    rows.push(parsed);
  }

  examLogins.prefixes = [...prefixes.keys()].sort();
  const notKept: NotKept[] = [];
  mapping.columns.forEach((m, i) => {
    if (m === "password") notKept.push({ column: columns[i], index: i, reason: "password", values: filled[i] });
    else if (m === "examLogin" || (m === "username" && examLogins.count > 0 && index.has("universityId"))) {
      if (filled[i] > 0) notKept.push({ column: columns[i], index: i, reason: "exam-login", values: examLogins.count });
    } else if (m === null && filled[i] > 0) notKept.push({ column: columns[i], index: i, reason: "no-meaning", values: filled[i] });
  });

  const warnings = [...sheet.warnings];
  if (index.has("password")) {
    warnings.push(
      passwords > 0 ? t("rosterFile.passwordsDropped", { count: passwords }) : t("rosterFile.passwordColumnDropped"),
    );
  }
  if (examLogins.count > 0) {
    const usual = examLogins.prefixes.map((p) => `${p}-<FB02UID>`).join(", ");
    warnings.push(
      t("rosterFile.examLogins", { count: examLogins.count, usual: usual || t("rosterFile.otherNames"), pattern: "<course>-<FB02UID>" }) +
        (examLogins.unusual > 0 ? t("rosterFile.unusualLogins", { count: examLogins.unusual, login: examLogins.examples[0].login, account: examLogins.examples[0].account }) : ""),
    );
  }
  if (renamed > 0) {
    warnings.push(t("rosterFile.renamed", { count: renamed }));
  }

  return {
    format,
    formatLabel: t(`rosterFile.format.${format}`),
    delimiter: sheet.delimiter,
    encoding: sheet.encoding,
    hasHeader: mapping.hasHeader,
    columns,
    mapping: { hasHeader: mapping.hasHeader, columns: [...mapping.columns] },
    signature: sheetSignature(sheet, mapping.hasHeader),
    rows,
    invalid,
    duplicates,
    notKept,
    examLogins,
    warnings,
  };
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
  /** On the roster, not in the file, left alone by a "merge" import (and by "replace" when `protect` names them). */
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
   * so a field the roster does not store never shows as a change.
   */
  fields?: readonly RosterField[];
  /** Usernames a "replace" import must not remove (students whose row was rejected). */
  protect?: Iterable<string>;
};

/**
 * Compares an import with the current roster. Usernames match by the one username rule;
 * `after` keeps the roster's spelling of the name. A value missing or empty in the file never
 * blanks a stored value (an import adds and corrects data, it does not erase it).
 */
export function diffRoster<E extends ExistingStudent>(
  existing: readonly E[],
  parsed: ParsedRoster | readonly ParsedRow[],
  opts: DiffOptions = { mode: "replace" },
): RosterDiff<E> {
  const incoming = Array.isArray(parsed) ? (parsed as readonly ParsedRow[]) : (parsed as ParsedRoster).rows;
  const byName = new Map<string, E>();
  for (const e of existing) {
    const key = normalizeUsername(e.username);
    if (!byName.has(key)) byName.set(key, e);
  }
  const diff: RosterDiff<E> = { mode: opts.mode, added: [], removed: [], kept: [], updated: [], unchanged: [] };
  const matched = new Set<string>();

  for (const row of incoming) {
    const key = normalizeUsername(row.username);
    if (matched.has(key)) continue; // duplicate in a hand-made row list
    matched.add(key);
    const before = byName.get(key);
    if (!before) {
      diff.added.push(row);
      continue;
    }
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
      // a full name the file spells out that the roster already shows (from first and last name) is no change
      if (f === "displayName" && prev === null && next === [before.firstName, before.lastName].filter(Boolean).join(" ")) continue;
      if (prev !== next) {
        changes.push({ field: f, before: prev, after: next });
        (after as Record<string, unknown>)[f] = next;
      }
    }
    if (changes.length > 0) diff.updated.push({ username: before.username, before, after, row, changes });
    else diff.unchanged.push({ username: before.username, before, row });
  }

  const protect = new Set([...(opts.protect ?? [])].map(normalizeUsername));
  for (const [key, e] of byName) {
    if (matched.has(key)) continue;
    if (opts.mode === "replace" && !protect.has(key)) diff.removed.push(e);
    else diff.kept.push(e);
  }
  return diff;
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/**
 * The E2x course roster file the hubs read: header `Username`, one name per line, LF line
 * ends, UTF-8 without BOM (the E2x tools read it with pandas; a BOM would become part of the
 * first column name). Names are normalized, blanks dropped, repeats written once; order kept.
 */
export function exportE2xCsv(usernames: Iterable<string>): string {
  const seen = new Set<string>();
  const rows: string[][] = [["Username"]];
  for (const raw of usernames) {
    const name = normalizeUsername(raw);
    if (!name || seen.has(name)) continue;
    seen.add(name);
    rows.push([name]);
  }
  return writeCsv(rows, { delimiter: ",", bom: false, eol: "\n" });
}

function portalCells(s: RosterRecord | ExistingStudent): string[] {
  return PORTAL_COLUMNS.map((c) => {
    const v = c.meaning === "username" ? s.username : s[c.meaning as RosterField];
    if (v === null || v === undefined) return "";
    if (typeof v === "boolean") return v ? "yes" : "no";
    return String(v).trim();
  });
}

/**
 * Every field of every student, with the header PORTAL_COLUMNS (read back as the portal
 * layout). `standard`: `,`; `excel-de`: `;` for double-clicking in German Excel. Both UTF-8
 * with BOM and CRLF (lib/csv/write.ts), cells guarded against formula injection.
 */
export function exportFullCsv(students: Iterable<RosterRecord | ExistingStudent>, opts: { dialect?: CsvDialect } = {}): string {
  const rows: string[][] = [PORTAL_COLUMNS.map((c) => c.name)];
  for (const s of students) rows.push(portalCells(s));
  return writeCsv(rows, { dialect: opts.dialect });
}

/** A sample file with the portal layout: what an import expects, with made-up students. */
export function sampleRosterCsv(opts: { dialect?: CsvDialect } = {}): string {
  const students: RosterRecord[] = [
    { username: "mmuste2s", universityId: "mmuste2s", displayName: "Mustermann, Max", firstName: "Max", lastName: "Mustermann", matrikel: "0123456", room: "C-116", seat: "12", examDate: "24.07.2026", isBackup: false },
    { username: "jmuell2s", universityId: "jmuell2s", displayName: "Müller, Jürgen", firstName: "Jürgen", lastName: "Müller", matrikel: "9012345", room: "C-116", seat: "13", examDate: "24.07.2026", isBackup: false },
    { username: "aweiss2s", universityId: "aweiss2s", displayName: "Weiß, Anna-Lena", firstName: "Anna-Lena", lastName: "Weiß", matrikel: "0098765", room: "C-117", seat: "1", examDate: "24.07.2026", isBackup: true },
  ];
  return exportFullCsv(students, opts);
}

/**
 * The rejected rows of an import as a file to fix and import again: the file's own columns
 * (its header, or the mapped meanings' names), then `Row in file` and `Problem`. Passwords are
 * blanked. Written with the file's own separator.
 */
export function rejectedRowsCsv(sheet: RosterSheet, parsed: ParsedRoster): string {
  const width = parsed.mapping.columns.length;
  const header = parsed.hasHeader ? parsed.columns : parsed.mapping.columns.map((m, i) => (m ? CANONICAL_NAME[m] : t("columnMapping.columnN", { n: i + 1 })));
  const byRow = new Map(sheet.records.map((r) => [r.row, r]));
  const rows: string[][] = [[...header, t("rosterFile.rowInFile"), t("rosterFile.problem")]];
  for (const bad of parsed.invalid) {
    const rec = byRow.get(bad.row);
    let cells: string[];
    if (!rec || rec.error) cells = [parsed.mapping.columns.includes("password") ? "" : (rec?.raw ?? bad.raw), ...Array<string>(Math.max(0, width - 1)).fill("")];
    else {
      cells = rec.fields.map((f, i) => (parsed.mapping.columns[i] === "password" ? "" : f.trim()));
      while (cells.length < width) cells.push("");
    }
    rows.push([...cells, String(bad.row), bad.reason]);
  }
  return writeCsv(rows, { delimiter: sheet.delimiter === ";" ? ";" : ",", bom: true });
}
