/**
 * Exam day on real software (e2e/services/exam-world.ts): the portal's own code plans two exams on
 * a SQLite file, prints the sheets (PDF, read back with pdftotext) and pushes as its ServiceAccount
 * to a real kube-apiserver; the exam hub is the Z2JH 4.4.0 chart as it runs (its own loader,
 * JupyterHub 5.5.0 and KubeSpawner 7.0.0 of the hub image, behind configurable-http-proxy and
 * Debian's HAProxy). Windows are relative to now; the hub reads its own clock.
 *
 *   PZ1 "Klausur"      started 15 minutes ago, ends in an hour: anna, ben (Pool A), cem (Pool B),
 *                      a backup account in Pool A
 *   PZ2 "Nachklausur"  ended 3 minutes ago, no grace: dora, and emil with 30 minutes extra time
 *   fritz              on the course's roster, in neither exam
 *
 * The portal is no running server in these tests: the hub never asks it anything. One test makes
 * that explicit by closing the portal's database and taking its ServiceAccount's access away.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shownMessage } from "@/e2e/services/hub-browser";
import { waitFor } from "@/e2e/services/z2jh";
import { EXAM_NAMESPACE, ExamWorld, IMAGE, LOAD_BALANCER, OUTSIDE, ROOM_A, ROOM_B } from "@/e2e/services/exam-world";
import { runExamPush } from "@/lib/deployment/exam-push";
import { renderPortal } from "@/lib/deployment/model";
import { unlockParticipant } from "@/lib/exams/exams";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MINUTE = 60_000;
const PEOPLE = ["anna", "ben", "cem", "dora", "emil", "fritz"].map((u, i) => ({ username: u, firstName: u[0].toUpperCase() + u.slice(1), lastName: `Muster${i + 1}` }));

const world = new ExamWorld();
let pz1 = 0;
let pz2 = 0;
const pw = new Map<string, string>();
/** The hub's password cache, as rendered (examSignIn.ttlSeconds, the production default). */
let ttlMs = 0;

beforeAll(async () => {
  await world.start({ students: PEOPLE });
  const now = Math.floor(Date.now() / MINUTE) * MINUTE;
  pz1 = await world.planExam({
    title: "Klausur Mathematik 1",
    period: "PZ1",
    startsAt: new Date(now - 15 * MINUTE),
    endsAt: new Date(now + 60 * MINUTE),
    graceMinutes: 5,
    rooms: [
      { name: "Pool A", seats: 10, cidrs: `${ROOM_A}/32` },
      { name: "Pool B", seats: 10, cidrs: `${ROOM_B}/32` },
    ],
    students: ["anna", "ben", "cem"],
    backups: { "Pool A": 2 },
    seats: { cem: { room: "Pool B", seat: 1 } },
  });
  pz2 = await world.planExam({
    title: "Nachklausur Mathematik 1",
    period: "PZ2",
    startsAt: new Date(now - 90 * MINUTE),
    endsAt: new Date(now - 3 * MINUTE),
    graceMinutes: 0,
    rooms: [{ name: "Pool C", seats: 5, cidrs: `${ROOM_A}/32` }],
    students: ["dora", "emil"],
    extraMinutes: { emil: 30 },
  });
  for (const id of [pz1, pz2]) for (const [u, p] of (await world.print(id)).passwords) pw.set(u, p);
  for (const id of [pz1, pz2]) await world.step(id, "open");
  await world.startHub();
  ttlMs = (renderPortal(world.db).render.hubSettings.exam as any).config.ExamPasswordAuthenticator.cache_ttl * 1000;
}, 600_000);

afterAll(async () => {
  await world.stop();
}, 120_000);

async function signIn(username: string, password: string, from = ROOM_A) {
  const b = world.browser(from);
  const r = await b.signIn(username, password);
  return { b, r, message: shownMessage(r.body) };
}

