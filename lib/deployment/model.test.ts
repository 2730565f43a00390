import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultMounts } from "@/lib/courses/schemas";
import type { Db } from "@/lib/db/client";
import { openDb } from "@/lib/db/open";
import { seedIfEmpty } from "@/lib/db/seed";
import { courses, students, terms, type TermMount } from "@/lib/db/schema";
import { createTestDb } from "@/lib/test/db";
import { renderAll, type KubeObject } from "@/lib/render";
import { buildPortalModel, renderPortal, termVolumeMounts } from "./model";
import { DEFAULT_SETTINGS, getSettings, parseSettingsForm, settingsToForm } from "./settings";

let t: ReturnType<typeof createTestDb>;
let db: Db;

beforeEach(async () => {
  t = createTestDb();
  db = t.db;
  await seedIfEmpty(db, { password: "test-Passw0rd!" });
});
afterEach(() => t.cleanup());

function termId(code: string, term: string): number {
  const c = db.select().from(courses).where(eq(courses.code, code)).get()!;
  return db.select().from(terms).where(and(eq(terms.courseId, c.id), eq(terms.term, term))).get()!.id;
}

const byName = (objs: KubeObject[]) => new Map(objs.map((o) => [`${o.metadata.namespace}/${o.kind}/${o.metadata.name}`, JSON.stringify(o)]));

describe("buildPortalModel", () => {
  it("renders the demo data with the E2x defaults", () => {
    const { model, counts, warnings } = buildPortalModel(db);
    expect(warnings).toEqual([]);
    expect(model.hubs.map((h) => h.namespace)).toEqual(["e2x-assignment", "e2x-exam", "e2x-grading"]);
    expect(counts).toMatchObject({ courses: 3, terms: 4, students: 300 });
    const roles = (u: string) => model.memberships.filter((m) => m.username === u).map((m) => `${m.courseId}:${m.role}`).sort();
    expect(roles("irene")).toEqual(["datasci-WS25:instructor", "mathe1-SS26:instructor", "mathe1-WS25:instructor"]);
    expect(roles("gustav")).toEqual(["mathe1-SS26:grader", "mathe1-WS25:grader"]);
    // supervisors watch exams; they get no profile
    expect(roles("susanne")).toEqual([]);
    // default mounts -> the renderer's full E2x layout
    expect(model.terms.every((x) => x.volumeMounts === undefined)).toBe(true);

    const r = renderAll(model);
    expect(r.stats.warnings).toEqual([]);
    expect(r.stats.profiles.assignment?.users).toBe(232); // 230 distinct students + irene + gustav
    // the exam hub offers profiles to exam accounts only: the demo has no exam on the hub yet
    expect(model.exams).toEqual([]);
    expect(r.stats.profiles.exam?.users).toBe(0);
    expect(r.stats.examPasswords).toMatchObject({ exams: 0, accounts: 0 });
    expect(r.stats.profiles.grading?.users).toBe(2); // irene and gustav
    expect(r.objects.every((o) => o.metadata.labels?.["app.kubernetes.io/managed-by"] === "e2x-portal")).toBe(true);
    expect(r.valuesYaml.assignment).toContain("e2x-ldap");
  });

  it("leaves archived terms and courses out", () => {
    const before = renderPortal(db).render;
    expect(before.objects.some((o) => String((o.data as Record<string, string> | undefined)?.["profiles.json"] ?? "").includes("progbio-WS25"))).toBe(true);
    db.update(terms).set({ archivedAt: new Date() }).where(eq(terms.id, termId("progbio", "WS25"))).run();
    db.update(courses).set({ archivedAt: new Date() }).where(eq(courses.code, "datasci")).run();
    const { model } = buildPortalModel(db);
    expect(model.terms.map((x) => `${x.courseCode}-${x.id}`).sort()).toEqual(["mathe1-SS26", "mathe1-WS25"]);
    expect(model.courses.map((c) => c.code)).toEqual(["mathe1", "progbio"]);
    expect(model.memberships.some((m) => m.courseId.startsWith("progbio") || m.courseId.startsWith("datasci"))).toBe(false);
    const text = JSON.stringify(renderAll(model).objects);
    expect(text).not.toContain("progbio-WS25");
    expect(text).not.toContain("datasci-WS25");
  });

  it("a roster change changes exactly one user shard (and the index) of the hub", () => {
    const opts = { shardBudgetBytes: 4096 };
    const a = renderPortal(db, opts).render;
    expect(a.stats.profiles.assignment!.userShards).toBeGreaterThan(1);
    db.insert(students).values({ termId: termId("progbio", "WS25"), username: "newcomer1s" }).run();
    const b = renderPortal(db, opts).render;
    const before = byName(a.objects);
    const after = byName(b.objects);
    const removed = [...before.keys()].filter((k) => !after.has(k));
    const added = [...after.keys()].filter((k) => !before.has(k));
    const changed = [...after.keys()].filter((k) => before.has(k) && before.get(k) !== after.get(k));
    expect(removed).toHaveLength(1);
    expect(added).toHaveLength(1);
    expect(removed[0]).toMatch(/^e2x-assignment\/ConfigMap\/e2x-profiles-assignment-u-/);
    expect(added[0]).toMatch(/^e2x-assignment\/ConfigMap\/e2x-profiles-assignment-u-/);
    expect(changed).toEqual(["e2x-assignment/ConfigMap/e2x-profiles-assignment"]);
  });

  it("uses the deployment settings", () => {
    const s = structuredClone(DEFAULT_SETTINGS);
    s.hubs.exam = { namespace: "pool-exam", releaseName: "klausur", host: "exam.uni.example", nodePort: 31123 };
    s.network = { serviceType: "NodePort", trustedProxies: ["192.0.2.10"], nodeAddresses: ["192.0.2.21"] };
    s.hubAccess = { extraAdmins: ["operator"], concurrentSpawnLimit: 128, timezone: "Europe/Berlin", cullTimeoutMinutes: 45 };
    s.ldap.enabled = false;
    s.exam.sourceCidrs = ["10.10.0.0/16"];
    const { model } = buildPortalModel(db, s);
    expect(model.hubs.find((h) => h.name === "exam")).toMatchObject({ namespace: "pool-exam", releaseName: "klausur", host: "exam.uni.example" });
    expect(model.ldap).toBeUndefined();
    const r = renderAll(model);
    expect(r.objects.filter((o) => o.metadata.namespace === "pool-exam").length).toBeGreaterThan(3);
    expect(r.hubSettings.exam).toMatchObject({ examRooms: ["10.10.0.0/16"] });
    // LDAP off: the hubs still reference the bind password Secret, so turning LDAP on is a push
    expect(r.valuesYaml.assignment).toContain("name: e2x-ldap");
    expect(model.hubs.find((h) => h.name === "exam")).toMatchObject({ nodePort: 31123, proxyServiceType: "NodePort" });
    expect(model.admins).toContain("operator");
    expect(r.hubSettings.exam).toMatchObject({ cullTimeoutSeconds: 2700, config: { JupyterHub: { concurrent_spawn_limit: 128, trusted_downstream_ips: ["192.0.2.10"] } } });
  });
});

