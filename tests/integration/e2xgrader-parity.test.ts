/**
 * Parity with the real e2xgrader package (.venv): submissions are produced by e2xgrader's own
 * E2xExchangeSubmit (SHA1SUM.txt mode) and by the 0.1/0.2 notebook-mode procedure, then hashed
 * by lib/submissions/reference/e2x_hash.py (e2xgrader's hash_utils) and by our scanner.
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSha1sum, hashcodesEqual } from "@/lib/submissions/hash";
import { runScan, scanSubmissionDir, type ScannedSubmission } from "@/lib/submissions/scan";
import { lookupHashcode, verifyAll, type SubmissionVerdict } from "@/lib/submissions/verify";

const REPO = path.resolve(import.meta.dirname, "../..");
const PYTHON = path.join(REPO, ".venv/bin/python");
const SCRIPT = path.join(REPO, "lib/submissions/reference/e2x_hash.py");
/** Without the reference environment these tests must fail, never pass by skipping. */
function requirePython() {
  if (!fs.existsSync(PYTHON)) {
    throw new Error(`e2xgrader reference environment missing: ${PYTHON} does not exist. Create it with \`bash scripts/provision/python.sh\` (npm test does this).`);
  }
}

const COURSE = "course1";
const TS = {
  alice: "2026-02-01 09:00:00.000001 UTC",
  bob: "2026-02-01 09:05:00.250000 UTC",
  carol1: "2026-02-01 09:10:00.000000 UTC",
  carol2: "2026-02-01 09:40:00.000000 UTC",
  dave: "2026-02-01 09:20:00.123456 UTC",
  erin: "2026-02-01 09:30:00.000000 UTC",
  frank: "2026-02-01 09:31:00.000000 UTC",
};

interface RefHash {
  dir: string;
  username: string;
  sha1sum: { stored: string | null; rebuilt: string; text: string };
  notebook: { path: string; sha1: string; short: string; legacy: string } | null;
  info: { username: string | null; hashcode: string | null; timestamp: string | null } | null;
}