describe("the portal pushed, as its ServiceAccount, only what the hub needs", () => {
  it("the sheets' passwords are nowhere but on the sheets; the Secret holds hashes, windows and rooms", async () => {
    expect([...pw.keys()].sort()).toEqual(["mathe1-anna", "mathe1-backup-pz1-01", "mathe1-backup-pz1-02", "mathe1-ben", "mathe1-cem", "mathe1-dora", "mathe1-emil"]);
    const { raw, doc } = await world.secretDoc();
    for (const p of pw.values()) {
      expect(raw).not.toContain(p);
      expect(raw).not.toContain(p.replace(/-/g, ""));
    }
    expect(doc.exams.map((e: any) => [e.title, e.status, e.accepting])).toEqual([
      ["Nachklausur Mathematik 1", "open", true],
      ["Klausur Mathematik 1", "open", true],
    ]);
    expect(Object.keys(doc.accounts).sort()).toEqual([...pw.keys()].sort());
    expect(doc.accounts["mathe1-fritz"]).toBeUndefined();
    // the chart's hub Role may read it; the portal may not read the hub's own Secrets, nor list any
    expect((await world.kubectl("auth", "can-i", "get", "secret/e2x-exam-passwords", "-n", EXAM_NAMESPACE, "--as=system:serviceaccount:e2x-exam:hub")).trim()).toBe("yes");
    const asPortal = ["--as=system:serviceaccount:e2x-portal:e2x-portal", "-n", EXAM_NAMESPACE];
    expect((await world.kubectl("auth", "can-i", "patch", "secret/e2x-exam-passwords", ...asPortal)).trim()).toBe("yes");
    for (const verb of ["get secret/hub", "list secrets", "patch secret/hub", "delete secret/hub"]) {
      const out = await world.kubectl("auth", "can-i", ...verb.split(" "), ...asPortal).catch((e: { stdout?: string }) => e.stdout ?? "");
      expect(out.trim(), verb).toBe("no");
    }
  });
});

describe("a student signs in with the password from the sheet and spawns the exam", () => {
  it("anna, in Pool A through the load balancer: the spawn page offers exactly her exam", async () => {
    const { b, r, message } = await signIn("mathe1-anna", pw.get("mathe1-anna")!);
    expect(r.status, `${message}\n${world.hub.log()}`).toBe(302);
    const form = await b.request("GET", "/hub/spawn");
    expect(form.status).toBe(200);
    const slugs = [...form.body.matchAll(/id="profile-item-([^"]+)"/g)].map((m) => m[1]);
    expect(slugs).toEqual(["mathe1+student"]);
    const choices = [...form.body.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
    expect(choices).toEqual(["mathe1+student+mathe1-WS25+PZ1"]);
    expect(form.body).toContain("Klausur Mathematik 1");
    const posted = await b.spawn({ profile: "mathe1+student", "profile-option-mathe1+student--term": "mathe1+student+mathe1-WS25+PZ1" });
    expect([302, 303], posted.body.slice(0, 300)).toContain(posted.status);
  });

  it("the Pod: the term's image, requests = limits, the exam home and her own exchange folders, exam nodes, the chart's labels", async () => {
    const pod = await world.hubPod("jupyter-mathe1-anna");
    const c = pod.spec.containers[0];
    expect(c.image).toBe(IMAGE);
    expect(c.resources.requests).toEqual(c.resources.limits);
    expect(c.resources.limits).toEqual({ cpu: "2", memory: String(2 * 1024 ** 3) });
    const mounts = Object.fromEntries(c.volumeMounts.filter((m: any) => m.name === "e2x-nfs").map((m: any) => [m.mountPath, `${m.subPath}${m.readOnly ? " (ro)" : ""}`]));
    expect(mounts).toEqual({
      "/home/jovyan": "homes/exam/WS25-PZ1/mathe1-anna/home",
      "/srv/nbgrader/exchange/mathe1-WS25/personalized-inbound/mathe1-anna": "nbgrader/exchanges/mathe1/mathe1-WS25/personalized-inbound/mathe1-anna",
      "/srv/nbgrader/exchange/mathe1-WS25/personalized-outbound/mathe1-anna": "nbgrader/exchanges/mathe1/mathe1-WS25/personalized-outbound/mathe1-anna (ro)",
      "/srv/nbgrader/exchange/mathe1-WS25/personalized-feedback/mathe1-anna": "nbgrader/exchanges/mathe1/mathe1-WS25/personalized-feedback/mathe1-anna (ro)",
      "/srv/shares/public": "shares/teaching/public (ro)",
      "/srv/shares/mathe1": "shares/teaching/courses/mathe1 (ro)",
    });
    expect(pod.spec.volumes.find((v: any) => v.name === "e2x-nfs").nfs).toEqual({ server: "nfs.e2x.test", path: "/export/e2x" });
    // the restricted exam UI from the chart's singleuser.extraFiles
    expect(c.volumeMounts.some((m: any) => m.mountPath === "/etc/jupyter/jupyter_server_config.d/e2x-exam.json")).toBe(true);
    expect(pod.metadata.labels).toMatchObject({ component: "singleuser-server", release: "exam", "hub.jupyter.org/username": "mathe1-anna", "hub.jupyter.org/network-access-hub": "true" });
    expect(pod.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: "hub.jupyter.org/node-purpose", operator: "In", values: ["exam"] }] },
    ]);
    expect(c.env.find((e: any) => e.name === "E2X_PROFILE_KEY").value).toBe("mathe1+student+mathe1-WS25+PZ1");
    expect(c.securityContext.runAsUser).toBe(1000);
  });

  it("the same password the second time is refused", async () => {
    const { r, message } = await signIn("mathe1-anna", pw.get("mathe1-anna")!);
    expect(r.status).toBe(403);
    expect(message).toContain("Dieses Einmalpasswort wurde bereits verwendet");
  });
});

