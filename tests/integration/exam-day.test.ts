/**
 * Exam day on real software (e2e/services/exam-world.ts): the pre-flight check, the room board,
 * a move to a backup account and closing with receipts, against the exam hub of the exams
 * issue's world — the Z2JH 4.4.0 chart as it runs (JupyterHub 5.5.0, KubeSpawner 7.0.0 of the
 * hub image) behind configurable-http-proxy and Debian's HAProxy, a real kube-apiserver that
 * holds what the portal pushed as its ServiceAccount, Node objects created on it.
 *
 * No kubelet runs here: KubeSpawner's Pods are stored by the API server but never start, so a
 * server never becomes ready. The tests that meet this say so in their names and check what can
 * be checked (the spawn pending on the hub, the Pod object, the stop).
 *
 *   PZ1 "Klausur"  started 10 minutes ago, ends in an hour
 *     Pool A (127.0.0.2): anna seat 1, ben seat 2, backup seat 10
 *     Pool B (127.0.0.4): cem seat 1, dora seat 2, backup seat 10
 */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { EXAM_NAMESPACE, ExamWorld, IMAGE, OUTSIDE, ROOM_A, ROOM_B } from "@/e2e/services/exam-world";
import { kubeBinary } from "@/e2e/services/kube";
import { waitFor } from "@/e2e/services/z2jh";
import { examParticipants, examReceipts, terms } from "@/lib/db/schema";
import { firstReading, forgetBoard, readBoard } from "@/lib/exam-day/board";
import { stopExamServers, takeReceipts } from "@/lib/exam-day/closing";
import { HubApi, saveHubApiSettings, getHubApiSettings } from "@/lib/exam-day/hub-api";
import { moveToBackup, workOf } from "@/lib/exam-day/moves";
import { localChecks, runPreflight, type Preflight } from "@/lib/exam-day/preflight";
import { runProbe } from "@/lib/exam-day/probe";
import { checkReceipt, receiptsOf, verifyChain } from "@/lib/exam-day/receipts";
import { addSupervisor, getExam } from "@/lib/exams/exams";
import { writeDemoSubmission } from "@/lib/grading/demo";
import { withLocale } from "@/lib/i18n/t";

process.env.AUTH_SECRET ??= "exam-day-test-secret-0123456789abcdef";
const MINUTE = 60_000;
const PEOPLE = ["anna", "ben", "cem", "dora"].map((u, i) => ({ username: u, firstName: u[0].toUpperCase() + u.slice(1), lastName: `Muster${i + 1}` }));
const world = new ExamWorld();
let exam = 0;
const pw = new Map<string, string>();
let exchange = "";
const COURSE_DIR = () => path.join(exchange, "mathe1-WS25");

const NODE = (name: string, cpu: string, memory: string) => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name, labels: { "hub.jupyter.org/node-purpose": "exam", "kubernetes.io/hostname": name } },
  status: { allocatable: { cpu, memory, pods: "110" }, capacity: { cpu, memory, pods: "110" } },
});

async function preflight(): Promise<Preflight> {
  return runPreflight(world.db, exam, world.target);
}
const item = (p: Preflight, id: string) => p.items.find((i) => i.id === id)!;

beforeAll(async () => {
  await world.start({ students: PEOPLE });
  exchange = fs.mkdtempSync(path.join(world.state, "exchange-"));
  const now = Math.floor(Date.now() / MINUTE) * MINUTE;
  exam = await world.planExam({
    title: "Klausur Mathematik 1",
    period: "PZ1",
    startsAt: new Date(now - 10 * MINUTE),
    endsAt: new Date(now + 60 * MINUTE),
    graceMinutes: 5,
    rooms: [
      { name: "Pool A", seats: 10, cidrs: `${ROOM_A}/32` },
      { name: "Pool B", seats: 10, cidrs: `${ROOM_B}/32` },
    ],
    students: ["anna", "ben", "cem", "dora"],
    backups: { "Pool A": 1, "Pool B": 1 },
    seats: { anna: { room: "Pool A", seat: 1 }, ben: { room: "Pool A", seat: 2 }, cem: { room: "Pool B", seat: 1 }, dora: { room: "Pool B", seat: 2 } },
  });
  world.act((ctx) => addSupervisor(exam, world.admin.username, ctx));
  for (const [u, p] of (await world.print(exam)).passwords) pw.set(u, p);
  await world.step(exam, "open");
  await world.startHub();
  world.act((ctx) => saveHubApiSettings({ apiUrl: world.hub.publicUrl, loginUrl: world.lbUrl, probeSource: ROOM_A, tokenSecret: world.portalHubToken }, ctx));
  // two exam nodes as objects on the API server: 16 CPU and 32 GiB for 6 accounts of 2 CPU / 2 GiB
  await world.apply([NODE("exam-node-1", "8", "16Gi"), NODE("exam-node-2", "8", "16Gi")]);
}, 600_000);

