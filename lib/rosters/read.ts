/**
 * The CPU part of a roster import, before the database: decoding and splitting the file,
 * choosing the column mapping (given, remembered for the course, or named by the header),
 * validating every row, the search key of every student, and the rejected rows as a file.
 * No database and no request context: it runs the same in the request's process and on a
 * roster thread (lib/rosters/threads.ts), which gets the course's remembered mappings as a table.
 */
import { createHash } from "node:crypto";
import { ActionError } from "@/lib/auth/guard-types";
import { normalizeUsername } from "@/lib/identity/username";
import {
  applyMapping,
  detectColumns,
  readRosterSheet,
  rejectedRowsCsv,
  RosterFileError,
  sheetSample,
  sheetSignature,
  suggestMapping,
  type ColumnMapping,
  type ParsedRoster,
  type ParsedRow,
  type RosterSheet,
} from "./csv";
import { studentSearchKey } from "./search";
import type { StudentFields } from "./roster";

export type MappingSource = "detected" | "remembered" | "chosen";

/** What the mapping step shows: the first rows, and a mapping to start from. */
export interface MappingStep {
  /** The first row with content: the header, or the first student of a headerless file. */
  first: { row: number; cells: string[] } | null;
  /** The rows after it. */
  rows: { row: number; cells: string[] }[];
  width: number;
  suggestion: ColumnMapping;
}

/** A file read and, when its columns are known, validated. */
export type ReadRoster =
  | { kind: "needs-mapping"; fileHash: string; delimiter: string; encoding: string; step: MappingStep; message: string }
  | {
      kind: "parsed";
      fileHash: string;
      parsed: ParsedRoster;
      mappingSource: MappingSource;
      step: MappingStep;
      /** The mapping the header names, if it names the student (a different chosen one is remembered). */
      detected: ColumnMapping | null;
      /** The search key of every valid row, in the order of `parsed.rows`. */
      searchKeys: string[];
      /** The rejected rows as a file to fix, when asked for. */
      rejectedCsv?: string;
    };

export interface ReadOptions {
  /** The mapping the user chose. */
  mapping?: ColumnMapping;
  /** Also write the rejected rows as CSV. */
  rejected?: boolean;
}

/** The row values of a student: normalized username, every kept field, its search key. */
export function studentValues(r: Partial<StudentFields> & { username: string }, searchKey?: string) {
  const v: StudentFields = {
    username: normalizeUsername(r.username),
    universityId: r.universityId ?? null,
    firstName: r.firstName ?? null,
    lastName: r.lastName ?? null,
    displayName: r.displayName ?? null,
    matrikel: r.matrikel ?? null,
    room: r.room ?? null,
    seat: r.seat ?? null,
    examDate: r.examDate ?? null,
    isBackup: r.isBackup ?? null,
  };
  return { ...v, searchKey: searchKey ?? studentSearchKey(v) };
}

export const fileHashOf = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex").slice(0, 16);

function readSheet(bytes: Buffer): RosterSheet {
  try {
    return readRosterSheet(bytes);
  } catch (err) {
    if (err instanceof RosterFileError) throw new ActionError(err.message, { file: [err.message] });
    throw err;
  }
}

function apply(sheet: RosterSheet, mapping: ColumnMapping): ParsedRoster {
  try {
    return applyMapping(sheet, mapping);
  } catch (err) {
    if (err instanceof RosterFileError) throw new ActionError(err.message, { mapping: [err.message] });
    throw err;
  }
}

/**
 * The mapping a file gets: the one given, else one remembered for this course and file shape,
 * else the one its header names; null when the user has to map the columns.
 */
function chooseMapping(remembered: (signature: string) => ColumnMapping | null, sheet: RosterSheet, given?: ColumnMapping): { mapping: ColumnMapping; source: MappingSource } | null {
  if (given) return { mapping: given, source: "chosen" };
  const byHeader = remembered(sheetSignature(sheet, true));
  if (byHeader && byHeader.columns.length === sheetSample(sheet, byHeader, 0).width) return { mapping: byHeader, source: "remembered" };
  const d = detectColumns(sheet);
  if (d.ok) return { mapping: d.mapping, source: "detected" };
  const byWidth = remembered(sheetSignature(sheet, false));
  if (byWidth && !byWidth.hasHeader && byWidth.columns.length === sheetSample(sheet, byWidth, 0).width) return { mapping: byWidth, source: "remembered" };
  return null;
}

function stepOf(sheet: RosterSheet, mapping: ColumnMapping): MappingStep {
  const s = sheetSample(sheet, mapping, 5);
  return { first: s.first, rows: s.rows, width: s.width, suggestion: mapping };
}

/** Reads a roster file (the size is checked before). Throws ActionError for a file or mapping that cannot be used. */
export function readRosterFile(bytes: Buffer, remembered: (signature: string) => ColumnMapping | null, opts: ReadOptions = {}): ReadRoster {
  const sheet = readSheet(bytes);
  const fileHash = fileHashOf(bytes);
  const chosen = chooseMapping(remembered, sheet, opts.mapping);
  if (!chosen) {
    const suggestion = suggestMapping(sheet);
    const message = suggestion.hasHeader
      ? "No column of this file is named Username or FB02UID. Choose what each column means."
      : "This file has no header row. Choose what each column means.";
    return { kind: "needs-mapping", fileHash, delimiter: sheet.delimiter, encoding: sheet.encoding, step: stepOf(sheet, suggestion), message };
  }
  const parsed = apply(sheet, chosen.mapping);
  const d = detectColumns(sheet);
  return {
    kind: "parsed",
    fileHash,
    parsed,
    mappingSource: chosen.source,
    step: stepOf(sheet, chosen.mapping),
    detected: d.ok ? d.mapping : null,
    searchKeys: parsed.rows.map((r: ParsedRow) => studentValues(r).searchKey),
    ...(opts.rejected ? { rejectedCsv: rejectedRowsCsv(sheet, parsed) } : {}),
  };
}
