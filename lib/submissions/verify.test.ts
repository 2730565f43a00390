import { describe, expect, it } from "vitest";
import { buildSha1sum, hashcodeOfSha1sumText, notebookHashcodes, sha1Hex, truncateHashcode } from "./hash";
import type { ScannedFile } from "./scan";
import {
  buildHashcodeIndex,
  diffAgainstSha1sum,
  lookupHashcode,
  verifyAll,
  verifySubmission,
  type VerifiableSubmission,
} from "./verify";

const micros = (iso: string) => Date.parse(iso) * 1000;

function file(p: string, content: string, excluded = false): ScannedFile {
  return { path: p, kind: "file", size: Buffer.byteLength(content), sha1: sha1Hex(content), excluded };
}

/** An e2xgrader 0.3 submission: `files` as submitted; `now` overrides what is on disk today. */
function sha1sumSub(
  key: string,
  student: string,
  files: Record<string, string>,
  opts: { submittedAt?: string; now?: Record<string, string | null>; recorded?: string | null; extraNow?: ScannedFile[] } = {},
): VerifiableSubmission {
  const listed = Object.entries(files).map(([p, c]) => ({ path: p, sha1: sha1Hex(c) }));
  const text = buildSha1sum(listed);
  const code = hashcodeOfSha1sumText(text);
  const current = { ...files, ...(opts.now ?? {}) };
  const scanned = Object.entries(current)
    .filter(([, c]) => c !== null)
    .map(([p, c]) => file(p, c as string));
  const all = [...scanned, file("SHA1SUM.txt", text, true), file(`${student}_info.txt`, "info", true), ...(opts.extraNow ?? [])];
  const at = opts.submittedAt ?? "2024-02-01T09:00:00.000Z";
  return {
    key,
    student,
    assignment: "hw1",
    submittedAt: { text: at, utc: at, epochMicros: micros(at) },
    recordedHashcode: opts.recorded === undefined ? code : opts.recorded,
    mode: "sha1sum",
    sha1sum: {
      present: true,
      storedHashcode: code,
      rebuiltHashcode: hashcodeOfSha1sumText(buildSha1sum(all.filter((f) => !f.excluded).map((f) => ({ path: f.path, sha1: f.sha1! })))),
      listed,
      invalidLines: 0,
    },
    notebook: null,
    files: all,
    fingerprint: "fp",
    firstSeenFingerprint: "fp",
    problems: [],
  };
}

function notebookSub(key: string, content: string, recorded: string | null): VerifiableSubmission {
  const sha = sha1Hex(content);
  return {
    key,
    student: "nina",
    assignment: "exam",
    submittedAt: null,
    recordedHashcode: recorded,
    mode: "notebook",
    sha1sum: { present: false, storedHashcode: null, rebuiltHashcode: null, listed: [], invalidLines: 0 },
    notebook: { path: "exam.ipynb", sha1: sha, ...notebookHashcodes(sha) },
    files: [file("exam.ipynb", content)],
    fingerprint: "fp",
    firstSeenFingerprint: "fp",
    problems: [],
  };
}

