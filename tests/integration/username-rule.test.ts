/**
 * The portal's username rule against JupyterHub's own: the names a hub (JupyterHub 5.5.0 as
 * the Z2JH 4.4.0 hub image pins it, in .venv-hub) makes of typed input, compared with
 * lib/identity/username.ts and with the hub-side Python the portal ships
 * (lib/render/python/e2x_portal_profiles.py), on a few thousand generated names.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkUsername, normalizeUsername } from "@/lib/identity/username";

const REPO = path.resolve(import.meta.dirname, "../..");
const PYTHON = path.join(REPO, ".venv-hub/bin/python");

const SCRIPT = `
import json, sys, unicodedata
sys.path.insert(0, ${JSON.stringify(path.join(REPO, "lib/render/python"))})
from jupyterhub.auth import Authenticator
import e2x_portal_profiles as p
auth = Authenticator()
out = []
for name in json.load(sys.stdin):
    typed = name.strip()  # what LoginHandler.post hands the authenticator
    out.append({"hub": auth.normalize_username(typed), "portal_py": p.normalize_username(name), "nfc": unicodedata.normalize("NFC", typed) == typed})
json.dump(out, sys.stdout)
`;

/** Deterministic pseudo-random names from the characters that differ between systems. */
function names(n: number): string[] {
  const pool = [
    ..."abcxyzABCXYZ0129._@-",
    " ", "\t", "\u00a0", "\u3000", "\u2009", "\u0085", "\u001f", "\ufeff", "\u200b",
    "Ä", "ä", "Ö", "Ü", "ß", "\u1e9e", "\u0130", "\u0131", "Σ", "ς", "\u212a", "\u2126", "Ａ", "\u0308", "\u0301", "é", "ǅ", "ﬁ", "\u{10400}",
  ];
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const len = 1 + Math.floor(rnd() * 10);
    let s = "";
    for (let k = 0; k < len; k++) s += pool[Math.floor(rnd() * pool.length)];
    out.push(s);
  }
  return out;
}

describe("username rule vs JupyterHub 5.5", () => {
  it("names every generated user as the hub does", () => {
    if (!fs.existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: run bash scripts/provision/python.sh (npm test does)`);
    const input = names(4000);
    const r = spawnSync(PYTHON, ["-c", SCRIPT], { input: JSON.stringify(input), encoding: "utf8", maxBuffer: 32 * 1024 * 1024 });
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as { hub: string; portal_py: string; nfc: boolean }[];
    let composed = 0;
    let accepted = 0;
    input.forEach((name, i) => {
      const ours = normalizeUsername(name);
      // the hub-side lookup applies exactly the portal's rule
      expect(got[i].portal_py, JSON.stringify(name)).toBe(ours);
      // JupyterHub itself: identical for composed input, and for every name the portal accepts
      if (got[i].nfc) {
        composed++;
        expect(got[i].hub, JSON.stringify(name)).toBe(ours);
      }
      if (checkUsername(name).ok) {
        accepted++;
        expect(got[i].hub, JSON.stringify(name)).toBe(ours);
      }
    });
    expect(composed).toBeGreaterThan(3000);
    expect(accepted).toBeGreaterThan(50);
  });
});
