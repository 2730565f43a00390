// One thread of the file pool of lib/submissions/hash.ts: SHA-1 of whole files (one chunk at a
// time into one reused buffer), and the small file system work of a scan (lstat of a folder's
// entries, reading a small text file), so that the main thread only hands out work. Plain
// JavaScript with Node built-ins only: it runs as is under Node, vitest and tsx, and as the
// worker entry Next bundles for the production server.
//
// In (one message per job), out (one answer per job, plus progress for large files):
//   { op: "sha1", id, slot, path, chunkSize, progress }
//        -> { id, bytes } every PROGRESS_BYTES read, when progress is asked
//        -> { id, value: { sha1, size }, unreported } (bytes read since the last progress)
//   { op: "lstat", id, slot, paths }  -> { id, value: [{ kind, size } | { error }] }
//   { op: "read", id, slot, path, max } -> { id, value: text | null }   (null: larger than max)
//   { op: "readdir", id, slot, path }  -> { id, value: [name bytes] }    (names as raw bytes)
//   any job -> { id, error: { code, message } } | { id, aborted: true }
import { createHash } from "node:crypto";
import fs from "node:fs";
import { parentPort, workerData } from "node:worker_threads";

// O_NOFOLLOW: a symlink swapped in after the directory listing is refused (ELOOP), not followed.
// O_NONBLOCK: a FIFO swapped in must not block the thread (no effect on regular files).
const FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);
/** One flag per job slot, set by the main thread to cancel the job in that slot. */
const cancelled = new Int32Array(workerData.cancel);
/** Progress of a large file goes out in steps of this size; a small file's with its answer. */
const PROGRESS_BYTES = 4 * 1024 * 1024;
let buf = Buffer.allocUnsafe(0);

const errorOf = (e) => ({ code: e?.code, message: e?.message ?? String(e) });
const notAFile = (p) => Object.assign(new Error(`not a regular file: ${p}`), { code: "EFTYPE" });

function sha1(job) {
  if (buf.length !== job.chunkSize) buf = Buffer.allocUnsafe(job.chunkSize);
  const fd = fs.openSync(job.path, FLAGS);
  try {
    if (!fs.fstatSync(fd).isFile()) throw notAFile(job.path);
    const hash = createHash("sha1");
    let size = 0;
    let unreported = 0;
    for (;;) {
      if (Atomics.load(cancelled, job.slot)) return { id: job.id, aborted: true };
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(n === buf.length ? buf : buf.subarray(0, n));
      size += n;
      unreported += n;
      if (job.progress && unreported >= PROGRESS_BYTES) {
        parentPort.postMessage({ id: job.id, bytes: unreported });
        unreported = 0;
      }
    }
    return { id: job.id, value: { sha1: hash.digest("hex"), size }, unreported };
  } finally {
    fs.closeSync(fd);
  }
}

function lstat(job) {
  return {
    id: job.id,
    value: job.paths.map((p) => {
      try {
        const st = fs.lstatSync(p);
        return { kind: st.isSymbolicLink() ? "symlink" : st.isDirectory() ? "dir" : st.isFile() ? "file" : "other", size: st.size };
      } catch (e) {
        return { error: errorOf(e) };
      }
    }),
  };
}

/** A small text file, read without following symlinks; null if it is larger than `max` bytes. */
function read(job) {
  for (;;) {
    const fd = fs.openSync(job.path, FLAGS);
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile()) throw notAFile(job.path);
      if (st.size > job.max) return { id: job.id, value: null };
      // Sized from fstat, plus one byte to notice a file that grew meanwhile.
      const out = Buffer.allocUnsafe(st.size + 1);
      let off = 0;
      let n;
      while (off < out.length && (n = fs.readSync(fd, out, off, out.length - off, null)) > 0) off += n;
      if (off < out.length) return { id: job.id, value: out.subarray(0, off).toString("utf8") };
      // It grew while we read it: read it again (or give up on it when it is now too large).
      if (off > job.max) return { id: job.id, value: null };
    } finally {
      fs.closeSync(fd);
    }
  }
}

function readdir(job) {
  return { id: job.id, value: fs.readdirSync(job.path, { encoding: "buffer" }) };
}

const OPS = { sha1, lstat, read, readdir };

parentPort.on("message", (job) => {
  let answer;
  try {
    answer = Atomics.load(cancelled, job.slot) ? { id: job.id, aborted: true } : OPS[job.op](job);
  } catch (e) {
    answer = { id: job.id, error: errorOf(e) };
  }
  parentPort.postMessage(answer);
});
