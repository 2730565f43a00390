/**
 * Roster files are read on worker threads (read-worker.ts): decoding, splitting and validating
 * 10,000 rows takes the CPU for a while, and on the request's thread every page would wait
 * meanwhile. The database work (comparing with the roster, the one write transaction) stays
 * in the request. Threads: E2X_ROSTER_THREADS, else one less than the cores (at least one), so
 * one core is left to the pages.
 */
import os from "node:os";
import { Worker } from "node:worker_threads";
import { ActionError, type FieldErrors } from "@/lib/auth/guard-types";
import { activeLocale } from "@/lib/i18n/t";
import { ThreadPool } from "@/lib/threads/pool";
import type { ColumnMapping } from "./csv";
import type { ReadOptions, ReadRoster } from "./read";

export function rosterThreads(env: Record<string, string | undefined> = process.env): number {
  const n = Number(env.E2X_ROSTER_THREADS);
  return Number.isInteger(n) && n > 0 ? n : Math.max(1, (os.availableParallelism?.() ?? os.cpus().length) - 1);
}

/** The worker from its TypeScript source (under vitest, which does not bundle). */
function fromSources(workerData: object): Worker {
  const entry = new URL("./read-worker.ts", import.meta.url).href;
  const code = `const { workerData } = require("node:worker_threads"); import("tsx/esm/api").then(({ tsImport }) => tsImport(workerData.entry, workerData.entry));`;
  return new Worker(code, { eval: true, workerData: { ...workerData, entry } });
}

const holder = globalThis as unknown as { __e2xRosterPool?: ThreadPool };

function pool(): ThreadPool {
  return (holder.__e2xRosterPool ??= new ThreadPool({
    size: rosterThreads(),
    label: "roster reading",
    // Next bundles the worker into JavaScript; vitest runs the sources, there it is loaded through tsx
    spawn: (workerData) => (process.env.VITEST ? fromSources(workerData) : new Worker(new URL("./read-worker.ts", import.meta.url), { workerData })),
  }));
}

/** How the pool is sized and what it runs now (diagnostics, tests). */
export function rosterPoolStatus(): { size: number; running: number; started: number } {
  const p = pool();
  return { size: p.size, running: p.running, started: p.started };
}

/** `readRosterFile` on a roster thread; the course's remembered mappings go along as a table. */
export async function readRosterFileOffThread(bytes: Uint8Array, remembered: Iterable<[string, ColumnMapping]>, opts: ReadOptions = {}): Promise<ReadRoster> {
  try {
    // the thread writes its sentences (warnings, rejected rows) in the language of this request
    return await pool().run<ReadRoster>({ op: "read", bytes, remembered: [...remembered], opts, locale: activeLocale() });
  } catch (e) {
    const x = e as Error & { actionError?: boolean; fieldErrors?: FieldErrors };
    if (x.actionError) throw new ActionError(x.message, x.fieldErrors);
    throw e;
  }
}
