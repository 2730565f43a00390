/**
 * npm run backup: a verified copy of the portal's database, taken while it serves, named
 * with the time, in E2X_BACKUP_DIR (default: backups/ in the data directory). Keeps the
 * newest E2X_BACKUP_KEEP (default 14) or --keep N.
 */
import { BackupError, backupDatabase, backupKeep } from "@/lib/db/backup";
import { backupDir, dbFile } from "@/lib/db/open";

const args = process.argv.slice(2);
const keepAt = args.indexOf("--keep");
const keep = keepAt >= 0 ? Number(args[keepAt + 1]) : backupKeep();
if (!Number.isInteger(keep) || keep < 1) {
  console.error("--keep needs a whole number of backups to keep (1 or more).");
  process.exit(2);
}

try {
  const r = await backupDatabase(dbFile(), backupDir(), { keep });
  const rows = Object.values(r.counts).reduce((a, b) => a + b, 0);
  console.log(`✓ backup ${r.file}`);
  console.log(`  ${(r.bytes / 1024 / 1024).toFixed(1)} MB, integrity_check ok, ${rows} rows in ${Object.keys(r.counts).length} tables, ${r.migrations} migrations, ${r.ms} ms`);
  console.log(`  rows: ${JSON.stringify(r.counts)}`);
  if (r.removed.length) console.log(`  removed (keeping the newest ${keep}): ${r.removed.map((f) => f.split("/").pop()).join(", ")}`);
} catch (e) {
  if (!(e instanceof BackupError)) throw e;
  console.error(`✗ ${e.message}`);
  process.exit(1);
}
