import { describe, expect, it } from "vitest";
import { diffObjects, normalizeObject } from "./diff";
import { matchesSelector } from "./objects";

describe("diffObjects", () => {
  const live = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: "lockdown",
      namespace: "hub",
      uid: "1",
      resourceVersion: "7",
      generation: 2,
      creationTimestamp: "2026-01-01T00:00:00Z",
      managedFields: [{ manager: "x" }],
      labels: { "e2x-portal/hub": "exam" },
      annotations: {},
    },
    spec: { podSelector: {}, egress: [{ ports: [{ port: 53, protocol: "UDP" }] }], policyTypes: ["Egress"] },
    status: { anything: true },
  };

  it("ignores server-maintained fields", () => {
    const same = structuredClone(live);
    same.metadata.resourceVersion = "8";
    same.metadata.managedFields = [];
    same.status = { anything: false };
    delete (same.metadata as Record<string, unknown>).annotations;
    expect(diffObjects(live, same)).toEqual([]);
    expect(normalizeObject(live)).not.toHaveProperty("status");
  });

  it("names changed paths with before and after", () => {
    const next = structuredClone(live);
    next.metadata.labels["e2x-portal/hub"] = "grading";
    next.spec.egress[0].ports[0].port = 5353;
    next.spec.policyTypes = ["Egress", "Ingress"];
    expect(diffObjects(live, next)).toEqual([
      { path: 'metadata.labels["e2x-portal/hub"]', before: "exam", after: "grading" },
      { path: "spec.egress[0].ports[0].port", before: 53, after: 5353 },
      { path: "spec.policyTypes", before: ["Egress"], after: ["Egress", "Ingress"] },
    ]);
  });

  it("shortens long values so a plan stays small", () => {
    const big = "p".repeat(900_000);
    const a = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "shard" }, data: { profiles: big } };
    const b = { ...a, data: { profiles: `${big}q` } };
    const [c] = diffObjects(a, b);
    expect(c.path).toBe("data.profiles");
    expect(c.truncated).toBe(true);
    expect(c.before).toMatch(/^p{200}… \(900000 chars, sha256 [0-9a-f]{12}\)$/);
    expect(c.after).toMatch(/^p{200}… \(900001 chars, sha256 [0-9a-f]{12}\)$/);
    expect(c.before).not.toBe(c.after);
    expect(JSON.stringify(diffObjects(a, b)).length).toBeLessThan(1000);
    expect(diffObjects(a, b, { maxValueChars: 2_000_000 })[0].truncated).toBeUndefined();
  });

  it("redacts Secret values but keeps the keys", () => {
    const a = { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, data: { pw: "b25l" } };
    const b = { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, data: { pw: "dHdv", new: "eA==" } };
    expect(diffObjects(a, b)).toEqual([
      { path: "data.new", after: "(redacted)" },
      { path: "data.pw", before: "(redacted)", after: "(redacted)" },
    ]);
    expect(diffObjects({ ...a, data: undefined }, b)).toEqual([{ path: "data", after: { pw: "(redacted)", new: "(redacted)" } }]);
  });
});

describe("matchesSelector", () => {
  it("handles equality, inequality and existence terms", () => {
    const l = { a: "1", b: "2" };
    expect(matchesSelector(l, "a=1,b==2")).toBe(true);
    expect(matchesSelector(l, "a=1,b=3")).toBe(false);
    expect(matchesSelector(l, "a!=2")).toBe(true);
    expect(matchesSelector(l, "a,!c")).toBe(true);
    expect(matchesSelector(l, "c")).toBe(false);
  });
});
