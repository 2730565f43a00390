/**
 * Every CSV file the portal writes goes through `writeCsv`: one place that quotes (RFC 4180,
 * csv-stringify), picks the separator and encoding, and guards every cell against formula
 * injection. Pure, no I/O.
 *
 * Dialects:
 * - `standard`: `,`, UTF-8 with BOM, CRLF. The BOM makes Excel read UTF-8 (umlauts) instead of
 *   the Windows code page.
 * - `excel-de`: `;`, UTF-8 with BOM, CRLF: what German Excel expects when a file is
 *   double-clicked (it splits on the system list separator, `;` in German settings).
 * The default is a function of the portal's locale only (`defaultCsvDialect`), so switching
 * the portal to German switches every export. Machine files for the E2x tools (the course
 * roster the hub reads) pass explicit options instead.
 */
import { stringify } from "csv-stringify/sync";

export const CSV_DIALECTS = ["standard", "excel-de"] as const;
export type CsvDialect = (typeof CSV_DIALECTS)[number];

export const CSV_DIALECT_LABEL: Record<CsvDialect, string> = {
  standard: "comma-separated",
  "excel-de": "semicolon-separated (German Excel)",
};

/** The language the portal runs in. There is no switch yet: English. */
export function portalLocale(): string {
  return "en";
}

/** German -> `excel-de`, anything else -> `standard`. */
export function defaultCsvDialect(locale: string = portalLocale()): CsvDialect {
  return /^de(?:[-_]|$)/i.test(locale.trim()) ? "excel-de" : "standard";
}

/** A dialect from a query parameter, or the locale's default. */
export function csvDialectOf(value: string | null | undefined, locale?: string): CsvDialect {
  return (CSV_DIALECTS as readonly string[]).includes(value ?? "") ? (value as CsvDialect) : defaultCsvDialect(locale);
}

/**
 * Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (or a tab, CR or LF before
 * one) as a formula: CSV injection. Such cells get a leading `'`, which Excel and LibreOffice
 * show as text and the portal's own reader removes again (lib/rosters/csv.ts).
 */
export function guardCell(value: string): string {
  return /^[=+\-@\t\r\n]/.test(value) ? `'${value}` : value;
}

/** Reverses `guardCell` when reading a file back. */
export function unguardCell(value: string): string {
  return /^'[=+\-@\t\r\n]/.test(value) ? value.slice(1) : value;
}

export type CsvCell = string | number | boolean | null | undefined;

export interface CsvWriteOptions {
  /** Default `standard`. */
  dialect?: CsvDialect;
  /** Overrides the dialect's separator. */
  delimiter?: "," | ";";
  /** Default: the dialect's (true). */
  bom?: boolean;
  /** Default CRLF. */
  eol?: "\r\n" | "\n";
}

export function csvDelimiter(dialect: CsvDialect): "," | ";" {
  return dialect === "excel-de" ? ";" : ",";
}

/** Rows (the first one usually the header) as CSV text; every cell guarded. */
export function writeCsv(rows: Iterable<readonly CsvCell[]>, opts: CsvWriteOptions = {}): string {
  const dialect = opts.dialect ?? "standard";
  const out: string[][] = [];
  for (const row of rows) out.push(row.map((c) => guardCell(c === null || c === undefined ? "" : String(c))));
  return stringify(out, {
    delimiter: opts.delimiter ?? csvDelimiter(dialect),
    record_delimiter: opts.eol === "\n" ? "unix" : "windows",
    bom: opts.bom ?? true,
  });
}

/** `attachment; filename=...` with an ASCII fallback and the UTF-8 name (RFC 6266). */
export function attachmentHeader(filename: string): string {
  const ascii = filename.normalize("NFKD").replace(/[^\x20-\x7e]/g, "").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
