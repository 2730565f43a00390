import { execFileSync } from "node:child_process";
import { scryptSync, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, type Browser, type Page } from "@playwright/test";
import { DB_FILE, query, signIn } from "./helpers";

export const FILES = path.resolve(import.meta.dirname, ".artifacts/files");

export function termOf(code: string, term: string): number {
  return query<{ id: number }>("select t.id from terms t join courses c on c.id = t.course_id where c.code = ? and t.term = ?", code, term)[0].id;
}

/** Fills the new-exam form and returns the new exam's id (from the URL it lands on). */
export async function createExam(page: Page, o: { course: string; term: string; title: string; period: string; date: string; start: string; end: string; grace?: string; language?: "de" | "en" }): Promise<number> {
  await page.goto("/exams/new");
  await page.getByLabel("Course term").selectOption(String(termOf(o.course, o.term)));
  await fillExamForm(page, o);
  await page.getByRole("button", { name: "Create exam" }).click();
  await expect(page).toHaveURL(/\/exams\/\d+$/);
  return Number(/\/exams\/(\d+)$/.exec(page.url())![1]);
}

export async function fillExamForm(page: Page, o: { title: string; period: string; date: string; start: string; end: string; grace?: string; language?: "de" | "en" }) {
  await page.getByLabel("Title").fill(o.title);
  await page.getByLabel("Period").fill(o.period);
  await page.getByLabel("Date").fill(o.date);
  await page.getByLabel(/^Start/).fill(o.start);
  await page.getByLabel("End", { exact: true }).fill(o.end);
  await page.getByLabel("Grace (minutes)").fill(o.grace ?? "5");
  await page.getByLabel("Sheet language").selectOption(o.language ?? "de");
}

export async function addRoom(page: Page, examId: number, r: { name: string; seats: string; blocked?: string; cidrs: string }) {
  await page.goto(`/exams/${examId}/rooms`);
  await page.locator("#new-room-name").fill(r.name);
  await page.locator("#new-room-seats").fill(r.seats);
  await page.locator("#new-room-blockedSeats").fill(r.blocked ?? "");
  await page.locator("#new-room-cidrs").fill(r.cidrs);
  await page.getByRole("button", { name: "Add room" }).click();
}

/**
 * Removes an exam a test made, as its instructor does: a scheduled one back to a draft first,
 * then "Delete draft". For afterAll, in a browser context of its own.
 */
export async function deleteTestExam(browser: Browser, baseURL: string | undefined, examId: number) {
  if (!examId) return;
  const ctx = await browser.newContext({ locale: "en-GB", baseURL });
  const page = await ctx.newPage();
  await signIn(page, "irene");
  await page.goto(`/exams/${examId}`);
  if (await page.getByRole("button", { name: "Back to draft" }).count()) {
    await page.getByRole("button", { name: "Back to draft" }).first().click();
    await page.getByRole("dialog").getByRole("button", { name: "Back to draft" }).click();
    await expect(page.getByRole("button", { name: "Delete draft" })).toBeVisible();
  }
  await confirm(page, "Delete draft", "Delete exam");
  await expect(page).toHaveURL(/\/exams$/);
  await ctx.close();
}

/** Confirms a ConfirmButton's dialog. */
export async function confirm(page: Page, button: string | RegExp, confirmLabel: string | RegExp) {
  await page.getByRole("button", { name: button }).first().click();
  await page.getByRole("dialog").getByRole("button", { name: confirmLabel }).click();
}

export function pdfText(file: string): string {
  return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
}

/** Verifies a typed password against a stored `scrypt$N$r$p$salt$key` hash, as lib/exams/OTP.md says. */
export function verifyStored(typed: string, stored: string): boolean {
  const [kind, n, r, p, salt, key] = stored.split("$");
  if (kind !== "scrypt") return false;
  const expected = Buffer.from(key, "base64");
  const got = scryptSync(typed.replace(/[\s-]+/g, "").toLowerCase(), Buffer.from(salt, "base64"), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 });
  return timingSafeEqual(got, expected);
}

/** The SQLite file and its WAL as text, to prove a secret is not in them. */
export function databaseBytes(): string {
  return [DB_FILE, `${DB_FILE}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f).toString("latin1")).join("");
}

export const PASSWORD_RE = /\b([2-9a-hj-km-np-x]{4}-[2-9a-hj-km-np-x]{4}-[2-9a-hj-km-np-x]{4})\b/g;
