import { afterAll, describe, expect, it } from "vitest";
import { auditLog } from "@/lib/db/schema";
import { createTestDb } from "@/lib/test/db";
import { listAudit, redact, writeAudit } from "./audit";

const t = createTestDb();
afterAll(() => t.cleanup());

describe("audit log", () => {
  it("never stores secrets", () => {
    writeAudit(t.db, { id: null, username: "x" }, { action: "user.create", entityType: "user", message: { key: "staffCreate", params: { username: "a", role: "admin" } }, after: { username: "a", password: "hunter2", nested: { otpSecret: "s3", ok: 1 } } });
    const row = t.db.select().from(auditLog).get()!;
    expect(JSON.stringify(row)).not.toMatch(/hunter2|s3/);
    expect(redact({ passwordHash: "x", list: [{ token: "t" }] })).toEqual({ passwordHash: "[redacted]", list: [{ token: "[redacted]" }] });
  });
  it("filters by action prefix and text", () => {
    writeAudit(t.db, { id: null, username: "y" }, { action: "roster.import", entityType: "term", message: { key: "rosterAdd", params: { username: "anna", term: "mathe1 WS25" } } });
    expect(listAudit(t.db, { action: "roster." }).rows.map((r) => r.action)).toEqual(["roster.import"]);
    expect(listAudit(t.db, { q: "mathe1" }).total).toBe(1);
  });
  it("finds a student an import added or removed by the username in its details", () => {
    writeAudit(t.db, { id: 1, username: "irene" }, { action: "roster.import", entityType: "term", entityId: 7, message: { key: "rosterImport", params: { added: 2, removed: 1 } }, before: { removed: ["oldi1s"] }, after: { added: ["xneu1s", "yneu2s"] } });
    expect(listAudit(t.db, { q: "yneu2s" }).rows.map((r) => r.action)).toEqual(["roster.import"]);
    expect(listAudit(t.db, { q: "oldi1s" }).total).toBe(1);
    expect(listAudit(t.db, { q: "nobody9s" }).total).toBe(0);
  });
});
