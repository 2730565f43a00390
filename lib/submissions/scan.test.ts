import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildSha1sum, sha1Hex, truncateHashcode } from "./hash";
import {
  discoverSubmissions,
  parseInfoFile,
  parseNbgraderTimestamp,
  parseSubmissionFolderName,
  runScan,
  scanExchange,
  scanSubmissionDir,
  type ScanCheckpoint,
  type ScanProgress,
  type ScannedSubmission,
} from "./scan";
import { verifyAll } from "./verify";

describe("parseSubmissionFolderName", () => {
  it("reads plain and random-suffixed names", () => {
    expect(parseSubmissionFolderName("alice+hw1+2024-02-01 09:00:00.123456 UTC")).toEqual({
      student: "alice",
      assignment: "hw1",
      timestamp: "2024-02-01 09:00:00.123456 UTC",
      random: null,
    });
    expect(parseSubmissionFolderName("alice+hw1+2024-02-01 09:00:00.123456 UTC+AbC-_dEf0123")).toMatchObject({
      student: "alice",
      assignment: "hw1",
      random: "AbC-_dEf0123",
    });
  });

  it("keeps a '+' inside the student id", () => {
    expect(parseSubmissionFolderName("a+b+hw1+2024-02-01 09:00:00.000000 UTC")).toMatchObject({ student: "a+b", assignment: "hw1" });
  });

  it.each(["notes", "alice+hw1", "+hw1+2024-02-01 09:00:00 UTC", "alice++2024-02-01 09:00:00 UTC", "alice+hw1+"])("rejects %j", (name) => {
    expect(parseSubmissionFolderName(name)).toBeNull();
  });
});

describe("parseNbgraderTimestamp", () => {
  it("reads %Y-%m-%d %H:%M:%S.%f %Z in UTC", () => {
    expect(parseNbgraderTimestamp("2024-02-01 09:00:00.123456 UTC")).toEqual({
      text: "2024-02-01 09:00:00.123456 UTC",
      utc: "2024-02-01T09:00:00.123456Z",
      epochMicros: Date.UTC(2024, 1, 1, 9) * 1000 + 123456,
    });
  });

  it("converts the abbreviations of Europe/Berlin and numeric offsets", () => {
    expect(parseNbgraderTimestamp("2024-02-01 10:00:00.000001 CET")?.utc).toBe("2024-02-01T09:00:00.000001Z");
    expect(parseNbgraderTimestamp("2024-07-01 11:00:00.500000 CEST")?.utc).toBe("2024-07-01T09:00:00.500000Z");
    expect(parseNbgraderTimestamp("2024-07-01 11:00:00.5 +0200")?.utc).toBe("2024-07-01T09:00:00.500000Z");
    expect(parseNbgraderTimestamp("2024-07-01 09:00:00")?.utc).toBe("2024-07-01T09:00:00.000000Z");
    expect(parseNbgraderTimestamp("2024-07-01 09:00:00 XYZ", { XYZ: 60 })?.utc).toBe("2024-07-01T08:00:00.000000Z");
  });

  it("rejects impossible dates, unknown zones and garbage", () => {
    expect(parseNbgraderTimestamp("2024-02-30 09:00:00.000000 UTC")).toBeNull();
    expect(parseNbgraderTimestamp("2024-02-01 09:00:00.000000 XYZ")).toBeNull();
    expect(parseNbgraderTimestamp("yesterday")).toBeNull();
  });
});

