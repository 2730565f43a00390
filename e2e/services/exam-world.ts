// The exam day as it runs, for the exam hub's tests and its bench: the portal's own code on a
// SQLite file plans an exam, prints the sheets (PDF, read back with pdftotext) and pushes, as its
// ServiceAccount (deploy/k8s applied), to a real kube-apiserver; the exam hub is the Z2JH 4.4.0
// chart as it runs (helm template of the rendered values, the chart's objects applied, the hub and
// proxy pods as processes: e2e/services/z2jh.ts), behind Debian's HAProxy with the rendered
// load-balancer configuration.
//
// The portal is no running server here: its functions run in the test process, and the hub never
// asks it anything. `portalDown()` makes that explicit: the portal's database is closed and its
// ServiceAccount loses its access; the hub keeps working from what was pushed.
//
// Addresses on loopback: 127.0.0.2 and 127.0.0.4 stand for two exam rooms (the exam networks of
// the settings), 127.0.0.3 for the world outside, 127.0.0.5 for the load balancer's own address.
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import YAML from "yaml";
import { writeAudit } from "@/lib/audit/audit";
import type { Principal } from "@/lib/auth/capabilities";
import type { ActionContext } from "@/lib/auth/guard-types";
import { connectCluster, type ClusterConnection, type PushTarget } from "@/lib/cluster";
import { openDb, type Db } from "@/lib/db/client";
import { seedIfEmpty } from "@/lib/db/seed";
import { eq } from "drizzle-orm";
import { courses, examParticipants, exams, students, terms, users } from "@/lib/db/schema";
import { runExamPush } from "@/lib/deployment/exam-push";
import { runPush } from "@/lib/deployment/push";
import { renderPortal } from "@/lib/deployment/model";
import { getSettings, saveSettings } from "@/lib/deployment/settings";
import { addBackups, addParticipants, autoSeatExam, createExam, saveRoom, setExtraTime, setSeat, transitionExam } from "@/lib/exams/exams";
import { issueSheets, type SheetScope } from "@/lib/exams/issue";
import { roomInput, type ExamInput } from "@/lib/exams/schemas";
import { PORTAL_HUB_SCOPES, PORTAL_HUB_SERVICE } from "@/lib/exam-day/hub-api";
import { renderHaproxyConfig } from "@/lib/render";
import { defaultMounts } from "@/lib/courses/schemas";
import { loadPrincipal } from "@/lib/auth/principal";
import { Browser } from "./hub-browser";
import { kubeBinary, startKubeApiServer, type KubeApiServer } from "./kube";
import { ChartHub, STATE_ROOT, freePort, helmTemplate, resolveZ2jhChart, testServiceValues, waitFor, type ChartSource, type KubeObject } from "./z2jh";

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
export const HUB_PYTHON_BIN = path.join(ROOT, ".venv-hub/bin");
const CHP = path.join(ROOT, "node_modules/.bin/configurable-http-proxy");

export const ROOM_A = "127.0.0.2";
export const ROOM_B = "127.0.0.4";
export const OUTSIDE = "127.0.0.3";
export const LOAD_BALANCER = "127.0.0.5";
export const EXAM_HOST = "exam.e2x.test";
export const EXAM_NAMESPACE = "e2x-exam";
export const IMAGE = "ghcr.io/digiklausur/e2x-notebook:2025.10";

/** Printed passwords: the pattern of lib/exams/OTP.md, as on the sheet. */
export const PASSWORD_RE = /\b([2-9a-hj-km-np-x]{4}-[2-9a-hj-km-np-x]{4}-[2-9a-hj-km-np-x]{4})\b/g;

export interface ExamSpec {
  title: string;
  period: string;
  startsAt: Date;
  endsAt: Date;
  graceMinutes: number;
  rooms: { name: string; seats: number; cidrs: string }[];
  /** Roster usernames of the participants. */
  students: string[];
  /** Backup accounts per room name. */
  backups?: Record<string, number>;
  /** Participants (roster usernames) on a seat of their own: room name and seat. */
  seats?: Record<string, { room: string; seat: number }>;
  extraMinutes?: Record<string, number>;
}

