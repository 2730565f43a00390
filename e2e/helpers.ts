import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, type Page } from "@playwright/test";

export const PASSWORD = process.env.E2E_PASSWORD ?? "e2e-Passw0rd!";
export const DATA_DIR = path.resolve(import.meta.dirname, ".artifacts/data");
export const DB_FILE = path.join(DATA_DIR, "portal.db");
export const SHOTS = path.resolve(import.meta.dirname, ".artifacts/screenshots");
/** The server with a real API server behind it (e2e/serve-cluster.ts), and its database. */
export const CLUSTER_URL = `http://127.0.0.1:${Number(process.env.E2E_CLUSTER_PORT ?? Number(process.env.E2E_PORT ?? 3100) + 1000)}`;
export const CLUSTER_DB_FILE = path.resolve(import.meta.dirname, ".artifacts/data-cluster/portal.db");

export async function signIn(page: Page, username: string, password = PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toBeVisible();
}

/** First sign-in with a generated password: the portal asks for a new one before anything else. */
export async function signInFirstTime(page: Page, username: string, generated: string, chosen: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(generated);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/password$/);
  await expect(page.getByRole("heading", { name: "Choose your own password" })).toBeVisible();
  await page.getByLabel("Current password").fill(generated);
  await page.getByLabel("New password", { exact: true }).fill(chosen);
  await page.getByLabel("New password again").fill(chosen);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByTestId("current-user")).toBeVisible();
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}

/** Reads the portal's own SQLite file, to check what was (not) written. */
export function query<T>(sql: string, ...params: unknown[]): T[] {
  return queryDb<T>(DB_FILE, sql, ...params);
}

export function queryDb<T>(file: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Every file below a folder. */
export function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** A screenshot of one part of the page (a card, a dialog), at full resolution. */
export async function shotOf(locator: import("@playwright/test").Locator, name: string) {
  await locator.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** Students on the roster of a course's term, as stored. */
export function rosterCount(code: string, term: string) {
  return query<{ n: number }>("select count(*) n from students s join terms t on t.id = s.term_id join courses c on c.id = t.course_id where c.code = ? and t.term = ?", code, term)[0].n;
}

/** Opens a term's roster page the way staff get there. */
export async function openRoster(page: Page, code: string, term: string) {
  await page.goto("/courses");
  await page.getByRole("link", { name: code, exact: true }).click();
  await page.getByRole("link", { name: term, exact: true }).click();
  await page.getByRole("link", { name: /Roster/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`Roster · ${code} ${term}`);
}
