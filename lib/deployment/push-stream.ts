/**
 * A push as a stream of NDJSON lines (PushStreamLine) for the push panel: the steps, every
 * object as it is done, then the stored outcome. The push runs to its end and is recorded even
 * when the browser goes away half-way.
 */
import { writeAudit, type Actor } from "@/lib/audit/audit";
import type { Db } from "@/lib/db/client";
import { endPushRecord, pushOutcomeView, recordPush, type PushRequest } from "./history";
import { executePush, PushBusyError, type PushContext } from "./push";
import type { PushStreamLine } from "./views";
import { t } from "@/lib/i18n/t";

export const PUSH_STREAM_TYPE = "application/x-ndjson; charset=utf-8";

export function pushStream(db: Db, actor: Actor, request: PushRequest, ctx: PushContext = {}, onRecorded?: () => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      let open = true;
      let journalId: number | undefined;
      const send = (line: PushStreamLine) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
        } catch {
          open = false; // the browser went away: the push goes on and is recorded
        }
      };
      try {
        const executed = await executePush(db, request, { journal: actor, ...ctx, onProgress: send });
        journalId = executed.journalId;
        if (executed.stale) {
          send({ type: "stale", message: t("pushStream.stale"), plan: executed.stale });
        } else {
          const id = db.transaction((tx) => recordPush(tx, actor, (e) => writeAudit(tx, actor, e), executed));
          onRecorded?.();
          const outcome = pushOutcomeView(db, id)!;
          const message =
            outcome.status === "ok"
              ? t("pushStream.done", { id, count: outcome.appliedCount })
              : t("pushStream.failed", { id, error: outcome.error ?? t("pushStream.seeBelow") });
          send({ type: "done", message, outcome });
        }
      } catch (e) {
        if (e instanceof PushBusyError) send({ type: "error", message: e.message });
        else {
          console.error("push failed", e instanceof Error ? e.message : e);
          send({ type: "error", message: t("pushStream.broken") });
        }
      } finally {
        endPushRecord(journalId);
        if (open) controller.close();
      }
    },
    cancel() {
      // Nothing to stop: the push finishes and is stored.
    },
  });
}
