import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test, type Page } from "@playwright/test";
import { hashPassword } from "@/lib/auth/password";
import { DB_FILE, PASSWORD, query, shot, signIn, signOut, walk } from "./helpers";

const ROOT = path.resolve(import.meta.dirname, "..");

/** Every page of the app, from the app/ tree, with its dynamic segments filled from the database. */
function everyPage(): string[] {
  const one = (sql: string) => query<{ id: number }>(sql)[0]?.id;
  const course = one("select id from courses where code = 'mathe1'");
  const term = one(`select id from terms where course_id = ${course} and term = 'WS25'`);
  const ids: Record<string, number | string | undefined> = {
    courseId: course,
    termId: term,
    assignmentId: one(`select id from assignments where term_id = ${term}`),
    submissionId: one(`select s.id from submissions s join assignments a on a.id = s.assignment_id where a.term_id = ${term}`),
    examId: one("select id from exams order by id"),
    pushId: one("select id from pushes order by id"),
    username: query<{ username: string }>(`select username from students where term_id = ${term} order by id`)[0]?.username,
  };
  const urls = [];
  for (const f of walk(path.join(ROOT, "app")).filter((x) => x.endsWith("page.tsx"))) {
    const route = path.relative(path.join(ROOT, "app"), path.dirname(f)).split(path.sep).filter((s) => !/^\(.*\)$/.test(s));
    const filled = route.map((s) => {
      const m = /^\[(\w+)\]$/.exec(s);
      if (!m) return s;
      expect(ids[m[1]], `an id for [${m[1]}] (run the feature specs first)`).toBeDefined();
      return encodeURIComponent(String(ids[m[1]]));
    });
    urls.push(`/${filled.join("/")}`);
  }
  return urls.sort();
}

/** Collects CSP violations, as the browser reports them (event and console). */
async function watchCsp(page: Page) {
  const seen: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|frame|connect)/i.test(m.text())) seen.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const w = window as unknown as { __csp?: string[] };
      (w.__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return async () => [...seen, ...((await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])) as string[])];
}

test("every page works under the nonce CSP: no violation on any page", async ({ page }) => {
  test.setTimeout(180_000);
  const violations = await watchCsp(page);
  await page.goto("/sign-in");
  expect(await violations()).toEqual([]);
  await signIn(page, "admin");
  const pages = everyPage();
  expect(pages.length).toBeGreaterThanOrEqual(24);
  const found: Record<string, string[]> = {};
  for (const url of pages) {
    const res = await page.goto(url);
    expect(res!.status(), url).toBeLessThan(400);
    await page.waitForLoadState("networkidle");
    const v = await violations();
    if (v.length) found[url] = v;
  }
  console.log(`CSP checked on ${pages.length + 1} pages`);
  expect(found).toEqual({});
});

test("security headers on pages, route handlers, static files and errors; a fresh nonce each time; HSTS over TLS", async ({ page, request }) => {
  const first = await request.get("/sign-in");
  const second = await request.get("/sign-in");
  for (const res of [first, second]) {
    const h = res.headers();
    expect(h["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
    expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(h["content-security-policy"]).toContain("object-src 'none'");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBe("same-origin");
    expect(h["permissions-policy"]).toContain("camera=()");
    expect(h["x-frame-options"]).toBe("DENY");
    expect(h["strict-transport-security"]).toBeUndefined();
  }
  const nonce = (h: string) => /'nonce-([^']+)'/.exec(h)![1];
  expect(nonce(first.headers()["content-security-policy"])).not.toBe(nonce(second.headers()["content-security-policy"]));
  // the page's scripts carry that request's nonce
  const html = await first.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const s of scripts) expect(s).toContain(`nonce="${nonce(first.headers()["content-security-policy"])}"`);
  // behind a TLS proxy: HSTS
  const tls = await request.get("/sign-in", { headers: { "X-Forwarded-Proto": "https" } });
  expect(tls.headers()["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
  // route handlers, errors, static files
  const api = await request.get("/api/scans/1");
  expect(api.status()).toBe(401);
  // a request that names no language is answered in German, the portal's default
  expect(await api.json()).toEqual({ error: "Bitte zuerst anmelden." });
  const css = /href="(\/_next\/static\/[^"]+\.css)"/.exec(html)![1];
  for (const res of [api, await request.get(css), await request.get("/no/such/page")]) {
    expect(res.headers()["x-content-type-options"]).toBe("nosniff");
    expect(res.headers()["referrer-policy"]).toBe("same-origin");
  }
  // framed by another site: the browser refuses
  await page.setContent(`<iframe id="f" src="${new URL("/sign-in", first.url()).href}"></iframe>`);
  await page.waitForTimeout(1000);
  const framed = page.frames().find((f) => f.url().includes("/sign-in"));
  expect(framed ? await framed.locator("input[name=username]").count() : 0).toBe(0);
});

