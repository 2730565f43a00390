import Database from "better-sqlite3";
import { expect, test, type Page } from "@playwright/test";
import { DB_FILE, PASSWORD, query, shot } from "./helpers";

// The push preview in plain words, on the export target: a roster change shows per course term
// what changes, the Kubernetes objects are folded beneath, and cleaning up (which would delete the
// replaced profile data) is not ticked in advance.

const LABELS = {
  de: { username: "Benutzername", password: "Passwort", submit: "Anmelden", preview: "Änderungen ansehen", apply: "Übernehmen …", applyNow: "Jetzt übernehmen", ok: "Erfolgreich", prune: /aufräumen/, force: /Prüfungs-Hub während der geöffneten Prüfung neu starten/ },
  en: { username: "Username", password: "Password", submit: "Sign in", preview: "Preview changes", apply: "Apply…", applyNow: "Apply now", ok: "Succeeded", prune: /clean up|prune/i, force: /Restart the exam hub during the open exam/ },
};

async function signInAs(page: Page, lang: "de" | "en") {
  const l = LABELS[lang];
  await page.goto("/sign-in");
  await page.getByLabel(l.username).fill("admin");
  await page.getByLabel(l.password).fill(PASSWORD);
  await page.getByRole("button", { name: l.submit }).click();
  await expect(page).not.toHaveURL(/sign-in/);
}

async function preview(page: Page, lang: "de" | "en") {
  await page.goto("/cluster/push");
  await page.getByRole("button", { name: LABELS[lang].preview }).click();
  await expect(page.getByTestId("push-preview")).toBeVisible({ timeout: 30_000 });
}

/** Pushes whatever is pending (with cleaning up), so the next preview shows only the test's change. */
async function pushAll(page: Page) {
  const l = LABELS.de;
  await preview(page, "de");
  const force = page.getByLabel(l.force);
  if (await force.count()) await force.check();
  const prune = page.getByRole("checkbox", { name: l.prune });
  if ((await prune.count()) && !(await prune.isChecked())) await prune.check();
  const apply = page.getByRole("button", { name: l.apply });
  if (await apply.isDisabled()) return;
  await apply.click();
  await page.getByRole("dialog").getByRole("button", { name: /^(Jetzt übernehmen|Anwenden und den Prüfungs-Hub neu starten)$/ }).click();
  await expect(page.getByTestId("push-result")).toContainText(l.ok, { timeout: 30_000 });
  // the per-object results in German words too, not the cluster's
  await expect(page.getByTestId("push-result")).toContainText(/\d+ (angelegt|geändert|gelöscht|unverändert)/);
  await expect(page.getByTestId("push-result")).not.toContainText(/\b(created|configured|pruned|unchanged|skipped)\b/);
}

function addStudents(code: string, term: string, names: string[]) {
  const termId = query<{ id: number }>("select t.id from terms t join courses c on c.id = t.course_id where c.code = ? and t.term = ?", code, term)[0].id;
  const db = new Database(DB_FILE, { fileMustExist: true });
  try {
    const ins = db.prepare("insert into students (term_id, username) values (?, ?)");
    db.transaction(() => names.forEach((n) => ins.run(termId, n)))();
  } finally {
    db.close();
  }
}

test.describe("German", () => {
  test.use({ locale: "de-DE" });

  test("a roster change reads as a German sentence for its term; cleaning up is not ticked when it would delete, and says what", async ({ page }) => {
    await signInAs(page, "de");
    await pushAll(page);
    addStudents("mathe1", "WS25", ["pw-neu1", "pw-neu2", "pw-neu3"]);

    await preview(page, "de");
    const words = page.getByTestId("push-words");
    await expect(words.getByRole("heading", { name: "Was sich ändert" })).toBeVisible();
    const term = words.locator('[data-testid="term-change"][data-term="mathe1 WS25"]');
    await expect(term).toHaveText("mathe1 WS25 (Mathematik für Informatiker 1): 3 Studierende hinzugefügt auf dem Übungs-Hub; Korrektur-Hub unverändert");
    await expect(words.getByTestId("term-change")).toHaveCount(1);

    // the Kubernetes objects are folded beneath, and open from the keyboard
    const objects = page.getByTestId("plan-objects");
    await expect(objects.getByTestId("plan-list")).toBeHidden();
    await objects.locator(":scope > summary").focus();
    await page.keyboard.press("Enter");
    await expect(objects.getByTestId("plan-list")).toBeVisible();
    await expect(objects.locator('[data-testid="plan-item"][data-action="prune"]')).not.toHaveCount(0);

    // cleaning up would delete the replaced part of the profile data: not ticked in advance
    const prune = page.getByRole("checkbox", { name: LABELS.de.prune });
    await expect(prune).not.toBeChecked();
    await expect(page.getByText("Aufräumen ist nicht vorausgewählt, weil es löschen würde.", { exact: false })).toBeVisible();
    await expect(page.getByTestId("prune-deletes")).toHaveCount(0);
    await shot(page, "push-words-de");
    await prune.check();
    await expect(page.getByTestId("prune-deletes")).toContainText("Beim Aufräumen würde gelöscht:");
    await expect(page.getByTestId("prune-deletes")).toContainText(/1 ersetzter Teil der Profildaten des Übungs-Hubs \(die Hubs lesen sie nicht mehr\)/);
    await shot(page, "push-words-de-prune");
  });

  test("at 390 px the summary stacks and nothing scrolls sideways", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await signInAs(page, "de");
    await preview(page, "de");
    await expect(page.getByTestId("push-words")).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, "push-words-de-390");
  });
});

test.describe("English", () => {
  test("the same preview in English, desktop and 390 px", async ({ page }) => {
    await signInAs(page, "en");
    await preview(page, "en");
    await expect(page.getByTestId("push-words").locator('[data-term="mathe1 WS25"]')).toContainText("3 students added on the assignment hub; grading hub unchanged");
    await shot(page, "push-words-en");
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.getByTestId("push-words")).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, "push-words-en-390");
  });
});
