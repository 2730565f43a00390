import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDb, type Db } from "@/lib/db/open";

/** A fresh, migrated SQLite file (same code path as production) for one test file. */
export function createTestDb(): { db: Db; file: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-db-"));
  const file = path.join(dir, "portal.db");
  const db = openDb(file);
  return {
    db,
    file,
    cleanup: () => {
      db.$client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The demo seed on a fresh database, and an export folder as the push target: what the
 * deployment tests start from. `cleanup` removes both.
 */
export async function seededPortal(prefix: string): Promise<{ db: Db; dir: string; target: { kind: "export"; dir: string }; cleanup: () => void }> {
  const { seedIfEmpty } = await import("@/lib/db/seed");
  const t = createTestDb();
  await seedIfEmpty(t.db, { password: "test-Passw0rd!" });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    db: t.db,
    dir,
    target: { kind: "export", dir },
    cleanup: () => {
      t.cleanup();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
