/**
 * Exam day in the browser, against the real exam hub: the exam world of the exams issue (the
 * Z2JH 4.4.0 chart's hub and proxy behind HAProxy, a real kube-apiserver) runs as a process of
 * its own (e2e/services/exam-day-world.ts), and a second portal server (the same production
 * build) runs on its database, with the portal's ServiceAccount as its cluster credentials.
 *
 * No kubelet runs here: a server that starts never becomes ready, so the board's "server
 * starting" is as far as a seat gets, and the test sign-in fails at its start step. The tests
 * that meet this say so.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test, type Page } from "@playwright/test";
import { shot } from "./helpers";

const ROOT = path.resolve(import.meta.dirname, "..");
const SECRET = `exam-day-e2e-${Date.now()}`;
type Info = { control: string; examId: number; dbFile: string; kubeconfig: string; exchange: string; adminPassword: string };
let info: Info;
let world: ChildProcess | undefined;
let portal: ChildProcess | undefined;
let base = "";
let worldLog = "";
let portalLog = "";

test.describe.configure({ mode: "serial", timeout: 120_000 });

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function control(what: string, body: Record<string, string> = {}) {
  const r = await fetch(`${info.control}${what}`, { method: "POST", body: JSON.stringify(body) });
  const out = await r.json();
  if (!r.ok) throw new Error(`${what}: ${out.error}\n${worldLog.slice(-3000)}`);
  return out;
}

function db() {
  return new Database(info.dbFile, { fileMustExist: true });
}

/** When each account's sign-in window ends, as the exam hub reads it: the password Secret on the API server. */
function hubEnds(): Record<string, number> {
  const b64 = execFileSync(path.join(ROOT, ".cache/bin/kubectl"), ["--kubeconfig", info.kubeconfig, "-n", "e2x-exam", "get", "secret", "e2x-exam-passwords", "-o", "jsonpath={.data.exams\\.json}"], { encoding: "utf8" });
  const accounts = JSON.parse(Buffer.from(b64, "base64").toString("utf8")).accounts as Record<string, [number, number, number, string, number]>;
  return Object.fromEntries(Object.entries(accounts).map(([u, a]) => [u, a[2]]));
}

