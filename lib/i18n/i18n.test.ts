import { createTranslator } from "use-intl/core";
import { describe, expect, it } from "vitest";
import { safeNextPath, signInHref } from "@/lib/auth/next-path";
import { localeFromAcceptLanguage, negotiateLocale } from "./config";
import { formatter } from "./format";
import de from "./messages/de.json";
import en from "./messages/en.json";

function keys(o: object, prefix = ""): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === "object" && v ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe("languages", () => {
  it("German unless the cookie or the browser says English", () => {
    expect(negotiateLocale(undefined, undefined)).toBe("de");
    expect(negotiateLocale(undefined, "fr-FR,fr;q=0.9")).toBe("de");
    expect(negotiateLocale(undefined, "en-GB,en;q=0.9,de;q=0.8")).toBe("en");
    expect(negotiateLocale("de", "en-GB")).toBe("de");
    expect(localeFromAcceptLanguage("fr;q=1, de-AT;q=0.5, en;q=0.7")).toBe("en");
  });

  it("both catalogues have the same keys", () => {
    expect(keys(en).sort()).toEqual(keys(de).sort());
  });

  it("every message of both catalogues is one the formatter can read", () => {
    // a message it cannot parse (an unquoted <name>, a select key with a hyphen) shows its key instead of the sentence
    for (const [locale, messages] of [["de", de], ["en", en]] as const) {
      const unreadable: string[] = [];
      let key = "";
      const t = createTranslator({ locale, messages, onError: (e) => void (e.code === "INVALID_MESSAGE" && unreadable.push(`${key}: ${e.message}`)), getMessageFallback: () => "" });
      for (key of keys(messages)) (t as unknown as (k: string) => string)(key);
      expect(unreadable, locale).toEqual([]);
    }
  });
});

describe("formats in Europe/Berlin", () => {
  const at = new Date("2026-12-01T11:08:05Z"); // 12:08:05 in Berlin (winter time)
  const summer = new Date("2026-07-20T07:00:00Z"); // 09:00 in Berlin (summer time)
  it("German dates and times", () => {
    const f = formatter("de", "Europe/Berlin");
    expect(f.dateTime(at)).toBe("01.12.2026, 12:08");
    expect(f.dateTimeSeconds(at)).toBe("01.12.2026, 12:08:05");
    expect(f.time(summer)).toBe("09:00");
    expect(f.weekdayDate(summer)).toBe("Mo., 20.07.2026");
    expect(f.number(1234.5)).toBe("1.234,5");
  });
  it("English dates keep the same zone", () => {
    const f = formatter("en", "Europe/Berlin");
    expect(f.dateTime(at)).toBe("1 Dec 2026, 12:08");
    expect(f.time(summer)).toBe("09:00");
  });
  it("resources in plain words", () => {
    const f = formatter("de", "Europe/Berlin");
    expect(f.cores("500m")).toBe("0,5 Kerne");
    expect(f.cores("1")).toBe("1 Kern");
    expect(f.memory("2Gi")).toBe("2 GB");
    expect(f.memory("512Mi")).toBe("512 MB");
    expect(f.coresInput("500m")).toBe("0,5");
    expect(formatter("en", "Europe/Berlin").cores("2")).toBe("2 cores");
  });
});

describe("the way back after sign-in", () => {
  it("keeps same-origin paths only", () => {
    expect(safeNextPath("/courses/1/terms/2/roster?page=2")).toBe("/courses/1/terms/2/roster?page=2");
    for (const bad of ["//evil.example/x", "/\\evil.example", "https://evil.example/", "javascript:alert(1)", "/sign-in?next=/x", "/api/cluster/push", "/a\nb", "", 42, null]) {
      expect(safeNextPath(bad), String(bad)).toBeNull();
    }
    expect(signInHref("/exams/3")).toBe("/sign-in?next=%2Fexams%2F3");
    expect(signInHref("//evil.example")).toBe("/sign-in");
    expect(signInHref("/", { expired: "1" })).toBe("/sign-in?expired=1");
  });
});