describe("parseInfoFile", () => {
  it("reads what e2xgrader writes (leading blank line, lower-case hashcode)", () => {
    expect(parseInfoFile("\nUsername: alice\nHashcode: 1a2b-3c4d-5e6f\nTimestamp: 10:00:00\n", "alice_info.txt")).toEqual({
      file: "alice_info.txt",
      username: "alice",
      hashcode: "1a2b-3c4d-5e6f",
      timestamp: "10:00:00",
    });
    expect(parseInfoFile("Username: bob\r\n").hashcode).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------

let tmp: string;
let root: string;
const COURSE = "course1";
const TS1 = "2024-02-01 09:00:00.000001 UTC";
const TS2 = "2024-02-01 10:30:00.000000 UTC";

function write(rel: string, content: string | Buffer) {
  const p = path.join(root, COURSE, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
}

/** An exam submission as e2xgrader 0.3.x lays it out. */
function examSubmission(dirRel: string, user: string, ts: string, files: Record<string, string | Buffer>) {
  for (const [rel, content] of Object.entries(files)) write(`${dirRel}/${rel}`, content);
  const entries = Object.entries(files)
    .filter(([rel]) => !rel.endsWith(".html") && !rel.includes(".ipynb_checkpoints"))
    .map(([rel, content]) => ({ path: rel, sha1: sha1Hex(content) }));
  const sum = buildSha1sum(entries);
  write(`${dirRel}/SHA1SUM.txt`, sum);
  const code = truncateHashcode(sha1Hex(sum));
  write(`${dirRel}/${user}_info.txt`, `\nUsername: ${user}\nHashcode: ${code}\nTimestamp: ${ts.slice(11, 19)}\n`);
  write(`${dirRel}/timestamp.txt`, ts);
  return code;
}

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-scan-"));
  root = path.join(tmp, "exchange");
  fs.mkdirSync(path.join(root, COURSE), { recursive: true });
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * Runs runScan in a child process as uid/gid 65534 (nobody, no supplementary groups), for the
 * permission tests that root would pass trivially. Returns the scanned submissions.
 */
function scanAsNobody(scanRoot: string, courseId: string): Pick<ScannedSubmission, "key" | "problems">[] {
  const repo = path.resolve(import.meta.dirname, "../..");
  const script = path.join(tmp, "scan-as-nobody.mts");
  fs.writeFileSync(
    script,
    `import { runScan } from ${JSON.stringify(path.join(repo, "lib/submissions/scan.ts"))};\n` +
      `const r = await runScan({ root: process.argv[2], courseId: process.argv[3] });\n` +
      `process.stdout.write(JSON.stringify({ uid: process.getuid(), submissions: r.submissions.map((s) => ({ key: s.key, problems: s.problems })) }));\n`,
  );
  fs.chmodSync(tmp, 0o755);
  const scratch = path.join(tmp, "nobody-home"); // tsx's cache, owned by nobody
  fs.mkdirSync(scratch, { recursive: true });
  fs.chownSync(scratch, 65534, 65534);
  const out = execFileSync(
    "setpriv",
    ["--reuid=65534", "--regid=65534", "--clear-groups", "--", process.execPath, "--import", path.join(repo, "node_modules/tsx/dist/loader.mjs"), script, scanRoot, courseId],
    { encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: scratch, TMPDIR: scratch, NODE_ENV: "test" } as NodeJS.ProcessEnv, cwd: scratch },
  );
  const r = JSON.parse(out) as { uid: number; submissions: Pick<ScannedSubmission, "key" | "problems">[] };
  expect(r.uid).toBe(65534);
  return r.submissions;
}

const byKey = (subs: ScannedSubmission[]) => Object.fromEntries(subs.map((s) => [s.key, s]));

describe("scanExchange", () => {
  it("finds plain and personalized submissions and recomputes their hashcodes", async () => {
    const a = examSubmission(`personalized-inbound/alice/alice+hw1+${TS1}`, "alice", TS1, {
      "hw1.ipynb": '{"cells": []}',
      "data/Übung 1.csv": "a;b\n",
      "empty.txt": "",
      "hw1_hashcode.html": "<html/>",
      ".ipynb_checkpoints/hw1-checkpoint.ipynb": "{}",
    });
    const b = examSubmission(`inbound/bob+hw1+${TS1}+AbCdEfGhIjKl`, "bob", TS1, { "hw1.ipynb": "{}" });
    const progress: ScanProgress[] = [];
    const { submissions, summary } = await runScan({ root, courseId: COURSE, onProgress: (p) => progress.push(p) });

    expect(summary.rootProblems).toEqual([]);
    const s = byKey(submissions);
    const alice = s[`personalized-inbound/alice/alice+hw1+${TS1}`];
    const bob = s[`inbound/bob+hw1+${TS1}+AbCdEfGhIjKl`];
    expect(alice).toMatchObject({ student: "alice", assignment: "hw1", layout: "personalized-inbound", personalizedUser: "alice", mode: "sha1sum", recordedHashcode: a, problems: [] });
    expect(alice.sha1sum.storedHashcode).toBe(a);
    expect(alice.sha1sum.rebuiltHashcode).toBe(a);
    expect(alice.submittedAt?.utc).toBe("2024-02-01T09:00:00.000001Z");
    expect(alice.files.find((f) => f.path === ".ipynb_checkpoints/hw1-checkpoint.ipynb")).toMatchObject({ excluded: true, sha1: sha1Hex("{}") });
    expect(alice.files.find((f) => f.path === "empty.txt")).toMatchObject({ size: 0, sha1: sha1Hex(""), excluded: false });
    expect(bob).toMatchObject({ student: "bob", random: "AbCdEfGhIjKl", layout: "inbound", recordedHashcode: b });
    expect(bob.sha1sum.rebuiltHashcode).toBe(b);

    const last = progress[progress.length - 1];
    expect(last.submissionsDone).toBe(2);
    expect(last.submissionsTotal).toBe(2);
    expect(last.bytesHashed).toBe(alice.totalBytes + bob.totalBytes);
    const { submissions: verdicts } = verifyAll(submissions);
    expect(verdicts.map((v) => v.status)).toEqual(["verified", "verified"]);
  });

  it("reports bad input on its submission and goes on", async () => {
    examSubmission(`inbound/alice+hw1+${TS1}`, "alice", TS1, { "hw1.ipynb": "{}" });
    // malformed folder name
    write("inbound/just-a-folder/hw1.ipynb", "{}");
    // symlinks out of the exchange: a file, and a whole submission folder
    const outside = path.join(tmp, "outside");
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, "secret.txt"), "secret");
    write(`inbound/carol+hw1+${TS1}/hw1.ipynb`, "{}");
    fs.symlinkSync(path.join(outside, "secret.txt"), path.join(root, COURSE, `inbound/carol+hw1+${TS1}/leak.txt`));
    fs.symlinkSync("hw1.ipynb", path.join(root, COURSE, `inbound/carol+hw1+${TS1}/alias.ipynb`));
    fs.symlinkSync(outside, path.join(root, COURSE, `inbound/dave+hw1+${TS1}`));
    // a FIFO must not block the scan
    write(`inbound/erin+hw1+${TS1}/hw1.ipynb`, "{}");
    execFileSync("mkfifo", [path.join(root, COURSE, `inbound/erin+hw1+${TS1}/pipe`)]);
    // timestamp.txt disagreeing with the folder name; a stray file; a wrong personalized folder
    write(`inbound/frank+hw1+${TS1}/timestamp.txt`, TS2);
    write("inbound/README", "stray");
    write(`personalized-inbound/gina/hank+hw1+${TS1}/hw1.ipynb`, "{}");

    const { submissions, summary } = await runScan({ root, courseId: COURSE });
    const s = byKey(submissions);
    const codes = (k: string) => s[k].problems.map((p) => p.code);

    expect(codes("inbound/just-a-folder")).toContain("malformed-folder-name");
    expect(s["inbound/just-a-folder"].files.map((f) => f.path)).toEqual(["hw1.ipynb"]);
    expect(codes(`inbound/carol+hw1+${TS1}`)).toEqual(expect.arrayContaining(["symlink-outside-root", "symlink-inside-root"]));
    const leak = s[`inbound/carol+hw1+${TS1}`].files.find((f) => f.path === "leak.txt")!;
    expect(leak).toMatchObject({ kind: "symlink", sha1: null, error: "symlink-outside-root" });
    expect(codes(`inbound/dave+hw1+${TS1}`)).toEqual(["symlink-outside-root"]);
    expect(s[`inbound/dave+hw1+${TS1}`].files.every((f) => f.sha1 === null)).toBe(true);
    expect(codes(`inbound/erin+hw1+${TS1}`)).toContain("not-a-regular-file");
    expect(codes(`inbound/frank+hw1+${TS1}`)).toContain("timestamp-mismatch");
    expect(s[`inbound/frank+hw1+${TS1}`].submittedAt?.utc).toBe("2024-02-01T10:30:00.000000Z");
    expect(codes(`inbound/erin+hw1+${TS1}`)).toEqual(expect.arrayContaining(["missing-timestamp", "missing-info-file"]));
    expect(codes(`personalized-inbound/gina/hank+hw1+${TS1}`)).toContain("student-dir-mismatch");
    expect(codes(`inbound/alice+hw1+${TS1}`)).toEqual([]);
    expect(submissions).toHaveLength(8);
    // the stray file is a submission-shaped entry of its own
    expect(codes("inbound/README")).toEqual(expect.arrayContaining(["malformed-folder-name", "not-a-directory"]));
    expect(summary.rootProblems).toEqual([]);
  });

  it("reports a missing course folder and inbound folders", async () => {
    const r1 = await runScan({ root, courseId: "nope" });
    expect(r1.submissions).toEqual([]);
    expect(r1.summary.rootProblems[0].code).toBe("root-missing");
    const r2 = await runScan({ root, courseId: COURSE });
    expect(r2.summary.rootProblems.map((p) => p.code)).toEqual(["root-missing"]);
  });

  it("reports a symlinked user folder in personalized-inbound without following it", async () => {
    const outside = path.join(tmp, "elsewhere");
    fs.mkdirSync(path.join(outside, `mallory+hw1+${TS1}`), { recursive: true });
    fs.mkdirSync(path.join(root, COURSE, "personalized-inbound"), { recursive: true });
    fs.symlinkSync(outside, path.join(root, COURSE, "personalized-inbound/mallory"));
    const { submissions, summary } = await runScan({ root, courseId: COURSE });
    expect(submissions).toEqual([]);
    expect(summary.rootProblems).toMatchObject([{ code: "symlink-outside-root", path: "personalized-inbound/mallory" }]);
  });

  it("reports unreadable folders", async () => {
    write(`inbound/alice+hw1+${TS1}/locked/x.txt`, "x");
    const locked = path.join(root, COURSE, `inbound/alice+hw1+${TS1}/locked`);
    fs.chmodSync(locked, 0o000);
    try {
      // root reads everything: scan as the unprivileged `nobody` instead, in a child process.
      const submissions = process.getuid?.() === 0 ? scanAsNobody(root, COURSE) : (await runScan({ root, courseId: COURSE })).submissions;
      expect(submissions).toHaveLength(1);
      expect(submissions[0].problems.map((p) => p.code)).toContain("unreadable-dir");
      expect(submissions[0].problems.find((p) => p.code === "unreadable-dir")?.path).toBe("locked");
    } finally {
      fs.chmodSync(locked, 0o755);
    }
  });

  it("reports a file that vanishes mid-scan on its submission", async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 7);
    examSubmission(`inbound/alice+hw1+${TS1}`, "alice", TS1, { "a-big.bin": big, "z-small.txt": "z" });
    examSubmission(`inbound/bob+hw1+${TS1}`, "bob", TS1, { "hw1.ipynb": "{}" });
    let removed = false;
    const { submissions } = await runScan({
      root,
      courseId: COURSE,
      concurrency: 1,
      chunkSize: 64 * 1024,
      progressIntervalMs: 0,
      onProgress: (p) => {
        // Only a-big.bin is over 64 KiB: alice's folder has been listed, z-small.txt is still to hash.
        if (!removed && p.bytesHashed > 64 * 1024) {
          removed = true;
          fs.unlinkSync(path.join(root, COURSE, `inbound/alice+hw1+${TS1}/z-small.txt`));
        }
      },
    });
    expect(removed).toBe(true);
    const alice = submissions.find((s) => s.student === "alice")!;
    expect(alice.problems).toMatchObject([{ code: "vanished", path: "z-small.txt" }]);
    expect(alice.sha1sum.rebuiltHashcode).toBeNull();
    const [va, vb] = verifyAll(submissions).submissions;
    expect(va.status).toBe("mismatch");
    expect(va.flags.find((f) => f.kind === "mismatch")).toMatchObject({ files: [{ path: "z-small.txt", status: "missing" }] });
    expect(vb.status).toBe("verified");
  });

  it("resumes from a checkpoint after an abort and flags changes since the first scan", async () => {
    for (const u of ["u1", "u2", "u3", "u4", "u5"]) {
      examSubmission(`personalized-inbound/${u}/${u}+hw1+${TS1}`, u, TS1, { "hw1.ipynb": `{"u": "${u}"}` });
    }
    const ac = new AbortController();
    let checkpoint: ScanCheckpoint | null = null;
    const first: ScannedSubmission[] = [];
    const gen = scanExchange({
      root,
      courseId: COURSE,
      concurrency: 1,
      signal: ac.signal,
      onCheckpoint: (c) => {
        checkpoint = JSON.parse(JSON.stringify(c)) as ScanCheckpoint;
        if (c.completed.length === 2) ac.abort();
      },
    });
    let r = await gen.next();
    while (!r.done) {
      first.push(r.value);
      r = await gen.next();
    }
    expect(r.value.aborted).toBe(true);
    expect(first.length).toBeGreaterThanOrEqual(2);
    expect(first.length).toBeLessThan(5);
    expect(checkpoint!.completed).toEqual(first.map((s) => s.key));

    const progress: ScanProgress[] = [];
    const rest = await runScan({ root, courseId: COURSE, checkpoint: r.value.checkpoint, onProgress: (p) => progress.push(p) });
    expect([...first, ...rest.submissions].map((s) => s.key).sort()).toEqual(
      ["u1", "u2", "u3", "u4", "u5"].map((u) => `personalized-inbound/${u}/${u}+hw1+${TS1}`),
    );
    expect(progress[0]).toMatchObject({ submissionsSkipped: first.length, submissionsDone: first.length, submissionsTotal: 5 });
    expect(rest.summary.aborted).toBe(false);

    // A later full scan, with the first-seen fingerprints kept: an edited submission is flagged.
    fs.appendFileSync(path.join(root, COURSE, `personalized-inbound/u3/u3+hw1+${TS1}/hw1.ipynb`), " ");
    const again = await runScan({ root, courseId: COURSE, checkpoint: { ...rest.summary.checkpoint, completed: [] } });
    const u3 = again.submissions.find((s) => s.student === "u3")!;
    expect(u3.firstSeenFingerprint).not.toBe(u3.fingerprint);
    const v = verifyAll(again.submissions).submissions;
    expect(v.find((x) => x.student === "u3")!.flags.map((f) => f.kind)).toEqual(["mismatch", "changed-since-first-scan"]);
    expect(v.find((x) => x.student === "u1")!.flags.map((f) => f.kind)).toEqual(["verified"]);
  });

  it("discovers only one assignment when asked", async () => {
    examSubmission(`inbound/alice+hw1+${TS1}`, "alice", TS1, { "hw1.ipynb": "{}" });
    examSubmission(`inbound/alice+hw2+${TS1}`, "alice", TS1, { "hw2.ipynb": "{}" });
    const { folders } = await discoverSubmissions(root, COURSE, { assignmentId: "hw2" });
    expect(folders.map((f) => f.key)).toEqual([`inbound/alice+hw2+${TS1}`]);
  });

  it("scanSubmissionDir scans one folder and recognises notebook mode", async () => {
    write(`inbound/ann+exam1+${TS1}/exam1.ipynb`, '{"cells": [1]}');
    const nbSha = sha1Hex('{"cells": [1]}');
    write(`inbound/ann+exam1+${TS1}/ann_info.txt`, `\nUsername: ann\nHashcode: ${nbSha.slice(0, 6)}-${nbSha.slice(5, 11)}-${nbSha.slice(10, 16)}-${nbSha.slice(15, 21)}\nTimestamp: ${TS1}\n`);
    write(`inbound/ann+exam1+${TS1}/timestamp.txt`, TS1);
    const s = await scanSubmissionDir(path.join(root, COURSE, `inbound/ann+exam1+${TS1}`));
    expect(s.mode).toBe("notebook");
    expect(s.notebook?.sha1).toBe(nbSha);
    expect(verifyAll([s]).submissions[0].status).toBe("verified");
  });
});