/**
 * Passwords as a reader takes them off the sheets: the PDF through pdftotext, the hand-in slip
 * ("ABGEBEN") of each login with the one password in its login box.
 */
export function passwordsFromPdf(pdf: Uint8Array, file: string, usernames: readonly string[]): Map<string, string> {
  fs.writeFileSync(file, pdf);
  const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const slips = text.split("\f").filter((p) => p.includes("ABGEBEN"));
  const out = new Map<string, string>();
  for (const u of usernames) {
    const own = new RegExp(`(^|\\s)${u.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(\\s|$)`, "m");
    const page = slips.find((p) => own.test(p));
    if (!page) continue;
    const passwords = [...page.matchAll(PASSWORD_RE)].map((m) => m[1]);
    if (passwords.length !== 1) throw new Error(`the slip of ${u} shows ${passwords.length} passwords`);
    out.set(u, passwords[0]);
  }
  return out;
}

export class ExamWorld {
  kube!: KubeApiServer;
  chart!: ChartSource;
  state = STATE_ROOT();
  db!: Db;
  dbFile = "";
  admin!: Principal;
  /** The portal as its ServiceAccount (the token from the TokenRequest API). */
  portal!: ClusterConnection;
  target!: PushTarget;
  hub!: ChartHub<"exam">;
  chartObjects: KubeObject[] = [];
  lbUrl = "";
  private haproxy?: ChildProcess;
  haproxyLog = "";
  readonly apiToken = randomBytes(24).toString("hex");
  /** The portal's own service on the exam hub (README: exam day), with only the scopes it needs. */
  readonly portalHubToken = randomBytes(24).toString("hex");
  private portalToken = "";
  /** The kubeconfig of the portal's ServiceAccount (for a portal server run against this world). */
  portalKubeconfig = "";

