// The push preview in plain words, from real plans: the demo seed pushed to a real kube-apiserver,
// then a roster and a resource change, a NetworkPolicy someone deleted, an archived term, and an
// index pushed by an older portal (no term summaries). Worded with the real catalogues.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTranslator } from "use-intl/core";
import { startKubeApiServer, type KubeApiServer } from "@/e2e/services/kube";
import { summarySentences, type WordsT } from "@/components/cluster/change-words";
import { connectCluster, type ClusterConnection } from "@/lib/cluster";
import type { Db } from "@/lib/db/client";
import { seedIfEmpty } from "@/lib/db/seed";
import { students, terms } from "@/lib/db/schema";
import { getPush } from "@/lib/deployment/history";
import { previewPush, runPush, type PushContext } from "@/lib/deployment/push";
import type { ChangeSummaryView } from "@/lib/deployment/views";
import { formatter } from "@/lib/i18n/format";
import { MESSAGES } from "@/lib/i18n/messages";
import { createTestDb } from "@/lib/test/db";
import { createHubNamespaces, PUSH_ACTOR as actor, PUSH_REQUEST as req, termIdOf } from "./support/hub-cluster";

let kube: KubeApiServer;
let conn: ClusterConnection;
let t: ReturnType<typeof createTestDb>;
let db: Db;
let ctx: PushContext;

beforeAll(async () => {
  kube = await startKubeApiServer();
  conn = connectCluster({ kubeconfigPath: kube.kubeconfigPath });
  ctx = { target: { kind: "cluster", connection: conn }, shardBudgetBytes: 8192 };
  await createHubNamespaces(conn);
  t = createTestDb();
  db = t.db;
  await seedIfEmpty(db, { password: "test-Passw0rd!" });
});

afterAll(async () => {
  conn?.close();
  await kube?.stop();
  t?.cleanup();
});

function words(s: ChangeSummaryView, locale: "de" | "en") {
  const tr = createTranslator({ locale, messages: MESSAGES[locale], namespace: "pushWords" }) as unknown as WordsT;
  return summarySentences(tr, formatter(locale, "Europe/Berlin"), s);
}

async function preview() {
  const p = await previewPush(db, ctx);
  if (!p.ok) throw new Error(p.error);
  return p.plan;
}

async function push(fingerprint: string) {
  const r = await runPush(db, actor, { ...req, expectedFingerprint: fingerprint }, ctx);
  expect(r.pushId, "the previewed plan was pushed").not.toBeNull();
  expect(getPush(db, r.pushId!)!.push.status).toBe("ok");
}

