import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { openRoster, PASSWORD, query, shot, signIn } from "./helpers";

/** The first student of mathe1 WS25: the demo exchange holds a submission of theirs. */
function demoStudent() {
  return query<{ username: string; firstName: string; lastName: string; matrikel: string }>(
    "select s.username, s.first_name firstName, s.last_name lastName, s.matrikel from students s join terms t on t.id = s.term_id join courses c on c.id = t.course_id where c.code = 'mathe1' and t.term = 'WS25' order by s.id limit 1",
  )[0];
}

function termIds(code: string, term: string) {
  return query<{ courseId: number; termId: number }>("select c.id courseId, t.id termId from courses c join terms t on t.course_id = c.id where c.code = ? and t.term = ?", code, term)[0];
}

/** German spelling folded as people type without umlauts: Müller -> muller, mueller. */
const plain = (s: string) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
const transcribed = (s: string) => s.replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue").replace(/ß/g, "ss");

/** The exchange of mathe1 WS25 scanned once (the grading spec does it when it runs first). */
async function scannedExchange(browser: Browser) {
  if (query<{ n: number }>("select count(*) n from submissions")[0].n > 0) return;
  const ctx = await browser.newContext({ locale: "en-GB", baseURL: test.info().project.use.baseURL });
  const page = await ctx.newPage();
  await signIn(page, "gustav");
  const { courseId, termId } = termIds("mathe1", "WS25");
  await page.goto(`/courses/${courseId}/terms/${termId}/grading`);
  await page.getByRole("button", { name: "Scan exchange" }).click();
  await expect(page.getByTestId("scan-status")).toHaveText("completed", { timeout: 60_000 });
  await ctx.close();
}

async function axe(page: Page, where: string) {
  const res = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = res.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${where}: ${v.id} (${v.impact}) ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  expect(bad).toEqual([]);
}

/** Signs in through the sign-in page in German. */
async function signInGerman(page: Page, username: string) {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);
  await page.getByLabel("Benutzername").fill(username);
  await page.getByLabel("Passwort").fill(PASSWORD);
  await page.getByRole("button", { name: "Anmelden" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Hallo");
}

/** Types into the navigation's search box and sends it with Enter. */
async function searchFromNav(page: Page, name: string, q: string) {
  const box = page.getByRole("search", { name }).getByRole("searchbox");
  await box.fill(q);
  await box.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/students\\?q=${encodeURIComponent(q).replace(/%20/g, "\\+")}$`));
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  await scannedExchange(browser);
});

test.describe("German", () => {
  test.use({ locale: "de-DE" });

  test("a lecturer finds a student from the navigation however the umlaut is typed and opens their page: terms, hubs, profiles, submissions", async ({ page }) => {
    test.setTimeout(120_000);
    const s = demoStudent();
    expect(s.lastName).toMatch(/[äöüß]/i);
    await signInGerman(page, "irene");

    // keyboard: the search box is the next stop after the skip link
    await page.goto("/");
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "Zum Inhalt springen" })).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(page.getByRole("search", { name: "Studierende finden" }).getByRole("searchbox")).toBeFocused();

    for (const q of [`${s.firstName} ${plain(s.lastName)}`, `${s.firstName} ${transcribed(s.lastName)}`, `${s.firstName} ${s.lastName}`]) {
      await searchFromNav(page, "Studierende finden", q);
      await expect(page.getByRole("link", { name: s.username, exact: true })).toBeVisible();
    }
    await searchFromNav(page, "Studierende finden", s.matrikel);
    await expect(page.getByRole("heading", { name: `1 Person passt zu „${s.matrikel}“` })).toBeVisible();
    await expect(page.getByRole("row")).toHaveCount(2);
    await searchFromNav(page, "Studierende finden", transcribed(s.lastName));
    await expect(page.getByRole("heading", { level: 2 })).toContainText(`passen zu „${transcribed(s.lastName)}“`);
    await axe(page, "search results (de)");
    await shot(page, "students-search-de");

    // paging: every demo student of mathe1 and datasci is Irene's
    await searchFromNav(page, "Studierende finden", "s");
    await expect(page.getByRole("navigation", { name: "Seiten" })).toContainText("Seite 1 von");
    await page.getByRole("link", { name: "Weiter →" }).click();
    await expect(page).toHaveURL(/page=2/);
    await expect(page.getByRole("navigation", { name: "Seiten" })).toContainText("Seite 2 von");

    await searchFromNav(page, "Studierende finden", `${s.firstName} ${plain(s.lastName)}`);
    await page.getByRole("link", { name: s.username, exact: true }).click();
    await expect(page).toHaveURL(`/students/${s.username}`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${s.firstName} ${s.lastName}`);
    await expect(page.getByTestId("student-username")).toHaveText(s.username);
    const terms = page.locator("section").filter({ has: page.getByRole("heading", { name: "Semester und Rollen" }) });
    await expect(terms.getByRole("row").filter({ hasText: "mathe1" })).toContainText("Übungs-Hub und Korrektur-Hub");
    // the profiles the assignment hub offers, as the push renders them
    const hub = page.getByTestId("hub-profiles-assignment");
    await expect(hub.getByRole("heading", { name: "Übungs-Hub" })).toBeVisible();
    await expect(hub.getByTestId("profile-name").first()).toHaveText("Mathematik für Informatiker 1 (Student)");
    await expect(hub.locator('[data-key="mathe1+student+mathe1-WS25"]')).toContainText("WS25");
    await expect(hub.locator('[data-key="mathe1+student+mathe1-WS25"]')).toContainText("0,5 Kerne garantiert, bis 1 Kern");
    // a student gets no profile on the grading hub
    await expect(page.getByTestId("hub-profiles-grading")).toHaveCount(0);
    const subs = page.getByTestId("student-submissions");
    await expect(subs.getByRole("link", { name: "Abgabe week1 öffnen" }).first()).toBeVisible();
    await expect(subs).toContainText("bestätigt");
    await axe(page, "student page (de)");
    await shot(page, "students-page-de");

    // a submission opens from there
    await subs.getByRole("link", { name: "Abgabe week1 öffnen" }).first().click();
    await expect(page).toHaveURL(/\/grading\/submissions\/\d+$/);

    // nobody: the empty state
    await searchFromNav(page, "Studierende finden", "zzqx");
    await expect(page.getByRole("heading", { name: "Niemand gefunden" })).toBeVisible();
    await axe(page, "search, no match (de)");
    await shot(page, "students-search-none-de");
  });

  test("on a phone (390 px) the search sits in the top bar and the student page does not scroll sideways", async ({ page }) => {
    test.setTimeout(90_000);
    await page.setViewportSize({ width: 390, height: 844 });
    const s = demoStudent();
    await page.goto("/sign-in");
    await page.getByLabel("Benutzername").fill("irene");
    await page.getByLabel("Passwort").fill(PASSWORD);
    await page.getByRole("button", { name: "Anmelden" }).click();
    await expect(page.getByTestId("current-user")).toBeHidden();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Hallo");
    await searchFromNav(page, "Studierende finden", s.matrikel);
    await shot(page, "students-search-de-390");
    await page.getByRole("link", { name: s.username, exact: true }).click();
    await expect(page.getByTestId("hub-profiles-assignment")).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await axe(page, "student page (de, 390 px)");
    await shot(page, "students-page-de-390");
  });
});

