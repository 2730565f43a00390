/** Applies migrations and, on an empty database, creates the first accounts. */
import { dbFile, openDb } from "@/lib/db/open";
import { seedIfEmpty } from "@/lib/db/seed";
import { seedDemoGrading } from "@/lib/grading/demo";

const db = openDb(dbFile());
const demo = process.env.E2X_SEED_DEMO !== "0";
const accounts = await seedIfEmpty(db, { demo, password: process.env.E2X_SEED_PASSWORD || undefined });
if (accounts) {
  const line = "─".repeat(60);
  console.log(`\n${line}\n First start: these accounts were created. The passwords are shown\n only now; they are stored as salted hashes. Change them under Staff.\n${line}`);
  for (const a of accounts) console.log(`  ${a.role.padEnd(11)} ${a.username.padEnd(10)} ${a.password}`);
  console.log(`${line}\n`);
  if (demo) {
    const grading = seedDemoGrading(db);
    if (grading) console.log(`  demo exchange: ${grading.submissions} submissions in ${grading.courseDir}\n`);
  }
}
db.$client.close();
