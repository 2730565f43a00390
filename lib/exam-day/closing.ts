/**
 * Closing and archiving on exam day. Closing: the hub's passwords are revoked first (the close
 * step's push), then the portal reads the exam's exchange and appends a receipt per submission
 * (lib/exam-day/receipts.ts), in one transaction with its audit entry. Archiving: the exam
 * leaves the hub (the archive step's push) and servers still running for its accounts are stopped.
 *
 * Exports: takeReceipts, stopExamServers
 */
import { eq } from "drizzle-orm";
import { writeAudit } from "@/lib/audit/audit";
import type { Principal } from "@/lib/auth/capabilities";
import type { Db } from "@/lib/db/client";
import { examParticipants } from "@/lib/db/schema";
import { t } from "@/lib/i18n/t";
import { openHubApi, type HubApi } from "./hub-api";
import { scanForReceipts, storeReceipts } from "./receipts";

/** Reads the exchange and appends the receipts not taken yet; the number appended. */
export async function takeReceipts(db: Db, principal: Principal, examId: number, root?: string): Promise<{ taken: number; found: number }> {
  const found = await scanForReceipts(db, examId, root);
  const taken = db.transaction((tx) => {
    const n = storeReceipts(tx, examId, found);
    writeAudit(tx, { id: principal.id, username: principal.username }, {
      action: "exam.receipts",
      entityType: "exam",
      entityId: String(examId),
      message: { key: "examReceipts", params: { taken: n, found: found.length } },
    });
    return n;
  });
  return { taken, found: found.length };
}

export interface StopReport {
  stopped: string[];
  failed: { username: string; why: string }[];
  message: string;
}

/** Stops every server the exam's accounts still have on the hub, one by one; what it did, in words. */
export async function stopExamServers(db: Db, examId: number, api?: HubApi): Promise<StopReport> {
  const conn = api ?? (() => {
    const c = openHubApi(db);
    return "error" in c ? null : c.api;
  })();
  if (!conn) return { stopped: [], failed: [], message: t("closing.noApi") };
  const logins = new Set(db.select({ u: examParticipants.username }).from(examParticipants).where(eq(examParticipants.examId, examId)).all().map((p) => p.u));
  let running: { name: string; pending: string | null }[];
  try {
    running = (await conn.users()).filter((u) => logins.has(u.name) && u.servers?.[""]).map((u) => ({ name: u.name, pending: u.servers![""].pending }));
  } catch (e) {
    return { stopped: [], failed: [], message: t("closing.cannotList", { error: (e as Error).message }) };
  }
  const stopped: string[] = [];
  const failed: StopReport["failed"] = [];
  for (const u of running) {
    try {
      await conn.stopServer(u.name);
      stopped.push(u.name);
    } catch (e) {
      failed.push({ username: u.name, why: u.pending ? t("closing.busy", { pending: u.pending, error: (e as Error).message }) : (e as Error).message });
    }
  }
  const parts = [stopped.length ? t("closing.stopped", { count: stopped.length }) : running.length ? "" : t("closing.noneRunning")];
  if (failed.length) parts.push(t("closing.failed", { count: failed.length, names: failed.map((f) => f.username).join(", ") }));
  return { stopped, failed, message: parts.filter(Boolean).join(" ") };
}
