import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  applyPush,
  configuredCluster,
  defaultExportDir,
  exportPath,
  parseYamlBundle,
  planPush,
  redactPlan,
  resolveTarget,
  toYamlBundle,
  type KubeObject,
  type PushTarget,
} from "./index";

const env = (e: Record<string, string>) => e as unknown as NodeJS.ProcessEnv;
let dir: string;
let target: PushTarget;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "e2x-export-"));
  target = { kind: "export", dir };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cm = (namespace: string, name: string, data: Record<string, string>): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace },
  data,
});

describe("export target", () => {
  it("is chosen when no cluster is configured, under E2X_DATA_DIR", () => {
    const t = resolveTarget(env({ E2X_DATA_DIR: "/srv/e2x" }));
    expect(t).toEqual({ kind: "export", dir: "/srv/e2x/export" });
    expect(defaultExportDir(env({}))).toBe(path.resolve(".data/export"));
    expect(resolveTarget(env({ KUBECONFIG: "/x", E2X_CLUSTER_TARGET: "export", E2X_DATA_DIR: "/d" }))).toEqual({
      kind: "export",
      dir: "/d/export",
    });
  });

  it("plans creates, writes <namespace>/<kind>-<name>.yaml, then finds nothing to do", async () => {
    const desired: KubeObject[] = [
      cm("hub-exam", "profiles", { a: "1" }),
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "hub-exam" } },
      { apiVersion: "v1", kind: "Secret", metadata: { name: "otp", namespace: "hub-exam" }, stringData: { pw: "s3cret" } },
    ];
    const opts = { target, labels: { "e2x-portal/hub": "exam" } };
    const plan = await planPush(desired, opts);
    expect(plan.target).toBe("export");
    expect(plan.location).toBe(dir);
    expect(plan.items.map((i) => [i.action, i.ref.kind])).toEqual([
      ["create", "Namespace"],
      ["create", "ConfigMap"],
      ["create", "Secret"],
    ]);

    const result = await applyPush(plan, { ...opts, prune: true });
    expect(result.ok).toBe(true);
    expect(result.items.map((i) => i.action)).toEqual(["created", "created", "created"]);
    expect((await readdir(dir)).sort()).toEqual(["_cluster", "hub-exam"]);
    expect((await readdir(path.join(dir, "hub-exam"))).sort()).toEqual(["configmap-profiles.yaml", "secret-otp.yaml"]);
    const written = parse(await readFile(exportPath(dir, { kind: "ConfigMap", namespace: "hub-exam", name: "profiles" }), "utf8"));
    expect(written).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: "profiles",
        namespace: "hub-exam",
        labels: {
          "e2x-portal/hub": "exam",
          "app.kubernetes.io/managed-by": "e2x-portal",
          "app.kubernetes.io/part-of": "e2x-hub-portal",
        },
      },
      data: { a: "1" },
    });
    expect((await stat(path.join(dir, "hub-exam/secret-otp.yaml"))).mode & 0o777).toBe(0o600);

    const again = await planPush(desired, opts);
    expect(again.items.map((i) => i.action)).toEqual(["unchanged", "unchanged", "unchanged"]);
    const reapplied = await applyPush(desired, { ...opts, prune: true });
    expect(reapplied.items.map((i) => i.action)).toEqual(["unchanged", "unchanged", "unchanged"]);
    expect(reapplied.applied).toEqual([]);
  });

  it("shows field changes (secret values redacted) and prunes only portal-labelled files", async () => {
    const secret = (pw: string): KubeObject => ({ apiVersion: "v1", kind: "Secret", metadata: { name: "otp", namespace: "ns1" }, stringData: { pw } });
    await applyPush([cm("ns1", "keep", { a: "1" }), cm("ns1", "old", { b: "2" }), secret("one")], { target, prune: true });
    // A file someone else put there is left alone.
    await writeFile(path.join(dir, "ns1/configmap-foreign.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: foreign, namespace: ns1}\n");

    const desired = [cm("ns1", "keep", { a: "2" }), secret("two")];
    const plan = await planPush(desired, { target });
    expect(plan.items.map((i) => [i.action, i.ref.name])).toEqual([
      ["change", "keep"],
      ["change", "otp"],
      ["prune", "old"],
    ]);
    expect(plan.items[0].changes).toEqual([{ path: "data.a", before: "1", after: "2" }]);
    expect(plan.items[1].changes).toEqual([{ path: "stringData.pw", before: "(redacted)", after: "(redacted)" }]);
    // Plans carry the desired objects so they can be applied; the stored copy is redacted.
    expect(JSON.stringify(plan)).toContain('"pw":"two"');
    const stored = JSON.stringify(redactPlan(plan));
    expect(stored).not.toContain("two");
    expect(stored).toContain('"stringData":{"pw":"(redacted)"}');

    const kept = await applyPush(plan, { target, prune: false });
    expect(kept.items.map((i) => [i.ref.name, i.action])).toEqual([
      ["keep", "configured"],
      ["otp", "configured"],
      ["old", "skipped"],
    ]);
    expect((await readdir(path.join(dir, "ns1"))).sort()).toEqual([
      "configmap-foreign.yaml",
      "configmap-keep.yaml",
      "configmap-old.yaml",
      "secret-otp.yaml",
    ]);
    const pruned = await applyPush(desired, { target, prune: true });
    expect(pruned.items.map((i) => [i.ref.name, i.action])).toEqual([
      ["keep", "unchanged"],
      ["otp", "unchanged"],
      ["old", "pruned"],
    ]);
    expect((await readdir(path.join(dir, "ns1"))).sort()).toEqual(["configmap-foreign.yaml", "configmap-keep.yaml", "secret-otp.yaml"]);
  });

  it("limits pruning to the selector", async () => {
    await applyPush([cm("ns2", "exam-a", {})], { target, prune: false, labels: { "e2x-portal/hub": "exam" } });
    await applyPush([cm("ns2", "grading-a", {})], { target, prune: false, labels: { "e2x-portal/hub": "grading" } });
    const plan = await planPush([], { target, pruneScope: { namespaces: ["ns2"], selector: "e2x-portal/hub=exam" } });
    expect(plan.items.map((i) => [i.action, i.ref.name])).toEqual([["prune", "exam-a"]]);
    expect(await planPush([], { target, pruneScope: false })).toMatchObject({ items: [], pruneScope: null });
  });

  it("reports malformed objects as errors and writes the others", async () => {
    const result = await applyPush([{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "" } } as KubeObject, cm("ns3", "ok", {})], {
      target,
      prune: false,
    });
    expect(result.ok).toBe(false);
    expect(result.items.map((i) => [i.action, i.error?.kind])).toEqual([
      ["error", "invalid"],
      ["created", undefined],
    ]);
  });

  it("refuses a plan made for another target", async () => {
    const plan = await planPush([cm("ns4", "x", {})], { target });
    await expect(applyPush({ ...plan, target: "cluster" }, { target, prune: false })).rejects.toThrow(/cluster target/);
  });
});

