/** Applies migrations and, on an empty database, creates the first accounts. */
import fs from "node:fs";
import path from "node:path";
import { describeHolder, otherHolder } from "@/lib/db/lock";
import { MigrationError } from "@/lib/db/migrate";
import { dataDir, dbFile, openDb, type Db } from "@/lib/db/open";
import { seedIfEmpty } from "@/lib/db/seed";
import { seedDemoExam } from "@/lib/exams/demo";
import { seedDemoGrading } from "@/lib/grading/demo";

const holder = otherHolder(dbFile());
if (holder?.kind === "restore") {
  console.error(`\n✗ ${describeHolder(holder)}: the database is being restored. Start the portal when the restore has finished.\n`);
  process.exit(1);
}
let db: Db;
try {
  db = openDb(dbFile());
} catch (e) {
  // a failed upgrade leaves the old schema: say why and stop before serving anything
  if (!(e instanceof MigrationError)) throw e;
  console.error(`\n✗ The database ${dbFile()} was not upgraded.\n  ${e.message}\n`);
  process.exit(1);
}
const demo = process.env.E2X_SEED_DEMO !== "0";
const accounts = await seedIfEmpty(db, { demo, password: process.env.E2X_SEED_PASSWORD || undefined });
if (accounts) {
  const line = "─".repeat(60);
  const lines = [
    line,
    " First start: these accounts were created. The passwords are shown",
    " only now; they are stored as salted hashes. Each must be changed at",
    " its first sign-in (generated passwords), or later under Change password.",
    line,
    ...accounts.map((a) => `  ${a.role.padEnd(11)} ${a.username.padEnd(10)} ${a.password}`),
    line,
  ];
  if (process.stdout.isTTY) {
    console.log(`\n${lines.join("\n")}\n`);
  } else {
    // no terminal (a container, a service manager): a log is no place for passwords
    const file = path.join(dataDir(), "first-start-credentials.txt");
    fs.writeFileSync(file, `${lines.join("\n")}\nDelete this file once you have signed in.\n`, { mode: 0o600 });
    fs.chmodSync(file, 0o600);
    console.log(`\n First start: the first accounts and their passwords are in ${file} (readable only by this user). Delete it after the first sign-in.\n`);
  }
  if (demo) {
    const grading = seedDemoGrading(db);
    if (grading) console.log(`  demo exchange: ${grading.submissions} submissions in ${grading.courseDir}\n`);
    if (process.env.E2X_SEED_DEMO_EXAM !== "0") {
      const exam = seedDemoExam(db);
      if (exam) console.log(`  demo exam: a draft with ${exam.participants} students seated in ${exam.rooms} rooms, /exams/${exam.examId}\n`);
    }
  }
}
db.$client.close();
