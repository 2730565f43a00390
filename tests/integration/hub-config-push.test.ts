/**
 * Hub configuration pushed, not only downloaded, in the Z2JH 4.4.0 test world
 * (e2e/services/z2jh.ts): the portal's own manifests (deploy/k8s) and the hubs' chart objects
 * (`helm template` of the downloaded values) on the real kube-apiserver, the portal pushing as
 * its ServiceAccount through its own push code (lib/deployment/push.ts), and the assignment hub
 * run through the chart's own loader from what its Deployment mounts.
 *
 * - one install, then pushes: a hub setting changed in the portal (admins, spawn limit, idle
 *   culling) is pushed; the push restarts the hub by its Deployment's pod-template annotation;
 *   the hub pod started again from the API server's objects runs the new settings (REST API);
 * - drift: up to date after the values are applied, out of date after a term image changes
 *   (since when, and why), up to date again after they are re-applied;
 * - an open exam: a push that would restart the exam hub is refused, nothing is written, unless
 *   the admin forces it.
 *
 * No controller-manager or kubelet runs: the Deployment's new pod is the test's restart of the
 * hub PodStandIn, the way the pod would start (named where it happens).
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KubeApiServer, kubeBinary, startKubeApiServer } from "@/e2e/services/kube";
import {
  ChartHub,
  type ChartSource,
  type KubeObject,
  STATE_ROOT,
  applyObjects,
  helmTemplate,
  kubectlFor,
  podApiServer,
  resolveZ2jhChart,
  testServiceValues,
  waitFor,
} from "@/e2e/services/z2jh";
import { connectCluster, readHubDeployment, type ClusterConnection, type PushTarget } from "@/lib/cluster";
import { createCourse, createTerm, updateTerm } from "@/lib/courses/courses";
import { defaultMounts } from "@/lib/courses/schemas";
import type { Db } from "@/lib/db/client";
import { exams, pushes, terms } from "@/lib/db/schema";
import { hubDrift } from "@/lib/deployment/hub-drift";
import { renderPortal } from "@/lib/deployment/model";
import { getPush, recordPush } from "@/lib/deployment/history";
import { executePush, previewPush, runPush } from "@/lib/deployment/push";
import { DEFAULT_SETTINGS, getSettings, saveSettings } from "@/lib/deployment/settings";
import { addStudent } from "@/lib/rosters/roster";
import { CONFIG_DIGEST_ANNOTATION, VALUES_DIGEST_ANNOTATION, type HubName } from "@/lib/render";
import { createTestDb } from "@/lib/test/db";
import { inAction, makeUser, principalOf } from "@/lib/test/factories";
import { writeAudit } from "@/lib/audit/audit";
import { desc, eq } from "drizzle-orm";

const ROOT = path.resolve(import.meta.dirname, "../..");
const API_TOKEN = randomBytes(24).toString("hex");
const IMAGE = "ghcr.io/digiklausur/e2x-notebook:2025.10";
const NEW_IMAGE = "ghcr.io/digiklausur/e2x-notebook:2026.04";
const NS = { assignment: "e2x-assignment", exam: "e2x-exam", grading: "e2x-grading" } as const;
/** The hubs Helm installs here; the grading hub stays uninstalled. */
const INSTALLED = ["assignment", "exam"] as const;

let kube: KubeApiServer;
let chart: ChartSource;
let state: string;
let db: Db;
let cleanupDb: () => void;
let admin: ReturnType<typeof principalOf>;
let portal: ClusterConnection;
let target: PushTarget;
let termId: number;
let termCourseId: number;
const chartObjects: Partial<Record<HubName, KubeObject[]>> = {};

const k = (...args: string[]) => kubectlFor(kubeBinary("kubectl"), kube.kubeconfigPath)(...args);
const applyAsAdmin = (objects: unknown[], namespace?: string) => applyObjects(k, state, objects, { namespace, fieldManager: "helm" });

/** What an admin does once per hub (and again for what only Helm changes): the downloaded values, helm template, apply. */
async function helmInstall(hub: (typeof INSTALLED)[number]): Promise<void> {
  const values = renderPortal(db).render.valuesYaml[hub]!;
  const valuesFile = path.join(state, `values-${hub}-${randomBytes(3).toString("hex")}.yaml`);
  fs.writeFileSync(valuesFile, values);
  const testFile = path.join(state, `test-values-${hub}.yaml`);
  fs.writeFileSync(testFile, testServiceValues(API_TOKEN));
  chartObjects[hub] = await helmTemplate(chart, hub, NS[hub], [valuesFile, testFile]);
  await applyAsAdmin(chartObjects[hub]!, NS[hub]);
}

