// One roster reading thread (lib/rosters/threads.ts, on the pool of lib/threads/pool.ts): reads
// and validates a roster file off the event loop the pages share.
//   in:  { op: "read", id, slot, bytes, remembered: [[signature, mapping]], opts, locale }
//   out: { id, value: ReadRoster } | { id, error: { message, fieldErrors? } } | { id, aborted: true }
import { parentPort, workerData } from "node:worker_threads";
import { ActionError } from "@/lib/auth/guard-types";
import type { Locale } from "@/lib/i18n/config";
import { withLocale } from "@/lib/i18n/t";
import type { ColumnMapping } from "./csv";
import { readRosterFile, type ReadOptions } from "./read";

interface Job {
  id: number;
  slot: number;
  bytes: Uint8Array;
  remembered: [string, ColumnMapping][];
  opts: ReadOptions;
  locale: Locale;
}

const cancelled = new Int32Array(workerData.cancel);

parentPort!.on("message", (job: Job) => {
  if (Atomics.load(cancelled, job.slot)) return parentPort!.postMessage({ id: job.id, aborted: true });
  try {
    const remembered = new Map(job.remembered);
    const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
    parentPort!.postMessage({ id: job.id, value: withLocale(job.locale, () => readRosterFile(bytes, (s) => remembered.get(s) ?? null, job.opts)) });
  } catch (e) {
    const error = e instanceof ActionError ? { message: e.message, fieldErrors: e.fieldErrors, actionError: true } : { message: e instanceof Error ? e.message : String(e) };
    parentPort!.postMessage({ id: job.id, error });
  }
});
