import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MESSAGES } from "@/lib/i18n/messages";
import { LOCALES } from "@/lib/i18n/config";
import { auditArea } from "@/lib/i18n/audit-label";
import { TRANSITIONS } from "@/lib/exams/lifecycle";
import { DOCUMENTS } from "@/lib/exams/issue";

const ROOT = path.resolve(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : sources(rel);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [rel] : [];
  });
}

const NAME = /"([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+)"/g;

/**
 * Every audit action the portal's code writes: the literal names after `action:` (also both
 * sides of a `cond ? "a.b" : "c.d"`, up to the end of the line's value), the exam steps
 * (`exam.${step}`) and the document downloads, which are named in tables.
 */
function writtenActions(): Set<string> {
  const found = new Set<string>();
  for (const file of [...sources("lib"), ...sources("app")]) {
    for (const m of fs.readFileSync(path.join(ROOT, file), "utf8").matchAll(/\baction: ([^,\n}]*)/g)) {
      for (const n of m[1]!.matchAll(NAME)) found.add(n[1]!);
    }
  }
  for (const step of Object.keys(TRANSITIONS)) found.add(`exam.${step}`);
  for (const d of Object.values(DOCUMENTS)) found.add(d.action);
  return found;
}

describe("audit action labels", () => {
  it("every action the code writes has a label in both languages, so the log and its filter never show a raw name", () => {
    const actions = writtenActions();
    // the scan finds the actions (a broken pattern would pass with none)
    expect(actions.has("exam.seat.auto")).toBe(true);
    expect(actions.has("user.password-change")).toBe(true);
    expect(actions.has("course.restore")).toBe(true); // the second side of a ternary
    expect(actions.has("exam.seating-plan.export")).toBe(true);
    for (const locale of LOCALES) {
      const labels = MESSAGES[locale].audit.actions as Record<string, string>;
      const missing = [...actions].filter((a) => !labels[a.replace(/\./g, "_")]);
      expect(missing, `${locale}: audit actions without a label`).toEqual([]);
      // and every area the filter groups them by has a name
      const groups = MESSAGES[locale].audit.groups as Record<string, string>;
      expect([...new Set([...actions].map(auditArea))].filter((g) => !groups[g]), `${locale}: audit areas without a name`).toEqual([]);
    }
  });
});