const hub = new ChartHub("assignment", NS.assignment, () => ({
  objects: chartObjects.assignment!,
  kubectl: k,
  apiServer: podApiServer(kube),
  stateDir: state,
  apiToken: API_TOKEN,
}));

function actor() {
  return { id: admin.id, username: admin.username };
}

/** The admin saves the settings card (the domain function behind its action). */
function changeSettings(change: (s: typeof DEFAULT_SETTINGS) => void) {
  const s = structuredClone(getSettings(db).settings);
  change(s);
  inAction(db, admin, (ctx) => saveSettings(s, ctx));
}

/** Preview, then apply exactly that, as the cluster page does; the outcome stored. */
async function previewAndPush(opts: { forceExamRestart?: boolean } = {}) {
  const preview = await previewPush(db, { target });
  if (!preview.ok) throw new Error(preview.error);
  const executed = await executePush(db, { forceConflicts: false, prune: true, expectedFingerprint: preview.plan.fingerprint, forceExamRestart: opts.forceExamRestart }, { target });
  expect(executed.stale, "the plan changed between preview and apply").toBeUndefined();
  const pushId = db.transaction((tx) => recordPush(tx, actor(), (e) => writeAudit(tx, actor(), e), executed));
  return { preview: preview.plan, executed, pushId };
}

async function liveAnnotations(hubName: HubName): Promise<Record<string, string>> {
  return (await readHubDeployment(portal, NS[hubName]))!.templateAnnotations;
}

async function liveSettings(hubName: HubName): Promise<Record<string, any>> {
  const cm = JSON.parse(await k("get", "configmap", "e2x-portal-hub", "-n", NS[hubName], "-o", "json"));
  return JSON.parse(cm.data["e2x-portal-settings.json"]);
}

beforeAll(async () => {
  state = STATE_ROOT();
  [kube, chart] = await Promise.all([startKubeApiServer(), resolveZ2jhChart()]);
  ({ db, cleanup: cleanupDb } = createTestDb());

  // the portal's data: an admin, a course term on the assignment and exam hubs, students
  admin = principalOf(db, makeUser(db, "admin", "alice").id);
  const course = inAction(db, admin, (ctx) => createCourse({ code: "mathe1", title: "Mathematik 1", description: "" }, ctx));
  termCourseId = course.id;
  const termInput = { courseId: course.id, term: "WS25", hubs: ["assignment", "exam"] as ("assignment" | "exam")[], image: IMAGE, cpuGuarantee: "500m", cpuLimit: "2", memGuarantee: "1Gi", memLimit: "2Gi", mounts: defaultMounts() };
  termId = inAction(db, admin, (ctx) => createTerm(termInput, ctx)).id;
  for (const u of ["stud1", "stud2", "stud3"]) inAction(db, admin, (ctx) => addStudent(termId, { username: u }, ctx));
  changeSettings((s) => {
    s.nfs = { server: "nfs.e2x.test", basePath: "/export/e2x" };
    // LDAP on: no directory answers here, and the bind password Secret is not even created (the
    // values reference it as optional); the hub starts, and this test signs nobody in
    s.ldap = { ...s.ldap, url: "ldap://127.0.0.1:9" };
  });

  // the portal's own manifests: namespaces, ServiceAccount, the Role in each hub namespace
  await k("apply", "--server-side", "-k", path.join(ROOT, "deploy/k8s"));
  // no controller-manager runs: each namespace's "default" ServiceAccount, as it would make it
  await applyAsAdmin(Object.values(NS).map((namespace) => ({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace } })));
  const adminConn = connectCluster({ kubeconfigPath: kube.kubeconfigPath });
  const tr = await adminConn.request<{ status: { token: string } }>("POST", "/api/v1/namespaces/e2x-portal/serviceaccounts/e2x-portal/token", {
    body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3600 } },
  });
  adminConn.close();
  portal = connectCluster({ kubeconfigPath: await kube.tokenKubeconfig(tr.body.status.token, "e2x-portal") });
  target = { kind: "cluster", connection: portal };

  // the one-time install: helm with the downloaded values
  for (const h of INSTALLED) await helmInstall(h);
}, 300_000);

afterAll(async () => {
  await hub.stop().catch(() => undefined);
  portal?.close();
  cleanupDb?.();
  await kube?.stop();
  if (state) fs.rmSync(state, { recursive: true, force: true });
}, 120_000);