test.beforeAll(async () => {
  test.setTimeout(600_000);
  world = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "e2e/services/exam-day-world.ts"], { cwd: ROOT, env: { ...process.env, AUTH_SECRET: SECRET }, stdio: ["ignore", "pipe", "pipe"] });
  world.stderr!.on("data", (d) => (worldLog += d));
  info = await new Promise<Info>((resolve, reject) => {
    let out = "";
    world!.stdout!.on("data", (d) => {
      out += d;
      const m = /^READY (.+)$/m.exec(out);
      if (m) resolve(JSON.parse(m[1]));
    });
    world!.once("exit", (c) => reject(new Error(`the exam world exited (${c}): ${worldLog.slice(-4000)}`)));
  });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  portal = spawn("npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env: { ...process.env, AUTH_SECRET: SECRET, E2X_DB_FILE: info.dbFile, E2X_DATA_DIR: path.dirname(info.dbFile), E2X_EXCHANGE_ROOT: info.exchange, KUBECONFIG: info.kubeconfig, E2X_CLUSTER_TARGET: "", LDAP_URL: "", E2X_PROBE_START_SECONDS: "5" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  portal.stdout!.on("data", (d) => (portalLog += d));
  portal.stderr!.on("data", (d) => (portalLog += d));
  for (let i = 0; ; i++) {
    const ok = await fetch(`${base}/sign-in`).then((r) => r.ok).catch(() => false);
    if (ok) break;
    if (i > 120) throw new Error(`the second portal server did not start: ${portalLog.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
});

test.afterAll(async () => {
  if (portal?.pid) {
    try {
      process.kill(-portal.pid, "SIGTERM");
    } catch {
      // gone
    }
  }
  if (world && world.exitCode === null) {
    const done = new Promise((r) => world!.once("exit", r));
    await control("/quit").catch(() => world!.kill("SIGTERM"));
    await done;
  }
});

async function signIn(page: Page) {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill(info.adminPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toBeVisible();
}

const seat = (page: Page, login: string) => page.getByTestId(`seat-mathe1-${login}`);

test("pre-flight: each item read back from the API server and the exam hub; the test sign-in through the hub's login (no kubelet: its server cannot start, so the start step fails)", async ({ page }) => {
  await signIn(page);
  await page.goto(`${base}/exams/${info.examId}/preflight`);
  await expect(page.getByTestId("preflight-secret")).toHaveAttribute("data-status", "go");
  await expect(page.getByTestId("preflight-secret")).toContainText("8 accounts: 6 participants and 2 backups, every password as printed.");
  await expect(page.getByTestId("preflight-policies")).toHaveAttribute("data-status", "go");
  await expect(page.getByTestId("preflight-capacity")).toContainText("2 exam computers: 32 CPU and 128.0 GiB for 8 servers needing 16 CPU and 16.0 GiB");
  await expect(page.getByTestId("preflight-hub-api")).toContainText(/JupyterHub 5\.\d+\.\d+/);
  await expect(page.getByTestId("preflight-probe")).toHaveAttribute("data-status", "warn");
  await expect(page.getByTestId("preflight-verdict")).toContainText("Go");
  await shot(page, "exam-preflight");
  await page.getByRole("button", { name: "Run the test sign-in" }).click();
  await expect(page.getByText(/The test sign-in of mathe1-probe-pz1 failed: the server did not become ready/)).toBeVisible({ timeout: 60_000 });
  const probe = page.getByTestId("preflight-probe");
  await expect(probe).toHaveAttribute("data-status", "no-go");
  await expect(probe).toContainText("✓ signed in as mathe1-probe-pz1 through the hub's sign-in page");
  await expect(probe).toContainText("✓ the server was stopped");
  await expect(page.getByTestId("preflight-verdict")).toContainText("No-go: 1 item to fix.");
  // the image made unpinned: the page says so, with the way to fix it
  const d = db();
  const image = (d.prepare("select image from terms").get() as { image: string }).image;
  d.prepare("update terms set image = ?").run("ghcr.io/digiklausur/e2x-notebook:latest");
  await page.reload();
  await expect(page.getByTestId("preflight-image")).toHaveAttribute("data-status", "no-go");
  await expect(page.getByTestId("preflight-image")).toContainText("is tagged :latest");
  await expect(page.getByTestId("preflight-image")).toContainText("Set the term's image to a fixed tag");
  await shot(page, "exam-preflight-no-go");
  d.prepare("update terms set image = ?").run(image);
  d.close();
});

test("room board: each state on the right seat, updated without a reload (no kubelet: a spawn stays 'server starting'); the hub stopped: 'hub unreachable since' and the last state kept", async ({ page }) => {
  await signIn(page);
  // the page arrives with the board drawn from the hub's reading, and takes it over without a hydration error
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
  const document = page.waitForResponse((r) => r.request().resourceType() === "document" && r.url().endsWith(`/exams/${info.examId}/board`));
  await page.goto(`${base}/exams/${info.examId}/board`);
  const html = await (await document).text();
  expect(html).toContain('data-testid="seat-mathe1-anna" data-state="not-signed-in"');
  expect(html).toContain('data-testid="seat-mathe1-dora"');
  await expect(seat(page, "anna")).toHaveAttribute("data-state", "not-signed-in");
  await page.evaluate(() => ((window as unknown as { boardMarker: number }).boardMarker = 42));
  await control("/sign-in", { user: "anna" });
  await control("/spawn", { user: "anna" });
  await control("/sign-in", { user: "ben" });
  const { hashcode } = await control("/submit", { user: "dora" });
  await expect(seat(page, "anna")).toHaveAttribute("data-state", "starting", { timeout: 20_000 });
  await expect(seat(page, "ben")).toHaveAttribute("data-state", "signed-in");
  await expect(seat(page, "cem")).toHaveAttribute("data-state", "not-signed-in");
  await expect(seat(page, "dora")).toHaveAttribute("data-state", "submitted");
  await expect(seat(page, "dora")).toContainText(hashcode.toUpperCase());
  await expect(page.getByTestId("board-room-Pool A")).toContainText("1 server starting");
  await expect(page.getByTestId("board-room-Pool B")).toContainText("1 submitted");
  expect(await page.evaluate(() => (window as unknown as { boardMarker?: number }).boardMarker)).toBe(42);
  expect(problems).toEqual([]);
  await page.getByRole("button", { name: "Projector view" }).click();
  await shot(page, "exam-board-projector");
  await page.getByRole("button", { name: "Leave projector view" }).click();

  await control("/hub/stop");
  const banner = page.getByTestId("hub-unreachable");
  await expect(banner).toContainText(/Hub unreachable since \d\d:\d\d/, { timeout: 20_000 });
  await expect(seat(page, "anna")).toHaveAttribute("data-state", "starting");
  await expect(seat(page, "dora")).toHaveAttribute("data-state", "submitted");
  await shot(page, "exam-board-hub-unreachable");
  // in front of the room the projector says quietly that the picture may be old: no alarm, no error text
  await page.getByRole("button", { name: "Projector view" }).click();
  await expect(banner).toContainText(/As of \d\d:\d\d: the display is not being updated right now\./);
  await expect(banner).not.toContainText("unreachable");
  await shot(page, "exam-board-projector-stale");
  await page.getByRole("button", { name: "Leave projector view" }).click();
  await control("/hub/start");
  await expect(banner).toBeHidden({ timeout: 30_000 });
});

test("supervisor actions from the board: extra time and a move to a backup account, each audited", async ({ page }) => {
  await signIn(page);
  await page.goto(`${base}/exams/${info.examId}/board`);
  await seat(page, "cem").getByRole("button").click();
  // the seat's actions open over the board with the focus in them, not at the page's foot
  const panel = page.getByRole("dialog", { name: "Actions for mathe1-cem" });
  await expect(panel).toBeInViewport();
  await expect(panel.getByRole("button", { name: "Close" })).toBeFocused();
  await expect(panel).toContainText("Cem Muster3");
  await panel.getByLabel("Minutes after the end").fill("abc");
  await panel.getByRole("button", { name: "Set extra time" }).click();
  await expect(panel.getByText("Minutes, such as 15.")).toBeVisible();
  await panel.getByLabel("Minutes after the end").fill("15");
  await panel.getByRole("button", { name: "Set extra time" }).click();
  await expect(panel.getByText(/mathe1-cem: 15 minutes extra\./)).toBeVisible();
  // the panel's own line says so at once: the board is read again right after the action, and
  // that reading is a fresh one (not the one shared among viewers for 2 s), not the next poll's
  await expect(panel.getByText("(15 min extra time)")).toBeVisible({ timeout: 3_000 });
  await expect(seat(page, "cem")).toContainText("+15 min");
  // a backup account nobody uses yet reads as unused, not as someone who did not sign in
  await expect(seat(page, "backup-pz1-01")).toContainText("unused");
  await expect(seat(page, "backup-pz1-01")).not.toContainText("not signed in");
  await panel.getByRole("button", { name: "Move to this backup account" }).click();
  await expect(panel.getByText("Choose a backup account.")).toBeVisible();
  await panel.getByLabel("Backup account").selectOption({ index: 1 });
  await panel.getByLabel("Reason (for the record)").fill("Rechner defekt");
  await panel.getByRole("button", { name: "Move to this backup account" }).click();
  // a move cannot be taken back: it asks once more, naming both accounts, and Cancel changes nothing
  const confirm = panel.getByTestId("move-confirm");
  await expect(confirm).toContainText("Cem Muster3 (mathe1-cem) works on mathe1-backup-pz1-01");
  await expect(confirm).toContainText("cannot be undone");
  await shot(page, "exam-board-move-confirm");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toBeHidden();
  await expect(seat(page, "cem")).not.toHaveAttribute("data-state", "moved");
  // her 15 minutes are on the hub for her own account, not yet for the backup account
  const before = hubEnds();
  expect(before["mathe1-cem"] - before["mathe1-backup-pz1-01"]).toBe(15 * 60);
  await panel.getByRole("button", { name: "Move to this backup account" }).click();
  await confirm.getByRole("button", { name: "Confirm the move" }).click();
  await expect(panel.getByTestId("seat-moved")).toHaveText("mathe1-cem works on mathe1-backup-pz1-01 now; grading shows that submission under mathe1-cem.");
  // the backup account took her extra time over, on the hub too: its window ends when hers did
  await expect(seat(page, "backup-pz1-01")).toContainText("+15 min");
  await expect.poll(() => hubEnds()["mathe1-backup-pz1-01"]).toBe(before["mathe1-cem"]);
  // her own seat's actions are the backup account's now: one step there
  await expect(panel.getByRole("button", { name: "Re-issue password…" })).toHaveCount(0);
  await panel.getByRole("button", { name: "To the backup account mathe1-backup-pz1-01" }).click();
  await expect(page.getByRole("dialog", { name: "Actions for mathe1-backup-pz1-01" })).toContainText("15 min extra time");
  await page.keyboard.press("Escape");
  await seat(page, "cem").getByRole("button").click();
  await expect(seat(page, "cem")).toHaveAttribute("data-state", "moved");
  await expect(seat(page, "backup-pz1-01")).toContainText("work of mathe1-cem");
  await shot(page, "exam-board-actions");
  // Escape closes the panel and the focus is back on the seat
  await page.keyboard.press("Escape");
  await expect(panel).toBeHidden();
  await expect(seat(page, "cem").getByRole("button")).toBeFocused();

  // in front of the room: logins and states, no names, no extra time, no chosen seat
  await page.getByRole("button", { name: "Projector view" }).click();
  const board = page.getByTestId("room-board");
  await expect(board).toHaveAttribute("data-view", "projector");
  await expect(seat(page, "backup-pz1-01")).toContainText("work of mathe1-cem");
  await expect(board).not.toContainText("+15 min");
  await expect(board).not.toContainText("Muster");
  await expect(board.locator('[data-testid^="seat-"] button')).toHaveCount(0);
  await shot(page, "exam-board-projector-after-actions");
  await page.getByRole("button", { name: "Leave projector view" }).click();

  // printed: every seat with its person, the tabs left out
  await page.emulateMedia({ media: "print" });
  for (const who of ["anna", "ben", "cem", "dora", "emil", "fritz"]) await expect(seat(page, who).getByRole("button")).toBeVisible();
  await expect(seat(page, "cem")).toContainText("Cem Muster3");
  await expect(page.getByRole("navigation", { name: "Exam" })).toBeHidden();
  await shot(page, "exam-board-print");
  await page.emulateMedia({ media: "screen" });
  const d = db();
  const audit = d.prepare("select action, summary from audit_log where action in ('exam.move', 'exam.extra-time', 'exam.participant.extra') order by id").all() as { action: string; summary: string }[];
  d.close();
  expect(audit.map((a) => a.summary).join("\n")).toContain("mathe1-cem moved to backup account mathe1-backup-pz1-01: Rechner defekt");
});

test("closing takes receipts; a submission edited afterwards shows 'changed since the receipt'; a receipt row edited in the database breaks the chain and the page says so", async ({ page }) => {
  await signIn(page);
  await page.goto(`${base}/exams/${info.examId}`);
  await page.getByRole("button", { name: "Close exam" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Close exam" }).click();
  await expect(page.getByText(/The exam is closed now\..* 1 receipt taken of the exchange's submissions\./)).toBeVisible({ timeout: 30_000 });
  // the exam's supervisor at a seat of the closed exam: the reason is that the exam is over
  await page.goto(`${base}/exams/${info.examId}/board`);
  await seat(page, "anna").getByRole("button").click();
  const closed = page.getByRole("dialog", { name: "Actions for mathe1-anna" });
  await expect(closed.getByTestId("seat-actions-why")).toHaveText("The exam is closed: there is nothing left to do at the seats.");
  await expect(closed).not.toContainText("Only the exam's supervisors");
  await expect(closed).not.toContainText("May sign in until");
  await shot(page, "exam-board-closed-seat");
  await page.keyboard.press("Escape");
  await page.goto(`${base}/exams/${info.examId}/receipts`);
  await expect(page.getByTestId("receipts-chain")).toContainText("intact: 1 entry");
  await expect(page.getByTestId("receipt-mathe1-dora")).toContainText("matches");
  const d = db();
  const key = (d.prepare("select key from exam_receipts").get() as { key: string }).key;
  fs.appendFileSync(path.join(info.exchange, "mathe1-WS25", key, "klausur.ipynb"), "\n# edited after closing\n");
  await page.reload();
  await expect(page.getByTestId("receipt-mathe1-dora")).toContainText("changed since the receipt");
  // someone with the database file drops the append-only trigger and edits the receipt
  d.exec("DROP TRIGGER exam_receipts_no_update");
  d.prepare("update exam_receipts set hashcode = '0000-0000-0000'").run();
  d.close();
  await page.reload();
  await expect(page.getByTestId("receipts-chain")).toContainText("broken at entry 1");
  await expect(page.getByTestId("receipts-chain")).toContainText("its content does not match its hash (the entry was edited)");
  await shot(page, "exam-receipts-broken");
});
