/**
 * Golden-file comparison for tests. A missing or different golden file fails the test;
 * `UPDATE_GOLDEN=1` (and only that) writes the files instead.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export const GOLDEN_DIR = fileURLToPath(new URL("./__golden__/", import.meta.url));

export function updatingGolden(env: Record<string, string | undefined> = process.env): boolean {
  return env.UPDATE_GOLDEN === "1";
}

export function expectGolden(name: string, actual: string, { env = process.env, dir = GOLDEN_DIR }: { env?: Record<string, string | undefined>; dir?: string } = {}): void {
  const file = path.join(dir, name);
  if (updatingGolden(env)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  if (!fs.existsSync(file)) {
    throw new Error(`golden file ${name} is missing: run the test with UPDATE_GOLDEN=1 to write it, then check the diff`);
  }
  expect(actual, `golden file ${name} differs (UPDATE_GOLDEN=1 rewrites it)`).toBe(fs.readFileSync(file, "utf8"));
}
