/**
 * The pre-flight's test sign-in, as E2x's check_login.py does it by hand: the exam's probe
 * account (`<course>-probe-<period>`, in one of the exam's rooms, never on a sheet) gets a fresh
 * one-time password, the exam hub gets its hash (a push), then the portal signs in through the
 * hub's own login page as a browser in that room would (the load balancer's address, the hub's
 * host, the probe's source address), starts the account's server through the REST API and stops
 * it again. The plain password lives only in this function.
 *
 * Exports: runProbe, probeRoom, ProbeStep, ProbeOutcome
 */
import http from "node:http";
import https from "node:https";
import { eq, sql } from "drizzle-orm";
import type { Principal } from "@/lib/auth/capabilities";
import type { Db, DbOrTx } from "@/lib/db/client";
import { examProbes, examRooms, exams } from "@/lib/db/schema";
import { runExamPush, type ExamPushOptions } from "@/lib/deployment/exam-push";
import { getSettings } from "@/lib/deployment/settings";
import { renderPortal } from "@/lib/deployment/model";
import { getExam } from "@/lib/exams/exams";
import { canonicalOtp, formatOtp, generateOtp, hashOtp } from "@/lib/exams/otp";
import { probeUsername } from "@/lib/exams/rules";
import { t } from "@/lib/i18n/t";
import { cidrContains } from "./net";
import { HubApiError, openHubApi, type HubApi } from "./hub-api";

export interface ProbeStep {
  step: string;
  ok: boolean;
  detail: string;
}
export interface ProbeOutcome {
  ok: boolean;
  username: string;
  steps: ProbeStep[];
}

/** The room the probe signs in from: the saved one, else the first whose networks hold the probe's source address. */
export function probeRoom(db: DbOrTx, examId: number, source: string): { id: number; name: string; cidrs: string[] } | null {
  const rooms = db.select({ id: examRooms.id, name: examRooms.name, cidrs: examRooms.cidrs }).from(examRooms).where(eq(examRooms.examId, examId)).orderBy(examRooms.position, examRooms.id).all();
  const saved = db.select({ roomId: examProbes.roomId }).from(examProbes).where(eq(examProbes.examId, examId)).get()?.roomId;
  const fits = (r: { cidrs: string[] }) => !source || r.cidrs.some((c) => cidrContains(c, source));
  return rooms.find((r) => r.id === saved && fits(r)) ?? rooms.find(fits) ?? null;
}

type Reply = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** A browser's session with the hub: cookies kept, redirects not followed, a source address and Host. */
class HubSession {
  private cookies = new Map<string, string>();
  constructor(
    private readonly base: string,
    private readonly opts: { localAddress?: string; host?: string; timeoutMs?: number },
  ) {}

  request(method: string, pathname: string, form?: Record<string, string>): Promise<Reply> {
    const u = new URL(pathname, this.base);
    const payload = form ? new URLSearchParams(form).toString() : undefined;
    const headers: Record<string, string> = {};
    if (this.opts.host) headers.Host = this.opts.host;
    if (this.cookies.size) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (payload) {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      headers["Content-Length"] = String(Buffer.byteLength(payload));
    }
    const lib = u.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(
        { host: u.hostname, port: u.port || undefined, path: u.pathname + u.search, method, headers, localAddress: this.opts.localAddress || undefined, servername: this.opts.host },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (d) => (text += d));
          res.on("end", () => {
            for (const c of res.headers["set-cookie"] ?? []) {
              const [pair] = c.split(";");
              const i = pair.indexOf("=");
              this.cookies.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text });
          });
        },
      );
      const ms = this.opts.timeoutMs ?? 10_000;
      req.setTimeout(ms, () => req.destroy(new Error(t("examErrors.noAnswerWithin", { seconds: ms / 1000 }))));
      req.on("error", reject);
      if (payload) req.write(payload);
      req.end();
    });
  }
}

/** The message JupyterHub's sign-in form shows. */
function formMessage(html: string): string {
  const m = /<p class="login_error">([\s\S]*?)<\/p>/.exec(html) ?? /<\/h1>\s*<p>([\s\S]*?)<\/p>/.exec(html);
  return (m ? m[1] : html.slice(0, 200)).replace(/<[^>]+>/g, " ").replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, " ").trim();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function signIn(s: HubSession, username: string, password: string): Promise<{ ok: boolean; detail: string }> {
  const page = await s.request("GET", "/hub/login");
  if (page.status !== 200) return { ok: false, detail: page.status === 403 ? t("examErrors.probeLoginPageRefused") : t("examErrors.probeLoginPageStatus", { status: page.status }) };
  const xsrf = /name="_xsrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (!xsrf) return { ok: false, detail: t("examErrors.probeNoForm") };
  const r = await s.request("POST", "/hub/login", { username, password, _xsrf: xsrf });
  if (r.status === 302 && r.headers["set-cookie"]?.some((c) => c.startsWith("jupyterhub-session-id") || c.startsWith("jupyterhub-hub-login"))) return { ok: true, detail: t("examErrors.probeSignedIn", { username }) };
  return { ok: false, detail: `HTTP ${r.status}: ${formMessage(r.body)}` };
}

async function waitServer(api: HubApi, username: string, until: (u: Awaited<ReturnType<HubApi["user"]>>) => boolean, ms: number) {
  const end = Date.now() + ms;
  for (;;) {
    const u = await api.user(username);
    if (until(u)) return u;
    if (Date.now() > end) return u;
    await sleep(500);
  }
}

export interface ProbeOptions extends ExamPushOptions {
  /** How long to wait for the server to be running (default E2X_PROBE_START_SECONDS, else 60 s). */
  startWaitMs?: number;
}

