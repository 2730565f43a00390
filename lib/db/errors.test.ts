import { describe, expect, it } from "vitest";
import de from "@/lib/i18n/messages/de.json";
import en from "@/lib/i18n/messages/en.json";
import { dbErrorKey } from "./errors";

const CODES = ["SQLITE_CONSTRAINT_UNIQUE", "SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT", "SQLITE_LOCKED", "SQLITE_FULL", "SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_IOERR_WRITE", "SQLITE_CORRUPT", "SQLITE_NOTADB"];
// drizzle wraps better-sqlite3's SqliteError: the code sits on the cause
const wrapped = (code: string) => Object.assign(new Error("Failed query"), { cause: Object.assign(new Error(code), { code }) });
const say = (messages: { errors: Record<string, string> }, code: string) => {
  const k = dbErrorKey(wrapped(code))!;
  return messages.errors[k.key.slice("errors.".length)].replace(/\{(\w+)\}/g, (_, n: string) => k.values?.[n] ?? `{${n}}`);
};

describe("database failures in the reader's language", () => {
  it("English has a sentence for each, and each says nothing was changed", () => {
    for (const code of CODES) {
      expect(say(en, code), code).toMatch(/\S/);
      if (code !== "SQLITE_CONSTRAINT_UNIQUE") expect(say(en, code), code).toMatch(/Nothing was changed/);
    }
    expect(say(en, "SQLITE_BUSY_SNAPSHOT")).toBe(say(en, "SQLITE_BUSY"));
    expect(say(en, "SQLITE_IOERR_WRITE")).toContain("SQLITE_IOERR_WRITE");
  });
  it("German has its own sentence for each, and each says nothing was changed", () => {
    for (const code of CODES) {
      expect(say(de, code), code).not.toBe(say(en, code));
      if (code !== "SQLITE_CONSTRAINT_UNIQUE") expect(say(de, code), code).toMatch(/nichts geändert/);
    }
    expect(say(de, "SQLITE_IOERR_WRITE")).toContain("SQLITE_IOERR_WRITE");
  });
  it("other errors are not database failures", () => {
    expect(dbErrorKey(new Error("boom"))).toBeNull();
    expect(dbErrorKey(wrapped("ENOENT"))).toBeNull();
  });
});