describe("verifySubmission: SHA1SUM.txt mode", () => {
  it("verifies an untouched submission", () => {
    const s = sha1sumSub("k", "alice", { "hw1.ipynb": "{}", "data/x.csv": "1" });
    const v = verifySubmission(s);
    expect(v.status).toBe("verified");
    expect(v.flags).toEqual([{ kind: "verified", mode: "sha1sum", hashcode: s.sha1sum.storedHashcode }]);
  });

  it("names the files that differ from SHA1SUM.txt", () => {
    const s = sha1sumSub("k", "alice", { "hw1.ipynb": "{}", "a.py": "1", "b.py": "2" }, { now: { "a.py": "changed", "b.py": null }, extraNow: [file("new.py", "x")] });
    const v = verifySubmission(s);
    expect(v.status).toBe("mismatch");
    const m = v.flags.find((f) => f.kind === "mismatch")!;
    expect(m).toMatchObject({ reasons: ["files"], recordedHashcode: s.recordedHashcode, computedHashcode: s.sha1sum.storedHashcode });
    expect(m.kind === "mismatch" && m.files.map((f) => [f.path, f.status])).toEqual([
      ["a.py", "changed"],
      ["b.py", "missing"],
      ["new.py", "extra"],
    ]);
  });

  it("flags an altered SHA1SUM.txt or info file through the hashcode", () => {
    const s = sha1sumSub("k", "alice", { "hw1.ipynb": "{}" }, { recorded: "0000-1111-2222" });
    const v = verifySubmission(s);
    expect(v.flags[0]).toMatchObject({ kind: "mismatch", reasons: ["hashcode"], files: [] });
  });

  it("does not fail on files nbgrader never copies (*.pyc, __pycache__)", () => {
    const s = sha1sumSub("k", "alice", { "hw1.ipynb": "{}", "__pycache__/m.cpython-311.pyc": "b", "m.pyc": "c" }, { now: { "__pycache__/m.cpython-311.pyc": null, "m.pyc": null } });
    expect(diffAgainstSha1sum(s).every((d) => d.ignoredOnCopy)).toBe(true);
    expect(verifySubmission(s).status).toBe("verified");
  });

  it("reports a missing hashcode but still checks the files", () => {
    const ok = sha1sumSub("k", "alice", { "hw1.ipynb": "{}" }, { recorded: null });
    expect(verifySubmission(ok)).toMatchObject({ status: "missing-hashcode", flags: [{ kind: "missing-hashcode", reason: "no-hashcode-line" }] });
    const bad = sha1sumSub("k", "alice", { "hw1.ipynb": "{}" }, { recorded: null, now: { "hw1.ipynb": "x" } });
    expect(verifySubmission(bad).flags.map((f) => f.kind)).toEqual(["missing-hashcode", "mismatch"]);
    const junk = sha1sumSub("k", "alice", { "hw1.ipynb": "{}" }, { recorded: "No hashcode generated" });
    expect(verifySubmission(junk).flags[0]).toMatchObject({ kind: "missing-hashcode", reason: "not-a-hashcode" });
  });

  it("does not verify a SHA1SUM.txt with unparseable lines", () => {
    const s = sha1sumSub("k", "alice", { "hw1.ipynb": "{}" });
    s.sha1sum.invalidLines = 2;
    expect(verifySubmission(s).flags[0]).toMatchObject({ kind: "mismatch", reasons: ["sha1sum-unparseable"] });
  });

  it("flags late submissions, changes since the first scan and scan problems together", () => {
    const s = sha1sumSub("k", "alice", { "hw1.ipynb": "{}" }, { submittedAt: "2024-02-01T12:00:00.000Z" });
    s.firstSeenFingerprint = "older";
    s.problems = [{ code: "symlink-outside-root", path: "x", message: "..." }];
    const v = verifySubmission(s, { deadline: "2024-02-01T11:00:00Z" });
    expect(v.status).toBe("verified");
    expect(v.flags.map((f) => f.kind)).toEqual(["verified", "changed-since-first-scan", "late", "scan-problems"]);
    expect(v.flags.find((f) => f.kind === "late")).toMatchObject({ lateByMs: 3_600_000, deadline: "2024-02-01T11:00:00.000Z" });
    expect(verifySubmission(s, { deadline: new Date("2024-02-01T12:00:00Z") }).flags.some((f) => f.kind === "late")).toBe(false);
  });
});

describe("verifySubmission: notebook mode", () => {
  const content = '{"cells": ["timestamp"]}';
  const sha = sha1Hex(content);
  it("accepts the 0.1/0.2 code and the 3x4 code", () => {
    expect(verifySubmission(notebookSub("k", content, notebookHashcodes(sha).legacy)).status).toBe("verified");
    expect(verifySubmission(notebookSub("k", content, truncateHashcode(sha).toUpperCase())).status).toBe("verified");
  });
  it("flags an edited notebook", () => {
    const v = verifySubmission(notebookSub("k", content + " ", notebookHashcodes(sha).legacy));
    expect(v.status).toBe("mismatch");
    expect(v.flags[0]).toMatchObject({ kind: "mismatch", mode: "notebook", files: [{ path: "exam.ipynb", status: "changed" }] });
  });
  it("cannot check a hashcode without SHA1SUM.txt or notebook", () => {
    const s = notebookSub("k", content, "1a2b-3c4d-5e6f");
    s.mode = "none";
    s.notebook = null;
    expect(verifySubmission(s).flags[0]).toMatchObject({ kind: "mismatch", reasons: ["no-source"] });
  });
});