afterAll(async () => {
  await world.stop();
}, 120_000);

describe("the token to the exam hub's API rests sealed", () => {
  it("the database holds no token in plain text; the settings open it again", () => {
    const raw = fs.readFileSync(world.dbFile);
    expect(raw.includes(Buffer.from(world.portalHubToken))).toBe(false);
    expect(getHubApiSettings(world.db)!.token).toBe(world.portalHubToken);
  });
});

describe("the test sign-in (probe) through the exam hub's login", () => {
  it("signs in through HAProxy and the real authenticator, then starts and stops the server — no kubelet: the Pod is created on the API server but never runs, so the start stays pending", async () => {
    // the API server's own record of the pod: a watch from before the probe to after it
    const watch = spawn(kubeBinary("kubectl"), ["--kubeconfig", world.kube.kubeconfigPath, "get", "pods", "-n", EXAM_NAMESPACE, "--watch", "--output-watch-events", "-o", "custom-columns=EVENT:.type,NAME:.object.metadata.name,IMAGE:.object.spec.containers[0].image"], { stdio: ["ignore", "pipe", "pipe"] });
    let watched = "";
    watch.stdout!.on("data", (d) => (watched += d));
    await new Promise((r) => setTimeout(r, 1_000));
    const out = await runProbe(world.db, world.admin, exam, { target: world.target, startWaitMs: 3_000 });
    await waitFor("the pod's deletion in the watch", async () => /DELETED\s+jupyter-mathe1-probe-pz1/.test(watched), 20_000, () => watched);
    watch.kill();
    const steps = Object.fromEntries(out.steps.map((s) => [s.step, s]));
    expect(out.username).toBe("mathe1-probe-pz1");
    expect(steps.password.ok, steps.password.detail).toBe(true);
    expect(steps["sign-in"].ok, `${steps["sign-in"].detail}\n${world.hub.log().slice(-3000)}`).toBe(true);
    // what no kubelet can give: a running server. The hub tried: KubeSpawner created the Pod.
    expect(steps.start.ok).toBe(false);
    expect(steps.start.detail).toMatch(/did not become ready|pending|spawn/);
    expect(watched).toMatch(new RegExp(`ADDED\\s+jupyter-mathe1-probe-pz1\\s+${IMAGE.replace(/[.]/g, "\\.")}`));
    expect(steps.stop.ok, steps.stop.detail).toBe(true);
    expect(await world.pod("jupyter-mathe1-probe-pz1")).toBeNull();
    // the probe's password is a hash in the Secret, the probe account in its room
    const { doc } = await world.secretDoc();
    expect(doc.accounts["mathe1-probe-pz1"][3]).toMatch(/^scrypt\$/);
  }, 120_000);

  it("a second probe gets a new password (the first is used up) and signs in again", async () => {
    const out = await runProbe(world.db, world.admin, exam, { target: world.target, startWaitMs: 1_000 });
    expect(out.steps.find((s) => s.step === "sign-in")!.ok, JSON.stringify(out.steps)).toBe(true);
  }, 120_000);

  it("fails with the reason: a source address outside every room, or a token the hub refuses", async () => {
    const s = getHubApiSettings(world.db)!;
    world.act((ctx) => saveHubApiSettings({ apiUrl: s.apiUrl, loginUrl: s.loginUrl, probeSource: OUTSIDE, tokenSecret: "" }, ctx));
    let out = await runProbe(world.db, world.admin, exam, { target: world.target });
    expect(out.ok).toBe(false);
    expect(out.steps.at(-1)!.detail).toContain(`probe's source address ${OUTSIDE}`);
    world.act((ctx) => saveHubApiSettings({ apiUrl: s.apiUrl, loginUrl: s.loginUrl, probeSource: ROOM_A, tokenSecret: "wrong-token-0123456789" }, ctx));
    out = await runProbe(world.db, world.admin, exam, { target: world.target, startWaitMs: 1_000 });
    expect(out.steps.find((x) => x.step === "sign-in")!.ok).toBe(true);
    expect(out.steps.find((x) => x.step === "start")!.detail).toContain("refuses the portal's token");
    world.act((ctx) => saveHubApiSettings({ apiUrl: s.apiUrl, loginUrl: s.loginUrl, probeSource: ROOM_A, tokenSecret: world.portalHubToken }, ctx));
    await runProbe(world.db, world.admin, exam, { target: world.target, startWaitMs: 1_000 });
  }, 120_000);
});

