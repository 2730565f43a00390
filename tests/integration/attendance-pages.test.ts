/**
 * The attendance list as the supervisor holds it, read back with pdftotext: however many people
 * a room has, a page never carries only one or two names over to the next one (with the
 * signature line), and everyone is on it once.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { attendancePdf, type SheetExam, type SheetRoom } from "@/lib/exams/sheets";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-attendance-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const exam: SheetExam = {
  title: "Klausur Mathematik 1",
  courseCode: "mathe1",
  courseTitle: "Mathematik 1",
  term: "SS26",
  period: "PZ1",
  startsAt: new Date("2030-07-22T07:00:00Z"),
  endsAt: new Date("2030-07-22T09:00:00Z"),
  language: "de",
  examiners: ["Prof. Dr. Irene Instruktorin"],
  headerLines: ["Hochschule Bonn-Rhein-Sieg"],
  supervisors: ["Susanne Aufsicht"],
};

function room(n: number): SheetRoom {
  return {
    name: "H-C 1.01",
    people: Array.from({ length: n }, (_, i) => ({ kind: "student" as const, firstName: "Vera", lastName: `Muster${i}`, username: `mathe1-u${String(i).padStart(3, "0")}s`, matrikel: String(9100000 + i), seat: i + 1, extraMinutes: 0 })),
  };
}

describe("the attendance list's pages", () => {
  it("never leave one or two names alone on a page, for rooms of 20 to 90 people", async () => {
    const lonely: string[] = [];
    for (let n = 20; n <= 90; n++) {
      const file = path.join(dir, `a-${n}.pdf`);
      fs.writeFileSync(file, await attendancePdf(exam, [room(n)]));
      const pages = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" }).split("\f").filter((p) => p.trim());
      const perPage = pages.map((p) => (p.match(/mathe1-u\d{3}s/g) ?? []).length);
      expect(perPage.reduce((a, b) => a + b, 0), `${n} people`).toBe(n);
      if (perPage.some((c) => c > 0 && c < 3)) lonely.push(`${n}: ${perPage.join("+")}`);
      // the signature line comes after the last name
      expect(pages.at(-1)).toContain("Unterschrift Aufsichtsperson");
    }
    expect(lonely).toEqual([]);
  }, 120_000);
});
