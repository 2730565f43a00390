/**
 * The three hubs as Z2JH 4.4.0 runs them, with what the portal generates:
 *
 * - `helm template` of the published chart with the generated values (the chart's values
 *   schema is validated), every rendered object plus the portal's own applied to the real
 *   kube-apiserver;
 * - the hub and proxy pods run from their rendered Deployments (e2e/services/z2jh.ts stands in
 *   for kubelet and names what it stands in for): the hub's /usr/local/etc/jupyterhub rebuilt
 *   from the rendered Secret and ConfigMaps in a temp directory standing in for the container's
 *   filesystem, JupyterHub 5.5.0 with the chart's own jupyterhub_config.py and z2jh.py and the
 *   hub image's packages (.venv-hub), behind the real configurable-http-proxy, KubeSpawner 7.0.0
 *   authenticating as the hub ServiceAccount;
 * - students and graders sign in (LDAP against a real slapd on the assignment and grading hubs;
 *   the exam hub refuses everyone), spawn, and the Pods KubeSpawner creates are read back (no
 *   kubelet runs: they are stored, never started);
 * - the chart's NetworkPolicies and the portal's analysed together (np-guard), with the pods
 *   as the chart and KubeSpawner label them;
 * - Debian's haproxy with the rendered load-balancer configuration in front of the exam hub's
 *   proxy on loopback (127.0.0.2 stands for an exam room, 127.0.0.3 for the world outside,
 *   127.0.0.5 for the load balancer's own address);
 * - the API server hung (SIGSTOP): spawn pages refuse clearly within KubeSpawner's request
 *   timeout, and not one after another.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { type KubeApiServer, kubeBinary, startKubeApiServer } from "@/e2e/services/kube";
import { LDAP_PEOPLE_BASE, LDAP_SERVICE_DN, LDAP_SERVICE_PASSWORD, type LdapServer, startLdap } from "@/e2e/services/ldap";
import {
  type ChartSource,
  type KubeObject,
  ChartHub,
  HUB_PYTHON_BIN,
  STATE_ROOT,
  applyObjects,
  kubectlFor,
  podApiServer,
  freePort,
  helmTemplate,
  resolveZ2jhChart,
  testServiceValues,
  waitFor,
} from "@/e2e/services/z2jh";
import { analyzeConnectivity } from "@/e2e/services/netpol";
import { Browser, shownMessage, type Reply } from "@/e2e/services/hub-browser";
import { type HubName, type RenderModelInput, type RenderResult, renderAll, renderHaproxyConfig } from "@/lib/render/index";

const ROOT = path.resolve(import.meta.dirname, "../..");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Room, outside world and load balancer addresses on loopback. */
const ROOM_CLIENT = "127.0.0.2";
const OUTSIDE_CLIENT = "127.0.0.3";
const LOAD_BALANCER = "127.0.0.5";

const IMAGES = {
  mathe1WS25: "ghcr.io/digiklausur/e2x-notebook:2025.10",
  mathe1SS25: "ghcr.io/digiklausur/e2x-notebook:2025.04",
  progWS25: "ghcr.io/digiklausur/e2x-prog:2025.10",
};
const RESOURCES = { cpuGuarantee: "500m", cpuLimit: "2", memGuarantee: "1Gi", memLimit: "2Gi" };

