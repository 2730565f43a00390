import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildSha1sum,
  compareCodePoints,
  e2xExcludeFiles,
  fnmatch,
  hashConcurrency,
  hashcodeOfSha1sumText,
  hashPoolStatus,
  hashThreads,
  hashcodesEqual,
  isExcludedFromSha1sum,
  isIgnoredByNbgraderCopy,
  legacyTruncateHashcode,
  normalizeHashcode,
  notebookHashcodes,
  parseSha1sum,
  sha1File,
  sha1Hex,
  truncateHashcode,
} from "./hash";

const EMPTY_SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-hash-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("sha1File", () => {
  it("hashes an empty file", async () => {
    const f = path.join(dir, "empty");
    fs.writeFileSync(f, "");
    expect(await sha1File(f)).toEqual({ sha1: EMPTY_SHA1, size: 0 });
  });

  it("streams a large file and reports its bytes as it goes", async () => {
    const f = path.join(dir, "big.bin");
    const data = Buffer.alloc(13 * 1024 * 1024 + 17);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    fs.writeFileSync(f, data);
    const reports: number[] = [];
    const d = await sha1File(f, { chunkSize: 64 * 1024, onBytes: (n) => reports.push(n) });
    expect(d.sha1).toBe(createHash("sha1").update(data).digest("hex"));
    expect(d.size).toBe(data.length);
    expect(reports.reduce((a, b) => a + b, 0)).toBe(data.length);
    expect(reports.length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...reports)).toBeLessThanOrEqual(4 * 1024 * 1024);
  });

  it("refuses to follow a symlink", async () => {
    const target = path.join(dir, "target.txt");
    fs.writeFileSync(target, "secret");
    const link = path.join(dir, "link.txt");
    fs.symlinkSync(target, link);
    await expect(sha1File(link)).rejects.toMatchObject({ code: "ELOOP" });
  });

  it("refuses a FIFO without blocking", async () => {
    const fifo = path.join(dir, "fifo");
    const { execFileSync } = await import("node:child_process");
    execFileSync("mkfifo", [fifo]);
    await expect(sha1File(fifo)).rejects.toMatchObject({ code: "EFTYPE" });
  });

  it("rejects with ENOENT for a missing file", async () => {
    await expect(sha1File(path.join(dir, "nope"))).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("sha1File on the hashing pool", () => {
  const bigFile = () => {
    const f = path.join(dir, "pool-big.bin");
    if (!fs.existsSync(f)) {
      const block = Buffer.alloc(1024 * 1024);
      const fd = fs.openSync(f, "w");
      for (let i = 0; i < 96; i++) fs.writeSync(fd, block.fill(i));
      fs.closeSync(fd);
    }
    return f;
  };

  it("hashes on as many threads as there are cores, files in parallel", async () => {
    const files = Array.from({ length: 8 }, (_, i) => {
      const f = path.join(dir, `par-${i}.bin`);
      fs.writeFileSync(f, Buffer.alloc(256 * 1024, i));
      return f;
    });
    const digests = await Promise.all(files.map((f) => sha1File(f)));
    digests.forEach((d, i) => expect(d.sha1).toBe(createHash("sha1").update(Buffer.alloc(256 * 1024, i)).digest("hex")));
    expect(hashPoolStatus().size).toBe(hashThreads());
    expect(hashPoolStatus().running).toBe(Math.min(hashThreads(), files.length));
    expect(hashConcurrency()).toBeGreaterThanOrEqual(hashThreads());
  });

  it("leaves the event loop free while it hashes", async () => {
    const f = bigFile();
    const elu = performance.eventLoopUtilization();
    const d = await sha1File(f);
    const used = performance.eventLoopUtilization(elu);
    expect(d.size).toBe(96 * 1024 * 1024);
    // Hashing 96 MiB on this thread would keep the loop busy nearly all the time.
    expect(used.utilization).toBeLessThan(0.5);
  });

  it("stops a file when its signal aborts, and goes on with the next", async () => {
    const f = bigFile();
    const ac = new AbortController();
    let chunks = 0;
    const p = sha1File(f, { chunkSize: 64 * 1024, signal: ac.signal, onBytes: () => ++chunks === 1 && ac.abort() });
    await expect(p).rejects.toMatchObject({ name: "AbortError" });
    expect(chunks).toBeLessThan(96 * 16);
    expect(await sha1File(path.join(dir, "empty"))).toEqual({ sha1: EMPTY_SHA1, size: 0 });
  });

  it("takes E2X_HASH_THREADS, else one thread per core", () => {
    expect(hashThreads({ E2X_HASH_THREADS: "3" })).toBe(3);
    expect(hashThreads({})).toBe(os.availableParallelism());
  });
});

describe("fnmatch (Python semantics)", () => {
  it.each([
    ["page.html", "*.html", true],
    ["page.HTML", "*.html", false],
    [".html", "*.html", true],
    ["a.html.txt", "*.html", false],
    ["timestamp.txt", "timestamp.txt", true],
    ["alice_info.txt", "alice_info.txt", true],
    ["a+b (1).html", "*.html", true],
    ["abc", "a?c", true],
    ["abc", "a[!b]c", false],
    ["axc", "a[!b]c", true],
    ["a[c", "a[c", true],
    ["b", "[a-c]", true],
    ["-", "[a-]", true],
    ["Übung.html", "*.html", true],
    ["line\nbreak.html", "*.html", true],
  ])("%j ~ %j -> %s", (name, pattern, expected) => {
    expect(fnmatch(name, pattern)).toBe(expected);
  });
});

describe("SHA1SUM.txt", () => {
  it("sorts by code point like Python, joins with \\n, no final newline", () => {
    const entries = [
      { path: "\u{1F600}.txt", sha1: "1".repeat(40) },
      { path: "\uFF5E.txt", sha1: "2".repeat(40) },
      { path: "sub/x.txt", sha1: "3".repeat(40) },
      { path: "sub.txt", sha1: "4".repeat(40) },
      { path: "B.txt", sha1: "5".repeat(40) },
      { path: "a.txt", sha1: "6".repeat(40) },
    ];
    const text = buildSha1sum(entries);
    expect(text.split("\n").map((l) => l.slice(42))).toEqual(["B.txt", "a.txt", "sub.txt", "sub/x.txt", "\uFF5E.txt", "\u{1F600}.txt"]);
    expect(text.endsWith("\n")).toBe(false);
    expect(text.split("\n")[0]).toBe(`${"5".repeat(40)}  B.txt`);
  });

  it("is empty for no files, whose hashcode is that of the empty string", () => {
    expect(buildSha1sum([])).toBe("");
    expect(hashcodeOfSha1sumText("")).toBe("da39-a3ee-5e6b");
  });

  it("parses what it builds, plus binary markers and GNU escapes", () => {
    const text = buildSha1sum([
      { path: "a b.txt", sha1: EMPTY_SHA1 },
      { path: "Ü/ä.ipynb", sha1: "ab".repeat(20) },
    ]);
    expect(parseSha1sum(text)).toEqual({
      entries: [
        { sha1: EMPTY_SHA1, path: "a b.txt" },
        { sha1: "ab".repeat(20), path: "Ü/ä.ipynb" },
      ],
      invalidLines: [],
    });
    const gnu = `${EMPTY_SHA1} *bin.dat\n\\${EMPTY_SHA1}  we\\nird\\\\name\n`;
    expect(parseSha1sum(gnu).entries).toEqual([
      { sha1: EMPTY_SHA1, path: "bin.dat" },
      { sha1: EMPTY_SHA1, path: "we\nird\\name" },
    ]);
  });

  it("reports lines that are not sha1sum lines", () => {
    const r = parseSha1sum(`${EMPTY_SHA1}  ok.txt\nname\nwith newline\nnot-a-hash  x`);
    expect(r.entries).toHaveLength(1);
    expect(r.invalidLines.map((l) => l.line)).toEqual([2, 3, 4]);
  });
});

describe("hashcode formats", () => {
  it("0.3.x: first 12 hex characters in 3 chunks of 4", () => {
    expect(truncateHashcode(EMPTY_SHA1)).toBe("da39-a3ee-5e6b");
    expect(truncateHashcode(EMPTY_SHA1, 4, 5)).toBe("da39a-3ee5e-6b4b0-d3255");
  });

  it("0.1/0.2: 4 overlapping chunks of 6", () => {
    expect(legacyTruncateHashcode(EMPTY_SHA1)).toBe("da39a3-3ee5e6-6b4b0d-d3255b");
    expect(notebookHashcodes(EMPTY_SHA1)).toEqual({ legacy: "da39a3-3ee5e6-6b4b0d-d3255b", short: "da39-a3ee-5e6b" });
  });

  it("normalizes case, dashes and spaces", () => {
    expect(normalizeHashcode("1A2B 3c4d-5e6f")).toBe("1a2b3c4d5e6f");
    expect(hashcodesEqual("1A2B 3c4d-5e6f", "1a2b-3c4d-5e6f")).toBe(true);
    expect(hashcodesEqual(" 1a2b–3C4D—5e6f ", "1A2B-3C4D-5E6F")).toBe(true);
    expect(hashcodesEqual("1a2b-3c4d-5e6f", "1a2b-3c4d-5e60")).toBe(false);
    expect(hashcodesEqual("", "")).toBe(false);
    expect(hashcodesEqual(null, "1a2b")).toBe(false);
  });

  it("sha1Hex hashes strings as UTF-8", () => {
    expect(sha1Hex("ä")).toBe(createHash("sha1").update(Buffer.from("ä", "utf8")).digest("hex"));
  });
});

describe("e2xgrader exclusions", () => {
  const ex = (p: string) => isExcludedFromSha1sum(p, { username: "alice" });
  it("excludes by basename, at any depth", () => {
    expect(e2xExcludeFiles("alice")).toEqual(["timestamp.txt", "alice_info.txt", "*.html", "SHA1SUM.txt"]);
    expect(ex("timestamp.txt")).toBe(true);
    expect(ex("sub/timestamp.txt")).toBe(true);
    expect(ex("alice_info.txt")).toBe(true);
    expect(ex("bob_info.txt")).toBe(false);
    expect(ex("hw1_hashcode.html")).toBe(true);
    expect(ex("deep/notes.html")).toBe(true);
    expect(ex("SHA1SUM.txt")).toBe(true);
    expect(ex("hw1.ipynb")).toBe(false);
  });

  it("excludes folders whose path contains .ipynb_checkpoints or .history", () => {
    expect(ex(".ipynb_checkpoints/hw1-checkpoint.ipynb")).toBe(true);
    expect(ex("a/.ipynb_checkpoints/b/c.py")).toBe(true);
    expect(ex("old.ipynb_checkpoints.bak/x.py")).toBe(true);
    expect(ex(".history/x.py")).toBe(true);
    expect(ex("x.history/y.py")).toBe(true);
    expect(ex(".history")).toBe(false);
    expect(ex("a.ipynb_checkpoints")).toBe(false);
  });

  it("knows what nbgrader never copies into the exchange", () => {
    expect(isIgnoredByNbgraderCopy("m.pyc")).toBe(true);
    expect(isIgnoredByNbgraderCopy("__pycache__/m.cpython-311.pyc")).toBe(true);
    expect(isIgnoredByNbgraderCopy("feedback/x.html")).toBe(true);
    expect(isIgnoredByNbgraderCopy("a/.ipynb_checkpoints/x")).toBe(true);
    expect(isIgnoredByNbgraderCopy("feedback.txt")).toBe(false);
  });

  it("compareCodePoints orders astral characters after the BMP", () => {
    expect(compareCodePoints("\u{1F600}", "\uFF5E")).toBe(1);
    expect(["\u{1F600}", "\uFF5E"].sort()).toEqual(["\u{1F600}", "\uFF5E"]); // what a plain JS sort would do
    expect(compareCodePoints("a", "a")).toBe(0);
    expect(compareCodePoints("a", "ab")).toBe(-1);
  });
});