describe("rooms: the client address as the load balancer passes it on", () => {
  it("cem sits in Pool B: refused from Pool A, accepted from Pool B", async () => {
    const wrong = await signIn("mathe1-cem", pw.get("mathe1-cem")!, ROOM_A);
    expect(wrong.r.status).toBe(403);
    expect(wrong.message).toContain("nur aus dem Raum Pool B");
    // a forged X-Forwarded-For straight to the proxy does not pass as Pool B
    const forged = await world.direct(OUTSIDE, { "X-Forwarded-For": ROOM_B, "X-Real-Ip": ROOM_B }).signIn("mathe1-cem", pw.get("mathe1-cem")!);
    expect(forged.status).toBe(403);
    expect(shownMessage(forged.body)).toContain("nur aus den Prüfungsräumen");
    const right = await signIn("mathe1-cem", pw.get("mathe1-cem")!, ROOM_B);
    expect(right.r.status, right.message).toBe(302);
    expect(world.hub.hub.logText).toMatch(new RegExp(`mathe1-cem signed in to mathe1-WS25 PZ1 from ${ROOM_B.replace(/\./g, "\\.")} \\(room Pool B\\)`));
  });

  it("an address outside the rooms is refused by the load balancer, the hub's own check behind it", async () => {
    const outside = await world.browser(OUTSIDE).request("GET", "/hub/login");
    expect(outside.status).toBe(403);
    expect(outside.body).not.toContain('name="username"');
    // the load balancer's own address, claiming nothing: not a room either
    const lb = await world.direct(LOAD_BALANCER).signIn("mathe1-ben", "2345-6789-abcd");
    expect(lb.status).toBe(403);
    expect(shownMessage(lb.body)).toContain("nur aus den Prüfungsräumen");
  });
});

describe("windows: from the start to the end plus extra time plus grace, on the hub's own clock", () => {
  it("the retake ended three minutes ago: dora is refused, emil with 30 minutes extra time is accepted", async () => {
    const dora = await signIn("mathe1-dora", pw.get("mathe1-dora")!);
    expect(dora.r.status).toBe(403);
    expect(dora.message).toMatch(/Die Anmeldezeit für dieses Konto ist um \d\d:\d\d Uhr abgelaufen/);
    const emil = await signIn("mathe1-emil", pw.get("mathe1-emil")!);
    expect(emil.r.status, emil.message).toBe(302);
  });
});

