import { describe, expect, it } from "vitest";
import { imageError, parseQuantity, quantityError } from "./quantity";

describe("quantities", () => {
  it("reads the forms Kubernetes accepts", () => {
    expect(parseQuantity("500m")).toBeCloseTo(0.5);
    expect(parseQuantity("2")).toBe(2);
    expect(parseQuantity("1.5")).toBe(1.5);
    expect(parseQuantity("512Mi")).toBe(512 * 2 ** 20);
    expect(parseQuantity("2G")).toBe(2e9);
    expect(parseQuantity("1e3")).toBe(1000);
  });
  it("refuses what the API server would refuse", () => {
    for (const bad of ["", "abc", "2 Gi", "2gb", "-1", "1.2.3", "Mi"]) expect(parseQuantity(bad)).toBeNull();
    expect(quantityError("2gb", "memory")).toMatch(/not a memory amount/);
    expect(quantityError("0", "cpu")).toMatch(/more than zero/);
    expect(quantityError("250m", "cpu")).toBeNull();
  });
});

describe("image references", () => {
  it("accepts registry, path, tag and digest", () => {
    expect(imageError("ghcr.io/digiklausur/e2xgrader-notebook:2025.1")).toBeNull();
    expect(imageError("registry.local:5000/e2x/nb:v3")).toBeNull();
    expect(imageError(`quay.io/jupyter/base-notebook@sha256:${"a".repeat(64)}`)).toBeNull();
  });
  it("explains what is wrong", () => {
    expect(imageError("Bad Image:1")).toMatch(/not an image reference/);
    expect(imageError("jupyter/base-notebook")).toMatch(/Pin a tag/);
  });
});

describe("plain-word resources", () => {
  it("turns cores and GB into the Kubernetes quantities the hubs get", async () => {
    const { normalizeCpu, normalizeMemory } = await import("./quantity");
    expect(["0,5", "0.5", "0,5 Kerne", "500m", ".5"].map(normalizeCpu)).toEqual(["500m", "500m", "500m", "500m", "500m"]);
    expect(["2", "2 cores", "1 Kern", "1.5"].map(normalizeCpu)).toEqual(["2", "2", "1", "1500m"]);
    expect(["2 GB", "2GB", "1,5 GB", "512 MB", "2Gi", "1G", "1073741824"].map(normalizeMemory)).toEqual(["2Gi", "2Gi", "1536Mi", "512Mi", "2Gi", "1G", "1073741824"]);
    expect(normalizeCpu("viel")).toBe("viel");
    expect(normalizeMemory("2 Liter")).toBe("2 Liter");
  });
});
