/**
 * npm run restore FILE: replaces the portal's database with a backup. Refuses while the
 * portal runs; keeps the replaced database beside the backups. The next start applies any
 * migrations the backup lacks.
 */
import { BackupError, listBackups, restoreDatabase } from "@/lib/db/backup";
import { backupDir, dbFile } from "@/lib/db/open";

const args = process.argv.slice(2);
const force = args.includes("--force");
const file = args.find((a) => !a.startsWith("--"));
if (!file) {
  const recent = listBackups(backupDir()).slice(0, 5);
  console.error("Name the backup to restore: npm run restore FILE [--force]");
  if (recent.length) console.error(`The newest backups:\n${recent.map((f) => `  ${f}`).join("\n")}`);
  process.exit(2);
}

try {
  const r = restoreDatabase(dbFile(), file, { backupDir: backupDir(), force });
  const rows = Object.values(r.counts).reduce((a, b) => a + b, 0);
  console.log(`✓ restored ${file} to ${dbFile()}`);
  console.log(`  integrity_check ok, ${rows} rows in ${Object.keys(r.counts).length} tables`);
  console.log(`  rows: ${JSON.stringify(r.counts)}`);
  if (r.previous) console.log(`  the database it replaced: ${r.previous}`);
  console.log("  Start the portal again (npm start, or scale the deployment back to 1).");
} catch (e) {
  if (!(e instanceof BackupError)) throw e;
  console.error(`✗ ${e.message}`);
  process.exit(1);
}