describe("a one-time install, then pushes", () => {
  it("the first push brings each installed hub its configuration; the hub then starts through the chart's loader with it", async () => {
    const { preview, executed } = await previewAndPush();
    expect(executed.error).toBeNull();
    const restarts = Object.fromEntries(preview.hubRestarts!.map((r) => [r.hub, r]));
    expect(restarts.assignment).toMatchObject({ restart: true, reason: "created", installed: true });
    expect(restarts.grading).toMatchObject({ restart: false, reason: "not-installed", installed: false });
    expect(restarts.grading.sentence).toBe("The grading hub is not installed yet: it reads this configuration when it first starts after helm upgrade --install.");
    const cmDigest = JSON.parse(await k("get", "configmap", "e2x-portal-hub", "-n", NS.assignment, "-o", "json")).metadata.annotations[CONFIG_DIGEST_ANNOTATION];
    expect((await liveAnnotations("assignment"))[CONFIG_DIGEST_ANNOTATION]).toBe(cmDigest);
    // the hub pod (it waited for its ConfigMap: the volume is not optional) starts
    await hub.start();
    expect(hub.hub.logText).toContain("Loading /usr/local/etc/jupyterhub/jupyterhub_config.d config: e2x_portal_config.py");
    const alice = (await (await hub.api("GET", "/users/alice")).json()) as { admin: boolean };
    expect(alice.admin).toBe(true);
    expect((await hub.api("GET", "/users/bob")).status).toBe(404);
  });

  it("a changed hub setting is a push: the preview says the hub restarts, the apply sets the annotation, the restarted hub runs it", async () => {
    // a student's server, so that the preview has one to count (no kubelet: the pod stays pending)
    expect((await hub.api("POST", "/users/stud1")).status).toBe(201);
    expect([201, 202]).toContain((await hub.api("POST", "/users/stud1/server", {})).status);
    await waitFor("pod jupyter-stud1", async () => (await k("get", "pods", "-n", NS.assignment, "-o", "name")).includes("pod/jupyter-stud1"), 30_000, () => hub.log());
    const culler = async () => ((await (await hub.api("GET", "/services/jupyterhub-idle-culler")).json()) as { command: string[] }).command.filter((a) => a.startsWith("--timeout"));
    expect(await culler()).toEqual(["--timeout=7200"]);

    changeSettings((s) => {
      s.hubAccess.extraAdmins = ["bob"];
      s.hubAccess.concurrentSpawnLimit = 1;
      s.hubAccess.cullTimeoutMinutes = 30;
    });
    const before = await readHubDeployment(portal, NS.assignment);
    const { preview, executed, pushId } = await previewAndPush();
    expect(executed.error).toBeNull();
    const r = preview.hubRestarts!.find((x) => x.hub === "assignment")!;
    expect(r.sentence).toBe("The assignment hub restarts; 1 server keeps running, sign-ins pause for about 20 s.");
    expect(r.serversSource).toBe("singleuser pods (component=singleuser-server) in e2x-assignment");
    expect(r.changes).toEqual(["hub admins", "the spawn limit", "idle culling"]);
    // the change is in the hub ConfigMap only: no helm values changed
    expect(preview.items.filter((i) => i.action === "change").map((i) => `${i.namespace}/${i.kind}/${i.name}`)).toEqual([
      "e2x-assignment/ConfigMap/e2x-portal-hub",
      "e2x-exam/ConfigMap/e2x-portal-hub",
      "e2x-grading/ConfigMap/e2x-portal-hub",
    ]);

    // the Deployment's pod template now names the new configuration: a new hub pod
    const after = (await readHubDeployment(portal, NS.assignment))!;
    const cm = JSON.parse(await k("get", "configmap", "e2x-portal-hub", "-n", NS.assignment, "-o", "json"));
    expect(after.templateAnnotations[CONFIG_DIGEST_ANNOTATION]).toBe(cm.metadata.annotations[CONFIG_DIGEST_ANNOTATION]);
    expect(after.templateAnnotations[CONFIG_DIGEST_ANNOTATION]).not.toBe(before!.templateAnnotations[CONFIG_DIGEST_ANNOTATION]);
    expect(after.generation).toBe(before!.generation! + 1);
    // Helm's own annotations are untouched
    expect(after.templateAnnotations[VALUES_DIGEST_ANNOTATION]).toBe(before!.templateAnnotations[VALUES_DIGEST_ANNOTATION]);
    expect(after.templateAnnotations["checksum/secret"]).toBe(before!.templateAnnotations["checksum/secret"]);
    const stored = getPush(db, pushId)!;
    expect(stored.objects.filter((o) => o.planAction === "restart").map((o) => [o.namespace, o.kind, o.name, o.action])).toEqual([
      ["e2x-assignment", "Deployment", "hub", "restarted"],
      ["e2x-exam", "Deployment", "hub", "restarted"],
    ]);
    expect(stored.push.status).toBe("ok");

    // the running hub read its configuration when it started: nothing changed for it yet
    expect((await hub.api("GET", "/users/bob")).status).toBe(404);
    expect(await culler()).toEqual(["--timeout=7200"]);

    // the Deployment replaces the hub pod (no controller runs here: the stand-in starts the new
    // pod from the API server's objects, as kubelet would); the proxy and stud1's server stay
    const restartStarted = performance.now();
    await hub.restartHub();
    // what the preview's "about 20 s" rests on, here without scheduling or image pulls: stop, start, load, answer
    console.log(`hub restart: the assignment hub answered again after ${Math.round(performance.now() - restartStarted)} ms`);
    const bob = (await (await hub.api("GET", "/users/bob")).json()) as { admin: boolean };
    expect(bob.admin).toBe(true);
    expect(await culler()).toEqual(["--timeout=1800"]);
    // spawn limit 1: one spawn in flight (no kubelet starts it), the next one must wait
    for (const u of ["stud2", "stud3"]) expect((await hub.api("POST", `/users/${u}`)).status).toBe(201);
    expect([201, 202]).toContain((await hub.api("POST", "/users/stud2/server", {})).status);
    const third = await hub.api("POST", "/users/stud3/server", {});
    expect(third.status, await third.clone().text()).toBe(429);
    expect(((await third.json()) as { message: string }).message).toMatch(/Too many users trying to log in right now/);
  });

  it("an unchanged configuration restarts nothing", async () => {
    const p = await previewPush(db, { target });
    expect(p.ok && p.plan.hubRestarts!.filter((r) => r.restart)).toEqual([]);
  });
});

