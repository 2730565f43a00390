// Adds up the counts of every runner of `npm test` and prints one closing line.
import fs from "node:fs";
import path from "node:path";

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];

const vitest = JSON.parse(fs.readFileSync(path.join(dir, "vitest.json"), "utf8"));
rows.push(["vitest", vitest.numPassedTests, vitest.numFailedTests, vitest.numPendingTests + vitest.numTodoTests]);

const xml = fs.readFileSync(path.join(dir, "pytest.xml"), "utf8");
const attr = (n) => Number((xml.match(new RegExp(`<testsuite [^>]*\\b${n}="(\\d+)"`)) ?? [])[1] ?? 0);
rows.push(["pytest", attr("tests") - attr("failures") - attr("errors") - attr("skipped"), attr("failures") + attr("errors"), attr("skipped")]);

const pw = JSON.parse(fs.readFileSync(path.join(dir, "playwright.json"), "utf8"));
rows.push(["playwright", pw.stats.expected, pw.stats.unexpected + pw.stats.flaky, pw.stats.skipped]);

for (const [name, p, f, s] of rows) {
  console.log(`${name.padEnd(11)} ${p} passed, ${f} failed, ${s} skipped`);
  passed += p;
  failed += f;
  skipped += s;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || skipped > 0) process.exit(1);