describe("a re-issued password", () => {
  it("ben's sheet is lost: the new slip works, the old password is refused within the hub's cache time, no restart", async () => {
    const generation = world.hub.generation;
    const pid = world.hub.hub.pid;
    const old = pw.get("mathe1-ben")!;
    const slip = await world.print(pz1, { kind: "reissue", participantId: world.participant(pz1, "mathe1-ben").id });
    expect([...slip.passwords.keys()]).toEqual(["mathe1-ben"]);
    const fresh = slip.passwords.get("mathe1-ben")!;
    expect(fresh).not.toBe(old);
    // while the exam is open, the hub got the new hash before the slip was printed
    expect(slip.hub).toMatch(/^The exam hub is updated \(push #\d+\)\.$/);
    const pushedAt = Date.now();
    await sleep(ttlMs + 500);
    const refused = await signIn("mathe1-ben", old);
    const after = Date.now() - pushedAt;
    expect(refused.r.status).toBe(403);
    expect(refused.message).toContain("Benutzername oder Einmalpasswort falsch");
    expect(after).toBeLessThan(30_000);
    const ok = await signIn("mathe1-ben", fresh);
    expect(ok.r.status, ok.message).toBe(302);
    pw.set("mathe1-ben", fresh);
    expect(world.hub.generation).toBe(generation);
    expect(world.hub.hub.pid).toBe(pid);
    console.log(`re-issue: the old password refused ${after} ms after the push (hub cache ${ttlMs} ms), the hub process unchanged (pid ${pid})`);
  });
});

describe("locks: five wrong passwords lock an account, a supervisor unlocks it from the portal", () => {
  it("backup 01 is locked after five failures, refused with its right password, and unlocked by the portal's push", async () => {
    const user = "mathe1-backup-pz1-01";
    for (let i = 1; i <= 4; i++) {
      const { message } = await signIn(user, "2345-6789-abcd");
      expect(message).toContain(`Noch ${5 - i} Versuch`);
    }
    expect((await signIn(user, "2345-6789-abce")).message).toContain("gesperrt");
    const locked = await signIn(user, pw.get(user)!);
    expect(locked.r.status).toBe(403);
    expect(locked.message).toMatch(/Das Konto ist nach 5 falschen Passwörtern bis \d\d:\d\d Uhr gesperrt/);
    // the supervisor's unlock, as the exam page does it: pushed first, then recorded
    const p = world.participant(pz1, user);
    const r = await runExamPush(world.db, world.admin, pz1, (ctx) => unlockParticipant(pz1, p.id, world.revision(pz1), ctx), { target: world.target });
    expect(r.message).toMatch(/^The exam hub is updated \(push #\d+\)\.$/);
    expect(world.participant(pz1, user).unlocks).toBe(1);
    await sleep(ttlMs + 500);
    const ok = await signIn(user, pw.get(user)!);
    expect(ok.r.status, ok.message).toBe(302);
  });
});

describe("a student of the course who is not in the exam", () => {
  it("fritz has no exam profile and cannot sign in, under his exam login or his roster name", async () => {
    for (const name of ["mathe1-fritz", "fritz"]) {
      const { r, message } = await signIn(name, "abcd-efgh-jkmn");
      expect(r.status).toBe(403);
      expect(message).toBe("Benutzername oder Einmalpasswort falsch.");
    }
    // no profile in what the hub reads, and no spawn even through the admin API
    const index = JSON.parse(JSON.parse(await world.kubectl("get", "configmap", "e2x-profiles-exam", "-n", EXAM_NAMESPACE, "-o", "json")).data["meta.json"]);
    let users: Record<string, string[]> = {};
    for (const shard of index.userShards) users = { ...users, ...JSON.parse(JSON.parse(await world.kubectl("get", "configmap", shard, "-n", EXAM_NAMESPACE, "-o", "json")).data["users.json"]) };
    expect(Object.keys(users).sort()).toEqual(["mathe1-anna", "mathe1-backup-pz1-01", "mathe1-backup-pz1-02", "mathe1-ben", "mathe1-cem", "mathe1-dora", "mathe1-emil"]);
    expect((await world.hub.api("POST", "/users/mathe1-fritz")).status).toBe(201);
    await world.hub.api("POST", "/users/mathe1-fritz/server", {});
    // the pre-spawn hook refuses: the spawn fails, no Pod is ever created
    await waitFor("fritz's spawn to fail", async () => world.hub.hub.logText.includes("mathe1-fritz ist im gewählten Kurs auf diesem Hub nicht eingetragen"), 30_000, () => world.hub.log());
    const user = (await (await world.hub.api("GET", "/users/mathe1-fritz")).json()) as { servers: Record<string, unknown> };
    expect(user.servers).toEqual({});
    expect(await world.pod("jupyter-mathe1-fritz")).toBeNull();
  });
});

describe("the portal stopped: the hub works from what was pushed", () => {
  it("with the portal's database closed and its ServiceAccount cut off, backup 02 signs in and spawns", async () => {
    await world.portalDown();
    try {
      const user = "mathe1-backup-pz1-02";
      const { b, r, message } = await signIn(user, pw.get(user)!);
      expect(r.status, message).toBe(302);
      const posted = await b.spawn({ profile: "mathe1+student" });
      expect([302, 303]).toContain(posted.status);
      const pod = await world.hubPod(`jupyter-${user}`);
      expect(pod.spec.containers[0].image).toBe(IMAGE);
    } finally {
      await world.portalBack();
    }
  });
});

describe("a hub restart", () => {
  it("a used password stays used: the new hub pod finds the sign-in state on the hub's volume", async () => {
    await world.restartHub();
    expect(world.hub.generation).toBe(2);
    const again = await signIn("mathe1-anna", pw.get("mathe1-anna")!);
    expect(again.r.status).toBe(403);
    expect(again.message).toContain("bereits verwendet");
    // and ben's re-issued one, used once, too
    expect((await signIn("mathe1-ben", pw.get("mathe1-ben")!)).message).toContain("bereits verwendet");
  });
});

describe("closing the exams", () => {
  it("revokes the passwords on the hub and refuses every sign-in while no exam is open", async () => {
    const unused = "mathe1-dora";
    for (const id of [pz1, pz2]) await world.step(id, "close");
    const { doc } = await world.secretDoc();
    expect(doc.accounts).toEqual({});
    expect(doc.exams.every((e: any) => !e.accepting)).toBe(true);
    await sleep(ttlMs + 500);
    const r = await signIn(unused, pw.get(unused)!);
    expect(r.r.status).toBe(403);
    expect(r.message).toContain("noch nicht freigeschaltet");
  });
});
