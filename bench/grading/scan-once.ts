/**
 * One contender of the grading bench in its own process, so that its peak memory is its own:
 * scans the exchange REPEAT times with lib/submissions (hashing pool sized by E2X_HASH_THREADS,
 * else one thread per core) and prints JSON: fastest seconds, peak RSS, hashcodes per folder.
 *
 *   tsx bench/grading/scan-once.ts <root> <courseId> <repeat>
 */
import path from "node:path";
import { hashPoolStatus } from "../../lib/submissions/hash";
import { runScan } from "../../lib/submissions/scan";
import { verifyAll } from "../../lib/submissions/verify";

const [root, courseId, repeatArg] = process.argv.slice(2);
const repeat = Math.max(1, Number(repeatArg) || 1);
let best = Infinity;
let rss = 0;
let result: Awaited<ReturnType<typeof runScan>> | null = null;
for (let i = 0; i < repeat; i++) {
  const t = process.hrtime.bigint();
  const r = await runScan({ root, courseId, onProgress: () => (rss = Math.max(rss, process.memoryUsage().rss)) });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  rss = Math.max(rss, process.memoryUsage().rss);
  if (seconds < best) [best, result] = [seconds, r];
}
const verdicts = verifyAll(result!.submissions).submissions;
const courseDir = path.join(root, courseId);
process.stdout.write(
  JSON.stringify({
    seconds: best,
    peakRssMiB: Math.max(rss, process.resourceUsage().maxRSS * 1024) / 1024 / 1024,
    threads: hashPoolStatus().size,
    submissions: result!.submissions.length,
    notVerified: verdicts.filter((v) => v.status !== "verified").length,
    bytes: result!.summary.progress.bytesHashed,
    codes: Object.fromEntries(result!.submissions.map((s) => [path.join(courseDir, s.key), s.sha1sum.rebuiltHashcode])),
  }),
);
