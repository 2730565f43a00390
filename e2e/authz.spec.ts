import { expect, test } from "@playwright/test";
import { query, signIn, signOut } from "./helpers";

test("a grader cannot open another course, admin pages, or edit a roster", async ({ page }) => {
  await signIn(page, "gustav");
  const datasci = query<{ id: number }>("select id from courses where code = 'datasci'")[0].id;
  await page.goto(`/courses/${datasci}`);
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  for (const p of ["/staff", "/audit", "/courses/new"]) {
    await page.goto(p);
    await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  }
  // the own course is visible, read-only
  await page.goto("/courses");
  await expect(page.getByRole("link", { name: "datasci" })).toHaveCount(0);
  await page.getByRole("link", { name: "mathe1" }).click();
  await page.getByRole("link", { name: "WS25" }).click();
  await page.getByRole("link", { name: /Roster/ }).click();
  await expect(page.getByRole("heading", { name: "Import a CSV" })).toHaveCount(0);
  const res = await page.request.get(`/api/terms/${query<{ id: number }>("select t.id from terms t join courses c on c.id=t.course_id where c.code='datasci'")[0].id}/roster?format=e2x`);
  expect(res.status()).toBe(403);
});

test("calling the add-student server action directly as a grader is refused and writes nothing", async ({ page, browser }) => {
  // Capture the real server-action request an instructor's browser sends.
  await signIn(page, "irene");
  const term = query<{ id: number; course_id: number }>("select t.id, t.course_id from terms t join courses c on c.id=t.course_id where c.code='mathe1' and t.term='WS25'")[0];
  await page.goto(`/courses/${term.course_id}/terms/${term.id}/roster`);
  const requestPromise = page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]);
  await page.getByLabel("Username").fill("instr-added1s");
  await page.getByRole("button", { name: "Add student" }).click();
  const captured = await requestPromise;
  await expect(page.getByText("Added instr-added1s.")).toBeVisible();
  await signOut(page);

  // Replay it as the grader of the same course, with another username.
  const grader = await browser.newContext();
  const gpage = await grader.newPage();
  await signIn(gpage, "gustav");
  const body = captured.postDataBuffer()!.toString("latin1").replaceAll("instr-added1s", "evil-added1s");
  const headers = Object.fromEntries(Object.entries(captured.headers()).filter(([k]) => ["next-action", "next-router-state-tree", "content-type", "accept"].includes(k)));
  const res = await gpage.request.post(captured.url(), { headers, data: Buffer.from(body, "latin1") });
  const text = await res.text();
  expect(text).toContain("You are not allowed to do this.");
  expect(query("select id from students where username = 'evil-added1s'")).toHaveLength(0);
  expect(query("select id from students where username = 'instr-added1s'")).toHaveLength(1);
  const denied = query<{ actor_name: string; entity_id: string }>("select actor_name, entity_id from audit_log where action = 'auth.denied' order by id desc limit 1")[0];
  expect(denied).toEqual({ actor_name: "gustav", entity_id: "roster.edit" });
  await grader.close();
});