describe("verifyAll: several submissions", () => {
  const subs = [
    sha1sumSub("a1", "alice", { "hw1.ipynb": "1" }, { submittedAt: "2024-02-01T09:00:00.000Z" }),
    sha1sumSub("a2", "alice", { "hw1.ipynb": "2" }, { submittedAt: "2024-02-01T10:00:00.000Z" }),
    sha1sumSub("a3", "alice", { "hw1.ipynb": "3" }, { submittedAt: "2024-02-01T11:00:00.000Z" }),
    sha1sumSub("b1", "bob", { "hw1.ipynb": "b" }, { submittedAt: "2024-02-01T12:00:00.000Z" }),
  ];

  it("counts the latest before the deadline and flags the later ones late", () => {
    const { submissions, groups } = verifyAll(subs, { deadlines: { hw1: "2024-02-01T10:30:00Z" } });
    expect(groups).toEqual([
      { student: "alice", assignment: "hw1", keys: ["a3", "a2", "a1"], countingKey: "a2", rule: "latest-before-deadline", deadline: "2024-02-01T10:30:00.000Z" },
      { student: "bob", assignment: "hw1", keys: ["b1"], countingKey: "b1", rule: "latest-none-before-deadline", deadline: "2024-02-01T10:30:00.000Z" },
    ]);
    const v = Object.fromEntries(submissions.map((s) => [s.key, s]));
    expect(v.a2.counts).toBe(true);
    expect(v.a3.counts).toBe(false);
    expect(v.a3.flags.map((f) => f.kind)).toEqual(["verified", "late", "several-submissions"]);
    expect(v.a1.flags.find((f) => f.kind === "several-submissions")).toEqual({ kind: "several-submissions", count: 3, countingKey: "a2", counts: false, rule: "latest-before-deadline" });
    expect(v.b1.flags.map((f) => f.kind)).toEqual(["verified", "late"]);
    expect(v.b1.counts).toBe(true);
  });

  it("counts the latest without a deadline; malformed folders never count", () => {
    const odd = { ...sha1sumSub("odd", "x", { "a": "1" }), student: null, assignment: null };
    const { submissions, groups } = verifyAll([...subs, odd], { deadlines: () => null });
    expect(groups[0]).toMatchObject({ countingKey: "a3", rule: "latest" });
    expect(submissions.find((s) => s.key === "odd")!.counts).toBe(false);
  });
});

describe("lookupHashcode", () => {
  const good = sha1sumSub("good", "alice", { "hw1.ipynb": "good" });
  const edited = sha1sumSub("edited", "bob", { "hw1.ipynb": "orig" }, { now: { "hw1.ipynb": "edited" } });
  const noInfo = sha1sumSub("noinfo", "carol", { "hw1.ipynb": "carol" }, { recorded: null });
  const subs = [good, edited, noInfo];

  it("answers verified for a matching sheet, forgiving case and dashes", () => {
    const typed = good.recordedHashcode!.toUpperCase().replace(/-/g, " ");
    const r = lookupHashcode(typed, subs);
    expect(r).toMatchObject({ wellFormed: true, answer: "verified", matches: [{ key: "good", student: "alice" }] });
    expect(r.matches[0].matchedOn).toEqual(expect.arrayContaining(["recorded", "sha1sum-stored", "sha1sum-rebuilt"]));
  });

  it("tells when only the info file still has the code, or only the files", () => {
    // bob's files changed after submission: recorded and SHA1SUM.txt agree, rebuilt differs
    const r = lookupHashcode(edited.recordedHashcode!, subs);
    expect(r).toMatchObject({ answer: "recorded-only", matches: [{ key: "edited", status: "mismatch" }] });
    expect(r.matches[0].matchedOn).not.toContain("sha1sum-rebuilt");
    expect(lookupHashcode(edited.sha1sum.rebuiltHashcode!, subs).answer).toBe("files-only");
    expect(lookupHashcode(noInfo.sha1sum.storedHashcode!, subs)).toMatchObject({ answer: "files-only", matches: [{ key: "noinfo" }] });
    const tampered = { ...good, key: "t", recordedHashcode: "abcd-abcd-abcd", sha1sum: { ...good.sha1sum, storedHashcode: "ffff-ffff-ffff", rebuiltHashcode: "ffff-ffff-ffff" } };
    expect(lookupHashcode("ABCD-ABCD-ABCD", [tampered]).answer).toBe("recorded-only");
  });

  it("suggests codes one typo away, and rejects malformed input", () => {
    const code = good.recordedHashcode!.replace(/-/g, "");
    const swapped = code[1] + code[0] + code.slice(2);
    const r = lookupHashcode(swapped, buildHashcodeIndex(subs));
    if (swapped !== code) {
      expect(r.answer).toBe("no-match");
      expect(r.nearMatches.map((m) => m.key)).toContain("good");
    }
    expect(lookupHashcode("12 34", subs)).toMatchObject({ answer: "malformed", wellFormed: false });
    expect(lookupHashcode("zzzz-zzzz-zzzz", subs).answer).toBe("malformed");
  });

  it("narrows by student", () => {
    expect(lookupHashcode(good.recordedHashcode!, subs, { student: "bob" }).answer).toBe("no-match");
  });
});

