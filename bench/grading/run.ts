/**
 * Grading bench: hash a generated exchange of exam submissions three ways in one run.
 *
 *   portal       lib/submissions/scan.ts runScan, its hashing pool with 1 thread and with one per
 *                core (bench/grading/scan-once.ts, each in its own process: peak RSS is its own)
 *   sha1sum      GNU coreutils over the same files (one process, and xargs -P <cores>)
 *   e2xgrader    lib/submissions/reference/e2x_hash.py hash-many: e2xgrader's own hash_utils
 *                (rebuilds SHA1SUM.txt of every submission, as E2xExchangeSubmit does)
 *
 * Environment:
 *   BENCH_SUBMISSIONS   number of submissions (default 600)
 *   BENCH_TOTAL_MB      total payload in MiB (default 600 x 4 = 2400)
 *   BENCH_FILES         payload files per submission (default 4, plus notebook/info/timestamp/SHA1SUM)
 *   BENCH_REPEAT        runs of each contender; the fastest counts (default 3)
 *   BENCH_DIR           where to generate (default a fresh temp dir, removed afterwards)
 *   BENCH_KEEP=1        keep the generated exchange
 *   BENCH_SKIP_E2X=1    skip the e2xgrader run
 *
 * All runs read from a warm page cache (an untimed read pass comes first); the figures compare
 * hashing and walking cost, not disk speed. Results also go to bench/.out/grading-<time>.json.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildSha1sum, truncateHashcode } from "../../lib/submissions/hash";

const REPO = path.resolve(import.meta.dirname, "../..");
const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const N = env("BENCH_SUBMISSIONS", 600);
const TOTAL_MB = env("BENCH_TOTAL_MB", 600 * 4);
const FILES = Math.max(1, env("BENCH_FILES", 4));
const REPEAT = Math.max(1, env("BENCH_REPEAT", 3));
const COURSE = "bench-course";
const ASSIGNMENT = "exam1";
const MiB = 1024 * 1024;

function generate(root: string): { files: number; bytes: number; dirs: string[] } {
  const perSub = Math.floor((TOTAL_MB * MiB) / N);
  const base = randomBytes(MiB);
  const block = Buffer.alloc(MiB);
  let files = 0;
  let bytes = 0;
  const dirs: string[] = [];
  for (let i = 0; i < N; i++) {
    const user = `s${String(i).padStart(5, "0")}`;
    const ts = `2026-02-01 ${String(9 + Math.floor(i / 3600) % 10).padStart(2, "0")}:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}.${String(i).padStart(6, "0")} UTC`;
    const dir = path.join(root, COURSE, "personalized-inbound", user, `${user}+${ASSIGNMENT}+${ts}`);
    fs.mkdirSync(path.join(dir, "data"), { recursive: true });
    dirs.push(dir);
    const entries: { path: string; sha1: string }[] = [];
    const nb = JSON.stringify({ cells: [{ cell_type: "markdown", metadata: {}, source: `answer of ${user}` }], metadata: {}, nbformat: 4, nbformat_minor: 5 });
    fs.writeFileSync(path.join(dir, `${ASSIGNMENT}.ipynb`), nb);
    entries.push({ path: `${ASSIGNMENT}.ipynb`, sha1: createHash("sha1").update(nb).digest("hex") });
    for (let f = 0; f < FILES; f++) {
      const rel = `data/part-${f}.bin`;
      const size = Math.floor(perSub / FILES);
      const h = createHash("sha1");
      const fd = fs.openSync(path.join(dir, rel), "w");
      let left = size;
      let k = 0;
      while (left > 0) {
        // distinct content per file and block without generating GBs of randomness
        base.copy(block);
        block.writeUInt32LE(i, 0);
        block.writeUInt32LE(f, 4);
        block.writeUInt32LE(k++, 8);
        const n = Math.min(left, MiB);
        fs.writeSync(fd, block, 0, n);
        h.update(block.subarray(0, n));
        left -= n;
      }
      fs.closeSync(fd);
      entries.push({ path: rel, sha1: h.digest("hex") });
      bytes += size;
      files++;
    }
    const sum = buildSha1sum(entries);
    fs.writeFileSync(path.join(dir, "SHA1SUM.txt"), sum);
    const code = truncateHashcode(createHash("sha1").update(sum).digest("hex"));
    fs.writeFileSync(path.join(dir, `${user}_info.txt`), `\nUsername: ${user}\nHashcode: ${code}\nTimestamp: ${ts.slice(11, 19)}\n`);
    fs.writeFileSync(path.join(dir, "timestamp.txt"), ts);
    files += 4;
  }
  return { files, bytes, dirs };
}

function time<T>(fn: () => T, repeat = 1): { seconds: number; value: T } {
  let best: { seconds: number; value: T } | null = null;
  for (let i = 0; i < repeat; i++) {
    const t = process.hrtime.bigint();
    const value = fn();
    const seconds = Number(process.hrtime.bigint() - t) / 1e9;
    if (!best || seconds < best.seconds) best = { seconds, value };
  }
  return best!;
}

function sh(cmd: string, cwd: string): void {
  execFileSync("bash", ["-c", cmd], { cwd, stdio: ["ignore", "ignore", "inherit"], maxBuffer: 1024 * MiB });
}

async function main() {
  const keep = process.env.BENCH_KEEP === "1";
  const work = process.env.BENCH_DIR ? path.resolve(process.env.BENCH_DIR) : fs.mkdtempSync(path.join(os.tmpdir(), "e2x-bench-"));
  const root = path.join(work, "exchange");
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  console.log(`generating ${N} submissions, ${TOTAL_MB} MiB payload, ${FILES} payload files each, in ${root}`);
  const gen = time(() => generate(root));
  console.log(`  ${gen.value.files} files, ${(gen.value.bytes / MiB).toFixed(0)} MiB payload in ${gen.seconds.toFixed(1)} s`);
  const courseDir = path.join(root, COURSE);
  sh("find . -type f -print0 | xargs -0 cat > /dev/null", courseDir); // warm the page cache

  const rows: { name: string; seconds: number; note?: string }[] = [];
  let totalBytes = 0;
  let portalCodes = new Map<string, string | null>();
  let portalRssMiB = 0;
  for (const threads of [...new Set([1, cores])]) {
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(REPO, "bench/grading/scan-once.ts"), root, COURSE, String(REPEAT)], {
      env: { ...process.env, E2X_HASH_THREADS: String(threads) },
      encoding: "utf8",
      maxBuffer: 256 * MiB,
    });
    if (r.status !== 0) throw new Error(`portal scan: ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { seconds: number; peakRssMiB: number; submissions: number; notVerified: number; bytes: number; codes: Record<string, string | null> };
    if (out.notVerified > 0 || out.submissions !== N) throw new Error(`portal scan: ${out.notVerified} not verified, ${out.submissions} of ${N} scanned`);
    totalBytes = out.bytes;
    portalCodes = new Map(Object.entries(out.codes));
    portalRssMiB = out.peakRssMiB;
    rows.push({ name: `portal scan (${threads} hashing thread${threads > 1 ? "s" : ""})`, seconds: out.seconds, note: `all ${N} verified, peak RSS ${out.peakRssMiB.toFixed(0)} MiB` });
  }

  rows.push({ name: "sha1sum (1 process)", seconds: time(() => sh("find . -type f -print0 | xargs -0 sha1sum > /dev/null", courseDir), REPEAT).seconds });
  rows.push({
    name: `sha1sum (xargs -P ${cores})`,
    seconds: time(() => sh(`find . -type f -print0 | xargs -0 -P ${cores} -n 64 sha1sum > /dev/null`, courseDir), REPEAT).seconds,
  });

  if (process.env.BENCH_SKIP_E2X !== "1") {
    const python = path.join(REPO, ".venv/bin/python");
    const script = path.join(REPO, "lib/submissions/reference/e2x_hash.py");
    for (const jobs of [1, cores]) {
      let best: { out: { results: { dir: string; rebuilt: string }[]; seconds: number }; wall: number } | null = null;
      for (let i = 0; i < REPEAT; i++) {
        const r = time(() =>
          spawnSync(python, [script, "hash-many", "--jobs", String(jobs)], { input: gen.value.dirs.join("\n"), encoding: "utf8", maxBuffer: 256 * MiB }),
        );
        if (r.value.status !== 0) throw new Error(`e2x_hash.py: ${r.value.stderr}`);
        const out = JSON.parse(r.value.stdout) as { results: { dir: string; rebuilt: string }[]; seconds: number };
        if (!best || out.seconds < best.out.seconds) best = { out, wall: r.seconds };
      }
      const { out } = best!;
      const mismatched = out.results.filter((x) => portalCodes.get(x.dir) !== x.rebuilt).length;
      if (mismatched > 0) throw new Error(`${mismatched} rebuilt hashcodes differ between e2xgrader and the portal`);
      rows.push({
        name: `e2xgrader hash_utils (${jobs} process${jobs > 1 ? "es" : ""})`,
        seconds: out.seconds,
        note: `wall ${best!.wall.toFixed(2)} s incl. Python start and imports; all ${out.results.length} rebuilt codes equal the portal's`,
      });
    }
  }

  const ref = rows.find((r) => r.name.startsWith(`portal scan (${cores} `))!.seconds;
  const mb = totalBytes / MiB;
  const lines = [
    `| run | seconds | MiB/s | x portal (${cores} threads) | note |`,
    "|---|---:|---:|---:|---|",
    ...rows.map((r) => `| ${r.name} | ${r.seconds.toFixed(2)} | ${(mb / r.seconds).toFixed(0)} | ${(r.seconds / ref).toFixed(2)} | ${r.note ?? ""} |`),
  ];
  console.log(`\n${N} submissions, ${gen.value.files} files, ${mb.toFixed(0)} MiB hashed per run, ${cores} cores, Node ${process.version}, warm cache\n`);
  console.log(lines.join("\n"));

  // The goals, each against its peer in this same run.
  const limit = rows.find((r) => r.name === `sha1sum (xargs -P ${cores})`)!.seconds;
  const goals = [`portal / sha1sum (xargs -P ${cores}): ${(ref / limit).toFixed(2)} (goal: at most 1.15)`];
  const e2x = rows.find((r) => r.name.startsWith(`e2xgrader hash_utils (${cores} process`));
  if (e2x) {
    const wall = Number(/wall ([\d.]+) s/.exec(e2x.note ?? "")?.[1]);
    goals.push(`e2xgrader (${cores} processes) end to end / portal: ${(wall / ref).toFixed(2)} (goal: at least 3; its wall time, with Python start and imports)`);
    goals.push(`e2xgrader (${cores} processes) hashing only / portal: ${(e2x.seconds / ref).toFixed(2)} (its time inside Python, without start and imports)`);
  }
  goals.push(`portal peak RSS: ${portalRssMiB.toFixed(0)} MiB`);
  console.log(`\n${goals.join("\n")}`);

  const outDir = path.join(REPO, "bench/.out");
  fs.mkdirSync(outDir, { recursive: true });
  const outFile = path.join(outDir, `grading-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  fs.writeFileSync(outFile, JSON.stringify({ submissions: N, totalMiB: mb, files: gen.value.files, cores, node: process.version, rows, goals }, null, 2));
  console.log(`\nwritten ${path.relative(REPO, outFile)}`);
  if (!keep && !process.env.BENCH_DIR) fs.rmSync(work, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