test.describe("English", () => {
  test("the search and the student page in English, desktop and phone", async ({ page }) => {
    test.setTimeout(90_000);
    const s = demoStudent();
    await signIn(page, "irene");
    await searchFromNav(page, "Find a student", transcribed(s.lastName));
    await expect(page.getByRole("heading", { level: 2 })).toContainText(`match “${transcribed(s.lastName)}”`);
    await axe(page, "search results (en)");
    await shot(page, "students-search-en");
    await page.goto(`/students/${s.username}`);
    await expect(page.getByRole("heading", { name: "Hubs and profiles" })).toBeVisible();
    await expect(page.getByTestId("hub-profiles-assignment")).toContainText("0.5 cores guaranteed, up to 1 core");
    await expect(page.getByTestId("student-submissions")).toContainText("verified");
    await axe(page, "student page (en)");
    await shot(page, "students-page-en");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, "students-page-en-390");
    await searchFromNav(page, "Find a student", "zzqx");
    await expect(page.getByRole("heading", { name: "No one found" })).toBeVisible();
    await shot(page, "students-search-none-en-390");
  });

  test("roster usernames lead to the page; a grader of one course does not find another course's student", async ({ page }) => {
    const other = query<{ username: string }>(
      "select s.username from students s join terms t on t.id = s.term_id join courses c on c.id = t.course_id where c.code = 'progbio' and s.username not in (select s2.username from students s2 join terms t2 on t2.id = s2.term_id join courses c2 on c2.id = t2.course_id where c2.code = 'mathe1') order by s.id limit 1",
    )[0].username;
    await signIn(page, "gustav");
    await openRoster(page, "mathe1", "WS25");
    const s = demoStudent();
    await page.getByRole("link", { name: s.username, exact: true }).click();
    await expect(page).toHaveURL(`/students/${s.username}`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${s.firstName} ${s.lastName}`);

    await searchFromNav(page, "Find a student", other);
    await expect(page.getByRole("heading", { name: "No one found" })).toBeVisible();
    const res = await page.goto(`/students/${other}`);
    expect(res?.status()).toBe(404);
  });
});