function startWait(opts: ProbeOptions): number {
  if (opts.startWaitMs !== undefined) return opts.startWaitMs;
  const s = Number(process.env.E2X_PROBE_START_SECONDS);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 60_000;
}

/**
 * Runs the probe for an open exam and records its outcome (an audit entry, no password). Throws
 * only when it cannot start at all (no settings, exam not open); every later failure is a step.
 */
export async function runProbe(db: Db, principal: Principal, examId: number, opts: ProbeOptions = {}): Promise<ProbeOutcome> {
  const d = getExam(db, examId);
  if (!d) throw new Error(t("routes.noExam"));
  const username = probeUsername(d.course.code, d.exam.period);
  const steps: ProbeStep[] = [];
  const finish = (ok: boolean) => {
    db.transaction((tx) => {
      tx.insert(examProbes).values({ examId, lastRunAt: new Date(), lastOk: ok, lastSteps: steps }).onConflictDoUpdate({ target: examProbes.examId, set: { lastRunAt: new Date(), lastOk: ok, lastSteps: steps } }).run();
    });
    return { ok, username, steps };
  };
  const conn = openHubApi(db);
  if ("error" in conn) {
    steps.push({ step: "settings", ok: false, detail: conn.error });
    return finish(false);
  }
  if (d.exam.status !== "open") {
    steps.push({ step: "exam", ok: false, detail: t("examErrors.probeNotOpen", { status: t(`examStatus.${d.exam.status}`) }) });
    return finish(false);
  }
  const room = probeRoom(db, examId, conn.settings.probeSource);
  if (!room) {
    steps.push({ step: "room", ok: false, detail: t("examErrors.probeNoRoom", { source: conn.settings.probeSource }) });
    return finish(false);
  }
  // a fresh password: the hash goes to the hub with a push; the plain one stays in this function
  const password = formatOtp(generateOtp());
  const hash = await hashOtp(canonicalOtp(password));
  try {
    await runExamPush(db, principal, examId, ({ tx, audit }) => {
      tx.insert(examProbes)
        .values({ examId, roomId: room.id, passwordHash: hash, issues: 1 })
        .onConflictDoUpdate({ target: examProbes.examId, set: { roomId: room.id, passwordHash: hash, issues: sql`${examProbes.issues} + 1` } })
        .run();
      tx.update(exams).set({ revision: sql`${exams.revision} + 1`, updatedAt: new Date() }).where(eq(exams.id, examId)).run();
      audit({ action: "exam.probe", entityType: "exam", entityId: String(examId), message: { key: "examProbe", params: { username, room: room.name } } });
    }, opts);
    steps.push({ step: "password", ok: true, detail: t("examErrors.probePasswordPushed", { username, room: room.name }) });
  } catch (e) {
    steps.push({ step: "password", ok: false, detail: t("examErrors.probePushFailed", { error: (e as Error).message }) });
    return finish(false);
  }
  const settings = getSettings(db).settings;
  const session = new HubSession(conn.settings.loginUrl || conn.settings.apiUrl, { localAddress: conn.settings.probeSource || undefined, host: settings.hubs.exam.host || undefined });
  // the hub reads the Secret at most every cache_ttl seconds: try until it has the new hash
  const ttl = ((renderPortal(db).render.values.exam as { hub?: { config?: { ExamPasswordAuthenticator?: { cache_ttl?: number } } } } | undefined)?.hub?.config?.ExamPasswordAuthenticator?.cache_ttl ?? 10) * 1000;
  const deadline = Date.now() + ttl + 5_000;
  let signedIn: { ok: boolean; detail: string } = { ok: false, detail: "" };
  for (;;) {
    try {
      signedIn = await signIn(session, username, password);
    } catch (e) {
      signedIn = { ok: false, detail: t("examErrors.probeLoginPageSilent", { error: (e as Error).message }) };
      break;
    }
    if (signedIn.ok || Date.now() > deadline || !/Benutzername oder Passwort|falsch|unbekannt/i.test(signedIn.detail)) break;
    await sleep(1_000);
  }
  steps.push({ step: "sign-in", ok: signedIn.ok, detail: signedIn.detail });
  if (!signedIn.ok) return finish(false);
  const api = conn.api;
  try {
    const status = await api.startServer(username);
    const u = await waitServer(api, username, (x) => !!x?.servers?.[""]?.ready, startWait(opts));
    const srv = u?.servers?.[""];
    if (srv?.ready) steps.push({ step: "start", ok: true, detail: t("examErrors.probeServerRunning", { status }) });
    else steps.push({ step: "start", ok: false, detail: srv ? t("examErrors.probeServerNotReady", { seconds: startWait(opts) / 1000, pending: srv.pending ?? t("examErrors.probeNotReady") }) : t("examErrors.probeNoServer") });
  } catch (e) {
    steps.push({ step: "start", ok: false, detail: e instanceof HubApiError ? e.message : String(e) });
  }
  try {
    await api.stopServer(username);
    const u = await waitServer(api, username, (x) => !x?.servers?.[""], 30_000);
    steps.push({ step: "stop", ok: !u?.servers?.[""], detail: !u?.servers?.[""] ? t("examErrors.probeServerStopped") : t("examErrors.probeServerStillThere", { pending: u.servers![""].pending ?? t("examErrors.probeRunning") }) });
  } catch (e) {
    steps.push({ step: "stop", ok: false, detail: e instanceof HubApiError ? e.message : String(e) });
  }
  return finish(steps.every((s) => s.ok));
}
