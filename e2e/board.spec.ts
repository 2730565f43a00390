/**
 * The room board as supervisors use it, on the portal's own server (no exam hub: every seat is
 * "not signed in" and the board says the hub is not connected): a seat's actions open beside the
 * board with the focus, the projector view shows the room nothing private, the printed board has
 * every seat. The actions themselves, on a real hub, are in exam-day.spec.ts.
 *
 * A draft exam of its own (datasci WS25, two rooms, the whole roster, 30 minutes' extra time for
 * one student), deleted again at the end.
 */
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { addRoom, confirm, createExam, deleteTestExam, pdfText } from "./exam-helpers";
import { PASSWORD, query, shot, SHOTS, signIn } from "./helpers";

/** What the screen shows now (a panel over the board is fixed to the window, not to the page). */
const seen = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

test.describe.configure({ mode: "serial" });

let examId = 0;
let extra: { username: string; name: string };
let other: { username: string; name: string };

const tile = (page: Page, username: string) => page.getByTestId(`seat-${username}`);

/** axe's serious and critical findings (WCAG 2.1 A/AA) on what the page shows now. */
async function axeFindings(page: Page): Promise<string[]> {
  const res = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return res.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`);
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  const ctx = await browser.newContext({ locale: "en-GB", baseURL: test.info().project.use.baseURL });
  const page = await ctx.newPage();
  await signIn(page, "irene");
  examId = await createExam(page, { course: "datasci", term: "WS25", title: "Klausur Datenanalyse (Raumübersicht)", period: "PZ7", date: "2031-03-03", start: "09:00", end: "11:00", grace: "5" });
  await addRoom(page, examId, { name: "B-0101", seats: "40", blocked: "7", cidrs: "10.51.1.0/24" });
  await expect(page.getByTestId("room-B-0101")).toBeVisible();
  await addRoom(page, examId, { name: "B-0102", seats: "40", cidrs: "10.51.2.0/24" });
  await expect(page.getByTestId("room-B-0102")).toBeVisible();
  await page.goto(`/exams/${examId}/participants`);
  await page.getByRole("button", { name: /Add the whole roster \(\d+\)/ }).click();
  await expect(page.getByText(/Added \d+ participants\./)).toBeVisible();
  const people = query<{ id: number; username: string; first_name: string; last_name: string }>("select id, username, first_name, last_name from exam_participants where exam_id = ? and kind = 'student' order by username", examId);
  extra = { username: people[0].username, name: `${people[0].first_name} ${people[0].last_name}` };
  other = { username: people[1].username, name: `${people[1].first_name} ${people[1].last_name}` };
  await page.getByLabel(`Extra minutes for ${extra.username}`).fill("30");
  await page.getByLabel(`Extra minutes for ${extra.username}`).press("Enter");
  await expect.poll(() => query<{ m: number }>("select extra_minutes m from exam_participants where id = ?", people[0].id)[0].m).toBe(30);
  await page.goto(`/exams/${examId}/seating`);
  await confirm(page, "Seat automatically", "Seat automatically");
  await expect(page.getByText(/Seated \d+ participants/)).toBeVisible();
  await ctx.close();
});

test.afterAll(async ({ browser }) => deleteTestExam(browser, test.info().project.use.baseURL, examId));

/** Signed in (at the desktop width the sign-in helper reads), then the board at the given width. */
async function openBoard(page: Page, viewport = { width: 1280, height: 800 }) {
  await signIn(page, "irene");
  await page.setViewportSize(viewport);
  await page.goto(`/exams/${examId}/board`);
  await expect(tile(page, extra.username)).toHaveAttribute("data-state", "not-signed-in");
}

for (const device of [
  { name: "desktop", viewport: { width: 1280, height: 800 } },
  { name: "phone", viewport: { width: 390, height: 844 } },
]) {
  test(`${device.name}: a click on a seat opens its actions over the board, with the focus; Escape and Close give it back to the seat`, async ({ page }) => {
    await openBoard(page, device.viewport);
    // a seat far down the board: its actions still open where the supervisor looks
    const far = query<{ username: string }>("select username from exam_participants where exam_id = ? and kind = 'student' order by room_id desc, seat desc limit 1", examId)[0].username;
    await tile(page, far).getByRole("button").click();
    const panel = page.getByRole("dialog", { name: `Actions for ${far}` });
    await expect(panel).toBeVisible();
    await expect(panel).toBeInViewport({ ratio: 0.9 });
    await expect(panel.getByRole("button", { name: "Close" })).toBeFocused();
    // the exam is a draft: the panel says why it has no actions yet
    await expect(panel.getByTestId("seat-actions-why")).toHaveText("The exam is not open yet: seat actions are available once it is open.");
    await seen(page, `board-seat-actions-${device.name}`);
    expect(await axeFindings(page)).toEqual([]);
    await page.keyboard.press("Escape");
    await expect(panel).toBeHidden();
    await expect(tile(page, far).getByRole("button")).toBeFocused();

    // from the keyboard: Enter on a seat opens it, Close returns to the seat
    await tile(page, extra.username).getByRole("button").focus();
    await page.keyboard.press("Enter");
    const mine = page.getByRole("dialog", { name: `Actions for ${extra.username}` });
    await expect(mine).toContainText(extra.name);
    await expect(mine).toContainText("(30 min extra time)");
    await expect(mine.getByRole("button", { name: "Close" })).toBeFocused();
    await seen(page, `board-seat-actions-${device.name}-keyboard`);
    await mine.getByRole("button", { name: "Close" }).click();
    await expect(mine).toBeHidden();
    await expect(tile(page, extra.username).getByRole("button")).toBeFocused();
  });
}

test("projector view: no names, no extra time, no selection, nothing to click; one room from the address", async ({ page }) => {
  await openBoard(page);
  const board = page.getByTestId("room-board");
  // the supervisors' board shows who sits where, with their extra time
  await expect(tile(page, extra.username)).toContainText(extra.name);
  await expect(tile(page, extra.username)).toContainText("+30 min");
  await tile(page, other.username).getByRole("button").click();
  await page.keyboard.press("Escape");

  await page.getByRole("button", { name: "Projector view" }).click();
  await expect(board).toHaveAttribute("data-view", "projector");
  await expect(page).toHaveURL(/[?&]view=projector/);
  await expect(tile(page, extra.username)).toContainText(extra.username);
  await expect(board).not.toContainText("+30 min");
  await expect(board).not.toContainText("extra time");
  await expect(board).not.toContainText(extra.name);
  await expect(board).not.toContainText(other.name);
  // no seat is a button (so none shows as chosen), and no panel opens
  await expect(board.locator('[data-testid^="seat-"] button')).toHaveCount(0);
  await expect(page.getByTestId("seat-actions")).toHaveCount(0);
  await seen(page, "board-projector");
  expect(await axeFindings(page)).toEqual([]);

  // one room for the projector in that room, kept in the address (a reload stays there)
  await page.getByRole("group", { name: "Show rooms" }).getByRole("button", { name: "B-0102", exact: true }).click();
  await expect(page).toHaveURL(/[?&]room=B-0102/);
  await expect(page.getByTestId("board-room-B-0102")).toBeVisible();
  await expect(page.getByTestId("board-room-B-0101")).toHaveCount(0);
  await page.reload();
  await expect(board).toHaveAttribute("data-view", "projector");
  await expect(page.getByTestId("board-room-B-0102")).toBeVisible();
  await expect(page.getByTestId("board-room-B-0101")).toHaveCount(0);
  await expect(page.getByRole("heading", { level: 1, name: /B-0102/ })).toBeVisible();
  await seen(page, "board-projector-one-room");
  // Escape leaves the projector view, the room stays chosen
  await page.keyboard.press("Escape");
  await expect(board).toHaveAttribute("data-view", "board");
  await expect(page).not.toHaveURL(/view=projector/);
  await expect(page.getByTestId("board-room-B-0101")).toHaveCount(0);
  await page.getByRole("button", { name: "All rooms" }).click();
  await expect(page.getByTestId("board-room-B-0101")).toBeVisible();
  await expect(page).not.toHaveURL(/room=/);
});

test.describe("German first", () => {
  test.use({ locale: "de-DE" });

  test("a German supervisor: the seat's panel and the projector view in German, the projector without the Nachteilsausgleich", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByLabel("Benutzername").fill("irene");
    await page.getByLabel("Passwort").fill(PASSWORD);
    await page.getByRole("button", { name: "Anmelden" }).click();
    await expect(page.getByTestId("current-user")).toBeVisible();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`/exams/${examId}/board`);
    await tile(page, extra.username).getByRole("button").click();
    const panel = page.getByRole("dialog", { name: `Aktionen für ${extra.username}` });
    await expect(panel.getByRole("button", { name: "Schließen" })).toBeFocused();
    await expect(panel).toContainText("(30 min Verlängerung)");
    await expect(panel.getByTestId("seat-actions-why")).toHaveText("Die Prüfung ist noch nicht geöffnet: Aktionen an den Plätzen gibt es, sobald sie läuft.");
    await seen(page, "board-seat-actions-desktop-de");
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Beamer-Ansicht" }).click();
    await expect(page.getByRole("group", { name: "Räume zeigen" }).getByRole("button", { name: "Alle Räume" })).toHaveAttribute("aria-pressed", "true");
    await expect(page.getByTestId("room-board")).not.toContainText("+30 min");
    await expect(page.getByTestId("room-board")).not.toContainText(extra.name);
    await seen(page, "board-projector-de");
    await page.getByRole("button", { name: "Beamer-Ansicht verlassen" }).click();
  });
});

test("printed board: every seat with its person and state, no tabs, no navigation, on A4", async ({ page }) => {
  await openBoard(page);
  const seated = query<{ n: number }>("select count(*) n from exam_participants where exam_id = ?", examId)[0].n;
  await page.emulateMedia({ media: "print" });
  await expect(page.locator('[data-testid^="seat-"] > button:visible')).toHaveCount(seated);
  await expect(tile(page, extra.username)).toBeVisible();
  await expect(tile(page, extra.username)).toContainText(extra.name);
  await expect(tile(page, extra.username)).toContainText("not signed in");
  await expect(page.getByRole("navigation", { name: "Exam" })).toBeHidden();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
  await expect(page.getByRole("button", { name: "Projector view" })).toBeHidden();
  await shot(page, "board-print");
  // the browser's print on A4: every person on the pages, none of the controls
  const file = path.join(SHOTS, "board-print.pdf");
  await page.pdf({ path: file, format: "A4" });
  const text = pdfText(file);
  const names = query<{ first_name: string; last_name: string; username: string }>("select first_name, last_name, username from exam_participants where exam_id = ?", examId);
  for (const p of names) expect(text).toContain(p.username);
  expect(text).toContain(extra.name);
  expect(text).not.toContain("Projector view");
  expect(text).not.toContain("Pre-flight");
  await page.emulateMedia({ media: "screen" });
});
