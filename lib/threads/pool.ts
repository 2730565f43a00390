/**
 * A pool of worker threads for work that would otherwise hold the one event loop the pages
 * share: the submission scan's hashing and file system calls (lib/submissions/hash.ts) and the
 * reading of roster files (lib/rosters/threads.ts). Each pool has its own worker file; the
 * pool hands out jobs, keeps up to DEPTH of them in flight per thread (so a thread never waits
 * for the main thread between two), cancels them through a flag per slot shared with the
 * thread, and stops threads that have been idle for a while (they start again on demand).
 *
 * The worker side: one message per job `{ ...message, id, slot }`, answered by
 *   { id, value, unreported? }           the result
 *   { id, bytes }                        progress (optional, before the result)
 *   { id, error: { message, code?, ... } } a failure: rejected as an Error with those properties
 *   { id, aborted: true }                the job noticed its slot's cancel flag
 * The shared cancel flags arrive as `workerData.cancel` (an Int32Array's buffer, one per slot).
 */
import type { Worker } from "node:worker_threads";

/** Jobs each thread holds at once. */
export const THREAD_DEPTH = 2;
const DEPTH = THREAD_DEPTH;
/** Threads that have had nothing to do this long are stopped (they start again on demand). */
const IDLE_MS = 30_000;

interface PoolJob {
  id: number;
  message: object;
  onBytes?: (n: number) => void;
  signal?: AbortSignal;
  resolve: (value: never) => void;
  reject: (e: unknown) => void;
  settled: boolean;
  onAbort?: () => void;
  slot?: number;
  thread?: PoolThread;
}

interface PoolThread {
  worker: Worker;
  /** Cancellation flag per slot, shared with the thread. */
  cancel: Int32Array;
  freeSlots: number[];
  jobs: Map<number, PoolJob>;
  online: boolean;
}

type WorkerAnswer =
  | { id: number; bytes: number }
  | { id: number; value: unknown; unreported?: number }
  | { id: number; error: { code?: string; message: string } }
  | { id: number; aborted: true };

function abortError(signal: AbortSignal | undefined): unknown {
  const r = signal?.reason;
  return r instanceof Error && r.name === "AbortError" ? r : new DOMException("This operation was aborted", "AbortError");
}

/** An error from a thread as the error it was (a system error keeps its `code` ENOENT, ELOOP ...). */
function threadError(e: { code?: string; message: string }): NodeJS.ErrnoException {
  const { message, ...rest } = e;
  return Object.assign(new Error(message), rest);
}

export interface ThreadPoolOptions {
  /** Threads at most. */
  size: number;
  /** Starts one thread: `new Worker(new URL("./x-worker", import.meta.url), { workerData })` in the pool's module, so that the bundler finds the worker file. */
  spawn: (workerData: { cancel: SharedArrayBuffer }) => Worker;
  /** What the threads do, for the message when they cannot start ("hashing", "roster reading"). */
  label: string;
}

export class ThreadPool {
  private threads: PoolThread[] = [];
  private queue: PoolJob[] = [];
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | null = null;
  /** Set when a thread could not even start (e.g. the worker file is missing): every job fails with it. */
  private broken: Error | null = null;
  /** Threads started since the process began (for diagnostics and tests). */
  started = 0;
  readonly size: number;

  constructor(private readonly opts: ThreadPoolOptions) {
    this.size = opts.size;
  }

