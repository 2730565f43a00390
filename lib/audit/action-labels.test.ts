import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MESSAGES } from "@/lib/i18n/messages";
import { LOCALES } from "@/lib/i18n/config";

const ROOT = path.resolve(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : sources(rel);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [rel] : [];
  });
}

/** Every audit action written with a literal name in the portal's code ("exam.seat.auto"). */
function writtenActions(): Set<string> {
  const found = new Set<string>();
  for (const file of [...sources("lib"), ...sources("app")]) {
    for (const m of fs.readFileSync(path.join(ROOT, file), "utf8").matchAll(/\baction: "([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+)"/g)) found.add(m[1]!);
  }
  return found;
}

describe("audit action labels", () => {
  it("every action the code writes has a label in both languages, so the log and its filter never show a raw name", () => {
    const actions = writtenActions();
    // the scan finds the actions (a broken pattern would pass with none)
    expect(actions.has("exam.seat.auto")).toBe(true);
    expect(actions.has("user.password-change")).toBe(true);
    for (const locale of LOCALES) {
      const labels = MESSAGES[locale].audit.actions as Record<string, string>;
      const missing = [...actions].filter((a) => !labels[a.replace(/\./g, "_")]);
      expect(missing, `${locale}: audit actions without a label`).toEqual([]);
    }
  });
});