describe("termVolumeMounts", () => {
  it("keeps the E2x defaults for default mounts", () => {
    expect(termVolumeMounts(defaultMounts())).toBeUndefined();
  });

  it("maps custom mounts to roles and read-only flags", () => {
    const mounts: TermMount[] = [
      { kind: "home", subPath: "homes/custom/{course_id}/{username}", mountPath: "/home/jovyan", readOnly: false },
      { kind: "exchange", subPath: "exchange/{course_id}", mountPath: "/srv/exchange/{course_id}/", readOnly: false },
      { kind: "shared", subPath: "shares/{course}", mountPath: "/srv/shares/{course}", readOnly: true },
      { kind: "extra", subPath: "datasets", mountPath: "/srv/data", readOnly: true },
    ];
    const specs = termVolumeMounts(mounts)!;
    const by = (n: string) => specs.find((s) => s.name === n)!;
    expect(by("home")).toMatchObject({ roles: ["student"], readOnlyFor: [], hubs: ["assignment", "grading"] });
    expect(by("exchange-inbound")).toMatchObject({ nfsPath: "exchange/{course_id}/inbound", mountPath: "/srv/exchange/{course_id}/inbound", readOnlyFor: [] });
    expect(by("exchange-outbound").readOnlyFor).toEqual(["student"]);
    expect(by("exchange-feedback").readOnlyFor).toEqual(["student"]);
    expect(by("exchange")).toMatchObject({ roles: ["grader", "instructor"], readOnlyFor: [] });
    expect(by("shared-1")).toMatchObject({ roles: ["student", "grader", "instructor"], readOnlyFor: ["student"] });
    expect(by("extra-1").readOnlyFor).toEqual(["student", "grader", "instructor"]);
    // exam homes and staff homes keep the E2x layout
    expect(specs.find((s) => s.name === "home" && s.hubs?.join() === "exam")?.nfsPath).toContain("homes/exam/");
    // the exam hub: a student's own personalized exchange folders
    expect(by("exchange-personalized-inbound")).toMatchObject({ nfsPath: "exchange/{course_id}/personalized-inbound/{username}", hubs: ["exam"], readOnlyFor: [] });
    expect(by("exchange-inbound").hubs).toEqual(["assignment", "grading"]);
    expect(by("staff-home").nfsPath).toBe("homes/{mode}/graders/{username}");

    db.update(terms).set({ mounts }).where(eq(terms.id, termId("progbio", "WS25"))).run();
    const r = renderAll(buildPortalModel(db).model);
    expect(JSON.stringify(r.objects)).toContain("homes/custom/progbio-WS25/{username}");
  });
});