function runBatch<T>(commands: string[][]): T[] {
  const r = spawnSync(PYTHON, [SCRIPT, "batch"], {
    input: commands.map((c) => JSON.stringify(c)).join("\n"),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, PYTHONIOENCODING: "utf-8", PYTHONUTF8: "1" },
  });
  if (r.status !== 0) throw new Error(`e2x_hash.py failed (${r.status}): ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { results: ({ ok: T } | { error: string })[] };
  return out.results.map((x, i) => {
    if ("error" in x) throw new Error(`command ${JSON.stringify(commands[i])}: ${x.error}`);
    return x.ok;
  });
}

function notebook(cells: string[]): string {
  return JSON.stringify({
    cells: cells.map((src, i) => ({ cell_type: "markdown", id: `c${i}`, metadata: {}, source: src })),
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

let tmp: string;
let root: string;
let src: string;
const sheet: Record<string, string> = {}; // hashcode the student saw, per submission
let scanned: ScannedSubmission[];
let byKey: Record<string, ScannedSubmission>;
let reference: Record<string, RefHash>;
let verdicts: Record<string, SubmissionVerdict>;

function put(rel: string, content: string | Buffer) {
  const p = path.join(src, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
}

const keyOf = (user: string, ts: string, plain = false) =>
  plain ? `inbound/${user}+${user === "frank" ? "exam" : "hw1"}+${ts}` : `personalized-inbound/${user}/${user}+${user === "erin" ? "exam" : "hw1"}+${ts}`;

describe("parity with e2xgrader 0.3.6", () => {
  beforeAll(() => {
    requirePython();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-parity-"));
    root = path.join(tmp, "exchange");
    src = path.join(tmp, "home");

    // alice: everything awkward e2xgrader's rules touch.
    put("alice/hw1/hw1.ipynb", notebook(["# Aufgabe 1", "Lösung: ∑ äöü ß"]));
    put("alice/hw1/Übung 2.ipynb", notebook(["zwei"]));
    put("alice/hw1/.ipynb_checkpoints/hw1-checkpoint.ipynb", notebook(["old"]));
    put("alice/hw1/old.ipynb_checkpoints.bak/x.py", "print(1)\n");
    put("alice/hw1/.history/hw1.ipynb", notebook(["history"]));
    put("alice/hw1/notes.html", "<p>not hashed</p>");
    put("alice/hw1/empty.txt", "");
    put("alice/hw1/daten/Größe mit Leerzeichen.csv", "a;b\n1;2\n");
    put("alice/hw1/sub.txt", "s");
    put("alice/hw1/sub/x.txt", "x");
    put("alice/hw1/B.txt", "B");
    put("alice/hw1/a.txt", "a");
    put("alice/hw1/\u{1F600}.txt", "emoji");
    put("alice/hw1/\uFF5E.txt", "fullwidth tilde");
    put("alice/hw1/U\u0308bung-nfd.txt", "NFD name");
    put("alice/hw1/back\\slash.txt", "backslash");
    put("alice/hw1/nested/deep/er/timestamp.txt", "excluded by its basename");
    put("alice/hw1/m.pyc", "bytecode");
    put("alice/hw1/__pycache__/m.cpython-311.pyc", "bytecode");
    put("alice/hw1/bob_info.txt", "someone else's info file is hashed");
    put("alice/hw1/big.bin", crypto.randomBytes(3 * 1024 * 1024 + 11));
    // bob: plain inbound with the random suffix
    put("bob/hw1/hw1.ipynb", notebook(["bob"]));
    // carol: two submissions
    put("carol/hw1/hw1.ipynb", notebook(["carol v1"]));
    // dave: edited after the fact
    put("dave/hw1/hw1.ipynb", notebook(["dave"]));
    put("dave/hw1/helper.py", "def f():\n    return 1\n");
    // erin and frank: e2xgrader 0.1/0.2 notebook mode
    put("erin/exam/exam.ipynb", notebook(["erin"]));
    put("erin/exam/extra.txt", "not part of a notebook-mode hashcode");
    put("frank/exam/exam.ipynb", notebook(["frank"]));

    const submit = (user: string, ts: string, extra: string[] = [], cmd = "submit", assignment = "hw1") => [
      cmd, "--root", root, "--course", COURSE, "--assignment", assignment, "--src", path.join(src, user), "--user", user, "--timestamp", ts, "--cache", path.join(tmp, "cache", user), ...extra,
    ];
    const [a, b, c1] = runBatch<{ hashcode: string; dest: string }>([
      submit("alice", TS.alice),
      submit("bob", TS.bob, ["--plain", "--random"]),
      submit("carol", TS.carol1),
    ]);
    sheet[keyOf("alice", TS.alice)] = a.hashcode;
    sheet[path.relative(path.join(root, COURSE), b.dest).split(path.sep).join("/")] = b.hashcode;
    sheet[keyOf("carol", TS.carol1)] = c1.hashcode;
    put("carol/hw1/hw1.ipynb", notebook(["carol v2"]));
    const [c2, d, e, f] = runBatch<{ hashcode: string; dest: string }>([
      submit("carol", TS.carol2),
      submit("dave", TS.dave),
      submit("erin", TS.erin, [], "submit-notebook", "exam"),
      submit("frank", TS.frank, ["--plain"], "submit-notebook", "exam"),
    ]);
    sheet[keyOf("carol", TS.carol2)] = c2.hashcode;
    sheet[keyOf("dave", TS.dave)] = d.hashcode;
    sheet[keyOf("erin", TS.erin)] = e.hashcode;
    sheet[keyOf("frank", TS.frank, true)] = f.hashcode;

    // Edited after the fact, in the exchange.
    const daveDir = path.join(root, COURSE, keyOf("dave", TS.dave));
    fs.appendFileSync(path.join(daveDir, "hw1.ipynb"), "\n");
    fs.rmSync(path.join(daveDir, "helper.py"));
    fs.writeFileSync(path.join(daveDir, "added.py"), "print('late')\n");
    fs.appendFileSync(path.join(root, COURSE, keyOf("frank", TS.frank, true), "exam.ipynb"), "\n");
  }, 180_000);

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("scans every submission e2xgrader wrote", { timeout: 120_000 }, async () => {
    const r = await runScan({ root, courseId: COURSE, concurrency: 3 });
    scanned = r.submissions;
    byKey = Object.fromEntries(scanned.map((s) => [s.key, s]));
    expect(r.summary.rootProblems).toEqual([]);
    expect(Object.keys(byKey).sort()).toEqual(Object.keys(sheet).sort());
    const refs = runBatch<RefHash>(scanned.map((s) => ["hash", path.join(root, COURSE, s.key)]));
    reference = Object.fromEntries(scanned.map((s, i) => [s.key, refs[i]]));
    verdicts = Object.fromEntries(verifyAll(scanned, { deadlines: { hw1: "2026-02-01T09:30:00Z" } }).submissions.map((v) => [v.key, v]));
  });

  it("SHA1SUM.txt mode: the stored and the rebuilt hashcode equal e2xgrader's", () => {
    for (const s of scanned) {
      const ref = reference[s.key];
      expect(s.sha1sum.storedHashcode, s.key).toBe(ref.sha1sum.stored);
      expect(s.sha1sum.rebuiltHashcode, s.key).toBe(ref.sha1sum.rebuilt);
      const ours = buildSha1sum(s.files.filter((f) => !f.excluded).map((f) => ({ path: f.path, sha1: f.sha1! })));
      expect(ours, s.key).toBe(ref.sha1sum.text);
    }
  });

  it("notebook mode: both code formats equal e2xgrader's functions", () => {
    for (const s of scanned) {
      const ref = reference[s.key];
      if (ref.notebook === null) expect(s.notebook, s.key).toBeNull();
      else expect(s.notebook, s.key).toEqual(ref.notebook);
    }
    expect(byKey[keyOf("erin", TS.erin)].mode).toBe("notebook");
  });

  it("reads the info file and the hashcode the student was shown", () => {
    for (const s of scanned) {
      const ref = reference[s.key];
      expect(s.recordedHashcode, s.key).toBe(ref.info?.hashcode ?? null);
      expect(s.info?.timestamp ?? null, s.key).toBe(ref.info?.timestamp ?? null);
      expect(hashcodesEqual(s.recordedHashcode, sheet[s.key]), s.key).toBe(true);
    }
    // e2xgrader shows upper case and writes lower case
    const alice = keyOf("alice", TS.alice);
    expect(sheet[alice]).toBe(sheet[alice].toUpperCase());
    expect(byKey[alice].recordedHashcode).toBe(sheet[alice].toLowerCase());
  });

  it("rebuilding SHA1SUM.txt in the student's folder reproduces the code e2xgrader showed", { timeout: 120_000 }, async () => {
    // The source folder still has .ipynb_checkpoints, *.pyc and the html e2xgrader generated.
    const s = await scanSubmissionDir(path.join(src, "alice", "hw1"));
    expect(s.sha1sum.rebuiltHashcode).toBe(sheet[keyOf("alice", TS.alice)].toLowerCase());
    const ref = runBatch<RefHash>([["hash", path.join(src, "alice", "hw1"), "--username", "alice"]])[0];
    expect(s.sha1sum.rebuiltHashcode).toBe(ref.sha1sum.rebuilt);
  });

  it("verifies untouched submissions and names what changed in edited ones", () => {
    const alice = verdicts[keyOf("alice", TS.alice)];
    expect(alice.status).toBe("verified");
    // *.pyc / __pycache__ are in SHA1SUM.txt but nbgrader never copied them
    const aliceScan = byKey[keyOf("alice", TS.alice)];
    expect(aliceScan.sha1sum.listed.map((e) => e.path)).toContain("m.pyc");
    expect(aliceScan.sha1sum.rebuiltHashcode).not.toBe(aliceScan.sha1sum.storedHashcode);

    const dave = verdicts[keyOf("dave", TS.dave)];
    expect(dave.status).toBe("mismatch");
    const m = dave.flags.find((f) => f.kind === "mismatch");
    expect(m?.kind === "mismatch" && m.files.map((f) => [f.path, f.status])).toEqual([
      ["helper.py", "missing"],
      ["hw1.ipynb", "changed"],
      ["added.py", "extra"],
    ]);
    expect(verdicts[keyOf("erin", TS.erin)].status).toBe("verified");
    expect(verdicts[keyOf("frank", TS.frank, true)]).toMatchObject({ status: "mismatch", flags: [{ kind: "mismatch", mode: "notebook" }] });
    const bobKey = Object.keys(sheet).find((k) => k.startsWith("inbound/bob+"))!;
    expect(verdicts[bobKey].status).toBe("verified");
  });

  it("counts carol's later submission and flags it late against a deadline in between", () => {
    const c1 = verdicts[keyOf("carol", TS.carol1)];
    const c2 = verdicts[keyOf("carol", TS.carol2)];
    expect(c1.counts).toBe(true);
    expect(c2.counts).toBe(false);
    expect(c2.flags.map((f) => f.kind)).toEqual(["verified", "late", "several-submissions"]);
  });

  it("finds a submission from the code typed off the sheet", () => {
    const alice = keyOf("alice", TS.alice);
    const typed = sheet[alice].replace(/-/g, " ").toLowerCase();
    expect(lookupHashcode(typed, scanned)).toMatchObject({ answer: "verified", matches: [{ key: alice, student: "alice" }] });
    expect(lookupHashcode(sheet[keyOf("dave", TS.dave)], scanned)).toMatchObject({ answer: "recorded-only", matches: [{ status: "mismatch" }] });
    expect(lookupHashcode(sheet[keyOf("erin", TS.erin)].toUpperCase(), scanned).answer).toBe("verified");
  });
});