describe("the pre-flight check reads the cluster back", () => {
  it("a ready exam: every item go, but the test sign-in (no kubelet: its server cannot start here)", async () => {
    const p = await preflight();
    const bad = p.items.filter((i) => i.status !== "go").map((i) => `${i.id}: ${i.detail}`);
    expect(bad.length, bad.join("\n")).toBe(1);
    expect(bad[0]).toMatch(/^probe: Failed .*did not become ready/);
    expect(item(p, "secret").detail).toBe("7 accounts: 4 participants and 2 backups plus the test sign-in's probe account, every password as printed.");
    expect(item(p, "hub-api").detail).toMatch(/^JupyterHub 5\.\d+\.\d+ at http:\/\/127\.0\.0\.1:\d+; the portal's token is accepted\.$/);
    expect(item(p, "capacity").detail).toContain("2 exam computers: 16 CPU and 32.0 GiB for 6 servers needing 12 CPU and 12.0 GiB");
    expect(item(p, "policies").detail).toMatch(/^\d+ network rules? on the exam hub, each as the portal made it\.$/);
  }, 60_000);

  it("without a cluster (the export target) the four read-backs are one point that names them, not four with the same reason", async () => {
    const dir = path.join(world.state, "export-only");
    const p = await runPreflight(world.db, exam, { kind: "export", dir });
    expect(p.items.filter((i) => ["secret", "profiles", "policies", "capacity"].includes(i.id))).toEqual([]);
    const unread = item(p, "cluster");
    expect(unread.status).toBe("no-go");
    expect(unread.byAdmins).toBe(true);
    expect(unread.detail).toBe(`Not checked: the portal pushes to the export folder ${dir}, not to a cluster. Once it can, it checks:`);
    expect(unread.list).toEqual(["The exam passwords are on the exam hub", "The participants' work environments are on the exam hub", "The exam's network rules are on the exam hub", "The exam computers have room for every participant"]);
    // the points that need no cluster are still there
    expect(item(p, "seats").status).toBe("go");
  }, 60_000);

  it("two rooms on one network are a warning naming both; a window under way wants the exam opened, not new times", () => {
    const d = getExam(world.db, exam)!;
    const check = (changed: typeof d, id: string) => localChecks(world.db, changed).find((i) => i.id === id)!;
    const [a, b] = d.rooms.filter((r) => r.seats > 0);
    // room B also lists room A's network (inside the exam networks, so this is the only problem)
    expect(check(d, "networks").status).toBe("go");
    const shared = { ...d, rooms: d.rooms.map((r) => (r.id === b.id ? { ...r, cidrs: [...r.cidrs, a.cidrs[0]] } : r)) };
    const nets = check(shared, "networks");
    expect(nets.status).toBe("warn");
    expect(nets.list).toEqual([`${a.name} and ${b.name} share ${a.cidrs[0]}: the exam hub cannot tell the two rooms apart, so whoever sits in one can sign in from the other too`]);
    expect(check(d, "networks").list ?? []).not.toContain(expect.stringContaining("share"));
    // the exam's window runs now; as scheduled (not open) the fix is opening it
    const underWay = check({ ...d, exam: { ...d.exam, status: "scheduled" } }, "window");
    expect(underWay.status).toBe("no-go");
    expect(underWay.detail).toMatch(/^The window: sign-in should be open since .+, but the exam is not open\.$/);
    expect(underWay.fix).toBe("Open the exam on its overview, or move the window in the exam's details.");
    const over = check({ ...d, exam: { ...d.exam, status: "scheduled", startsAt: new Date(Date.now() - 3 * 3600_000), endsAt: new Date(Date.now() - 3600_000) } }, "window");
    expect(over.detail).toBe("The window: the window is over and the exam was never opened.");
    expect(over.fix).toBe("Correct the date and times in the exam's details.");
  });

  it("a Secret with a missing hash: no-go, naming the account", async () => {
    const secret = JSON.parse(await world.kubectl("get", "secret", "e2x-exam-passwords", "-n", EXAM_NAMESPACE, "-o", "json"));
    const { doc } = await world.secretDoc();
    const edited = { ...doc, accounts: { ...doc.accounts } };
    delete edited.accounts["mathe1-ben"];
    // applied under the portal's own field manager, so that the portal's next push is not refused for a conflict
    const apply = async (data: Record<string, string>) => {
      const file = path.join(world.state, "secret.json");
      fs.writeFileSync(file, JSON.stringify({ apiVersion: "v1", kind: "Secret", metadata: { name: "e2x-exam-passwords", namespace: EXAM_NAMESPACE }, type: "Opaque", data }));
      await world.kubectl("apply", "--server-side", "--field-manager=e2x-portal", "-f", file);
    };
    await apply({ "exams.json": Buffer.from(JSON.stringify(edited)).toString("base64") });
    const p = await preflight();
    expect(p.go).toBe(false);
    expect(item(p, "secret").status).toBe("no-go");
    expect(item(p, "secret").list).toContain("mathe1-ben: no password on the exam hub");
    await apply(secret.data);
    expect(item(await preflight(), "secret").status).toBe("go");
  }, 60_000);

  it("an unpinned image: no-go, saying why", async () => {
    const image = world.db.select({ image: terms.image }).from(terms).get()!.image;
    world.db.update(terms).set({ image: "ghcr.io/digiklausur/e2x-notebook:latest" }).run();
    let p = await preflight();
    expect(item(p, "image").status).toBe("no-go");
    expect(item(p, "image").detail).toContain("is tagged :latest");
    world.db.update(terms).set({ image: "ghcr.io/digiklausur/e2x-notebook" }).run();
    p = await preflight();
    expect(item(p, "image").detail).toContain("has no tag");
    world.db.update(terms).set({ image }).run();
    expect(item(await preflight(), "image").status).toBe("go");
  }, 60_000);

  it("too little capacity on the API server's Node objects: no-go with the shortfall", async () => {
    // a Node's status is written on create (afterwards it is kubelet's subresource): the nodes anew
    const nodes = async (...list: ReturnType<typeof NODE>[]) => {
      await world.kubectl("delete", "node", "-l", "hub.jupyter.org/node-purpose=exam");
      await world.apply(list);
    };
    await nodes(NODE("exam-node-1", "8", "8Gi"));
    const p = await preflight();
    expect(item(p, "capacity").status).toBe("no-go");
    expect(item(p, "capacity").detail).toContain("CPU 8 of 12 cores, memory 8.0 of 12.0 GiB");
    await nodes(NODE("exam-node-1", "8", "16Gi"), NODE("exam-node-2", "8", "16Gi"), { ...NODE("exam-node-3", "64", "256Gi"), spec: { unschedulable: true } } as ReturnType<typeof NODE>);
    expect(item(await preflight(), "capacity").status).toBe("go");
  }, 60_000);

  it("a NetworkPolicy deleted on the cluster: no-go, naming it", async () => {
    const names = (await world.kubectl("get", "networkpolicy", "-n", EXAM_NAMESPACE, "-l", "e2x-portal/hub=exam", "-o", "name")).trim().split("\n").filter(Boolean);
    expect(names.length).toBeGreaterThan(0);
    const victim = JSON.parse(await world.kubectl("get", names[0], "-n", EXAM_NAMESPACE, "-o", "json"));
    await world.kubectl("delete", names[0], "-n", EXAM_NAMESPACE);
    const p = await preflight();
    expect(item(p, "policies").status).toBe("no-go");
    expect(item(p, "policies").list).toContain(`Network rule ${victim.metadata.name} is missing`);
    delete victim.metadata.resourceVersion;
    delete victim.metadata.uid;
    delete victim.metadata.creationTimestamp;
    delete victim.metadata.managedFields;
    const file = path.join(world.state, "policy.json");
    fs.writeFileSync(file, JSON.stringify(victim));
    await world.kubectl("apply", "--server-side", "--field-manager=e2x-portal", "-f", file);
    expect(item(await preflight(), "policies").status).toBe("go");
  }, 60_000);

  it("a hub API that refuses the token: no-go", async () => {
    const s = getHubApiSettings(world.db)!;
    world.act((ctx) => saveHubApiSettings({ apiUrl: s.apiUrl, loginUrl: s.loginUrl, probeSource: s.probeSource, tokenSecret: "not-the-token-0123456789" }, ctx));
    try {
      const p = await preflight();
      expect(item(p, "hub-api").status).toBe("no-go");
      expect(item(p, "hub-api").detail).toContain("refuses the portal's token (HTTP 403");
    } finally {
      world.act((ctx) => saveHubApiSettings({ apiUrl: s.apiUrl, loginUrl: s.loginUrl, probeSource: s.probeSource, tokenSecret: world.portalHubToken }, ctx));
    }
    expect(item(await preflight(), "hub-api").status).toBe("go");
  }, 60_000);
});

describe("the room board", () => {
  const seat = async (username: string) => {
    const b = await readBoard(world.db, exam, { minAgeMs: 0, root: exchange });
    for (const r of b.rooms) for (const a of r.accounts) if (a.username === username) return { ...a, room: r.name };
    throw new Error(`${username} not on the board`);
  };

  it("viewers opening the board together share one reading of the hub, the very first one included", async () => {
    const [a, b, c] = await Promise.all([0, 1, 2].map(() => readBoard(world.db, exam, { root: exchange })));
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(a.stats.cached).toBe(false);
    expect(a.hub.reachable).toBe(true);
  }, 60_000);

  it("a reading under way when a supervisor acts is not joined after the action: the next reading shows it", async () => {
    const extraOf = (b: Awaited<ReturnType<typeof readBoard>>) => b.rooms.flatMap((r) => r.accounts).find((a) => a.username === "mathe1-cem")!.extraMinutes;
    const cem = () => world.db.select().from(examParticipants).where(and(eq(examParticipants.examId, exam), eq(examParticipants.username, "mathe1-cem"))).get()!;
    const was = cem().extraMinutes;
    // a reading starts (another viewer's), then extra time is given and the action forgets the board
    const under = readBoard(world.db, exam, { minAgeMs: 0, root: exchange });
    world.db.update(examParticipants).set({ extraMinutes: was + 7 }).where(eq(examParticipants.id, cem().id)).run();
    forgetBoard(exam);
    const after = readBoard(world.db, exam, { minAgeMs: 0, root: exchange });
    expect(extraOf(await under)).toBe(was);
    expect(extraOf(await after)).toBe(was + 7);
    // nor is the overtaken reading shared as a fresh one
    expect(extraOf(await readBoard(world.db, exam, { root: exchange }))).toBe(was + 7);
    world.db.update(examParticipants).set({ extraMinutes: was }).where(eq(examParticipants.id, cem().id)).run();
    forgetBoard(exam);
  }, 60_000);

  it("each seat's state: not signed in, signed in, server starting (no kubelet: the spawn stays pending), submitted with the hashcode", async () => {
    expect((await seat("mathe1-anna")).state).toBe("not-signed-in");
    // anna signs in and spawns, ben only signs in, cem does nothing, dora submitted
    const anna = world.browser(ROOM_A);
    expect((await anna.signIn("mathe1-anna", pw.get("mathe1-anna")!)).status).toBe(302);
    await anna.spawn({ profile: "mathe1+student", "profile-option-mathe1+student--term": "mathe1+student+mathe1-WS25+PZ1" });
    const ben = world.browser(ROOM_A);
    expect((await ben.signIn("mathe1-ben", pw.get("mathe1-ben")!)).status).toBe(302);
    const { hashcode } = writeDemoSubmission(COURSE_DIR(), "klausur", { user: "mathe1-dora", at: new Date(), answer: "x = 32\n" }, 1);
    await waitFor("anna's spawn on the hub", async () => (await seat("mathe1-anna")).state === "starting", 20_000);
    const b = await readBoard(world.db, exam, { minAgeMs: 0, root: exchange });
    const states = Object.fromEntries(b.rooms.flatMap((r) => r.accounts.map((a) => [a.username, `${r.name} ${a.seat} ${a.state}`])));
    expect(states).toEqual({
      "mathe1-anna": "Pool A 1 starting",
      "mathe1-ben": "Pool A 2 signed-in",
      "mathe1-backup-pz1-01": "Pool A 10 not-signed-in",
      "mathe1-cem": "Pool B 1 not-signed-in",
      "mathe1-dora": "Pool B 2 submitted",
      "mathe1-backup-pz1-02": "Pool B 10 not-signed-in",
    });
    expect((await seat("mathe1-dora")).hashcode).toBe(hashcode);
    // counts leave out the spare backup accounts; the probe account is on no seat
    expect(b.totals).toMatchObject({ "not-signed-in": 1, "signed-in": 1, starting: 1, submitted: 1 });
    expect(b.rooms.find((r) => r.name === "Pool B")!.counts).toMatchObject({ "not-signed-in": 1, submitted: 1 });
    expect(JSON.stringify(b)).not.toContain(world.portalHubToken);
    expect(b.hub).toMatchObject({ reachable: true, unreachableSince: null });
    expect(b.stats.hubCalls).toBe(1);
  }, 60_000);

  it("a student moved to a backup account: the board and grading know whose work the backup holds", async () => {
    const cem = world.participant(exam, "mathe1-cem");
    const backup = world.participant(exam, "mathe1-backup-pz1-02");
    world.act((ctx) => moveToBackup(exam, cem.id, backup.id, "Rechner defekt", ctx));
    expect(() => world.act((ctx) => moveToBackup(exam, world.participant(exam, "mathe1-dora").id, backup.id, "", ctx))).toThrow("already holds another student's work");
    expect((await seat("mathe1-cem")).state).toBe("moved");
    const b = await seat("mathe1-backup-pz1-02");
    expect(b.holdsWorkOf).toBe("mathe1-cem");
    expect(b.name).toBe("Cem Muster3");
    const termId = world.termId();
    expect(workOf(world.db, termId, "mathe1-backup-pz1-02")).toMatchObject({ username: "mathe1-cem", firstName: "Cem" });
    const browser = world.browser(ROOM_B);
    expect((await browser.signIn("mathe1-backup-pz1-02", pw.get("mathe1-backup-pz1-02")!)).status).toBe(302);
    writeDemoSubmission(COURSE_DIR(), "klausur", { user: "mathe1-backup-pz1-02", at: new Date(), answer: "x = 31\n" }, 2);
    expect((await seat("mathe1-backup-pz1-02")).state).toBe("submitted");
  }, 60_000);

  it("the board page waits for a reading at most its budget: a hub that takes the connection and never answers leaves the board to the browser, which gets the reading under way", async () => {
    // a real socket that accepts and stays silent, as a hung hub does
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const api = new HubApi(`http://127.0.0.1:${(silent.address() as net.AddressInfo).port}/hub/api`, "token", 2_000);
      const t0 = Date.now();
      expect(await firstReading(world.db, exam, 300, { api, minAgeMs: 0, root: exchange })).toBeNull();
      expect(Date.now() - t0).toBeLessThan(1_500);
      // the browser's first request joins the reading still under way: the hub's silence, and the seats from the exchange
      const joined = await readBoard(world.db, exam, { api, minAgeMs: 0, root: exchange });
      expect(joined.hub.reachable).toBe(false);
      expect(joined.hub.error).toMatch(/does not answer/);
      expect(joined.rooms.flatMap((r) => r.accounts).find((a) => a.username === "mathe1-dora")?.state).toBe("submitted");
    } finally {
      silent.close();
    }
    // the real hub answers within the budget: the page is drawn with the board, and the hub counts as reachable again
    const drawn = await firstReading(world.db, exam, 10_000, { minAgeMs: 0, root: exchange });
    expect(drawn?.hub).toMatchObject({ reachable: true, unreachableSince: null });
    expect(drawn?.rooms.flatMap((r) => r.accounts).find((a) => a.username === "mathe1-ben")?.state).toBe("signed-in");
  }, 60_000);

  it("the hub process stopped (its proxy still up): the board says since when it is unreachable and keeps the last state", async () => {
    await world.hub.hub.stop();
    const b = await readBoard(world.db, exam, { minAgeMs: 0, root: exchange });
    expect(b.hub.reachable).toBe(false);
    expect(b.hub.unreachableSince).not.toBeNull();
    expect(b.hub.error).toMatch(/does not answer/);
    const states = Object.fromEntries(b.rooms.flatMap((r) => r.accounts.map((a) => [a.username, a.state])));
    expect(states["mathe1-anna"]).toBe("starting");
    expect(states["mathe1-ben"]).toBe("signed-in");
    const since = b.hub.unreachableSince;
    // a German supervisor reads why in German
    const again = await withLocale("de", () => readBoard(world.db, exam, { minAgeMs: 0, root: exchange }));
    expect(again.hub.unreachableSince).toBe(since);
    expect(again.hub.error).toMatch(/^Der Prüfungs-Hub unter http:\/\/\S+ antwortet nicht \(.+\)\.$/);
    await world.restartHub();
    await waitFor("the hub back", async () => (await readBoard(world.db, exam, { minAgeMs: 0, root: exchange })).hub.reachable, 60_000);
    expect((await readBoard(world.db, exam, { minAgeMs: 0, root: exchange })).hub.unreachableSince).toBeNull();
  }, 180_000);
});