  run<T>(message: object, opts: { signal?: AbortSignal; onBytes?: (n: number) => void } = {}): Promise<T> {
    if (opts.signal?.aborted) return Promise.reject(abortError(opts.signal));
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<T>((resolve, reject) => {
      const job: PoolJob = { id: this.nextId++, message, onBytes: opts.onBytes, signal: opts.signal, resolve: resolve as (v: never) => void, reject, settled: false };
      if (job.signal) {
        job.onAbort = () => this.abort(job);
        job.signal.addEventListener("abort", job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.dispatch();
    });
  }

  /** Threads running now. */
  get running(): number {
    return this.threads.length;
  }

  private spawn(): PoolThread {
    const cancel = new Int32Array(new SharedArrayBuffer(4 * DEPTH));
    const worker = this.opts.spawn({ cancel: cancel.buffer as SharedArrayBuffer });
    const t: PoolThread = { worker, cancel, freeSlots: Array.from({ length: DEPTH }, (_, i) => i), jobs: new Map(), online: false };
    this.started++;
    worker.unref();
    worker.on("online", () => (t.online = true));
    worker.on("message", (m: WorkerAnswer) => this.answer(t, m));
    worker.on("error", (e) => this.lost(t, e));
    worker.on("exit", (code) => this.lost(t, new Error(`a ${this.opts.label} thread stopped (exit code ${code})`)));
    this.threads.push(t);
    return t;
  }

  /** The least busy thread with a free slot; a new one while fewer than `size` run. */
  private pick(): PoolThread | null {
    let best: PoolThread | null = null;
    for (const t of this.threads) if (t.freeSlots.length && (!best || t.jobs.size < best.jobs.size)) best = t;
    if ((!best || best.jobs.size > 0) && this.threads.length < this.size) return this.spawn();
    return best;
  }

  private dispatch() {
    while (this.queue.length > 0) {
      const t = this.pick();
      if (!t) return;
      const job = this.queue.shift()!;
      const slot = t.freeSlots.pop()!;
      Atomics.store(t.cancel, slot, 0);
      job.slot = slot;
      job.thread = t;
      t.jobs.set(job.id, job);
      if (t.jobs.size === 1) t.worker.ref();
      t.worker.postMessage({ ...job.message, id: job.id, slot });
    }
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
  }

  private settle(job: PoolJob, outcome: { value: unknown } | { error: unknown }) {
    if (job.settled) return;
    job.settled = true;
    if (job.onAbort) job.signal?.removeEventListener("abort", job.onAbort);
    if ("value" in outcome) job.resolve(outcome.value as never);
    else job.reject(outcome.error);
  }

  private release(t: PoolThread, job: PoolJob) {
    if (!t.jobs.delete(job.id)) return;
    t.freeSlots.push(job.slot!);
    if (t.jobs.size === 0) t.worker.unref();
    this.dispatch();
    if (this.queue.length === 0 && this.threads.every((x) => x.jobs.size === 0)) this.scheduleIdleStop();
  }

  private answer(t: PoolThread, m: WorkerAnswer) {
    const job = t.jobs.get(m.id);
    if (!job) return;
    if ("bytes" in m) {
      if (!job.settled) job.onBytes?.(m.bytes);
      return;
    }
    this.release(t, job);
    if (job.signal?.aborted || "aborted" in m) this.settle(job, { error: abortError(job.signal) });
    else if ("error" in m) this.settle(job, { error: threadError(m.error) });
    else {
      if (m.unreported && !job.settled) job.onBytes?.(m.unreported);
      this.settle(job, { value: m.value });
    }
  }

  private abort(job: PoolJob) {
    const i = this.queue.indexOf(job);
    if (i >= 0) this.queue.splice(i, 1);
    else if (job.thread && job.slot !== undefined) Atomics.store(job.thread.cancel, job.slot, 1);
    // Settled now; the thread gives the slot back when it notices.
    this.settle(job, { error: abortError(job.signal) });
  }

  /** A thread failed or stopped: its jobs fail with the reason, the others go on. */
  private lost(t: PoolThread, e: Error) {
    const i = this.threads.indexOf(t);
    if (i < 0) return;
    this.threads.splice(i, 1);
    if (!t.online && !this.broken) {
      this.broken = new Error(`The ${this.opts.label} threads cannot start: ${e.message}`);
      for (const job of this.queue.splice(0)) this.settle(job, { error: this.broken });
    }
    for (const job of t.jobs.values()) this.settle(job, { error: e });
    t.jobs.clear();
    void t.worker.terminate().catch(() => undefined);
    if (!this.broken) this.dispatch();
  }

  private scheduleIdleStop() {
    if (this.idleTimer) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.queue.length || this.threads.some((t) => t.jobs.size)) return;
      for (const t of this.threads.splice(0)) {
        t.worker.removeAllListeners("exit");
        void t.worker.terminate().catch(() => undefined);
      }
    }, IDLE_MS);
    this.idleTimer.unref();
  }
}
