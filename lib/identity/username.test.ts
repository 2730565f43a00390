import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkUsername, examLogin, normalizeUsername, parseExamLogin, sameUsername, universityAccountOf, USERNAME_PATTERN } from "./username";

const { vectors } = JSON.parse(readFileSync(path.join(import.meta.dirname, "__golden__/username-vectors.json"), "utf8")) as {
  vectors: { input: string; normalized: string; valid: boolean }[];
};

describe("the username rule", () => {
  it("normalizes every vector as Python does (strip, NFC, lower)", () => {
    expect(vectors.length).toBeGreaterThan(30);
    for (const v of vectors) {
      expect(normalizeUsername(v.input), JSON.stringify(v.input)).toBe(v.normalized);
      expect(checkUsername(v.input).ok, JSON.stringify(v.input)).toBe(v.valid);
    }
  });

  it("makes Alice and alice one user", () => {
    expect(normalizeUsername("  Alice ")).toBe("alice");
    expect(sameUsername("ALICE", "alice")).toBe(true);
    expect(sameUsername("alice", "alicia")).toBe(false);
    expect(sameUsername(null, "alice")).toBe(false);
    expect(checkUsername("Alice")).toEqual({ ok: true, username: "alice", changed: true });
    expect(checkUsername("alice")).toEqual({ ok: true, username: "alice", changed: false });
  });

  it("composes decomposed umlauts before deciding", () => {
    expect(normalizeUsername("Mu\u0308ller")).toBe("m\u00fcller");
    const r = checkUsername("Mu\u0308ller");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/not allowed/);
  });

  it("explains an empty name", () => {
    expect(checkUsername("  \u00a0")).toEqual({ ok: false, username: "", reason: "the user name is empty" });
  });

  it("accepts only normalized names in its pattern", () => {
    expect(USERNAME_PATTERN.test("alice")).toBe(true);
    expect(USERNAME_PATTERN.test("Alice")).toBe(false);
  });
});

describe("exam logins", () => {
  it("are <course>-<FB02UID>, as the E2x tools build them", () => {
    expect(examLogin("wus", { username: "test02s" })).toBe("wus-test02s");
    expect(examLogin("Mathe1", { username: "x", universityId: " ABC12S " })).toBe("mathe1-abc12s");
    expect(universityAccountOf({ username: "Bob", universityId: null })).toBe("bob");
    expect(() => examLogin(" ", { username: "a" })).toThrow(/course code/);
  });

  it("can be read back", () => {
    expect(parseExamLogin("wus-test02s", "wus")).toEqual({ prefix: "wus", account: "test02s" });
    expect(parseExamLogin("WUS-test02s")).toEqual({ prefix: "wus", account: "test02s" });
    expect(parseExamLogin("exam-001", "wus")).toBeNull();
    expect(parseExamLogin("wus-", "wus")).toBeNull();
    expect(parseExamLogin("plain")).toBeNull();
  });
});
