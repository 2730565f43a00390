// The room board at exam size (bench/exam-day/run.sh): ExamWorld with N students in R rooms, the
// exam open on the real-chart hub; on the hub every student is a user (created through its REST
// API), a tenth have a pending server (KubeSpawner's pods stored by the API server; no kubelet),
// a quarter submitted (e2xgrader's layout in the exchange). A portal server on the exam's
// database serves the board; Chromium polls it every 5 s.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";
import { ExamWorld, ROOM_A } from "@/e2e/services/exam-world";
import { freePort } from "@/e2e/services/z2jh";
import { readBoard } from "@/lib/exam-day/board";
import { saveHubApiSettings } from "@/lib/exam-day/hub-api";
import { addSupervisor } from "@/lib/exams/exams";
import { writeDemoSubmission } from "@/lib/grading/demo";

const N = Number(process.env.BENCH_STUDENTS ?? 600);
const ROOMS = Number(process.env.BENCH_ROOMS ?? 8);
const REFRESHES = Number(process.env.BENCH_REFRESHES ?? 12);
const MINUTE = 60_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)];
const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms, p95 ${p95(xs).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;

const world = new ExamWorld();
let portal: ReturnType<typeof spawn> | undefined;
try {
  const t0 = Date.now();
  const students = Array.from({ length: N }, (_, i) => ({ username: `s${String(i + 1).padStart(4, "0")}`, firstName: `Vorname${i + 1}`, lastName: `Nachname${i + 1}` }));
  await world.start({ students });
  const perRoom = Math.ceil(N / ROOMS) + 2;
  const now = Math.floor(Date.now() / MINUTE) * MINUTE;
  const exam = await world.planExam({
    title: "Klausur Bench",
    period: "PZ1",
    startsAt: new Date(now - 10 * MINUTE),
    endsAt: new Date(now + 120 * MINUTE),
    graceMinutes: 5,
    rooms: Array.from({ length: ROOMS }, (_, i) => ({ name: `Raum ${i + 1}`, seats: perRoom, cidrs: i === 0 ? `${ROOM_A}/32` : `10.20.${i}.0/24` })),
    students: students.map((s) => s.username),
    backups: Object.fromEntries(Array.from({ length: ROOMS }, (_, i) => [`Raum ${i + 1}`, 1])),
  });
  world.act((ctx) => addSupervisor(exam, world.admin.username, ctx));
  await world.print(exam);
  await world.step(exam, "open");
  await world.startHub();
  world.act((ctx) => saveHubApiSettings({ apiUrl: world.hub.publicUrl, loginUrl: world.lbUrl, probeSource: ROOM_A, tokenSecret: world.portalHubToken }, ctx));
  const logins = students.map((s) => `mathe1-${s.username}`);
  // every student a hub user; a tenth with a pending server
  const created = await world.hub.api("POST", "/users", { usernames: logins });
  if (created.status !== 201) throw new Error(`creating hub users: ${created.status} ${await created.text()}`);
  for (const u of logins.filter((_, i) => i % 10 === 0)) {
    const r = await world.hub.api("POST", `/users/${u}/server`);
    if (r.status !== 202 && r.status !== 201) throw new Error(`spawn ${u}: ${r.status} ${await r.text()}`);
  }
  const exchange = path.join(world.state, "exchange");
  logins.filter((_, i) => i % 4 === 1).forEach((u, i) => writeDemoSubmission(path.join(exchange, "mathe1-WS25"), "klausur", { user: u, at: new Date(), answer: "x\n" }, i));
  console.log(`world: ${N} students in ${ROOMS} rooms, hub users ${logins.length}, pending servers ${Math.ceil(N / 10)}, submissions ${Math.ceil(N / 4)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);

  // the server side alone: a fresh reading each time (no sharing between viewers)
  process.env.E2X_EXCHANGE_ROOT = exchange;
  const serverMs: number[] = [];
  const calls: number[] = [];
  for (let i = 0; i < REFRESHES; i++) {
    const b = await readBoard(world.db, exam, { minAgeMs: 0, root: exchange });
    serverMs.push(b.stats.serverMs);
    calls.push(b.stats.hubCalls);
    if (i === 0) console.log(`board: ${b.rooms.length} rooms, ${b.rooms.reduce((n, r) => n + r.accounts.length, 0)} accounts, totals ${JSON.stringify(b.totals)}`);
  }

  // the browser: the portal server (production build) on this database, Chromium polling every 5 s
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  portal = spawn("npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...process.env, E2X_DB_FILE: world.dbFile, E2X_DATA_DIR: path.dirname(world.dbFile), E2X_EXCHANGE_ROOT: exchange, KUBECONFIG: world.portalKubeconfig },
    stdio: "ignore",
    detached: true,
  });
  for (let i = 0; !(await fetch(`${base}/sign-in`).then((r) => r.ok).catch(() => false)); i++) {
    if (i > 120) throw new Error("the portal server did not start");
    await new Promise((r) => setTimeout(r, 500));
  }
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.goto(`${base}/sign-in`);
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill("world-Passw0rd!");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("current-user").waitFor();
  // the portal server's own time for each reading the page fetched (from the board's stats)
  const served: string[] = [];
  page.on("response", (r) => {
    if (!r.url().endsWith(`/api/exams/${exam}/board`)) return;
    void r.json().then((b: { stats?: { serverMs: number; cached: boolean; hubCalls: number } }) => served.push(b.stats ? `${b.stats.serverMs}${b.stats.cached ? " (shared)" : ""}` : "?"), () => served.push("?"));
  });
  await page.goto(`${base}/exams/${exam}/board`);
  await page.getByTestId(`seat-${logins[0]}`).waitFor();
  await page.waitForTimeout(REFRESHES * 5_000 + 1_000);
  const m = await page.evaluate(() => ({
    render: performance.getEntriesByName("board-render").map((e) => e.duration),
    refresh: performance.getEntriesByName("board-refresh").map((e) => e.duration),
    // the board page: from navigation start to the first painted board (its server reading included)
    firstPaint: performance.getEntriesByName("board-painted")[0]?.startTime ?? NaN,
  }));
  const shots = path.resolve("bench/.out/exam-day");
  fs.mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, "board-600.png"), fullPage: false });
  await browser.close();
  const summary = {
    students: N,
    rooms: ROOMS,
    refreshes: REFRESHES,
    hubCallsPerRefresh: median(calls),
    serverMs: { median: median(serverMs), p95: p95(serverMs) },
    browserRenderMs: { median: Math.round(median(m.render)), p95: Math.round(p95(m.render)), n: m.render.length },
    pageFirstPaintMs: Math.round(m.firstPaint),
    browserRefreshMs: { median: Math.round(median(m.refresh)), p95: Math.round(p95(m.refresh)), n: m.refresh.length },
  };
  console.log(`hub API calls per refresh: ${median(calls)} (users page by page, 200 a page)`);
  console.log(`server time per refresh (readBoard, fresh): ${fmt(serverMs)}`);
  console.log(`browser render per refresh (data to paint): ${fmt(m.render)} over ${m.render.length} refreshes`);
  console.log(`board page opened: the first board painted ${m.firstPaint.toFixed(0)} ms after navigation start (server reading included)`);
  console.log(`whole refresh in the browser (fetch, server, render): ${fmt(m.refresh)}`);
  console.log(`  each refresh in order (ms): ${m.refresh.map((x) => x.toFixed(0)).join(", ")}; render: ${m.render.map((x) => x.toFixed(0)).join(", ")}; server: ${served.join(", ")}`);
  const worst = Math.max(p95(m.refresh), p95(serverMs));
  console.log(`goal: under 1000 ms per refresh: ${worst < 1000 ? "MET" : "MISSED"} (p95 ${worst.toFixed(0)} ms)`);
  fs.writeFileSync(path.join(shots, "board.json"), JSON.stringify(summary, null, 2));
} finally {
  if (portal?.pid) {
    try {
      process.kill(-portal.pid, "SIGTERM");
    } catch {
      // gone
    }
  }
  await world.stop();
}
process.exit(0);
