// A second process that has the portal's database open and writes to it the way the portal
// does: each student added to a roster in its own transaction with its audit entry, through
// the roster code. It holds the database's lock like the portal. Prints the number of
// committed students after every five writes and when it stops (SIGTERM).
//   tsx roster-writer.ts DB_FILE TERM_ID
import { eq } from "drizzle-orm";
import { writeAudit } from "@/lib/audit/audit";
import { loadPrincipal } from "@/lib/auth/principal";
import { takeLock } from "@/lib/db/lock";
import { openDb } from "@/lib/db/open";
import { users } from "@/lib/db/schema";
import { addStudent } from "@/lib/rosters/roster";

const [file, termArg] = process.argv.slice(2);
const termId = Number(termArg);
const db = openDb(file);
const lock = takeLock(file, "portal");
if (!("release" in lock)) throw new Error("the database is locked by another process");
const release = lock.release;
const admin = db.select().from(users).where(eq(users.role, "admin")).get();
const found = admin && loadPrincipal(db, admin.id);
if (!found) throw new Error("no admin");
const principal = found;

let committed = 0;
let stopping = false;
process.on("SIGTERM", () => {
  stopping = true;
});

function writeOne() {
  const seq = committed + 1;
  db.transaction((tx) =>
    addStudent(termId, { username: `w${String(seq).padStart(6, "0")}`, firstName: "Writer", lastName: String(seq) }, { tx, principal, audit: (e) => writeAudit(tx, principal, e) }),
  );
  committed = seq;
}

function loop() {
  if (stopping) {
    console.log(`committed ${committed}`);
    db.$client.close();
    release();
    process.exit(0);
  }
  for (let i = 0; i < 5; i++) writeOne();
  console.log(`committed ${committed}`);
  setTimeout(loop, 1);
}
loop();
