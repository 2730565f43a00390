/**
 * Database failures as sentences people can act on. SQLite's code sits on better-sqlite3's
 * SqliteError, which drizzle wraps in a DrizzleQueryError (as `cause`): look through the chain.
 * Every message says that nothing was changed: a failed statement rolls its transaction back.
 */

/** SQLite's extended result code (`SQLITE_BUSY`, `SQLITE_FULL`, ...) of an error or its causes. */
export function sqliteCode(err: unknown): string | null {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("SQLITE_")) return code;
  }
  return null;
}

/** The file system's error code (`ENOSPC`, `EACCES`, ...) of an error or its causes. */
export function fsCode(err: unknown): string | null {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return code;
  }
  return null;
}

export const BUSY_MESSAGE = "The database is busy: another program is writing to it. Nothing was changed; try again in a moment.";
export const FULL_MESSAGE = "The disk of the portal's data directory is full. Nothing was changed; free some space and try again.";

/** A message for a database failure, or null when the error is not one. */
export function dbErrorMessage(err: unknown): string | null {
  const code = sqliteCode(err);
  if (!code) return null;
  if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") return "That already exists.";
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return BUSY_MESSAGE;
  if (code === "SQLITE_FULL") return FULL_MESSAGE;
  if (code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_CANTOPEN") || code === "SQLITE_PERM") {
    return "The portal may not write its database file (check the data directory's owner and permissions). Nothing was changed.";
  }
  if (code.startsWith("SQLITE_IOERR")) return `The portal could not write its database (${code}); check the data directory's disk. Nothing was changed.`;
  if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB") return "The database file is damaged. Nothing was changed; restore the latest backup (npm run restore).";
  return null;
}

/**
 * The same failures as message keys of the catalogues (lib/i18n/messages), for answers in the
 * reader's language; the English catalogue holds the sentences of dbErrorMessage.
 */
export type DbErrorKey = "errors.exists" | "errors.busy" | "errors.dbFull" | "errors.dbReadOnly" | "errors.dbIo" | "errors.dbCorrupt";
export function dbErrorKey(err: unknown): { key: DbErrorKey; values?: Record<string, string> } | null {
  const code = sqliteCode(err);
  if (!code) return null;
  if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") return { key: "errors.exists" };
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return { key: "errors.busy" };
  if (code === "SQLITE_FULL") return { key: "errors.dbFull" };
  if (code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_CANTOPEN") || code === "SQLITE_PERM") return { key: "errors.dbReadOnly" };
  if (code.startsWith("SQLITE_IOERR")) return { key: "errors.dbIo", values: { code } };
  if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB") return { key: "errors.dbCorrupt" };
  return null;
}

/** True for failures that go away by themselves (another writer, a full disk freed). */
export function isBusy(err: unknown): boolean {
  const code = sqliteCode(err);
  return !!code && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}
