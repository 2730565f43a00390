import { describe, expect, it } from "vitest";
import { newestTerm, suggestNextTerm, termValue } from "./term-names";

describe("term names", () => {
  it("order winter before the summer after it", () => {
    expect([termValue("WS25"), termValue("SS26"), termValue("ws26"), termValue("Sommer 2026")]).toEqual([51, 52, 53, null]);
  });
  it("a new term follows the course's newest term, not the last one listed", () => {
    // the list order of the pages is by name: SS26 before WS25
    expect(newestTerm([{ term: "SS26" }, { term: "WS25" }])?.term).toBe("SS26");
    expect(suggestNextTerm(["SS26", "WS25"], new Date("2026-12-03T12:00:00Z"))).toBe("WS26");
    expect(suggestNextTerm(["WS26"], new Date("2026-12-03T12:00:00Z"))).toBe("SS27");
  });
  it("without WS/SS terms, the term running now (winter from October to March)", () => {
    expect(suggestNextTerm([], new Date("2026-12-03T12:00:00Z"))).toBe("WS26");
    expect(suggestNextTerm(["Vorkurs"], new Date("2027-02-10T12:00:00Z"))).toBe("WS26");
    expect(suggestNextTerm([], new Date("2027-05-10T12:00:00Z"))).toBe("SS27");
    expect(suggestNextTerm([], new Date("2027-10-10T12:00:00Z"))).toBe("WS27");
  });
});