describe("settings", () => {
  it("defaults until saved, and the flat form round-trips", () => {
    expect(getSettings(db)).toMatchObject({ saved: false, settings: DEFAULT_SETTINGS });
    const form = settingsToForm(DEFAULT_SETTINGS);
    const parsed = parseSettingsForm(form);
    expect(parsed).toEqual({ ok: true, settings: DEFAULT_SETTINGS });
  });

  it("reports errors by form field", () => {
    const form = { ...settingsToForm(DEFAULT_SETTINGS), examNamespace: "Bad_NS", examCidrs: "10.0.0.0/8\n300.1.1.1/24", gradingNamespace: "e2x-assignment" };
    const r = parseSettingsForm(form);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.fieldErrors.examNamespace?.[0]).toMatch(/Kubernetes name/);
    expect(r.fieldErrors.examCidrs?.[0]).toMatch(/^300\.1\.1\.1\/24: /);
    const r2 = parseSettingsForm({ ...settingsToForm(DEFAULT_SETTINGS), gradingNamespace: "e2x-assignment" });
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.fieldErrors.gradingNamespace?.[0]).toMatch(/own namespace/);
  });
});

describe("renderPortal while nothing changed", () => {
  const usersOf = (r: ReturnType<typeof renderPortal>) => r.render.stats.profiles.assignment?.users;

  it("reads the database again after any write, from this connection or another", () => {
    const first = renderPortal(db);
    expect(renderPortal(db)).toBe(first);
    expect(Object.isFrozen(first.model.memberships)).toBe(true);

    db.insert(students).values({ termId: termId("mathe1", "WS25"), username: "neu1" }).run();
    const afterOwnWrite = renderPortal(db);
    expect(afterOwnWrite).not.toBe(first);
    expect(usersOf(afterOwnWrite)).toBe(usersOf(first)! + 1);

    // another process (a second connection to the same file) adds a student
    const other = openDb(t.file);
    try {
      other.insert(students).values({ termId: termId("mathe1", "WS25"), username: "neu2" }).run();
    } finally {
      other.$client.close();
    }
    expect(usersOf(renderPortal(db))).toBe(usersOf(first)! + 2);
  });

  it("after a write that leaves the model as it was, reads the rosters again but does not render again", () => {
    const first = renderPortal(db);
    const course = db.select().from(courses).orderBy(courses.id).limit(1).get()!;
    db.update(courses).set({ title: course.title }).where(eq(courses.id, course.id)).run();
    const again = renderPortal(db);
    expect(again).not.toBe(first);
    expect(again.model).toEqual(first.model);
    expect(again.render).toBe(first.render);
  });

  it("never keeps what a rolled-back transaction rendered", () => {
    const before = usersOf(renderPortal(db));
    expect(() =>
      db.transaction((tx) => {
        tx.insert(students).values({ termId: termId("mathe1", "WS25"), username: "probe" }).run();
        expect(usersOf(renderPortal(tx))).toBe(before! + 1);
        throw new Error("roll back");
      }),
    ).toThrow("roll back");
    expect(usersOf(renderPortal(db))).toBe(before);
  });
});