describe("drift of the chart values", () => {
  const states = async () => Object.fromEntries((await hubDrift(db, renderPortal(db), target)).map((d) => [d.hub, d]));

  it("up to date after install, out of date after a term image changes (since when, why), up to date after the values are re-applied", async () => {
    let d = await states();
    expect(d.assignment).toMatchObject({ state: "up-to-date" });
    expect(d.exam).toMatchObject({ state: "up-to-date" });
    expect(d.grading).toMatchObject({ state: "not-installed" });
    expect(d.grading.helmCommand).toBe(
      "helm upgrade --install grading jupyterhub --repo https://hub.jupyter.org/helm-chart/ --version 4.4.0 --namespace e2x-grading --values values-grading.yaml",
    );

    // an instructor's term gets a new image: the profile data is a push, the pre-puller is Helm's
    const changedAt = Date.now();
    const term = db.select().from(terms).where(eq(terms.id, termId)).get()!;
    inAction(db, admin, (ctx) =>
      updateTerm(termId, { courseId: termCourseId, term: term.term, hubs: term.hubs, image: NEW_IMAGE, cpuGuarantee: term.cpuGuarantee, cpuLimit: term.cpuLimit, memGuarantee: term.memGuarantee, memLimit: term.memLimit, mounts: term.mounts }, ctx),
    );
    d = await states();
    for (const h of INSTALLED) {
      expect(d[h]).toMatchObject({ state: "out-of-date", reasons: ["the term images changed"], known: true });
      expect(new Date(d[h].since!).getTime()).toBeGreaterThanOrEqual(changedAt - 1000);
      expect(d[h].helmCommand).toBe(`helm upgrade ${h} jupyterhub --repo https://hub.jupyter.org/helm-chart/ --version 4.4.0 --namespace ${NS[h]} --values values-${h}.yaml`);
    }
    // the push of the new profile data restarts no hub
    const { preview } = await previewAndPush();
    expect(preview.hubRestarts!.filter((r) => r.restart)).toEqual([]);
    expect((await states()).exam.state).toBe("out-of-date");

    for (const h of INSTALLED) await helmInstall(h);
    d = await states();
    expect(d.assignment.state).toBe("up-to-date");
    expect(d.exam.state).toBe("up-to-date");
    // helm upgrade kept the portal's restart annotation (another field manager's key)
    expect((await liveAnnotations("assignment"))[CONFIG_DIGEST_ANNOTATION]).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe("an open exam", () => {
  let examId: number;

  beforeAll(() => {
    // an exam of the term in the lifecycle state "open" (lib/exams)
    const now = Date.now();
    examId = db
      .insert(exams)
      .values({ termId, title: "Mathe 1 Klausur", period: "PZ1", startsAt: new Date(now - 600_000), endsAt: new Date(now + 3_600_000), examiners: ["Prof. X"], headerLines: [], status: "open", openedAt: new Date(now - 600_000) })
      .returning()
      .get().id;
  });

  it("a push that would restart the exam hub is refused, nothing is written; forced, it restarts it", async () => {
    changeSettings((s) => {
      s.hubAccess.extraAdmins = ["bob", "carol"];
    });
    const annotationsBefore = await liveAnnotations("exam");
    const preview = await previewPush(db, { target });
    if (!preview.ok) throw new Error(preview.error);
    const exam = preview.plan.hubRestarts!.find((r) => r.hub === "exam")!;
    expect(exam.blockedBy.map((e) => [e.id, e.title, e.courseId])).toEqual([[examId, "Mathe 1 Klausur", "mathe1-WS25"]]);

    const { pushId, executed } = await runPush(db, actor(), { forceConflicts: false, prune: true, expectedFingerprint: preview.plan.fingerprint }, { target });
    expect(executed.refused).toBe(
      "Refused: this push would restart the exam hub while the exam “Mathe 1 Klausur” (mathe1-WS25) is open. Nothing was written. Push after the exam is closed, or force the restart with the second confirmation.",
    );
    expect(executed.result).toBeNull();
    // nothing written, on any hub
    expect((await liveSettings("exam")).admins).toEqual(["alice", "bob"]);
    expect((await liveSettings("assignment")).admins).toEqual(["alice", "bob"]);
    expect(await liveAnnotations("exam")).toEqual(annotationsBefore);
    const row = db.select().from(pushes).orderBy(desc(pushes.id)).limit(1).get()!;
    expect([row.id, row.status, row.appliedCount]).toEqual([pushId, "failed", 0]);
    expect(row.error).toMatch(/^Refused: this push would restart the exam hub/);

    // the admin forces it (the second confirmation in the page)
    const forced = await previewAndPush({ forceExamRestart: true });
    expect(forced.executed.error).toBeNull();
    expect((await liveSettings("exam")).admins).toEqual(["alice", "bob", "carol"]);
    expect((await liveAnnotations("exam"))[CONFIG_DIGEST_ANNOTATION]).not.toBe(annotationsBefore[CONFIG_DIGEST_ANNOTATION]);
    const audit = getPush(db, forced.pushId)!;
    expect(audit.objects.find((o) => o.namespace === NS.exam && o.planAction === "restart")!.action).toBe("restarted");
  });

  it("a restart left over from before waits for the end of the exam: the rest of the push goes out", async () => {
    // the exam hub runs an older configuration than it holds (say its last restart failed)
    await k("patch", "deployment", "hub", "-n", NS.exam, "--type=merge", "-p", JSON.stringify({ spec: { template: { metadata: { annotations: { [CONFIG_DIGEST_ANNOTATION]: "0000000000000000" } } } } }));
    const users = async () => JSON.parse(JSON.parse(await k("get", "configmap", "e2x-profiles-assignment", "-n", NS.assignment, "-o", "json")).data["meta.json"]).users as number;
    const before = await users();
    inAction(db, admin, (ctx) => addStudent(termId, { username: "stud4" }, ctx));
    const { preview, executed } = await previewAndPush();
    const exam = preview.hubRestarts!.find((r) => r.hub === "exam")!;
    expect(exam).toMatchObject({ restart: false, deferred: true, reason: "pending" });
    expect(exam.sentence).toBe("The exam hub still runs an older configuration; it is not restarted during the open exam (push again after the exam, or force the restart).");
    expect(executed.refused).toBeUndefined();
    expect(executed.error).toBeNull();
    expect(executed.restartResults).toEqual([]);
    // the roster went out (the assignment hub's profile data), the exam hub was left alone
    expect(await users()).toBe(before + 1);
    expect((await liveAnnotations("exam"))[CONFIG_DIGEST_ANNOTATION]).toBe("0000000000000000");
  });

  it("with the exam closed, the exam hub restarts without being forced", async () => {
    db.update(exams).set({ status: "closed", closedAt: new Date() }).where(eq(exams.id, examId)).run();
    changeSettings((s) => {
      s.hubAccess.concurrentSpawnLimit = 50;
    });
    const { executed } = await previewAndPush();
    expect(executed.refused).toBeUndefined();
    expect(executed.restartResults!.map((r) => [r.hub, r.action])).toEqual([
      ["assignment", "restarted"],
      ["exam", "restarted"],
    ]);
  });
});