/** The portal's data for this world: the LDAP fixture people in courses. */
function worldModel(ldap: LdapServer): RenderModelInput {
  return {
    hubs: [
      { name: "assignment", namespace: "e2x-assignment", releaseName: "assignment" },
      { name: "exam", namespace: "e2x-exam", releaseName: "exam", host: "exam.e2x.test", nodePort: 31123 },
      { name: "grading", namespace: "e2x-grading", releaseName: "grading" },
    ],
    courses: [
      { code: "mathe1", title: "Mathematik 1" },
      { code: "prog", title: "Programmierung" },
    ],
    terms: [
      { id: "WS25", courseCode: "mathe1", hubs: ["assignment", "exam", "grading"], image: IMAGES.mathe1WS25, resources: RESOURCES },
      { id: "SS25", courseCode: "mathe1", hubs: ["assignment", "grading"], image: IMAGES.mathe1SS25, resources: RESOURCES },
      {
        id: "WS25",
        courseCode: "prog",
        hubs: ["assignment", "exam"],
        image: IMAGES.progWS25,
        resources: { cpuGuarantee: "250m", cpuLimit: "1", memGuarantee: "512Mi", memLimit: "1Gi" },
      },
    ],
    memberships: [
      { username: "stud1", courseId: "mathe1-WS25", role: "student" },
      { username: "stud1", courseId: "mathe1-SS25", role: "student" },
      { username: "juergen", courseId: "prog-WS25", role: "student" },
      { username: "ian", courseId: "prog-WS25", role: "instructor" },
      { username: "gina", courseId: "mathe1-WS25", role: "grader" },
    ],
    admins: ["alice"],
    exam: { period: "PZ1", sourceCidrs: [`${ROOM_CLIENT}/32`], defaultUrl: "/tree" },
    // scheduled, not open: the exam hub has the exam's profile and refuses every sign-in
    // (tests/integration/exam-hub.test.ts signs in with one-time passwords)
    exams: [
      {
        id: 1,
        courseCode: "mathe1",
        term: "WS25",
        period: "PZ1",
        title: "Klausur Mathematik 1",
        status: "scheduled",
        accepting: false,
        startsAt: "2030-07-22T07:00:00.000Z",
        endsAt: "2030-07-22T09:00:00.000Z",
        graceMinutes: 5,
        revision: 3,
        passwordsVersion: 1,
        rooms: [{ name: "Pool", cidrs: [`${ROOM_CLIENT}/32`] }],
        accounts: [
          {
            username: "mathe1-stud1",
            kind: "student",
            room: "Pool",
            seat: 1,
            notAfter: "2030-07-22T09:05:00.000Z",
            extraMinutes: 0,
            passwordHash: "scrypt$4096$8$1$ZTJ4LWZpeHR1cmUtc2EwMQ==$ybKP/uENuQutL3MNjkd1xS8oKNswBzXubP8vfnR1adA=",
            unlocks: 0,
          },
        ],
      },
    ],
    nfs: { server: "nfs.e2x.test", basePath: "/export/e2x" },
    ldap: {
      url: ldap.url,
      bindDn: LDAP_SERVICE_DN,
      bindPasswordSecret: { name: "e2x-ldap", key: "bind-password" },
      searchBase: LDAP_PEOPLE_BASE,
      searchFilter: "(uid={login})",
    },
    network: { trustedProxies: [LOAD_BALANCER], nodeAddresses: [] },
    // short, so the test sees roster pushes and the hung API server within seconds
    profileCacheTtlSeconds: 1,
    profileCacheGraceSeconds: 2,
  };
}

// ---------------------------------------------------------------------------------------------
// the world

let kube: KubeApiServer;
let ldap: LdapServer;
let chart: ChartSource;
let state: string;
let render: RenderResult;
let model: RenderModelInput;
const chartObjects: Partial<Record<HubName, KubeObject[]>> = {};

const k = (...args: string[]) => kubectlFor(kubeBinary("kubectl"), kube.kubeconfigPath)(...args);
const apply = (objects: unknown[], namespace?: string) => applyObjects(k, state, objects, { namespace, fieldManager: "e2x-test" });

async function getPod(ns: string, name: string): Promise<Record<string, any> | null> {
  try {
    return JSON.parse(await k("get", "pod", "-n", ns, name, "-o", "json"));
  } catch {
    return null;
  }
}

const API_TOKEN = randomBytes(24).toString("hex");

function chartHub(name: HubName, namespace: string): ChartHub<HubName> {
  return new ChartHub(name, namespace, () => ({
    objects: chartObjects[name]!,
    kubectl: k,
    apiServer: podApiServer(kube),
    stateDir: state,
    apiToken: API_TOKEN,
  }));
}

const HUBS = [
  ["assignment", "e2x-assignment"],
  ["exam", "e2x-exam"],
  ["grading", "e2x-grading"],
] as const;
const hubs = Object.fromEntries(HUBS.map(([name, namespace]) => [name, chartHub(name, namespace)])) as Record<HubName, ChartHub<HubName>>;

beforeAll(async () => {
  state = STATE_ROOT();
  [kube, ldap, chart] = await Promise.all([startKubeApiServer(), startLdap(), resolveZ2jhChart()]);
  model = worldModel(ldap);
  render = renderAll(model);
  for (const [name, namespace] of HUBS) {
    const valuesFile = path.join(state, `values-${name}.yaml`);
    fs.writeFileSync(valuesFile, render.valuesYaml[name]!);
    const testFile = path.join(state, `test-values-${name}.yaml`);
    fs.writeFileSync(testFile, testServiceValues(API_TOKEN));
    chartObjects[name] = await helmTemplate(chart, name, namespace, [valuesFile, testFile]);
  }
  // namespaces (labelled as the API server labels them), the LDAP bind password an admin puts in
  // each hub namespace (the portal only references it), the portal's objects, the chart's objects
  await apply(Object.values(hubs).map((h) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name: h.namespace } })));
  // no controller-manager runs: make each namespace's "default" ServiceAccount as it would
  await apply(Object.values(hubs).map((h) => ({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: h.namespace } })));
  await apply(
    Object.values(hubs).map((h) => ({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "e2x-ldap", namespace: h.namespace },
      stringData: { "bind-password": LDAP_SERVICE_PASSWORD },
    })),
  );
  await apply(render.objects);
  for (const h of Object.values(hubs)) await apply(chartObjects[h.name]!, h.namespace);
  await Promise.all(Object.values(hubs).map((h) => h.start()));
}, 600_000);

