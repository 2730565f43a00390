import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSha1sum, sha1Hex, truncateHashcode } from "./hash";
import { firstSeenFromRows, fromRows, submissionFileRows, submissionRow, type SubmissionFileRow, type SubmissionRow } from "./persist";
import { runScan, type ScannedSubmission } from "./scan";
import { verifyAll, verifySubmission } from "./verify";

const TS = "2024-02-01 09:00:00.000001 CET";
let tmp: string;
let subs: ScannedSubmission[];

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-persist-"));
  const dir = path.join(tmp, "c1", "personalized-inbound", "alice", `alice+hw1+${TS}`);
  const submitted: Record<string, string> = { "hw1.ipynb": "{}", "helper.py": "x = 1", "m.pyc": "bytecode" };
  const sum = buildSha1sum(Object.entries(submitted).map(([p, c]) => ({ path: p, sha1: sha1Hex(c) })));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "hw1.ipynb"), "{ }"); // changed
  fs.writeFileSync(path.join(dir, "new.py"), "late"); // extra; helper.py and m.pyc are gone
  fs.writeFileSync(path.join(dir, "SHA1SUM.txt"), sum);
  fs.writeFileSync(path.join(dir, "alice_info.txt"), `\nUsername: alice\nHashcode: ${truncateHashcode(sha1Hex(sum))}\nTimestamp: 09:00:00\n`);
  fs.writeFileSync(path.join(dir, "timestamp.txt"), TS);
  fs.writeFileSync(path.join(dir, "hw1_hashcode.html"), "<html/>");
  subs = (await runScan({ root: tmp, courseId: "c1" })).submissions;
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("rows for lib/db/schema/submissions.ts", () => {
  it("maps a scanned submission and its files, and back without losing the verdict", () => {
    const [sub] = subs;
    const verdict = verifyAll(subs, { deadlines: { hw1: "2024-02-01T07:00:00Z" } }).submissions[0];
    const row = submissionRow(sub, verdict, { termId: 7, scanId: 3 });
    expect(row).toMatchObject({
      termId: 7,
      lastScanId: 3,
      key: sub.key,
      student: "alice",
      assignmentName: "hw1",
      submittedAtUtc: "2024-02-01T08:00:00.000001Z",
      status: "mismatch",
      flagKinds: ["mismatch", "late"],
      recordedHashcodeNorm: sub.recordedHashcode!.replace(/-/g, ""),
      counts: true,
    });
    expect(row.submittedAt).toEqual(new Date("2024-02-01T08:00:00.000Z"));

    const files = submissionFileRows(sub, 42);
    expect(Object.fromEntries(files.map((f) => [f.path, f.status]))).toEqual({
      "SHA1SUM.txt": "excluded",
      "alice_info.txt": "excluded",
      "hw1.ipynb": "changed",
      "hw1_hashcode.html": "excluded",
      "new.py": "extra",
      "timestamp.txt": "excluded",
      "helper.py": "missing",
      "m.pyc": "ignored-on-copy",
    });
    expect(files.find((f) => f.path === "helper.py")).toMatchObject({ kind: "absent", expectedSha1: sha1Hex("x = 1"), sha1: null });

    // what a SELECT would give back
    const stored = { ...row, id: 1, firstSeenAt: new Date(), goneAt: null } as SubmissionRow;
    const storedFiles = files.map((f, i) => ({ ...f, id: i + 1 })) as SubmissionFileRow[];
    const back = fromRows(stored, storedFiles);
    const again = verifySubmission(back, { deadline: "2024-02-01T07:00:00Z" });
    expect(again.status).toBe(verdict.status);
    expect(again.flags).toEqual(verdict.flags);
    expect(back.submittedAt?.epochMicros).toBe(sub.submittedAt?.epochMicros);
    expect(firstSeenFromRows([stored])).toEqual({ [sub.key]: sub.fingerprint });
  });
});
