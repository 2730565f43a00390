import { describe, expect, it } from "vitest";
import { smallModel } from "@/lib/render/fixtures";
import { renderAll } from "@/lib/render";
import { forgetRender, renderCached, renderInputDigest } from "./render-cache";

describe("render cache", () => {
  it("renders an unchanged model once, and gives the same output as a fresh render", () => {
    forgetRender();
    const first = renderCached(smallModel());
    const again = renderCached(smallModel());
    expect(again).toBe(first);
    expect(JSON.stringify(again)).toBe(JSON.stringify(renderAll(smallModel())));
  });

  it("renders again when anything in the model or the options changes", () => {
    forgetRender();
    const before = renderCached(smallModel());
    const model = smallModel();
    model.memberships.push({ username: "newcomer", courseId: "prog-WS25", role: "student" });
    const after = renderCached(model);
    expect(after).not.toBe(before);
    expect(JSON.stringify(after.objects)).toContain('\\"newcomer\\"');
    expect(JSON.stringify(before.objects)).not.toContain('\\"newcomer\\"');
    expect(renderCached(model, { shardBudgetBytes: 4096 })).not.toBe(after);
    expect(renderInputDigest(model)).not.toBe(renderInputDigest(smallModel()));
  });

  it("hands out a frozen result: changing it throws instead of changing the next push", () => {
    forgetRender();
    const r = renderCached(smallModel());
    expect(() => {
      (r.objects[0].metadata as { name: string }).name = "changed";
    }).toThrow(TypeError);
    expect(() => r.objects.push(r.objects[0])).toThrow(TypeError);
    expect(renderCached(smallModel()).objects[0].metadata.name).not.toBe("changed");
  });
});
