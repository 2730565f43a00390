// Push history against the export target in a temp dir: the code path of `npm start` without a cluster.
import fs from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { auditLog, courses, pushObjects, pushes, students, terms } from "@/lib/db/schema";
import { seededPortal } from "@/lib/test/db";
import { exportPath, planExportPush, redactPlan, type PushTarget } from "@/lib/cluster";
import { getPush, listPushes, recordPush } from "./history";
import { previewPush, runPush } from "./push";

let db: Db;
let dir: string;
let target: PushTarget;
const actor = { id: null, username: "admin" };
const req = { forceConflicts: false, prune: true };

let cleanup: () => void;

beforeEach(async () => {
  ({ db, dir, target, cleanup } = await seededPortal("e2x-export-"));
});
afterEach(() => cleanup());

function termId(code: string, term: string): number {
  const c = db.select().from(courses).where(eq(courses.code, code)).get()!;
  return db.select().from(terms).where(and(eq(terms.courseId, c.id), eq(terms.term, term))).get()!.id;
}

describe("push history (export target)", () => {
  it("first push creates, second is unchanged, a roster change writes one shard + index and prunes the old shard", async () => {
    const p0 = await previewPush(db, { target });
    expect(p0.ok).toBe(true);
    if (!p0.ok) return;
    expect(p0.plan.summary.create).toBeGreaterThan(10);
    expect(p0.plan.summary.change + p0.plan.summary.prune).toBe(0);
    expect(fs.readdirSync(dir)).toEqual([]); // a preview writes nothing

    const r1 = await runPush(db, actor, { ...req, expectedFingerprint: p0.plan.fingerprint }, { target });
    expect(r1.pushId).not.toBeNull();
    const h1 = getPush(db, r1.pushId!)!;
    expect(h1.push).toMatchObject({ status: "ok", target: "export", location: dir, appliedCount: p0.plan.summary.create });
    expect(h1.objects.every((o) => o.outcome === "ok" && o.applied && o.action === "created")).toBe(true);
    expect(fs.existsSync(path.join(dir, "e2x-assignment", "configmap-e2x-profiles-assignment.yaml"))).toBe(true);

    const r2 = await runPush(db, actor, req, { target });
    const h2 = getPush(db, r2.pushId!)!;
    expect(h2.push).toMatchObject({ status: "ok", appliedCount: 0 });
    expect(h2.push.planCounts).toMatchObject({ create: 0, change: 0, prune: 0 });
    expect(h2.objects.every((o) => o.action === "unchanged" && !o.applied)).toBe(true);

    db.insert(students).values({ termId: termId("progbio", "WS25"), username: "newcomer1s" }).run();
    const p3 = await previewPush(db, { target });
    if (!p3.ok) throw new Error(p3.error);
    const moving = p3.plan.items.filter((i) => i.action !== "unchanged").map((i) => `${i.action} ${i.namespace}/${i.name}`);
    expect(moving).toHaveLength(3);
    expect(moving).toContainEqual(expect.stringMatching(/^create e2x-assignment\/e2x-profiles-assignment-u-/));
    expect(moving).toContain("change e2x-assignment/e2x-profiles-assignment");
    expect(moving).toContainEqual(expect.stringMatching(/^prune e2x-assignment\/e2x-profiles-assignment-u-/));
    const index = p3.plan.items.find((i) => i.name === "e2x-profiles-assignment")!;
    // the shard names in meta.json, and the summary of the one term whose roster changed
    expect(index.changes?.map((c) => c.path)).toEqual(['data["meta.json"]', 'data["term.progbio.WS25"]']);

    const r3 = await runPush(db, actor, { ...req, expectedFingerprint: p3.plan.fingerprint }, { target });
    const h3 = getPush(db, r3.pushId!)!;
    expect(h3.push.appliedCount).toBe(3);
    expect(h3.objects.filter((o) => o.applied).map((o) => o.action).sort()).toEqual(["configured", "created", "pruned"]);

    expect(listPushes(db).rows.map((r) => r.id)).toEqual([r3.pushId, r2.pushId, r1.pushId]);
    const audit = db.select().from(auditLog).where(eq(auditLog.action, "cluster.push")).all();
    expect(audit).toHaveLength(3);
  });

  it("refuses to apply a plan that changed since the preview", async () => {
    const p = await previewPush(db, { target });
    if (!p.ok) throw new Error(p.error);
    db.insert(students).values({ termId: termId("mathe1", "WS25"), username: "latecomer1s" }).run();
    const r = await runPush(db, actor, { ...req, expectedFingerprint: p.plan.fingerprint }, { target });
    expect(r.pushId).toBeNull();
    expect(r.executed.stale?.summary.create).toBe(p.plan.summary.create);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(db.select().from(pushes).all()).toHaveLength(0);
  });

  it("archiving a term prunes its objects; without prune they are kept and reported skipped", async () => {
    await runPush(db, actor, req, { target });
    db.update(terms).set({ archivedAt: new Date() }).where(eq(terms.id, termId("progbio", "WS25"))).run();
    const noPrune = await runPush(db, actor, { ...req, prune: false }, { target });
    const h = getPush(db, noPrune.pushId!)!;
    expect(h.objects.filter((o) => o.planAction === "prune").every((o) => o.action === "skipped" && !o.applied)).toBe(true);
    const withPrune = await runPush(db, actor, { ...req, retryOf: noPrune.pushId }, { target });
    const h2 = getPush(db, withPrune.pushId!)!;
    expect(h2.push.retryOf).toBe(noPrune.pushId);
    const pruned = h2.objects.filter((o) => o.action === "pruned");
    expect(pruned.length).toBeGreaterThan(0);
    for (const o of pruned) expect(fs.existsSync(exportPath(dir, { kind: o.kind, namespace: o.namespace ?? undefined, name: o.name }))).toBe(false);
    expect(getPush(db, noPrune.pushId!)!.retries.map((r) => r.id)).toEqual([withPrune.pushId]);
  });

  it("a push that fails half-way is stored as failed, with exactly what was written", async () => {
    // A directory where the grading hub's index file goes: that one write fails.
    const blocked = exportPath(dir, { kind: "ConfigMap", namespace: "e2x-grading", name: "e2x-profiles-grading" });
    fs.mkdirSync(blocked, { recursive: true });
    const r = await runPush(db, actor, req, { target });
    const h = getPush(db, r.pushId!)!;
    expect(h.push.status).toBe("failed");
    expect(h.push.error).toMatch(/1 object failed/);
    const failed = h.objects.filter((o) => o.outcome === "failed");
    expect(failed.map((o) => o.name)).toEqual(["e2x-profiles-grading"]);
    expect(failed[0].error).toMatch(/EISDIR|directory/i);
    expect(h.push.appliedCount).toBe(h.objects.length - 1);
    expect(db.select().from(auditLog).where(eq(auditLog.action, "cluster.push.failed")).all()).toHaveLength(1);

    // retry after the cause is gone converges
    fs.rmSync(blocked, { recursive: true });
    const again = await runPush(db, actor, { ...req, retryOf: r.pushId }, { target });
    const h2 = getPush(db, again.pushId!)!;
    expect(h2.push.status).toBe("ok");
    expect(h2.objects.filter((o) => o.applied).map((o) => o.name)).toEqual(["e2x-profiles-grading"]);
  });

  it("never stores Secret values", async () => {
    const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "e2x-ldap", namespace: "e2x-assignment" }, stringData: { "bind-password": "s3cr3t-value" } };
    fs.mkdirSync(path.join(dir, "e2x-assignment"), { recursive: true });
    fs.writeFileSync(exportPath(dir, { kind: "Secret", namespace: "e2x-assignment", name: "e2x-ldap" }), "apiVersion: v1\nkind: Secret\nmetadata: {name: e2x-ldap, namespace: e2x-assignment, labels: {app.kubernetes.io/managed-by: e2x-portal}}\nstringData: {bind-password: old-s3cr3t}\n");
    const plan = await planExportPush(dir, [secret], { pruneScope: false });
    const id = db.transaction((tx) =>
      recordPush(tx, actor, () => {}, {
        request: req,
        startedAt: new Date(),
        finishedAt: new Date(),
        target: "export",
        location: dir,
        plan: redactPlan(plan),
        result: null,
        error: "not applied",
        renderSummary: {},
      }),
    );
    const rows = db.select().from(pushObjects).where(eq(pushObjects.pushId, id)).all();
    const text = JSON.stringify(rows);
    expect(text).toContain("stringData");
    expect(text).not.toContain("s3cr3t");
  });

  it("data the renderer refuses is a message, and a push attempt is stored as failed", async () => {
    const c = db.select().from(courses).where(eq(courses.code, "progbio")).get()!;
    db.update(courses).set({ code: "Prog Bio" }).where(eq(courses.id, c.id)).run();
    const p = await previewPush(db, { target });
    expect(p).toMatchObject({ ok: false, errorKind: "render" });
    if (!p.ok) expect(p.error).toMatch(/^The portal's data cannot be rendered: .*courses\.\d+\.code/);
    const r = await runPush(db, actor, req, { target });
    expect(getPush(db, r.pushId!)!.push).toMatchObject({ status: "failed", appliedCount: 0 });
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
