import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { createTranslator } from "use-intl/core";
import { startLdap, type LdapServer } from "@/e2e/services/ldap";
import { hashPassword } from "@/lib/auth/password";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { auditLog, users } from "@/lib/db/schema";
import { auditSummary } from "@/lib/i18n/audit-label";
import { MESSAGES } from "@/lib/i18n/messages";
import { createTestDb } from "@/lib/test/db";

/** Sign-in as the portal does it: local accounts in SQLite, everyone else against real OpenLDAP. */
let ldap: LdapServer;
const t = createTestDb();
const db = t.db;
const saved = { ...process.env };
const de = createTranslator({ locale: "de", messages: MESSAGES.de });
const en = createTranslator({ locale: "en", messages: MESSAGES.en });

beforeAll(async () => {
  ldap = await startLdap();
  Object.assign(process.env, ldap.env);
  db.insert(users).values({ username: "localadmin", displayName: "Local Admin", role: "admin", source: "local", passwordHash: await hashPassword("Lokal-Passwort-1") }).run();
  db.insert(users).values({ username: "gone", displayName: "Gone", role: "grader", source: "local", active: false, passwordHash: await hashPassword("gone-pw") }).run();
}, 60_000);

afterAll(async () => {
  process.env = saved;
  await ldap?.stop();
  t.cleanup();
});

describe("sign-in", () => {
  it("accepts a local account only with its password", async () => {
    expect(await signInWithPassword(db, "localadmin", "Lokal-Passwort-1")).toMatchObject({ ok: true, username: "localadmin" });
    expect(await signInWithPassword(db, "localadmin", "lokal-passwort-1")).toEqual({ ok: false, reason: "invalid-credentials" });
  });

  it("refuses a deactivated account even with the right password, with the answer a wrong password gets", async () => {
    expect(await signInWithPassword(db, "gone", "gone-pw")).toEqual({ ok: false, reason: "invalid-credentials" });
  });

  it("creates an LDAP account on first sign-in with the role of its groups, and no password", async () => {
    const res = await signInWithPassword(db, "gina", "gina-pw-1");
    expect(res).toMatchObject({ ok: true, username: "gina", displayName: "Gina Grader" });
    const row = db.select().from(users).where(eq(users.username, "gina")).get()!;
    expect(row).toMatchObject({ role: "grader", source: "ldap", passwordHash: null, email: "gina@e2x.test" });
  });

  it("keeps one account when the name is typed in another case", async () => {
    const res = await signInWithPassword(db, "GINA", "gina-pw-1");
    expect(res).toMatchObject({ ok: true, username: "gina" });
    expect(db.select().from(users).all().filter((u) => u.username.toLowerCase() === "gina")).toHaveLength(1);
  });

  it("gives the highest role of several groups, and keeps umlauts", async () => {
    expect(await signInWithPassword(db, "ian", "ian-pw-1")).toMatchObject({ ok: true });
    expect(db.select().from(users).where(eq(users.username, "ian")).get()!.role).toBe("instructor");
    expect(await signInWithPassword(db, "juergen", "Grüße-ÄÖÜ-ß")).toMatchObject({ ok: true, displayName: "Jürgen Müller" });
  });

  it("refuses wrong passwords, people without a portal group, and never logs a password", async () => {
    expect(await signInWithPassword(db, "gina", "Falsch-geraten-9")).toEqual({ ok: false, reason: "invalid-credentials" });
    expect(await signInWithPassword(db, "stud1", "stud1-pw-1")).toEqual({ ok: false, reason: "no-role" });
    expect(await signInWithPassword(db, "nobody", "x")).toEqual({ ok: false, reason: "invalid-credentials" });
    const log = JSON.stringify(db.select().from(auditLog).all());
    expect(log).toContain("no portal group in the directory");
    expect(log).not.toContain("nobody");
    for (const secret of ["gina-pw-1", "Falsch-geraten-9", "stud1-pw-1", "Lokal-Passwort-1", "Grüße-ÄÖÜ-ß"]) expect(log).not.toContain(secret);
  });

  it("counts failed sign-ins by reason in one entry, which reads in German and in English", async () => {
    // a window of its own (the earlier failures are two hours old by then)
    const now = Date.now() + 2 * 3600_000;
    for (const [name, pw] of [["stud1", "stud1-pw-1"], ["niemand", "x"], ["keiner", "y"]]) await signInWithPassword(db, name, pw, { address: "192.0.2.50", now });
    for (const pw of ["falsch", "gone-pw"]) await signInWithPassword(db, "gone", pw, { address: "192.0.2.51", now });
    const failed = () => db.select().from(auditLog).where(eq(auditLog.action, "auth.sign-in-failed")).all();
    const byAddress = failed().find((r) => (r.after as { address?: string }).address === "192.0.2.50")!;
    expect(byAddress.message).toMatchObject({ key: "signInFailed", params: { failures: 3, unknownAccount: 2, noGroup: 1, wrongPw: 0 } });
    expect(byAddress.summary).toBe("3 failed sign-ins from 192.0.2.50 for names without a local account (unknown account 2, no portal group in the directory 1)");
    expect(auditSummary(de, byAddress, "de")).toBe("3 fehlgeschlagene Anmeldungen von 192.0.2.50 mit Namen ohne lokales Konto (unbekanntes Konto: 2, keine Portal-Gruppe im Verzeichnis: 1)");
    expect(auditSummary(en, byAddress, "en")).toBe(byAddress.summary);
    // the account's entry is updated as failures come in: its text and its message
    const entry = failed().find((r) => r.actorName === "gone" && (r.after as { address?: string }).address === "192.0.2.51")!;
    expect(auditSummary(de, entry, "de")).toBe("2 fehlgeschlagene Anmeldungen als gone, zuletzt von 192.0.2.51 (falsches Passwort: 1, deaktiviertes Konto: 1)");
    const rows = failed().length;
    await signInWithPassword(db, "gone", "nochmal", { address: "192.0.2.52", now: now + 1000 });
    expect(failed()).toHaveLength(rows);
    const updated = failed().find((r) => r.id === entry.id)!;
    expect(updated.message).toMatchObject({ key: "signInFailed", params: { failures: 3, wrongPw: 2, deactivated: 1, address: "192.0.2.52" } });
    expect(updated.summary).toBe("3 failed sign-ins for gone, last from 192.0.2.52 (wrong password 2, deactivated account 1)");
    expect(auditSummary(de, updated, "de")).toBe("3 fehlgeschlagene Anmeldungen als gone, zuletzt von 192.0.2.52 (falsches Passwort: 2, deaktiviertes Konto: 1)");
    expect(auditSummary(en, updated, "en")).toBe(updated.summary);
  });

  it("says the directory is unavailable when slapd is down", async () => {
    await ldap.stop();
    expect(await signInWithPassword(db, "sam", "sam-pw-1")).toEqual({ ok: false, reason: "unavailable" });
    // local accounts still work
    expect(await signInWithPassword(db, "localadmin", "Lokal-Passwort-1")).toMatchObject({ ok: true });
  });
});