afterAll(async () => {
  await Promise.all(Object.values(hubs).map((h) => h.stop().catch(() => undefined)));
  await ldap?.stop();
  await kube?.stop();
  if (state) fs.rmSync(state, { recursive: true, force: true });
}, 120_000);

describe("the chart renders and installs the generated values", () => {
  it("helm template accepts every hub's values (schema validation on) and the API server stores every object", async () => {
    console.log(`Z2JH chart from ${chart.from}: ${chart.dir}`);
    for (const h of Object.values(hubs)) {
      const objects = chartObjects[h.name]!;
      const kinds = new Set(objects.map((o) => o.kind));
      for (const kind of ["Deployment", "Service", "Secret", "ConfigMap", "NetworkPolicy", "ServiceAccount", "Role", "RoleBinding", "PersistentVolumeClaim"]) {
        expect(kinds, `${h.name}: ${kind}`).toContain(kind);
      }
      for (const o of objects) {
        const out = await k("get", o.kind.toLowerCase() + (o.apiVersion.includes("/") ? `.${o.apiVersion.split("/")[0]}` : ""), o.metadata.name, "-n", h.namespace, "-o", "name");
        expect(out.trim(), `${h.name}: ${o.kind}/${o.metadata.name}`).not.toBe("");
      }
    }
    const exam = chartObjects.exam!;
    // the E2x topology: the proxy's NodePort behind the load balancer VM
    const svc = exam.find((o) => o.kind === "Service" && o.metadata.name === "proxy-public")!;
    expect(svc.spec.type).toBe("NodePort");
    expect(svc.spec.ports.find((p: any) => p.name === "http").nodePort).toBe(31123);
  }, 180_000); // helm renders three charts; slow when the machine is busy

  it("a cluster with a load balancer gets the exam rooms as loadBalancerSourceRanges on the exam hub's Service", async () => {
    const lbModel = { ...model, hubs: model.hubs.map((h) => ({ ...h, proxyServiceType: "LoadBalancer" as const })) };
    const file = path.join(state, "values-exam-lb.yaml");
    fs.writeFileSync(file, renderAll(lbModel).valuesYaml.exam!);
    const objects = await helmTemplate(chart, "exam", "e2x-exam", [file]);
    const svc = objects.find((o) => o.kind === "Service" && o.metadata.name === "proxy-public")!;
    expect(svc.spec.type).toBe("LoadBalancer");
    expect(svc.spec.loadBalancerSourceRanges).toEqual([`${ROOM_CLIENT}/32`]);
  });
});

describe("the hubs start through the chart's own loader", () => {
  it.each(["assignment", "exam", "grading"] as const)("%s: JupyterHub 5.5.0 with KubeSpawner 7.0.0 and the portal's config file", async (name) => {
    const h = hubs[name];
    const r = await fetch(`${h.publicUrl}/hub/api`);
    expect(((await r.json()) as { version: string }).version).toBe("5.5.0");
    const log = h.hub.logText;
    expect(log).toContain("Loading /usr/local/etc/jupyterhub/secret/values.yaml");
    expect(log).toContain("Loading /usr/local/etc/jupyterhub/jupyterhub_config.d config: e2x_portal_config.py");
    expect(log).toMatch(/Using Spawner: kubespawner\.spawner\.KubeSpawner-7\.0\.0/);
    // what stood in for the pod, named
    console.log(`${name}: stand-ins: ${[...h.hub.substitutions, ...h.proxy.substitutions].map((s) => `${s.what} -> ${s.instead}`).join("; ")}`);
    const pkgs = execFileSync(path.join(HUB_PYTHON_BIN, "python"), [
      "-c",
      "import sys, importlib.metadata as m; print(sys.version.split()[0], *(m.version(p) for p in ('jupyterhub','jupyterhub-kubespawner','jupyterhub-ldapauthenticator','kubernetes_asyncio')))",
    ]).toString().trim();
    const [py, jh, ks, ldapAuth, k8sAsync] = pkgs.split(" ");
    expect([jh, ks, ldapAuth, k8sAsync]).toEqual(["5.5.0", "7.0.0", "2.0.2", "36.1.0"]);
    if (!py.startsWith("3.12.")) console.warn(`the hub image runs Python 3.12; this machine's hub Python is ${py}`);
  });
});