describe("the push preview in plain words", () => {
  it("a first push offers every term on its hubs, with its members", async () => {
    const plan = await preview();
    const de = words(plan.changes!, "de");
    expect(de.terms.find((s) => s.startsWith("mathe1 WS25: "))).toMatch(/^mathe1 WS25: neu angeboten auf dem Übungs-Hub: 140 Studierende, /);
    expect(de.terms.find((s) => s.startsWith("progbio WS25: "))).toBe("progbio WS25: neu angeboten auf dem Übungs-Hub: 30 Studierende");
    // the hub-wide objects by what they are, not by their kind
    expect(de.hubWide).toContain("Netzwerkregeln des Prüfungs-Hubs angelegt");
    expect(de.hubWide).toContain("Zugriffsrechte (RBAC) des Übungs-Hubs angelegt");
    expect(de.hubWide).toContain("Hub-Konfiguration des Korrektur-Hubs angelegt");
    expect(de.deletes).toEqual([]);
    await push(plan.fingerprint);
    // pushed: nothing left to say
    const again = words((await preview()).changes!, "de");
    expect(again).toEqual({ terms: [], hubWide: [], deletes: [] });
  });

  it("300 students and a CPU limit: said for that term and hub, the other hubs unchanged, and what cleaning up deletes", async () => {
    const termId = termIdOf(db, "mathe1", "SS26");
    db.insert(students).values(Array.from({ length: 300 }, (_, i) => ({ termId, username: `neu${String(i).padStart(3, "0")}` }))).run();
    db.update(terms).set({ cpuLimit: "2" }).where(eq(terms.id, termId)).run();
    const plan = await preview();
    const de = words(plan.changes!, "de");
    const en = words(plan.changes!, "en");
    expect(de.terms).toEqual(["mathe1 SS26: 300 Studierende hinzugefügt auf dem Übungs-Hub; Prüfungs-Hub unverändert; CPU-Limit 1 → 2"]);
    expect(en.terms).toEqual(["mathe1 SS26: 300 students added on the assignment hub; exam hub unchanged; CPU limit 1 → 2"]);
    // the grading hub's profile changed too (the limit), its members did not
    expect(plan.changes!.terms.find((c) => c.course === "mathe1" && c.term === "SS26")!.hubs.map((h) => [h.hub, h.state])).toEqual([
      ["assignment", "changed"],
      ["exam", "unchanged"],
      ["grading", "changed"],
    ]);
    expect(de.hubWide).toEqual([]);
    expect(plan.summary.prune).toBeGreaterThan(0);
    expect(de.deletes.join("\n")).toMatch(/ersetzte Teile der Profildaten des Übungs-Hubs \(die Hubs lesen sie nicht mehr\)/);
    expect(plan.changes!.deletes.reduce((n, d) => n + d.count, 0)).toBe(plan.summary.prune);
    await push(plan.fingerprint);
  });

  it("a removed student and a NetworkPolicy someone deleted by hand", async () => {
    const termId = termIdOf(db, "mathe1", "SS26");
    db.delete(students).where(eq(students.username, "neu000")).run();
    const policies = await conn.request<{ items: { metadata: { name: string } }[] }>("GET", "/apis/networking.k8s.io/v1/namespaces/e2x-exam/networkpolicies");
    await conn.request("DELETE", `/apis/networking.k8s.io/v1/namespaces/e2x-exam/networkpolicies/${policies.body.items[0].metadata.name}`);
    expect(termId).toBeGreaterThan(0);
    const plan = await preview();
    const de = words(plan.changes!, "de");
    expect(de.terms).toEqual(["mathe1 SS26: 1 Studierende:r entfernt auf dem Übungs-Hub; Prüfungs-Hub unverändert; Korrektur-Hub unverändert"]);
    expect(de.hubWide).toEqual(["Netzwerkregeln des Prüfungs-Hubs angelegt"]);
    await push(plan.fingerprint);
  });

  it("an archived term is taken off its hub", async () => {
    db.update(terms).set({ archivedAt: new Date() }).where(eq(terms.id, termIdOf(db, "progbio", "WS25"))).run();
    const plan = await preview();
    expect(words(plan.changes!, "de").terms).toEqual(["progbio WS25: nicht mehr angeboten vom Übungs-Hub"]);
    expect(words(plan.changes!, "en").terms).toEqual(["progbio WS25: no longer offered from the assignment hub"]);
    await push(plan.fingerprint);
  });

  it("an index an older portal pushed (no term summaries) says the earlier state is unknown instead of 'added'", async () => {
    const path = "/api/v1/namespaces/e2x-grading/configmaps/e2x-profiles-grading";
    const live = await conn.request<{ data: Record<string, string> }>("GET", path);
    const drop = Object.fromEntries(Object.keys(live.body.data).filter((k) => k !== "meta.json").map((k) => [k, null]));
    await conn.request("PATCH", path, { query: { fieldManager: "older-portal" }, contentType: "application/merge-patch+json", body: { data: drop } });
    const plan = await preview();
    const de = words(plan.changes!, "de");
    expect(plan.changes!.firstSummary).toEqual(["grading"]);
    expect(de.terms.find((s) => s.startsWith("mathe1 WS25: "))).toBe("mathe1 WS25: Übungs-Hub unverändert; Korrektur-Hub: bisheriger Stand unbekannt (erste Übertragung mit Zusammenfassung)");
    expect(de.terms.some((s) => s.includes("neu angeboten"))).toBe(false);
  });
});
