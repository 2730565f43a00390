import fs from "node:fs";
import path from "node:path";

/** A UTC time for file names: 20261201-153000Z. */
export function stamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z").replace("T", "-");
}

/** `dir/<base>.db`, or `dir/<base>-2.db`, ... : a name no file has yet. */
export function freshName(dir: string, base: string): string {
  let file = path.join(dir, `${base}.db`);
  for (let i = 2; fs.existsSync(file); i++) file = path.join(dir, `${base}-${i}.db`);
  return file;
}
