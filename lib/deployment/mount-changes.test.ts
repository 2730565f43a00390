import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { applyExportPush } from "@/lib/cluster";
import { renderAll } from "@/lib/render";
import { smallModel } from "@/lib/render/fixtures";
import { diffMounts, previewMountChanges, profileMounts } from "./mount-changes";

describe("mount changes in the push preview", () => {
  const before = renderAll(smallModel()).objects;
  const changed = smallModel();
  changed.terms[1] = {
    ...changed.terms[1],
    volumeMounts: [
      { name: "home", nfsPath: "homes/teaching/students/{course_id}/{username}", mountPath: "/home/jovyan", roles: ["student"] },
      { name: "data", nfsPath: "datasets/{course}", mountPath: "/srv/data", roles: ["student"], readOnlyFor: ["student"] },
    ],
  };
  const after = renderAll(changed).objects;

  it("lists each added, removed and changed mount per hub and course term", () => {
    const { changes, truncated } = diffMounts(profileMounts(before), profileMounts(after));
    expect(truncated).toBe(0);
    const ss25 = changes.filter((c) => c.hub === "assignment" && c.profile === "mathe1+student+mathe1-SS25");
    expect(ss25).toContainEqual({ hub: "assignment", profile: "mathe1+student+mathe1-SS25", change: "added", mountPath: "/srv/data", before: undefined, after: "datasets/mathe1 (read-only)" });
    expect(ss25).toContainEqual(expect.objectContaining({ change: "removed", mountPath: "/srv/shares/public", before: "shares/teaching/public (read-only)" }));
    expect(ss25.find((c) => c.mountPath === "/home/jovyan")).toBeUndefined();
    // other terms are untouched
    expect(changes.every((c) => c.profile.endsWith("mathe1-SS25"))).toBe(true);
    expect(diffMounts(profileMounts(before), profileMounts(before)).changes).toEqual([]);
  });

  it("reads the current mounts from the export target", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-mounts-"));
    try {
      await applyExportPush(dir, before, { fieldManager: "e2x-portal", prune: false } as never);
      const r = await previewMountChanges(after, { kind: "export", dir }, ["e2x-assignment", "e2x-exam", "e2x-grading"]);
      expect(r.error).toBeUndefined();
      expect(r.changes.some((c) => c.mountPath === "/srv/data" && c.change === "added")).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