describe("assignment hub: LDAP sign-in of rostered users, spawn of the chosen term", () => {
  const hub = hubs.assignment;

  it("stud1 signs in with the LDAP password; a wrong password and a user in no course are refused", async () => {
    const b = new Browser(hub.publicUrl);
    const ok = await b.signIn("stud1", "stud1-pw-1");
    expect(ok.status, ok.body.slice(0, 500) + hub.log()).toBe(302);
    const wrong = await new Browser(hub.publicUrl).signIn("stud1", "not-the-password");
    expect(wrong.status).toBe(403);
    expect(shownMessage(wrong.body)).toMatch(/Invalid username or password/);
    // sam exists in LDAP but is in no course: only the roster may sign in (no allow_all)
    const sam = await new Browser(hub.publicUrl).signIn("sam", "sam-pw-1");
    expect(sam.status).toBe(403);
    expect(shownMessage(sam.body)).toContain("sam ist in keinem Kurs dieses Hubs eingetragen");
    // alice is a portal admin: a hub admin, though in no course
    const alice = await new Browser(hub.publicUrl).signIn("alice", "alice-pw-1");
    expect(alice.status, shownMessage(alice.body)).toBe(302);
    const user = (await (await hub.api("GET", "/users/alice")).json()) as { admin: boolean };
    expect(user.admin).toBe(true);
  });

  it("a roster push lets a new student sign in without a hub restart", async () => {
    const before = await new Browser(hub.publicUrl).signIn("sam", "sam-pw-1");
    expect(before.status).toBe(403);
    const m2 = { ...model, memberships: [...model.memberships, { username: "sam", courseId: "mathe1-SS25", role: "student" as const }] };
    await apply(renderAll(m2).objects.filter((o) => o.metadata.namespace === hub.namespace));
    await sleep(1_500); // the hub's index TTL is 1 s here
    const after = await new Browser(hub.publicUrl).signIn("sam", "sam-pw-1");
    expect(after.status, shownMessage(after.body)).toBe(302);
    await apply(render.objects.filter((o) => o.metadata.namespace === hub.namespace));
  });

  it("stud1 chooses mathe1 SS25 in the spawn form: the Pod has the term's image, resources, mounts, affinity, UID and nbgrader config", async () => {
    const b = new Browser(hub.publicUrl);
    expect((await b.signIn("stud1", "stud1-pw-1")).status).toBe(302);
    const form = await b.request("GET", "/hub/spawn");
    expect(form.status, form.body.slice(0, 300)).toBe(200);
    expect(form.body).toContain("mathe1+student+mathe1-SS25");
    const posted = await b.spawn({
      profile: "mathe1+student",
      "profile-option-mathe1+student--term": "mathe1+student+mathe1-SS25",
    });
    expect([302, 303], posted.body.slice(0, 300)).toContain(posted.status);
    const pod = await waitFor("pod jupyter-stud1", () => getPod(hub.namespace, "jupyter-stud1"), 30_000, () => hub.log());
    const c = pod.spec.containers[0];
    expect(c.image).toBe(IMAGES.mathe1SS25);
    expect(c.resources).toEqual({ limits: { cpu: "2", memory: String(2 * 1024 ** 3) }, requests: { cpu: "500m", memory: String(1024 ** 3) } });
    const mounts = Object.fromEntries(
      c.volumeMounts.filter((m: any) => m.name === "e2x-nfs").map((m: any) => [m.mountPath, `${m.subPath}${m.readOnly ? " (ro)" : ""}`]),
    );
    expect(mounts).toEqual({
      "/home/jovyan": "homes/teaching/students/mathe1-SS25/stud1",
      "/srv/nbgrader/exchange/mathe1-SS25/inbound": "nbgrader/exchanges/mathe1/mathe1-SS25/inbound",
      "/srv/nbgrader/exchange/mathe1-SS25/outbound": "nbgrader/exchanges/mathe1/mathe1-SS25/outbound (ro)",
      "/srv/nbgrader/exchange/mathe1-SS25/feedback": "nbgrader/exchanges/mathe1/mathe1-SS25/feedback (ro)",
      "/srv/shares/public": "shares/teaching/public (ro)",
      "/srv/shares/mathe1": "shares/teaching/courses/mathe1 (ro)",
    });
    expect(pod.spec.volumes.find((v: any) => v.name === "e2x-nfs").nfs).toEqual({ server: "nfs.e2x.test", path: "/export/e2x" });
    expect(pod.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: "hub.jupyter.org/node-purpose", operator: "In", values: ["user"] }] },
    ]);
    expect(c.securityContext.runAsUser).toBe(1000);
    // the chart's own pieces are still there: its labels and the cloud-metadata block
    expect(pod.metadata.labels).toMatchObject({ component: "singleuser-server", release: "assignment", "hub.jupyter.org/network-access-hub": "true" });
    expect(pod.spec.initContainers.map((i: any) => i.name)).toContain("block-cloud-metadata");

    // the postStart hook, run as a container would run it (/etc is the stand-in's own here)
    const hook = c.lifecycle.postStart.exec.command as string[];
    const written = execFileSync("unshare", ["--mount", "--propagation", "private", "--", "/bin/sh", "-c", `mount -t tmpfs tmpfs /etc && "$@" && cat /etc/jupyter/nbgrader_config.py`, "sh", ...hook]).toString();
    const cfgFile = path.join(state, "nbgrader_config.py");
    fs.writeFileSync(cfgFile, written);
    const loaded = JSON.parse(
      execFileSync(path.join(ROOT, ".venv/bin/python"), [
        "-c",
        "import json,sys; from traitlets.config import PyFileConfigLoader as L; c=L(sys.argv[1]).load_config(); print(json.dumps({k: dict(v) for k, v in c.items()}))",
        cfgFile,
      ]).toString(),
    );
    expect(loaded).toEqual({
      Exchange: { root: "/srv/nbgrader/exchange", timezone: "Europe/Berlin", personalized_inbound: false, personalized_outbound: false, personalized_feedback: false },
      CourseDirectory: { course_id: "mathe1-SS25" },
    });
  });
});

