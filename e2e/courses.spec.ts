import { expect, test } from "@playwright/test";
import { query, shot, signIn } from "./helpers";

test("an instructor creates a course and a term; bad input is explained and changes nothing", async ({ page }) => {
  await signIn(page, "irene");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Courses" }).click();
  await shot(page, "courses");
  await page.getByRole("link", { name: "New course" }).first().click();

  // a duplicate code is refused next to the field
  await page.getByLabel("Code").fill("mathe1");
  await page.getByLabel("Title").fill("Another maths");
  await page.getByRole("button", { name: "Create course" }).click();
  await expect(page.locator("#code-error")).toContainText("is taken");
  await expect(page.getByLabel("Title")).toHaveValue("Another maths");
  await shot(page, "course-new-error");
  expect(query("select id from courses where title = 'Another maths'")).toHaveLength(0);

  await page.getByLabel("Code").fill("algo2");
  await page.getByLabel("Title").fill("Algorithmen 2");
  await page.getByLabel("Description").fill("Graphs, flows and dynamic programming.");
  await page.getByRole("button", { name: "Create course" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("algo2");
  await page.getByRole("link", { name: "Add the first term" }).click();

  // bad quantities and a guarantee above its limit
  await page.getByLabel("Term", { exact: true }).fill("WS26");
  await page.getByLabel("CPU guarantee").fill("2");
  await page.getByLabel("CPU limit").fill("1");
  await page.getByLabel("Memory guarantee").fill("2 buckets");
  await page.getByRole("button", { name: "Create term" }).click();
  await expect(page.locator("#cpuGuarantee-error")).toContainText("above its limit");
  await expect(page.locator("#memGuarantee-error")).toContainText('"2 buckets" is not a memory amount');
  await shot(page, "term-new-error");
  expect(query("select t.id from terms t join courses c on c.id = t.course_id where c.code = 'algo2'")).toHaveLength(0);

  await page.getByLabel("CPU guarantee").fill("1");
  await page.getByLabel("Memory guarantee").fill("1Gi");
  await page.getByRole("button", { name: "Create term" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("algo2 · WS26");
  await shot(page, "term");
  const terms = query<{ term: string; cpu_guarantee: string; mem_guarantee: string; hubs: string }>(
    "select t.term, t.cpu_guarantee, t.mem_guarantee, t.hubs from terms t join courses c on c.id = t.course_id where c.code = 'algo2'",
  );
  expect(terms).toEqual([{ term: "WS26", cpu_guarantee: "1", mem_guarantee: "1Gi", hubs: expect.any(String) }]);
  const audit = query<{ action: string }>("select action from audit_log where actor_name = 'irene' and action in ('course.create','term.create') order by id");
  expect(audit.map((a) => a.action)).toEqual(["course.create", "term.create"]);
});
