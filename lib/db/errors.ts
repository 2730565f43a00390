/**
 * Database failures as sentences people can act on. SQLite's code sits on better-sqlite3's
 * SqliteError, which drizzle wraps in a DrizzleQueryError (as `cause`): look through the chain.
 * Every sentence (errors.* in the catalogues) says that nothing was changed: a failed statement
 * rolls its transaction back.
 */

/** SQLite's extended result code (`SQLITE_BUSY`, `SQLITE_FULL`, ...) of an error or its causes. */
export function sqliteCode(err: unknown): string | null {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("SQLITE_")) return code;
  }
  return null;
}

/**
 * A database failure as a message key of the catalogues (lib/i18n/messages), for an answer in
 * the reader's language (`t(key, values)`), or null when the error is not one.
 */
type DbErrorKey = "errors.exists" | "errors.busy" | "errors.dbFull" | "errors.dbReadOnly" | "errors.dbIo" | "errors.dbCorrupt";
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