  async kubectl(...args: string[]): Promise<string> {
    const { stdout } = await execFileAsync(kubeBinary("kubectl"), ["--kubeconfig", this.kube.kubeconfigPath, ...args], { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  }

  async apply(objects: unknown[], namespace?: string): Promise<void> {
    const file = path.join(this.state, `apply-${randomBytes(4).toString("hex")}.yaml`);
    fs.writeFileSync(file, objects.map((o) => YAML.stringify(o)).join("---\n"));
    await this.kubectl("apply", "--server-side", "--force-conflicts", "--field-manager=e2x-test", ...(namespace ? ["-n", namespace] : []), "-f", file);
  }

  /** API server, chart, the portal's manifests and a portal database with a course term and its roster. */
  async start(opts: { students: { username: string; firstName: string; lastName: string }[] }): Promise<void> {
    [this.kube, this.chart] = await Promise.all([startKubeApiServer(), resolveZ2jhChart()]);
    // the portal's own manifests: its namespace, ServiceAccount and Roles in the hub namespaces
    await this.kubectl("apply", "--server-side", "-k", path.join(ROOT, "deploy/k8s"));
    this.portalToken = (await this.kubectl("create", "token", "e2x-portal", "-n", "e2x-portal", "--duration=2h")).trim();
    this.portalKubeconfig = await this.kube.tokenKubeconfig(this.portalToken, "e2x-portal");
    this.portal = connectCluster({ kubeconfigPath: this.portalKubeconfig });
    this.target = { kind: "cluster", connection: this.portal };
    // no controller-manager runs: the default ServiceAccount of the exam namespace, as it would make it
    await this.apply([{ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: EXAM_NAMESPACE } }]);

    this.dbFile = path.join(this.state, "portal.db");
    this.db = openDb(this.dbFile);
    await seedIfEmpty(this.db, { demo: false, password: "world-Passw0rd!" });
    const adminId = this.db.select({ id: users.id }).from(users).get()!.id;
    this.admin = loadPrincipal(this.db, adminId)!;
    this.db.transaction((tx) => {
      const course = tx.insert(courses).values({ code: "mathe1", title: "Mathematik 1", description: "" }).returning({ id: courses.id }).get();
      const term = tx
        .insert(terms)
        .values({ courseId: course.id, term: "WS25", hubs: ["assignment", "exam"], image: IMAGE, cpuGuarantee: "500m", cpuLimit: "2", memGuarantee: "1Gi", memLimit: "2Gi", mounts: defaultMounts() })
        .returning({ id: terms.id })
        .get();
      if (opts.students.length) tx.insert(students).values(opts.students.map((s) => ({ termId: term.id, username: s.username, firstName: s.firstName, lastName: s.lastName, matrikel: null }))).run();
    });
    this.act((ctx) =>
      saveSettings(
        {
          ...getSettings(this.db).settings,
          hubs: { ...getSettings(this.db).settings.hubs, exam: { namespace: EXAM_NAMESPACE, releaseName: "exam", host: EXAM_HOST, nodePort: 31123 } },
          nfs: { server: "nfs.e2x.test", basePath: "/export/e2x" },
          ldap: { ...getSettings(this.db).settings.ldap, enabled: false },
          exam: { sourceCidrs: [`${ROOM_A}/32`, `${ROOM_B}/32`], period: "PZ1" },
          network: { serviceType: "NodePort", trustedProxies: [LOAD_BALANCER], nodeAddresses: [] },
        },
        ctx,
      ),
    );
  }

  /** A domain function as an action runs it: one transaction with its audit entries, as the admin. */
  act<T>(fn: (ctx: ActionContext) => T): T {
    return this.db.transaction((tx) => fn({ tx, principal: this.admin, audit: (e) => writeAudit(tx, { id: this.admin.id, username: this.admin.username }, e) }));
  }

  termId(): number {
    return this.db.select({ id: terms.id }).from(terms).get()!.id;
  }

  revision(examId: number): number {
    return this.db.select({ r: exams.revision }).from(exams).where(eq(exams.id, examId)).get()!.r;
  }

  participant(examId: number, username: string) {
    return this.db
      .select()
      .from(examParticipants)
      .all()
      .find((p) => p.examId === examId && p.username === username)!;
  }

  /** An exam planned through the portal's domain functions, seated and scheduled (pushed). */
  async planExam(spec: ExamSpec): Promise<number> {
    // times relative to now (the form takes a date and wall-clock times; createExam takes the instants)
    const input: ExamInput = { termId: this.termId(), title: spec.title, period: spec.period, date: "", start: "", end: "", startsAt: spec.startsAt, endsAt: spec.endsAt, graceMinutes: spec.graceMinutes, language: "de", examiners: ["Prof. Irene"], headerLines: ["Hochschule"] };
    const exam = this.act((ctx) => createExam(input, ctx));
    const rooms = new Map<string, number>();
    for (const r of spec.rooms) {
      const room = this.act((ctx) => saveRoom(roomInput.parse({ examId: String(exam.id), name: r.name, seats: String(r.seats), blockedSeats: "", cidrs: r.cidrs }), ctx));
      rooms.set(r.name, room.id);
    }
    const ids = this.db.select({ id: students.id, username: students.username }).from(students).all().filter((s) => spec.students.includes(s.username)).map((s) => s.id);
    this.act((ctx) => addParticipants(exam.id, { mode: "selected", studentIds: ids }, ctx));
    for (const [room, n] of Object.entries(spec.backups ?? {})) this.act((ctx) => addBackups(exam.id, rooms.get(room)!, n, ctx));
    this.act((ctx) => autoSeatExam(exam.id, "alphabetical", ctx));
    for (const [u, seat] of Object.entries(spec.seats ?? {})) {
      const p = this.participant(exam.id, `mathe1-${u}`);
      this.act((ctx) => setSeat(exam.id, p.id, rooms.get(seat.room)!, seat.seat, ctx));
    }
    for (const [u, minutes] of Object.entries(spec.extraMinutes ?? {})) {
      const p = this.participant(exam.id, `mathe1-${u}`);
      this.act((ctx) => setExtraTime(exam.id, p.id, minutes, ctx));
    }
    await this.step(exam.id, "schedule");
    return exam.id;
  }

  /** A lifecycle step the portal's way: the hub gets its data first (runExamPush), then the step is recorded. */
  async step(examId: number, name: "schedule" | "open" | "close" | "archive" | "reopen") {
    const revision = this.revision(examId);
    return runExamPush(this.db, this.admin, examId, (ctx) => transitionExam(examId, name, revision, ctx), { target: this.target });
  }

  /** Sheets printed through the portal's own path; the passwords as read off the PDF. */
  async print(examId: number, scope: SheetScope = { kind: "all" }): Promise<{ passwords: Map<string, string>; hub?: string; file: string }> {
    const r = await issueSheets(this.db, this.admin, examId, scope, this.revision(examId), { target: this.target });
    const file = path.join(this.state, r.filename);
    const logins = this.db.select({ u: examParticipants.username }).from(examParticipants).where(eq(examParticipants.examId, examId)).all().map((p) => p.u);
    return { passwords: passwordsFromPdf(r.pdf, file, logins), hub: r.hub, file };
  }

  /**
   * The exam hub installed as an admin does it once: a cluster push as the portal (the hub's
   * configuration, `e2x-portal-hub`, which exam pushes leave alone), then the chart's objects from
   * the portal's rendered values applied; hub and proxy started.
   */
  async startHub(): Promise<void> {
    const pushed = await runPush(this.db, { id: this.admin.id, username: this.admin.username }, { forceConflicts: false, prune: true }, { target: this.target });
    if (pushed.executed.error) throw new Error(`the first cluster push failed: ${pushed.executed.error}`);
    const rendered = renderPortal(this.db);
    const values = path.join(this.state, "values-exam.yaml");
    fs.writeFileSync(values, rendered.render.valuesYaml.exam!);
    const testValues = path.join(this.state, "test-values-exam.yaml");
    fs.writeFileSync(testValues, testServiceValues(this.apiToken));
    const portalValues = path.join(this.state, "portal-service-exam.yaml");
    fs.writeFileSync(portalValues, YAML.stringify({ hub: { services: { [PORTAL_HUB_SERVICE]: { apiToken: this.portalHubToken } }, loadRoles: { [PORTAL_HUB_SERVICE]: { scopes: [...PORTAL_HUB_SCOPES], services: [PORTAL_HUB_SERVICE] } } } }));
    this.chartObjects = await helmTemplate(this.chart, "exam", EXAM_NAMESPACE, [values, testValues, portalValues]);
    await this.apply(this.chartObjects, EXAM_NAMESPACE);
    this.hub = new ChartHub("exam", EXAM_NAMESPACE, () => ({
      objects: this.chartObjects,
      kubectl: (...a: string[]) => this.kubectl(...a),
      apiServer: { host: "127.0.0.1", port: Number(new URL(this.kube.server).port), caFile: path.join(this.kube.stateDir, "pki/ca.crt") },
      stateDir: this.state,
      hubPythonBin: HUB_PYTHON_BIN,
      chp: CHP,
      apiToken: this.apiToken,
    }));
    await this.hub.start();
    // the load-balancer VM: HAProxy with the rendered configuration, in front of the proxy's NodePort
    const port = await freePort();
    this.lbUrl = `http://127.0.0.1:${port}`;
    const cfg = renderHaproxyConfig(rendered.model, {
      listen: { address: "127.0.0.1", port, tls: false },
      backends: { exam: [{ address: "127.0.0.1", port: this.hub.ports.get("proxy-public", 80), source: LOAD_BALANCER }] },
    });
    const file = path.join(this.state, "haproxy.cfg");
    fs.writeFileSync(file, cfg);
    execFileSync("haproxy", ["-c", "-f", file], { stdio: "pipe" });
    this.haproxy = spawn("haproxy", ["-db", "-f", file], { stdio: ["ignore", "pipe", "pipe"] });
    this.haproxy.stdout!.on("data", (d) => (this.haproxyLog += d));
    this.haproxy.stderr!.on("data", (d) => (this.haproxyLog += d));
    await waitFor("haproxy", async () => (await this.browser(ROOM_A).request("GET", "/hub/health", undefined, 2_000)).status === 200, 20_000, () => this.haproxyLog);
  }

  /** The hub pod replaced by a new one (its volume kept); back once the load balancer sees it up again. */
  async restartHub(): Promise<void> {
    await this.hub.restartHub();
    await waitFor("the load balancer to see the hub again", async () => (await this.browser(ROOM_A).request("GET", "/hub/login", undefined, 2_000)).status === 200, 30_000, () => this.haproxyLog);
  }

  /** A browser in a room (or outside), through the load balancer, for the exam hub's host. */
  browser(from: string): Browser {
    return new Browser(this.lbUrl, { localAddress: from, host: EXAM_HOST });
  }

  /** Straight to the proxy's NodePort, bypassing the load balancer. */
  direct(from: string, headers: Record<string, string> = {}): Browser {
    return new Browser(this.hub.publicUrl, { localAddress: from, headers });
  }

  async pod(name: string): Promise<Record<string, any> | null> {
    try {
      return JSON.parse(await this.kubectl("get", "pod", "-n", EXAM_NAMESPACE, name, "-o", "json"));
    } catch {
      return null;
    }
  }

  /** A singleuser Pod KubeSpawner created (stored by the API server; no kubelet starts it). */
  async hubPod(name: string): Promise<Record<string, any>> {
    return waitFor(`pod ${name}`, () => this.pod(name), 30_000, () => this.hub.log());
  }

  /** The password Secret as the API server holds it. */
  async secretDoc(): Promise<{ raw: string; doc: any }> {
    const s = JSON.parse(await this.kubectl("get", "secret", "e2x-exam-passwords", "-n", EXAM_NAMESPACE, "-o", "json"));
    const raw = Buffer.from(s.data["exams.json"], "base64").toString("utf8");
    return { raw, doc: JSON.parse(raw) };
  }

  /**
   * The portal goes away: its database is closed (and moved aside) and its ServiceAccount loses
   * its access to the exam namespace. `portalBack()` undoes both.
   */
  async portalDown(): Promise<void> {
    this.db.$client.close();
    fs.renameSync(this.dbFile, `${this.dbFile}.away`);
    for (const f of ["-wal", "-shm"]) if (fs.existsSync(this.dbFile + f)) fs.renameSync(this.dbFile + f, `${this.dbFile}.away${f}`);
    await this.kubectl("delete", "rolebinding", "e2x-portal", "-n", EXAM_NAMESPACE);
  }

  async portalBack(): Promise<void> {
    fs.renameSync(`${this.dbFile}.away`, this.dbFile);
    for (const f of ["-wal", "-shm"]) if (fs.existsSync(`${this.dbFile}.away${f}`)) fs.renameSync(`${this.dbFile}.away${f}`, this.dbFile + f);
    this.db = openDb(this.dbFile);
    await this.kubectl("apply", "--server-side", "-k", path.join(ROOT, "deploy/k8s"));
  }

  async stop(): Promise<void> {
    if (this.haproxy && this.haproxy.exitCode === null) {
      const done = new Promise((r) => this.haproxy!.once("exit", r));
      this.haproxy.kill("SIGTERM");
      await done;
    }
    await this.hub?.stop().catch(() => undefined);
    this.portal?.close();
    try {
      this.db?.$client.close();
    } catch {
      /* closed already */
    }
    await this.kube?.stop();
    fs.rmSync(this.state, { recursive: true, force: true });
  }
}