test("real statuses: 404 for what does not exist, 403 for what is not allowed, 401 before any lookup", async ({ page, request }) => {
  expect((await request.get("/api/scans/999999")).status()).toBe(401);
  expect((await request.get("/api/exams/999999/documents?kind=attendance")).status()).toBe(401);
  expect((await request.get("/api/terms/999999/roster")).status()).toBe(401);
  expect((await request.get("/no/such/page")).status()).toBe(404);
  const pageStatus = async (url: string) => (await page.goto(url))!.status();
  await signIn(page, "admin");
  for (const url of ["/courses/999999", "/exams/999999", `/courses/${query<{ id: number }>("select id from courses limit 1")[0].id}/terms/999999`]) {
    expect(await pageStatus(url), url).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    // inside the portal, beside its navigation: one main landmark, the portal's
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    await expect(page.getByRole("main")).toHaveCount(1);
  }
  expect(await pageStatus("/no/such/page")).toBe(404);
  await expect(page.getByRole("main")).toHaveCount(1);
  expect((await page.request.get("/api/scans/999999")).status()).toBe(404);
  await page.goto("/");
  await signOut(page);
  await signIn(page, "gustav");
  const datasci = query<{ id: number }>("select id from courses where code = 'datasci'")[0].id;
  for (const url of ["/staff", "/audit", `/courses/${datasci}`]) {
    expect(await pageStatus(url), url).toBe(403);
    await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
    await expect(page.getByRole("main")).toHaveCount(1);
  }
  // an exam that does not exist (a deleted draft) is not found for someone whose rights are per course, too
  expect(await pageStatus("/exams/999999")).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

test("sign-in is paused after repeated failures, with a clear message and a countdown", async ({ page }) => {
  await page.goto("/sign-in");
  await shot(page, "sign-in");
  const attempt = async (password: string) => {
    await page.getByLabel("Username").fill("mallory");
    await page.getByLabel("Password").fill(password);
    const answered = page.waitForResponse((r) => r.request().method() === "POST" && r.url().includes("/sign-in"));
    await page.getByRole("button", { name: "Sign in" }).click();
    await answered;
    // React resets the form after the action: wait for it before typing again
    await expect(page.getByLabel("Password")).toHaveValue("");
  };
  for (let i = 0; i < 5; i++) {
    await attempt(`guess-${i}`);
    await expect(page.locator("form [role=alert]")).toHaveText("Wrong username or password.");
  }
  await attempt("guess-6");
  await expect(page.locator("form [role=alert]")).toContainText("Too many failed sign-ins. For your protection, sign-in is paused: try again in");
  await expect(page.getByRole("button", { name: /Sign in \(wait \d+ s\)/ })).toBeDisabled();
  await shot(page, "sign-in-throttled");
  // one audit entry counts them (with other tests' refusals from this address); the typed username is not stored
  const rows = query<{ summary: string; entity_id: string | null }>("select summary, entity_id from audit_log where action = 'auth.sign-in-failed' and actor_name = 'unknown'");
  expect(rows.length).toBe(1);
  const summary = /^\d+ failed sign-ins from 127\.0\.0\.1 for names without a local account \((?:.*, )?unknown account (\d+)(?:, .*)?\)$/.exec(rows[0].summary);
  expect(summary, rows[0].summary).not.toBeNull();
  // the five wrong guesses before the pause, at least
  expect(Number(summary![1])).toBeGreaterThanOrEqual(5);
  expect(JSON.stringify(query("select * from audit_log"))).not.toContain("mallory");
});

test("a copied session cookie dies at sign-out; a role change ends the session; /api/auth/session cannot revive it", async ({ page, browser }) => {
  // rolf: a grader whose role the admin changes
  const rw = new Database(DB_FILE);
  if (!query("select id from users where username = 'rolf'").length) {
    rw.prepare("insert into users (username, display_name, role, source, password_hash) values ('rolf', 'Rolf Rolle', 'grader', 'local', ?)").run(await hashPassword(PASSWORD));
  }
  rw.close();

  await signIn(page, "irene");
  const copy = await browser.newContext();
  await copy.addCookies(await page.context().cookies());
  const thief = await copy.newPage();
  await thief.goto("/courses");
  await expect(thief.getByTestId("current-user")).toHaveText("Irene Instruktorin");
  const session = await thief.request.get("/api/auth/session");
  expect((await session.json()).user.username).toBe("irene");
  await signOut(page);
  await thief.goto("/courses");
  await expect(thief).toHaveURL(/\/sign-in\?expired=1/);
  // renewing through the session endpoint gives nothing back
  await thief.request.get("/api/auth/session");
  await thief.goto("/courses");
  await expect(thief).toHaveURL(/\/sign-in/);
  expect((await thief.request.get(`/api/terms/${query<{ id: number }>("select id from terms limit 1")[0].id}/roster`)).status()).toBe(401);
  await copy.close();

  const other = await browser.newContext();
  const rolf = await other.newPage();
  await signIn(rolf, "rolf");
  await signIn(page, "admin");
  await page.goto("/staff");
  await page.getByRole("button", { name: "Edit rolf" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit rolf" });
  await dialog.getByLabel("Role").selectOption("supervisor");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect.poll(() => query<{ role: string; session_version: number }>("select role, session_version from users where username = 'rolf'")[0]).toEqual({ role: "supervisor", session_version: 1 });
  await rolf.goto("/courses");
  await expect(rolf).toHaveURL(/\/sign-in\?expired=1/);
  await other.close();
});

test("the database and its folder are readable by the portal's user only", async () => {
  const dir = path.dirname(DB_FILE);
  expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
  for (const f of [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`]) if (fs.existsSync(f)) expect(fs.statSync(f).mode & 0o777, f).toBe(0o600);
  const creds = path.join(dir, "first-start-credentials.txt");
  expect(fs.statSync(creds).mode & 0o777).toBe(0o600);
});