describe("YAML bundle", () => {
  it("is one multi-document YAML with the portal's labels, in apply order, that parses back", () => {
    const text = toYamlBundle(
      [cm("hub", "b", { x: "1" }), { apiVersion: "v1", kind: "Namespace", metadata: { name: "hub" } }],
      { labels: { "e2x-portal/hub": "grading" } },
    );
    expect(text.startsWith("---\napiVersion: v1\nkind: Namespace\n")).toBe(true);
    expect(text.match(/^---$/gm)?.length).toBe(2);
    const docs = parseYamlBundle(text);
    expect(docs.map((d) => d.kind)).toEqual(["Namespace", "ConfigMap"]);
    expect(docs[1].metadata.labels).toEqual({
      "e2x-portal/hub": "grading",
      "app.kubernetes.io/managed-by": "e2x-portal",
      "app.kubernetes.io/part-of": "e2x-hub-portal",
    });
    expect(() => toYamlBundle([{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "BAD NAME" } }])).toThrow(/not a valid name/);
  });
});

describe("configuredCluster", () => {
  it("prefers KUBECONFIG, then the in-cluster ServiceAccount, else none", () => {
    expect(configuredCluster(env({ KUBECONFIG: "/etc/e2x/kubeconfig" }))).toEqual({ kubeconfigPath: "/etc/e2x/kubeconfig", context: undefined });
    expect(configuredCluster(env({ KUBECONFIG: "/a:/b", E2X_KUBE_CONTEXT: "prod" }))).toEqual({ context: "prod" });
    expect(configuredCluster(env({ KUBECONFIG: "/a", E2X_CLUSTER_TARGET: "export" }))).toBeNull();
    // No token file on this machine: not in a pod.
    expect(configuredCluster(env({ KUBERNETES_SERVICE_HOST: "10.0.0.1" }))).toBeNull();
    expect(configuredCluster(env({}))).toBeNull();
  });
});
