/** Golden-file comparison for tests: `UPDATE_GOLDEN=1` rewrites the files. */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export const GOLDEN_DIR = fileURLToPath(new URL("./__golden__/", import.meta.url));

export function expectGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === "1" || !fs.existsSync(file)) {
    if (process.env.UPDATE_GOLDEN !== "1" && process.env.CI) throw new Error(`golden file ${name} missing`);
    fs.mkdirSync(GOLDEN_DIR, { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  expect(actual, `golden file ${name} differs (UPDATE_GOLDEN=1 rewrites it)`).toBe(fs.readFileSync(file, "utf8"));
}