describe("grading hub: graders only", () => {
  const hub = hubs.grading;

  it("gina signs in with LDAP and spawns the grader profile: UID 2000, the whole exchange", async () => {
    const b = new Browser(hub.publicUrl);
    const r = await b.signIn("gina", "gina-pw-1");
    expect(r.status, shownMessage(r.body)).toBe(302);
    // a student of the same course is no grader
    expect((await new Browser(hub.publicUrl).signIn("stud1", "stud1-pw-1")).status).toBe(403);
    const posted = await b.spawn({ profile: "mathe1+grader" });
    expect([302, 303]).toContain(posted.status);
    const pod = await waitFor("pod jupyter-gina", () => getPod(hub.namespace, "jupyter-gina"), 30_000, () => hub.log());
    const c = pod.spec.containers[0];
    expect(c.image).toBe(IMAGES.mathe1WS25);
    expect(c.securityContext.runAsUser).toBe(2000);
    const mounts = Object.fromEntries(c.volumeMounts.filter((m: any) => m.name === "e2x-nfs").map((m: any) => [m.mountPath, m.subPath]));
    expect(mounts["/home/jovyan"]).toBe("homes/teaching/graders/gina");
    expect(mounts["/srv/nbgrader/exchange/mathe1-WS25"]).toBe("nbgrader/exchanges/mathe1/mathe1-WS25");
  });
});

