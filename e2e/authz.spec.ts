import { expect, test } from "@playwright/test";
import { addRoom, createExam } from "./exam-helpers";
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
  const headers = Object.fromEntries(Object.entries(captured.headers()).filter(([k]) => ["next-action", "next-router-state-tree", "content-type", "accept", "accept-language"].includes(k)));
  const res = await gpage.request.post(captured.url(), { headers, data: Buffer.from(body, "latin1") });
  const text = await res.text();
  expect(text).toContain("You are not allowed to do this.");
  expect(query("select id from students where username = 'evil-added1s'")).toHaveLength(0);
  expect(query("select id from students where username = 'instr-added1s'")).toHaveLength(1);
  const denied = query<{ actor_name: string; entity_id: string }>("select actor_name, entity_id from audit_log where action = 'auth.denied' order by id desc limit 1")[0];
  expect(denied).toEqual({ actor_name: "gustav", entity_id: "roster.edit" });
  await grader.close();
});

test("supervisors see only their exams: another supervisor is refused on pages, routes and a replayed action", async ({ page, browser }) => {
  test.setTimeout(120_000);
  // an exam on mathe1 SS26, whose term supervisor is susanne
  await signIn(page, "irene");
  const examId = await createExam(page, { course: "mathe1", term: "SS26", title: "Nachklausur", period: "PZ2", date: "2030-09-15", start: "13:00", end: "14:00" });
  await addRoom(page, examId, { name: "H-0300", seats: "70", cidrs: "10.20.5.0/24" });
  await page.goto(`/exams/${examId}/participants`);
  await page.getByRole("button", { name: /Add the whole roster/ }).click();
  await expect(page.getByText("Added 60 participants.")).toBeVisible();
  await signOut(page);

  // susanne seats one student by hand; the request is captured
  await signIn(page, "susanne");
  const courseId = query<{ id: number }>("select id from courses where code = 'mathe1'")[0].id;
  const ss26 = query<{ id: number }>("select t.id from terms t where t.course_id = ? and t.term = 'SS26'", courseId)[0].id;
  // the course-wide grant is gone: no roster, no course page
  for (const p of [`/courses/${courseId}/terms/${ss26}/roster`, `/courses/${courseId}`]) {
    await page.goto(p);
    await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  }
  expect((await page.request.get(`/api/terms/${ss26}/roster?format=e2x`)).status()).toBe(403);
  await page.goto(`/exams/${examId}/seating?room=unseated`);
  const target = query<{ id: number; username: string }>("select id, username from exam_participants where exam_id = ? order by id limit 1", examId)[0];
  const requestPromise = page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]);
  await page.locator(`#room-${target.id}`).selectOption({ label: "H-0300" });
  await page.locator(`#seat-${target.id}`).fill("70");
  await page.locator(`#seat-${target.id}`).press("Enter");
  const captured = await requestPromise;
  await expect.poll(() => query<{ seat: number }>("select seat from exam_participants where id = ?", target.id)[0].seat).toBe(70);
  await signOut(page);

  // sam (LDAP supervisor, not on this exam) and gustav (grader of mathe1)
  const other = await browser.newContext();
  const op = await other.newPage();
  await signIn(op, "sam", "sam-pw-1");
  await op.goto("/exams");
  await expect(op.getByText("You are not assigned to any exam.")).toBeVisible();
  for (const p of ["", "/rooms", "/participants", "/seating", "/sheets"]) {
    await op.goto(`/exams/${examId}${p}`);
    await expect(op.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  }
  expect((await op.request.get(`/api/exams/${examId}/documents?kind=attendance`)).status()).toBe(403);
  const base = new URL(op.url()).origin;
  const print = await op.request.post(`/api/exams/${examId}/sheets`, { multipart: { scope: "all", revision: "0" }, headers: { origin: base } });
  expect(print.status()).toBe(403);
  expect(query("select id from exam_participants where exam_id = ? and password_hash is not null", examId)).toHaveLength(0);
  // the replayed seat action, moved to another seat
  const body = captured.postDataBuffer()!.toString("latin1").replace(/(name="(?:_\d+_)?seat"\r\n\r\n)70/, "$169");
  expect(body).toMatch(/seat"\r\n\r\n69\r\n/);
  const headers = Object.fromEntries(Object.entries(captured.headers()).filter(([k]) => ["next-action", "next-router-state-tree", "content-type", "accept", "accept-language"].includes(k)));
  const res = await op.request.post(captured.url(), { headers, data: Buffer.from(body, "latin1") });
  expect(await res.text()).toContain("You are not allowed to do this.");
  expect(query<{ seat: number }>("select seat from exam_participants where id = ?", target.id)[0].seat).toBe(70);
  const denied = query<{ actor_name: string; entity_id: string }>("select actor_name, entity_id from audit_log where action = 'auth.denied' order by id desc limit 1")[0];
  expect(denied).toEqual({ actor_name: "sam", entity_id: "exam.seat" });
  await other.close();

  const grader = await browser.newContext();
  const gp = await grader.newPage();
  await signIn(gp, "gustav");
  await gp.goto(`/exams/${examId}`);
  await expect(gp.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  await grader.close();
});
