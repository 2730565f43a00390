/**
 * One-time passwords: alphabet, entropy, CSPRNG output shape, and the hash format against the
 * real Python `hashlib.scrypt` of the test venv (both directions), exactly as OTP.md specifies.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalOtp, formatOtp, generateOtp, hashOtp, OTP_ALPHABET, OTP_BITS, OTP_COST, OTP_LENGTH, verifyOtp } from "./otp";

const REPO = path.resolve(import.meta.dirname, "../..");
const PYTHON = path.join(REPO, ".venv/bin/python");

/** The verifier from OTP.md, verbatim, plus a hasher in the same format. */
const PY = String.raw`
import base64, hashlib, hmac, json, os, re, sys

def verify(typed: str, stored: str) -> bool:
    kind, n, r, p, salt, key = stored.split("$")
    if kind != "scrypt":
        return False
    expected = base64.b64decode(key)
    got = hashlib.scrypt(re.sub(r"[\s-]+", "", typed).lower().encode(),
                         salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                         maxmem=64 * 1024 * 1024, dklen=len(expected))
    return hmac.compare_digest(got, expected)

def make(canonical: str) -> str:
    salt = os.urandom(16)
    key = hashlib.scrypt(canonical.encode(), salt=salt, n=4096, r=8, p=1, maxmem=64 * 1024 * 1024, dklen=32)
    return "$".join(["scrypt", "4096", "8", "1", base64.b64encode(salt).decode(), base64.b64encode(key).decode()])

job = json.load(sys.stdin)
print(json.dumps({"verified": [verify(t, s) for t, s in job["verify"]], "made": [make(c) for c in job["make"]]}))
`;

function python(job: { verify: [string, string][]; make: string[] }): { verified: boolean[]; made: string[] } {
  if (!fs.existsSync(PYTHON)) throw new Error(`test venv missing: ${PYTHON} (bash scripts/provision/python.sh creates it)`);
  const r = spawnSync(PYTHON, ["-c", PY], { input: JSON.stringify(job), encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

describe("one-time passwords", () => {
  it("use a typeable alphabet without look-alikes and at least 50 bits", () => {
    for (const c of "01ilIoOyzYZ") expect(OTP_ALPHABET).not.toContain(c);
    expect(new Set(OTP_ALPHABET).size).toBe(OTP_ALPHABET.length);
    expect(OTP_ALPHABET).toMatch(/^[a-z2-9]+$/);
    expect(OTP_BITS).toBeGreaterThanOrEqual(50);
    expect(OTP_BITS).toBeCloseTo(12 * Math.log2(29), 5);
    // E2x's five digits had about 17 bits
    expect(OTP_BITS).toBeGreaterThan(3 * 5 * Math.log2(10));
  });

  it("are 12 symbols from the alphabet, grouped 4-4-4 for reading, and never repeat", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const p = generateOtp();
      expect(p).toHaveLength(OTP_LENGTH);
      for (const c of p) expect(OTP_ALPHABET).toContain(c);
      seen.add(p);
    }
    expect(seen.size).toBe(2000);
    expect(formatOtp("abcdefghjkmn")).toBe("abcd-efgh-jkmn");
    expect(canonicalOtp(" ABCD efgh-JKMN ")).toBe("abcdefghjkmn");
  });

  it("draw every symbol about equally often (no modulo bias)", () => {
    const counts = new Map<string, number>();
    const n = 60_000 / OTP_LENGTH;
    for (let i = 0; i < n; i++) for (const c of generateOtp()) counts.set(c, (counts.get(c) ?? 0) + 1);
    const expected = (n * OTP_LENGTH) / OTP_ALPHABET.length;
    let chi = 0;
    for (const c of OTP_ALPHABET) chi += ((counts.get(c) ?? 0) - expected) ** 2 / expected;
    // 28 degrees of freedom: p = 0.0001 at about 62
    expect(chi).toBeLessThan(62);
  });

  it("hash in the documented format and verify typed variants, not others", async () => {
    const p = generateOtp();
    const h = await hashOtp(p);
    expect(h).toMatch(/^scrypt\$4096\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(h).not.toContain(p);
    expect(OTP_COST).toEqual({ N: 4096, r: 8, p: 1 });
    expect(await verifyOtp(formatOtp(p).toUpperCase(), h)).toBe(true);
    expect(await verifyOtp(p, h)).toBe(true);
    const other = p.slice(0, -1) + (p.endsWith("2") ? "3" : "2");
    expect(await verifyOtp(other, h)).toBe(false);
    // two hashes of one password differ (salted)
    expect(await hashOtp(p)).not.toBe(h);
  });

  it("round-trip with Python's hashlib.scrypt in both directions", async () => {
    const mine = Array.from({ length: 4 }, () => generateOtp());
    const hashes = await Promise.all(mine.map((p) => hashOtp(p)));
    const theirs = Array.from({ length: 3 }, () => generateOtp());
    const r = python({
      verify: [
        [formatOtp(mine[0]), hashes[0]],
        [formatOtp(mine[1]).toUpperCase(), hashes[1]],
        [mine[2].slice(0, 4) + " " + mine[2].slice(4), hashes[2]],
        [mine[0], hashes[3]], // someone else's password
      ],
      make: theirs,
    });
    expect(r.verified).toEqual([true, true, true, false]);
    for (let i = 0; i < theirs.length; i++) {
      expect(await verifyOtp(formatOtp(theirs[i]), r.made[i])).toBe(true);
      expect(await verifyOtp(theirs[(i + 1) % theirs.length], r.made[i])).toBe(false);
    }
  });
});
