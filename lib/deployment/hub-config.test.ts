import { afterAll, describe, expect, it } from "vitest";
import { renderAll } from "@/lib/render";
import { smallModel } from "@/lib/render/fixtures";
import { createTestDb } from "@/lib/test/db";
import { hubValuesVersions } from "@/lib/db/schema";
import { describeValuesChange, helmCommand, recordValuesVersions } from "./hub-drift";
import { withLocale } from "@/lib/i18n/t";
import { explainClusterError, objectsFailed } from "./errors";
import { describeHubConfigChange, examRefusal, restartFailure, restartSentence } from "./hub-restart";
import type { HubRestartView } from "./views";

const hubConfigData = (m: ReturnType<typeof smallModel>, hub = "assignment") =>
  renderAll(m).objects.find((o) => o.metadata.name === "e2x-portal-hub" && o.metadata.namespace === `e2x-${hub}`)!.data as Record<string, string>;

describe("what a hub configuration change is, in words", () => {
  const base = hubConfigData(smallModel());

  it("names each setting that changed", () => {
    expect(describeHubConfigChange(base, base)).toEqual([]);
    expect(describeHubConfigChange(base, hubConfigData({ ...smallModel(), admins: ["root"] }))).toEqual(["hub admins"]);
    expect(describeHubConfigChange(base, hubConfigData({ ...smallModel(), concurrentSpawnLimit: 7, cullTimeoutSeconds: 600 }))).toEqual(["the spawn limit", "idle culling"]);
    expect(describeHubConfigChange(base, hubConfigData({ ...smallModel(), network: { trustedProxies: ["192.0.2.9"], nodeAddresses: [] } }))).toEqual(["trusted load-balancer addresses"]);
    const noLdap = smallModel() as Record<string, unknown>;
    delete noLdap.ldap;
    expect(describeHubConfigChange(base, hubConfigData(noLdap as ReturnType<typeof smallModel>))).toEqual(["sign-in (authenticator and LDAP settings)", "the notice on the sign-in page"]);
    expect(describeHubConfigChange(null, base)).toEqual(["its configuration is new"]);
  });

  it("names a portal upgrade of the hub-side code", () => {
    const upgraded = { ...base, "e2x_portal_auth.py": base["e2x_portal_auth.py"] + "\n# next release\n" };
    expect(describeHubConfigChange(base, upgraded)).toEqual(["the hub-side code (a portal upgrade)"]);
  });
});