describe("exam hub: never open, exam pods locked down", () => {
  const hub = hubs.exam;

  it("refuses every sign-in, whatever the name and password, and says why", async () => {
    for (const [u, p] of [
      ["stud1", "stud1-pw-1"],
      ["anyone", "anything"],
      ["admin", ""],
    ]) {
      // from an exam room address (the hub sees it through the trusted load balancer)
      const b = new Browser(hub.publicUrl, { localAddress: LOAD_BALANCER, headers: { "X-Forwarded-For": ROOM_CLIENT } });
      const r = await b.signIn(u, p);
      expect(r.status, `${u}: ${r.body.slice(0, 200)}`).toBe(403);
      expect(shownMessage(r.body)).toContain("noch nicht freigeschaltet");
    }
    const page = await new Browser(hub.publicUrl).request("GET", "/hub/login");
    expect(page.body).toContain("Einmalpasswort von Ihrem Prüfungsbogen");
    // the scheduled exam's own account, with its right password, is refused as well
    const staged = await new Browser(hub.publicUrl, { localAddress: LOAD_BALANCER, headers: { "X-Forwarded-For": ROOM_CLIENT } }).signIn("mathe1-stud1", "k7fm-q2xa-9bnd");
    expect(shownMessage(staged.body)).toContain("noch nicht freigeschaltet");
    // nobody signed in: the hub knows only its admins, created at its start
    const users = (await (await hub.api("GET", "/users")).json()) as { name: string; last_activity: string | null }[];
    expect(users.map((u) => [u.name, u.last_activity])).toEqual([["alice", null]]);
  });

  it("an exam pod gets the one exam course, exam nodes, requests = limits, the personalized exchange and the chart's extraFiles", async () => {
    expect((await hub.api("POST", "/users/mathe1-stud1")).status).toBe(201);
    const r = await hub.api("POST", "/users/mathe1-stud1/server", {});
    expect([201, 202], hub.log()).toContain(r.status);
    const pod = await waitFor("pod jupyter-mathe1-stud1", () => getPod(hub.namespace, "jupyter-mathe1-stud1"), 30_000, () => hub.log());
    const c = pod.spec.containers[0];
    expect(c.image).toBe(IMAGES.mathe1WS25);
    expect(c.resources.requests).toEqual(c.resources.limits);
    expect(pod.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: "hub.jupyter.org/node-purpose", operator: "In", values: ["exam"] }] },
    ]);
    const byPath = Object.fromEntries(c.volumeMounts.map((m: any) => [m.mountPath, m]));
    expect(byPath["/home/jovyan"].subPath).toBe("homes/exam/WS25-PZ1/mathe1-stud1/home");
    expect(byPath["/srv/nbgrader/exchange/mathe1-WS25/personalized-inbound/mathe1-stud1"]).toMatchObject({
      subPath: "nbgrader/exchanges/mathe1/mathe1-WS25/personalized-inbound/mathe1-stud1",
    });
    expect(byPath["/srv/nbgrader/exchange/mathe1-WS25/personalized-outbound/mathe1-stud1"].readOnly).toBe(true);
    // singleuser.extraFiles: the restricted exam UI, from the chart's own Secret volume
    const exam = byPath["/etc/jupyter/jupyter_server_config.d/e2x-exam.json"];
    expect(exam, JSON.stringify(c.volumeMounts)).toMatchObject({ name: "files", subPath: "e2x-exam-server-config" });
    const files = pod.spec.volumes.find((v: any) => v.name === "files");
    expect(files.secret.secretName).toBe("singleuser");
    const secret = JSON.parse(await k("get", "secret", "singleuser", "-n", hub.namespace, "-o", "json"));
    expect(JSON.parse(Buffer.from(secret.data["e2x-exam-server-config"], "base64").toString())).toEqual({
      ServerApp: { terminals_enabled: false },
      ContentsManager: { allow_hidden: false },
    });
    expect(c.securityContext.runAsUser).toBe(1000);
  });
});

describe("NetworkPolicies: the chart's and the portal's together", () => {
  const DNS = "TCP 53,UDP 53";
  let connections: string[] = [];

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(state, "netpol-"));
    const docs: unknown[] = [];
    const nsDoc = (name: string) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { "kubernetes.io/metadata.name": name } } });
    docs.push(nsDoc("kube-system"), nsDoc("other"));
    docs.push({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "kube-dns", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
      spec: { containers: [{ name: "dns", image: "dns", ports: [{ containerPort: 53, protocol: "UDP" }, { containerPort: 53, protocol: "TCP" }] }] },
    });
    docs.push({ apiVersion: "v1", kind: "Pod", metadata: { name: "other", namespace: "other", labels: { app: "other" } }, spec: { containers: [{ name: "x", image: "x", ports: [{ containerPort: 80 }] }] } });
    for (const h of Object.values(hubs)) {
      docs.push(nsDoc(h.namespace));
      const objects = chartObjects[h.name]!;
      // the chart's policies, and its hub and proxy pods as their Deployments template them
      for (const o of objects.filter((x) => x.kind === "NetworkPolicy")) docs.push({ ...o, metadata: { ...o.metadata, namespace: h.namespace } });
      for (const d of objects.filter((x) => x.kind === "Deployment" && ["hub", "proxy"].includes(x.metadata.name))) {
        docs.push({ apiVersion: "v1", kind: "Pod", metadata: { name: d.metadata.name, namespace: h.namespace, labels: d.spec.template.metadata.labels }, spec: d.spec.template.spec });
      }
      // the singleuser pods as KubeSpawner created them
      const pods = JSON.parse(await k("get", "pods", "-n", h.namespace, "-l", "component=singleuser-server", "-o", "json")).items as KubeObject[];
      for (const p of pods) docs.push({ apiVersion: "v1", kind: "Pod", metadata: { name: p.metadata.name, namespace: h.namespace, labels: p.metadata.labels }, spec: p.spec });
    }
    // the portal's policies
    for (const o of render.objects.filter((x) => x.kind === "NetworkPolicy")) docs.push(o);
    fs.writeFileSync(path.join(dir, "all.yaml"), docs.map((d) => YAML.stringify(d)).join("---\n"));
    connections = analyzeConnectivity(dir).lines;
  }, 120_000);

  it("exam singleuser pods reach the hub on 8081 and DNS, nothing else", () => {
    const from = connections.filter((l) => l.startsWith("e2x-exam/jupyter-mathe1-stud1[Pod] =>"));
    expect(from).toEqual([
      "e2x-exam/jupyter-mathe1-stud1[Pod] => e2x-exam/hub[Pod] : TCP 8081",
      `e2x-exam/jupyter-mathe1-stud1[Pod] => kube-system/kube-dns[Pod] : ${DNS}`,
    ]);
    // and only the proxy and the hub reach them
    expect(connections.filter((l) => / => e2x-exam\/jupyter-mathe1-stud1\[Pod\]/.test(l))).toEqual([
      "e2x-exam/hub[Pod] => e2x-exam/jupyter-mathe1-stud1[Pod] : TCP 8888",
      "e2x-exam/proxy[Pod] => e2x-exam/jupyter-mathe1-stud1[Pod] : TCP 8888",
    ]);
  });

  it("teaching singleuser pods keep the chart's defaults: the internet without private ranges, the hub, DNS", () => {
    const from = connections.filter((l) => l.startsWith("e2x-assignment/jupyter-stud1[Pod] =>"));
    expect(from).toContain("e2x-assignment/jupyter-stud1[Pod] => e2x-assignment/hub[Pod] : TCP 8081");
    expect(from.some((l) => l.includes("e2x-exam/"))).toBe(false);
    expect(from.some((l) => l.includes("e2x-assignment/proxy[Pod] : TCP 8000"))).toBe(true);
    expect(from).toContain("e2x-assignment/jupyter-stud1[Pod] => 192.169.0.0-255.255.255.255 : All");
    expect(from.some((l) => l.startsWith("e2x-assignment/jupyter-stud1[Pod] => 10.0.0.0-10.255.255.255 : All"))).toBe(false);
  });
});

