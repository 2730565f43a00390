// The exam world of e2e/services/exam-world.ts as a process of its own, for the browser tests of
// exam day: an open exam on the real-chart exam hub, the hub's API set up for the portal, exam
// Nodes on the API server, an exchange folder. A portal server runs against its database
// (e2e/exam-day.spec.ts starts it); the test drives the students through a small control API:
//
//   POST /sign-in {user}   the student signs in from their room (the password off the sheet)
//   POST /spawn {user}     ... and starts the exam's server (no kubelet: it stays pending)
//   POST /submit {user}    a submission in the exchange, as e2xgrader writes it
//   POST /hub/stop         the hub process stopped (its proxy stays)
//   POST /hub/start        a new hub pod
//   POST /quit             everything stopped
//
// Run as `node --conditions=react-server --import tsx e2e/services/exam-day-world.ts` (the
// portal's server-only modules load outside Next.js that way). Prints `READY <json>` when ready.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { addSupervisor } from "@/lib/exams/exams";
import { saveHubApiSettings } from "@/lib/exam-day/hub-api";
import { writeDemoSubmission } from "@/lib/grading/demo";
import { ExamWorld, ROOM_A, ROOM_B } from "./exam-world";
import type { Browser } from "./hub-browser";
import { freePort } from "./z2jh";

const MINUTE = 60_000;
const PEOPLE = ["anna", "ben", "cem", "dora", "emil", "fritz"].map((u, i) => ({ username: u, firstName: u[0].toUpperCase() + u.slice(1), lastName: `Muster${i + 1}` }));
const world = new ExamWorld();
const browsers = new Map<string, Browser>();

async function main() {
  await world.start({ students: PEOPLE });
  const exchange = path.join(world.state, "exchange");
  fs.mkdirSync(exchange, { recursive: true });
  const now = Math.floor(Date.now() / MINUTE) * MINUTE;
  const exam = await world.planExam({
    title: "Klausur Mathematik 1",
    period: "PZ1",
    startsAt: new Date(now - 10 * MINUTE),
    endsAt: new Date(now + 80 * MINUTE),
    graceMinutes: 5,
    rooms: [
      { name: "Pool A", seats: 8, cidrs: `${ROOM_A}/32` },
      { name: "Pool B", seats: 8, cidrs: `${ROOM_B}/32` },
    ],
    students: PEOPLE.map((p) => p.username),
    backups: { "Pool A": 1, "Pool B": 1 },
    seats: { anna: { room: "Pool A", seat: 1 }, ben: { room: "Pool A", seat: 2 }, cem: { room: "Pool A", seat: 3 }, dora: { room: "Pool B", seat: 1 }, emil: { room: "Pool B", seat: 2 }, fritz: { room: "Pool B", seat: 3 } },
  });
  world.act((ctx) => addSupervisor(exam, world.admin.username, ctx));
  const { passwords } = await world.print(exam);
  await world.step(exam, "open");
  await world.startHub();
  world.act((ctx) => saveHubApiSettings({ apiUrl: world.hub.publicUrl, loginUrl: world.lbUrl, probeSource: ROOM_A, tokenSecret: world.portalHubToken }, ctx));
  const node = (name: string) => ({ apiVersion: "v1", kind: "Node", metadata: { name, labels: { "hub.jupyter.org/node-purpose": "exam" } }, status: { allocatable: { cpu: "16", memory: "64Gi", pods: "110" } } });
  await world.apply([node("exam-node-1"), node("exam-node-2")]);

  const roomOf = (u: string) => (["dora", "emil", "fritz"].some((x) => u.endsWith(`-${x}`)) || u.endsWith("-02") ? ROOM_B : ROOM_A);
  const browser = (u: string) => {
    let b = browsers.get(u);
    if (!b) browsers.set(u, (b = world.browser(roomOf(u))));
    return b;
  };
  const port = await freePort();
  const server = http.createServer(async (req, res) => {
    let body = "";
    for await (const c of req) body += c;
    const input = body ? (JSON.parse(body) as { user?: string }) : {};
    const user = input.user ? `mathe1-${input.user}` : "";
    try {
      let out: unknown = { ok: true };
      if (req.url === "/sign-in") out = { status: (await browser(user).signIn(user, passwords.get(user)!)).status };
      else if (req.url === "/spawn") out = { status: (await browser(user).spawn({ profile: "mathe1+student", "profile-option-mathe1+student--term": "mathe1+student+mathe1-WS25+PZ1" })).status };
      else if (req.url === "/submit") out = writeDemoSubmission(path.join(exchange, "mathe1-WS25"), "klausur", { user, at: new Date(), answer: `# ${user}\n` }, 7);
      else if (req.url === "/hub/stop") await world.hub.hub.stop();
      else if (req.url === "/hub/start") await world.restartHub();
      else if (req.url === "/quit") {
        res.end("{}");
        await world.stop();
        process.exit(0);
      } else {
        res.statusCode = 404;
      }
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(out));
    } catch (e) {
      res.statusCode = 500;
      res.end(JSON.stringify({ error: (e as Error).message }));
    }
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  const info = { control: `http://127.0.0.1:${port}`, examId: exam, dbFile: world.dbFile, kubeconfig: world.portalKubeconfig, exchange, adminPassword: "world-Passw0rd!" };
  process.stdout.write(`READY ${JSON.stringify(info)}\n`);
}

for (const sig of ["SIGTERM", "SIGINT"] as const) process.on(sig, () => void world.stop().finally(() => process.exit(0)));
main().catch(async (e) => {
  process.stderr.write(`exam world failed: ${(e as Error).stack}\n`);
  await world.stop().catch(() => undefined);
  process.exit(1);
});