describe("the restart sentence", () => {
  const view = (over: Partial<HubRestartView>): HubRestartView => ({
    hub: "assignment",
    namespace: "e2x-assignment",
    installed: true,
    restart: true,
    reason: "changed",
    configDigest: "x",
    runningDigest: "y",
    servers: 14,
    serversSource: "",
    pauseSeconds: 20,
    changes: [],
    blockedBy: [],
    sentence: "",
    ...over,
  });

  it("says what restarts, what keeps running and how long sign-ins pause", () => {
    expect(restartSentence(view({}))).toBe("The assignment hub restarts; 14 servers keep running, sign-ins pause for about 20 s.");
    expect(restartSentence(view({ servers: 1, hub: "exam" }))).toBe("The exam hub restarts; 1 server keeps running, sign-ins pause for about 20 s.");
    expect(restartSentence(view({ servers: 0 }))).toBe("The assignment hub restarts; no servers are running there, sign-ins pause for about 20 s.");
    expect(restartSentence(view({ servers: null }))).toBe("The assignment hub restarts; the running servers keep running, sign-ins pause for about 20 s.");
    expect(restartSentence(view({ reason: "export", restart: false }))).toBe(
      "The assignment hub's configuration changes: after applying the files, restart it with kubectl -n e2x-assignment rollout restart deployment/hub.",
    );
  });
  it("speaks German to a German reader: restarts, refusals and cluster errors", () => {
    withLocale("de", () => {
      expect(restartSentence(view({}))).toBe("Der Übungs-Hub startet neu; 14 Server laufen weiter, Anmeldungen pausieren etwa 20 s.");
      expect(restartSentence(view({ servers: 1, hub: "exam" }))).toBe("Der Prüfungs-Hub startet neu; 1 Server läuft weiter, Anmeldungen pausieren etwa 20 s.");
      expect(restartSentence(view({ reason: "none", restart: false, hub: "grading" }))).toBe("Der Korrektur-Hub läuft weiter: nichts, was er beim Start liest, ändert sich.");
      const exam = { id: 1, title: "Klausur", courseId: "ml-ws26", openedAt: null };
      expect(examRefusal([view({ hub: "exam", blockedBy: [exam] })])).toBe("Abgelehnt: diese Übertragung würde den Prüfungs-Hub neu starten, während die Prüfung „Klausur“ (ml-ws26) geöffnet ist. Nichts wurde geschrieben. Übertragen Sie nach dem Ende der Prüfung oder erzwingen Sie den Neustart mit der zweiten Bestätigung.");
      const down = { kind: "unreachable" as const, message: "The API server at https://10.0.0.1:6443 is unreachable (ECONNREFUSED).", text: { key: "unreachable" as const, values: { server: "https://10.0.0.1:6443", detail: "ECONNREFUSED" } } };
      expect(explainClusterError(down)).toBe("Der Cluster ist nicht erreichbar. Der API-Server unter https://10.0.0.1:6443 ist nicht erreichbar (ECONNREFUSED). Prüfen Sie, ob der API-Server läuft und das Portal ihn erreichen kann.");
      expect(restartFailure([{ hub: "assignment", namespace: "e2x-assignment", action: "error", configDigest: "x", error: down }])).toMatch(/^Der Übungs-Hub konnte nicht neu gestartet werden: Der Cluster ist nicht erreichbar\./);
      const ref = { apiVersion: "v1", kind: "ConfigMap", namespace: "e2x-exam", name: "e2x-portal-exams" };
      expect(objectsFailed([{ action: "error", ref, error: down }, { action: "error", ref, error: down }])).toMatch(/^2 Objekte sind fehlgeschlagen, z\. B\. ConfigMap e2x-portal-exams: Der Cluster ist nicht erreichbar\./);
      // the API server's own words are shown as they came
      expect(explainClusterError({ kind: "invalid", message: 'ConfigMap "x" is invalid: data: Too long' })).toBe('ConfigMap "x" is invalid: data: Too long');
    });
    // the same error, read by an English reader
    expect(explainClusterError({ kind: "unreachable", message: "", text: { key: "timeout", values: { server: "https://k", seconds: 15 } } })).toBe(
      "The cluster cannot be reached. The API server at https://k did not answer within 15 s (it is overloaded or hangs). Check that the API server is up and the portal can reach it.",
    );
  });
});

describe("drift of the chart values", () => {
  const { db, cleanup } = createTestDb();
  afterAll(cleanup);

  it("names what only Helm changes", () => {
    const a = renderAll(smallModel()).values.assignment!;
    const m = smallModel();
    m.terms[0] = { ...m.terms[0], image: "ghcr.io/digiklausur/e2x-notebook:2026.04" };
    expect(describeValuesChange(a, renderAll(m).values.assignment!)).toEqual(["the term images changed"]);
    const lb = renderAll({ ...smallModel(), hubs: smallModel().hubs.map((h) => ({ ...h, proxyServiceType: "LoadBalancer" as const })) });
    expect(describeValuesChange(renderAll(smallModel()).values.exam!, lb.values.exam!)).toEqual(["the proxy Service changed (type, NodePort or source ranges)"]);
    expect(helmCommand("exam", "e2x-exam", "exam", true)).toBe("helm upgrade exam jupyterhub --repo https://hub.jupyter.org/helm-chart/ --version 4.4.0 --namespace e2x-exam --values values-exam.yaml");
  });

  it("keeps a row per change of each hub's values, not per rendering", () => {
    const v1 = renderAll(smallModel()).values;
    const m = smallModel();
    // SS25 is offered on the assignment and grading hubs only
    m.terms[1] = { ...m.terms[1], image: "ghcr.io/digiklausur/e2x-notebook:2026.04" };
    const v2 = renderAll(m).values;
    recordValuesVersions(db, v1, new Date("2025-11-01T10:00:00Z"));
    recordValuesVersions(db, v1, new Date("2025-11-05T10:00:00Z"));
    recordValuesVersions(db, v2, new Date("2025-11-10T10:00:00Z"));
    recordValuesVersions(db, v2, new Date("2025-11-12T10:00:00Z"));
    const rows = db.select({ hub: hubValuesVersions.hub, at: hubValuesVersions.renderedAt }).from(hubValuesVersions).all();
    // the exam hub does not offer the changed term: one row; the other two hubs: two each
    expect(rows.map((r) => `${r.hub} ${r.at.toISOString().slice(0, 10)}`).sort()).toEqual([
      "assignment 2025-11-01",
      "assignment 2025-11-10",
      "exam 2025-11-01",
      "grading 2025-11-01",
      "grading 2025-11-10",
    ]);
  });

});