describe("room restriction: HAProxy with the rendered configuration in front of the exam hub", () => {
  const hub = hubs.exam;
  let haproxy: ChildProcess | undefined;
  let lbUrl = "";
  let haproxyLog = "";

  beforeAll(async () => {
    const port = await freePort();
    lbUrl = `http://127.0.0.1:${port}`;
    const cfg = renderHaproxyConfig(model, {
      listen: { address: "127.0.0.1", port, tls: false },
      // on loopback: the exam hub's proxy Service, reached from the load balancer's address
      backends: { exam: [{ address: "127.0.0.1", port: hub.ports.get("proxy-public", 80), source: LOAD_BALANCER }] },
    });
    const file = path.join(state, "haproxy.cfg");
    fs.writeFileSync(file, cfg);
    execFileSync("haproxy", ["-c", "-f", file]);
    haproxy = spawn("haproxy", ["-db", "-f", file], { stdio: ["ignore", "pipe", "pipe"] });
    haproxy.stdout!.on("data", (d) => (haproxyLog += d));
    haproxy.stderr!.on("data", (d) => (haproxyLog += d));
    const inside = new Browser(lbUrl, { localAddress: ROOM_CLIENT, host: "exam.e2x.test" });
    await waitFor("haproxy", async () => (await inside.request("GET", "/hub/health", undefined, 2_000)).status === 200, 20_000, () => haproxyLog);
  });

  afterAll(async () => {
    if (haproxy && haproxy.exitCode === null) {
      const done = new Promise((r) => haproxy!.once("exit", r));
      haproxy.kill("SIGTERM");
      await done;
    }
  });

  it("a client in an exam room gets the sign-in page, and the hub sees its real address", async () => {
    const inside = new Browser(lbUrl, { localAddress: ROOM_CLIENT, host: "exam.e2x.test" });
    const page = await inside.request("GET", "/hub/login");
    expect(page.status, haproxyLog).toBe(200);
    expect(page.body).toContain('name="username"');
    // the room check passes; the fail-closed authenticator refuses
    const r = await inside.signIn("stud1", "stud1-pw-1");
    expect(r.status).toBe(403);
    expect(shownMessage(r.body)).toContain("noch nicht freigeschaltet");
    expect(hub.hub.logText).toMatch(new RegExp(`GET /hub/login \\([^)]*@${ROOM_CLIENT.replace(/\./g, "\\.")}\\)`));
  });

  it("a client outside the rooms is refused by HAProxy, a forged X-Forwarded-For included", async () => {
    for (const headers of [{}, { "X-Forwarded-For": ROOM_CLIENT }, { "X-Real-Ip": ROOM_CLIENT }] as Record<string, string>[]) {
      const outside = new Browser(lbUrl, { localAddress: OUTSIDE_CLIENT, host: "exam.e2x.test", headers });
      const r = await outside.request("GET", "/hub/login");
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(r.body).not.toContain('name="username"');
    }
  });

  it("a request that bypasses HAProxy with forged headers does not pass as a room address", async () => {
    // straight to the proxy's NodePort, claiming to come from the room
    const forged = new Browser(hub.publicUrl, { localAddress: OUTSIDE_CLIENT, headers: { "X-Forwarded-For": ROOM_CLIENT, "X-Real-Ip": ROOM_CLIENT } });
    const r = await forged.signIn("stud1", "stud1-pw-1");
    expect(r.status).toBe(403);
    expect(shownMessage(r.body)).toContain("nur aus den Prüfungsräumen");
    expect(hub.hub.logText).toContain(`sign-in from ${OUTSIDE_CLIENT} refused: outside the exam rooms`);
    // the same chain through the load balancer's address is believed
    const viaLb = new Browser(hub.publicUrl, { localAddress: LOAD_BALANCER, headers: { "X-Forwarded-For": ROOM_CLIENT } });
    expect(shownMessage((await viaLb.signIn("stud1", "x")).body)).toContain("noch nicht freigeschaltet");
  });

  it("the rendered HAProxy configuration passes haproxy -c in its production form", () => {
    const file = path.join(state, "haproxy-prod.cfg");
    const certDir = fs.mkdtempSync(path.join(state, "certs-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=exam.e2x.test", "-days", "1", "-keyout", path.join(certDir, "k.pem"), "-out", path.join(certDir, "c.pem")], { stdio: "ignore" });
    fs.writeFileSync(path.join(certDir, "exam.e2x.test.pem"), fs.readFileSync(path.join(certDir, "c.pem"), "utf8") + fs.readFileSync(path.join(certDir, "k.pem"), "utf8"));
    fs.rmSync(path.join(certDir, "k.pem"));
    fs.rmSync(path.join(certDir, "c.pem"));
    const prod = { ...model, network: { trustedProxies: ["192.0.2.10"], nodeAddresses: ["192.0.2.21", "192.0.2.22"] } };
    const cfg = renderHaproxyConfig(prod, { certDir: certDir + "/" });
    fs.writeFileSync(file, cfg);
    execFileSync("haproxy", ["-c", "-f", file], { stdio: "pipe" });
    expect(cfg).toContain("server node-1 192.0.2.21:31123 check");
    expect(cfg).toContain(`acl from-exam-rooms src ${ROOM_CLIENT}/32`);
  });
});