describe("who a submission belongs to", () => {
  const info = (file: string, username: string | null) => ({ file, username, hashcode: null, timestamp: null });

  it("a folder under another student's personalized inbound is misfiled and counts for nobody", () => {
    const own = { ...sha1sumSub("personalized-inbound/bob/bob+hw1+t1", "bob", { "hw1.ipynb": "b" }), personalizedUser: "bob" };
    const moved = { ...sha1sumSub("personalized-inbound/bob/alice+hw1+t2", "alice", { "hw1.ipynb": "a" }, { submittedAt: "2024-02-01T10:00:00.000Z" }), personalizedUser: "bob" };
    const { submissions, groups } = verifyAll([own, moved]);
    expect(submissions[1]).toMatchObject({ status: "misfiled", counts: false });
    expect(submissions[1].flags).toContainEqual({ kind: "misfiled", student: "alice", folderOwner: "bob" });
    expect(submissions[0]).toMatchObject({ status: "verified", counts: true });
    expect(groups.map((g) => [g.student, g.keys])).toEqual([["bob", [own.key]]]);
  });

  it("an info file naming someone else is wrong-student; another case is the same user", () => {
    const base = sha1sumSub("inbound/carol+hw1+t", "carol", { "hw1.ipynb": "c" });
    expect(verifySubmission({ ...base, info: info("carol_info.txt", "Carol") }).status).toBe("verified");
    const wrong = verifySubmission({ ...base, info: info("dave_info.txt", "carol") });
    expect(wrong.status).toBe("wrong-student");
    expect(wrong.flags).toContainEqual({ kind: "wrong-student", student: "carol", infoFile: "dave_info.txt", infoUsername: "carol", disagree: ["file-name"] });
    expect(verifySubmission({ ...base, personalizedUser: "carol", info: info("carol_info.txt", "dave") }).status).toBe("wrong-student");
  });

  it("names files the hashcode does not cover, and which of them nbgrader never copies", () => {
    const sub = sha1sumSub("inbound/erin+hw1+t", "erin", { "hw1.ipynb": "e" }, {
      extraNow: [
        file("hw1_hashcode.html", "e2xgrader writes this", true),
        file("timestamp.txt", "t", true),
        file("extra.html", "x", true),
        file(".ipynb_checkpoints/hw1-checkpoint.ipynb", "x", true),
        file("sub/.history/a.py", "x", true),
      ],
    });
    const v = verifySubmission(sub);
    expect(v.status).toBe("verified");
    expect(v.flags.find((f) => f.kind === "added-after-submission")).toEqual({
      kind: "added-after-submission",
      files: [
        { path: ".ipynb_checkpoints/hw1-checkpoint.ipynb", reason: "never-copied" },
        { path: "extra.html", reason: "not-hashed" },
        { path: "sub/.history/a.py", reason: "not-hashed" },
      ],
    });
    // notebook mode hashes only the notebook: nothing to say about other files
    expect(verifySubmission(notebookSub("inbound/x+exam+t", "nb", null)).flags.map((f) => f.kind)).not.toContain("added-after-submission");
  });
});
