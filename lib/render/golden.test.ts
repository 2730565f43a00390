import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expectGolden } from "./golden";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-golden-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("expectGolden", () => {
  it("fails when the golden file is missing, with or without CI set", () => {
    for (const env of [{}, { CI: "1" }]) {
      expect(() => expectGolden("missing.json", "{}", { env, dir })).toThrow(/missing.*UPDATE_GOLDEN=1/);
    }
    expect(fs.existsSync(path.join(dir, "missing.json"))).toBe(false);
  });

  it("writes the file only with UPDATE_GOLDEN=1, then compares against it", () => {
    expectGolden("new.json", "{\"a\":1}\n", { env: { UPDATE_GOLDEN: "1" }, dir });
    expect(fs.readFileSync(path.join(dir, "new.json"), "utf8")).toBe("{\"a\":1}\n");
    expectGolden("new.json", "{\"a\":1}\n", { env: {}, dir });
    expect(() => expectGolden("new.json", "{\"a\":2}\n", { env: {}, dir })).toThrow(/differs/);
  });
});