describe("a hung API server", () => {
  const hub = hubs.assignment;

  it("spawn pages refuse clearly within KubeSpawner's request timeout, and not one after another", async () => {
    const users = [
      ["juergen", "Grüße-ÄÖÜ-ß"],
      ["ian", "ian-pw-1"],
    ] as const;
    const browsers = users.map(() => new Browser(hub.publicUrl));
    for (const [i, [u, p]] of users.entries()) {
      const r = await browsers[i].signIn(u, p);
      expect(r.status, `${u}: ${shownMessage(r.body)}`).toBe(302);
    }
    // stop the API server: it keeps its sockets, accepts connections and never answers
    process.kill(kube.pid, "SIGSTOP");
    let replies: Reply[];
    try {
      await sleep(3_500); // past the index TTL (1 s) and the grace for the last good data (2 s)
      replies = await Promise.all(browsers.map((b) => b.request("GET", "/hub/spawn", undefined, 20_000)));
    } finally {
      process.kill(kube.pid, "SIGCONT");
    }
    for (const r of replies) {
      expect(r.status, r.body.slice(0, 300)).toBe(503);
      expect(shownMessage(r.body)).toContain("Die Kursdaten dieses Hubs können gerade nicht gelesen werden");
      // KubeSpawner's k8s_api_request_timeout is 3 s: one read, shared, bounded
      expect(r.ms).toBeLessThan(6_000);
    }
    console.log(`hung API server: spawn pages answered 503 after ${replies.map((r) => r.ms).join(" and ")} ms`);
    // the API server answers again: so does the spawn page
    const again = await waitFor("spawn form after the API server is back", async () => {
      const r = await browsers[0].request("GET", "/hub/spawn");
      return r.status === 200 && r.body.includes("prog+student") ? r : null;
    }, 30_000, () => hub.log());
    expect(again.status).toBe(200);
  });
});