describe("closing with receipts", () => {
  it("closing revokes the passwords and takes a receipt per submission, chained; an open exam takes none", async () => {
    await expect(takeReceipts(world.db, world.admin, exam, exchange)).rejects.toThrow("Receipts are taken once the exam is closed.");
    expect(receiptsOf(world.db, exam)).toEqual([]);
    // the close step as the exam page runs it: the step's push, then the receipts
    await world.step(exam, "close");
    expect(await takeReceipts(world.db, world.admin, exam, exchange)).toEqual({ taken: 2, found: 2 });
    const { doc } = await world.secretDoc();
    expect(Object.keys(doc.accounts)).toEqual([]);
    const rows = receiptsOf(world.db, exam);
    expect(rows.map((x) => [x.username, x.participantId])).toEqual([
      ["mathe1-backup-pz1-02", world.participant(exam, "mathe1-cem").id],
      ["mathe1-dora", world.participant(exam, "mathe1-dora").id],
    ]);
    expect(rows[1].prevHash).toBe(rows[0].hash);
    expect(rows[0].files.map((f) => f[0])).toContain("klausur.ipynb");
    expect(verifyChain(world.db)).toEqual({ ok: true, entries: 2 });
    for (const x of rows) expect((await checkReceipt(x, exchange, "mathe1-WS25")).matches).toBe(true);
  }, 120_000);

  it("a submission edited after closing shows 'changed' against its receipt", async () => {
    const dora = receiptsOf(world.db, exam).find((x) => x.username === "mathe1-dora")!;
    fs.appendFileSync(path.join(COURSE_DIR(), dora.key, "klausur.ipynb"), "\n# later\n");
    const c = await checkReceipt(dora, exchange, "mathe1-WS25");
    expect(c.matches).toBe(false);
    expect(c.changed).toEqual(["klausur.ipynb changed"]);
  });

  it("the database refuses to edit a receipt; one edited around the triggers breaks the chain", () => {
    const first = receiptsOf(world.db, exam)[0];
    expect(() => world.db.update(examReceipts).set({ hashcode: "0000-0000-0000" }).where(eq(examReceipts.id, first.id)).run()).toThrow("append-only");
    expect(() => world.db.delete(examReceipts).where(eq(examReceipts.id, first.id)).run()).toThrow("append-only");
    // someone with the database file: the triggers dropped, a row edited
    world.db.run(sql`DROP TRIGGER exam_receipts_no_update`);
    world.db.update(examReceipts).set({ hashcode: "0000-0000-0000" }).where(eq(examReceipts.id, first.id)).run();
    const chain = verifyChain(world.db);
    expect(chain.ok).toBe(false);
    expect(chain.brokenAt).toMatchObject({ id: first.id, why: expect.stringContaining("edited") });
  });

  it("archiving: the exam leaves the hub and its servers are stopped — no kubelet: anna's never-started server is still in the restarted hub's check, so the hub refuses its stop and the portal reports it", async () => {
    await world.step(exam, "archive");
    const { doc } = await world.secretDoc();
    expect(doc.exams.map((e: { id: number }) => e.id)).not.toContain(exam);
    const api = new HubApi(world.hub.publicUrl, world.portalHubToken);
    const r = await stopExamServers(world.db, exam, api);
    expect(r.failed.map((f) => [f.username, f.why.split(":")[0]]), world.hub.log()).toEqual([["mathe1-anna", "the hub is busy with it (check)"]]);
    expect(r.message).toContain("1 could not be stopped now (mathe1-anna): stop them on the hub's admin page.");
    expect(receiptsOf(world.db, exam).length).toBe(2);
  }, 120_000);
});
