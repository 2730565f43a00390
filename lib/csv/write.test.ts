import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { attachmentHeader, csvDialectOf, defaultCsvDialect, guardCell, unguardCell, writeCsv } from "./write";

const REPO = path.resolve(import.meta.dirname, "../..");

describe("formula injection guard", () => {
  it("prefixes every cell a spreadsheet would run", () => {
    for (const evil of ["=1+1", "+1", "-2", "@SUM(A1)", "\t=x", "\r=x", "\n=x", '=HYPERLINK("http://x","y")']) {
      expect(guardCell(evil)).toBe(`'${evil}`);
      expect(unguardCell(guardCell(evil))).toBe(evil);
    }
    for (const fine of ["alice", "1a2b-3c4d-5e6f", "2026-02-01 09:00", "Müller, Jürgen", "", " =not-at-start", "'quoted"]) {
      expect(guardCell(fine)).toBe(fine);
      expect(unguardCell(fine)).toBe(fine);
    }
  });

  it("is applied to every cell writeCsv writes", () => {
    expect(writeCsv([["a", "=b"], ["-1", 2, true, null, undefined]], { bom: false })).toBe("a,'=b\r\n'-1,2,true,,\r\n");
  });

  it("is the only way the portal writes CSV: no other module uses csv-stringify", () => {
    const hits = execFileSync("git", ["grep", "--untracked", "-l", "-e", "from \"csv-stringify", "--", "app", "components", "lib", "bench", "scripts"], { cwd: REPO, encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
    expect(hits).toEqual(["lib/csv/write.ts"]);
  });
});

describe("dialects", () => {
  it("default is a function of the locale: German gets the Excel variant", () => {
    expect(defaultCsvDialect("de")).toBe("excel-de");
    expect(defaultCsvDialect("de-DE")).toBe("excel-de");
    expect(defaultCsvDialect("de_AT")).toBe("excel-de");
    expect(defaultCsvDialect("en")).toBe("standard");
    expect(defaultCsvDialect("dev")).toBe("standard");
    // the portal runs in English until it can be switched
    expect(defaultCsvDialect()).toBe("standard");
  });

  it("a requested variant wins, anything else falls back to the default", () => {
    expect(csvDialectOf("excel-de")).toBe("excel-de");
    expect(csvDialectOf("standard", "de")).toBe("standard");
    expect(csvDialectOf("bogus", "de")).toBe("excel-de");
    expect(csvDialectOf(null)).toBe("standard");
  });

  it("excel-de: semicolons, UTF-8 BOM, CRLF; standard: commas", () => {
    expect(writeCsv([["a;b", "c,d"]], { dialect: "excel-de" })).toBe('\uFEFF"a;b";c,d\r\n');
    expect(writeCsv([["a;b", "c,d"]], { dialect: "standard" })).toBe('\uFEFFa;b,"c,d"\r\n');
  });
});

describe("download names", () => {
  it("keeps an ASCII fallback and the UTF-8 name", () => {
    expect(attachmentHeader("Prüfung \"1\".csv")).toBe(`attachment; filename="Prufung _1_.csv"; filename*=UTF-8''Pr%C3%BCfung%20%221%22.csv`);
  });
});
