import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, signInThrottle, users } from "@/lib/db/schema";
import { createTestDb } from "@/lib/test/db";
import { hashPassword } from "./password";
import { signInWithPassword } from "./sign-in";
import { DEFAULT_POLICY, pruneThrottle, type ThrottlePolicy } from "./throttle";

/** Guessing passwords, as an attacker would, against the real sign-in code and a SQLite file. */
const t = createTestDb();
const db = t.db;
const policy: ThrottlePolicy = { ...DEFAULT_POLICY, accountFree: 5, addressFree: 20, baseDelayMs: 15_000 };

beforeAll(async () => {
  delete process.env.LDAP_URL;
  db.insert(users).values({ username: "anna", displayName: "Anna", role: "admin", source: "local", passwordHash: await hashPassword("Annas-Passwort-1") }).run();
  db.insert(users).values({ username: "bert", displayName: "Bert", role: "grader", source: "local", passwordHash: await hashPassword("Berts-Passwort-1") }).run();
  db.insert(users).values({ username: "gone", displayName: "Gone", role: "grader", source: "local", active: false, passwordHash: await hashPassword("Gones-Passwort-1") }).run();
}, 30_000);

afterAll(() => t.cleanup());

const failedRows = () => db.select().from(auditLog).where(eq(auditLog.action, "auth.sign-in-failed")).all();

describe("sign-in throttling", () => {
  it("25 wrong passwords in a row: 5 are checked, then sign-in pauses with growing delays, and one audit entry counts them", async () => {
    const now = 1_800_000_000_000;
    const answers: string[] = [];
    for (let i = 0; i < 25; i++) {
      const r = await signInWithPassword(db, "anna", `guess-${i}`, { address: "198.51.100.7", now, policy });
      answers.push(r.ok ? "ok" : r.reason);
    }
    expect(answers.slice(0, 5)).toEqual(Array(5).fill("invalid-credentials"));
    expect(answers.slice(5)).toEqual(Array(20).fill("throttled"));
    // the right password during the pause is not even checked
    const locked = await signInWithPassword(db, "anna", "Annas-Passwort-1", { address: "198.51.100.7", now: now + 1_000, policy });
    expect(locked).toEqual({ ok: false, reason: "throttled", retryAfterMs: 14_000 });

    // each further failure doubles the pause: 15 s, 30 s, 60 s
    const pauses: number[] = [];
    let at = now;
    for (let i = 0; i < 3; i++) {
      at += 16_000 * 2 ** i;
      const wrong = await signInWithPassword(db, "anna", "still-wrong", { address: "198.51.100.7", now: at, policy });
      expect(wrong).toEqual({ ok: false, reason: "invalid-credentials" });
      const r = await signInWithPassword(db, "anna", "still-wrong", { address: "198.51.100.7", now: at, policy });
      pauses.push(r.ok || r.reason !== "throttled" ? 0 : (r as { retryAfterMs: number }).retryAfterMs);
    }
    expect(pauses).toEqual([30_000, 60_000, 120_000]);

    const rows = failedRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actorName: "anna", entityId: String(db.select().from(users).where(eq(users.username, "anna")).get()!.id) });
    expect(rows[0].summary).toBe("8 failed sign-ins for anna, last from 198.51.100.7 (wrong password 8)");

    // after the pause the right password works and clears the account's count
    const ok = await signInWithPassword(db, "anna", "Annas-Passwort-1", { address: "198.51.100.7", now: at + 130_000, policy });
    expect(ok).toMatchObject({ ok: true, username: "anna" });
    expect(db.select().from(signInThrottle).all().map((r) => r.key.slice(0, 2))).toEqual(["a:"]);
  });

  it("one client address guessing many usernames is paused too, and the audit does not grow with the names", async () => {
    const now = 1_800_100_000_000;
    const before = failedRows().length;
    const answers: string[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await signInWithPassword(db, `user${i}-Geheimnis${i}`, "x", { address: "203.0.113.9", now: now + i, policy });
      answers.push(r.ok ? "ok" : r.reason);
    }
    expect(answers.slice(0, 20)).toEqual(Array(20).fill("invalid-credentials"));
    expect(answers.slice(20)).toEqual(Array(10).fill("throttled"));
    // another address is not affected
    expect(await signInWithPassword(db, "bert", "Berts-Passwort-1", { address: "203.0.113.10", now: now + 40, policy })).toMatchObject({ ok: true });
    const rows = failedRows().slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0].summary).toBe("20 failed sign-ins from 203.0.113.9 for names without a local account (unknown account 20)");
    // the typed usernames (a password typed into the wrong field) are stored nowhere
    const everything = JSON.stringify([db.select().from(auditLog).all(), db.select().from(signInThrottle).all()]);
    expect(everything).not.toContain("Geheimnis");
    expect(everything).not.toContain("user1");
  });

  it("gives unknown, wrong and deactivated the same answer after the same work", async () => {
    const now = 1_800_200_000_000;
    const cases = { unknown: "nobody-here", wrong: "bert", deactivated: "gone" } as const;
    const answers: Record<string, unknown> = {};
    const times: Record<string, number[]> = { unknown: [], wrong: [], deactivated: [] };
    for (let round = 0; round < 4; round++) {
      for (const [name, username] of Object.entries(cases)) {
        const t0 = performance.now();
        const password = name === "deactivated" ? "Gones-Passwort-1" : "wrong-password";
        answers[name] = await signInWithPassword(db, username, password, { address: `192.0.2.${round * 3 + Object.keys(cases).indexOf(name)}`, now: now + round, policy });
        times[name].push(performance.now() - t0);
      }
    }
    expect(answers).toEqual({ unknown: { ok: false, reason: "invalid-credentials" }, wrong: { ok: false, reason: "invalid-credentials" }, deactivated: { ok: false, reason: "invalid-credentials" } });
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.round(median(v) * 10) / 10]));
    console.log(`sign-in answer time (median of 4, ms): ${JSON.stringify(m)}`);
    // every case runs one scrypt verification (tens of ms); before, an unknown name ran none (about 1 ms)
    expect(m.unknown).toBeGreaterThan(m.wrong * 0.5);
    expect(m.deactivated).toBeGreaterThan(m.wrong * 0.5);
  });

  it("keeps the table bounded: old windows are dropped, and at most maxRows keys stay", async () => {
    const now = 1_900_000_000_000;
    pruneThrottle(db, now, policy);
    expect(db.select().from(signInThrottle).all()).toHaveLength(0);
    for (let i = 0; i < 12; i++) await signInWithPassword(db, `flood${i}`, "x", { address: `10.9.0.${i}`, now: now + i, policy: { ...policy, maxRows: 10 } });
    pruneThrottle(db, now + 20, { ...policy, maxRows: 10 });
    expect(db.select().from(signInThrottle).all().length).toBe(10);
  });
});
