import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { t, withLocale } from "@/lib/i18n/t";
import { scanProblemText, type ScanProblemKey } from "./problem-text";
import { runScan, SCAN_PROBLEM_ENGLISH, SCAN_PROBLEM_SUBJECTS, type ScanProblem } from "./scan";

/** Values for every problem text; `what` runs through every subject. */
const SAMPLES: { [K in ScanProblemKey]: Parameters<(typeof SCAN_PROBLEM_ENGLISH)[K]>[0] extends infer V ? (V extends undefined ? undefined : Omit<V, "what">) : never } = {
  vanished: {},
  notReadable: { code: "EACCES" },
  becameSymlink: {},
  notRegularFile: {},
  replaced: {},
  ioError: { error: "EIO: i/o error, read" },
  symlinkInside: { target: "hw1.ipynb" },
  symlinkOutside: { target: "/etc/passwd" },
  courseFolderMissing: { dir: "/srv/exchange/mathe1-WS25", error: "ENOENT" },
  undecodableEntry: undefined,
  cannotListDir: { dir: "inbound", error: "EACCES" },
  notUserFolder: undefined,
  noLayoutFolder: { layout: "inbound", dir: "/srv/exchange/mathe1-WS25" },
  noLayoutFolders: { first: "inbound", second: "personalized-inbound", dir: "/srv/exchange/mathe1-WS25" },
  undecodableFile: undefined,
  folderVanished: undefined,
  cannotListFolder: { error: "EACCES" },
  specialFile: undefined,
  malformedFolderName: { name: "abgabe-hw1" },
  studentDirMismatch: { student: "hank", owner: "gina" },
  notAFolder: undefined,
  severalInfoFiles: { files: "alice_info.txt, bob_info.txt", used: "alice_info.txt" },
  sizeChanged: { before: 120, after: 4096 },
  timestampTooLarge: undefined,
  missingTimestamp: undefined,
  badTimestamp: { timestamp: "yesterday" },
  timestampMismatch: { file: "2024-02-01 10:30:00.000000 UTC", folder: "2024-02-01 09:00:00.000001 UTC" },
  infoFileTooLarge: undefined,
  noHashcodeLine: undefined,
  missingInfoFile: undefined,
  sha1sumTooLarge: undefined,
  sha1sumInvalidLines: { count: 3, first: 7 },
};

/** Every problem text with sample values, as the scanner stores it. */
function everyProblem(): ScanProblem[] {
  return (Object.keys(SAMPLES) as ScanProblemKey[]).flatMap((key) => {
    const english = SCAN_PROBLEM_ENGLISH[key] as (v?: Record<string, string | number>) => string;
    const sample = SAMPLES[key] as Record<string, string | number> | undefined;
    const variants = key in { vanished: 1, notReadable: 1, becameSymlink: 1, notRegularFile: 1, replaced: 1, ioError: 1 } ? SCAN_PROBLEM_SUBJECTS.map((what) => ({ ...sample, what })) : [sample];
    return variants.map((values) => ({ code: "io-error" as const, path: "x", message: english(values), text: values ? { key, values } : { key } }));
  });
}

const render = (locale: "de" | "en", p: ScanProblem) => withLocale(locale, () => scanProblemText(t, p));

describe("scan problems in the reader's language", () => {
  it("the English catalogue says exactly what the scanner stores as the message", () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(Object.keys(SCAN_PROBLEM_ENGLISH).sort());
    for (const p of everyProblem()) expect(render("en", p), p.text!.key).toBe(p.message);
  });

  it("every problem reads as German sentence, with each value in it", () => {
    for (const p of everyProblem()) {
      const de = render("de", p);
      // (an error on timestamp.txt reads the same in both: the file's name and the system's words)
      if (p.text!.key !== "ioError") expect(de, p.text!.key).not.toBe(p.message);
      expect(de, p.text!.key).not.toMatch(/scanProblems\.|[{}]|\b(?:file|folder|submission|scan|vanished|skipped)\b/);
      for (const [k, v] of Object.entries(p.text!.values ?? {})) if (k !== "what" && k !== "count") expect(de, `${p.text!.key}.${k}`).toContain(String(v));
    }
    const lines = (count: number) => render("de", { code: "sha1sum-invalid-lines", path: "SHA1SUM.txt", message: "", text: { key: "sha1sumInvalidLines", values: { count, first: 4 } } });
    expect(lines(1)).toBe("Zeile 4 hat nicht die Form „<sha1>  <Pfad>“");
    expect(lines(3)).toBe("3 Zeilen haben nicht die Form „<sha1>  <Pfad>“ (erste: Zeile 4)");
    const vanished = (what: string) => render("de", { code: "vanished", path: "x", message: "", text: { key: "vanished", values: { what } } });
    expect(vanished("file")).toBe("Die Datei ist während des Abgleichs verschwunden");
    expect(vanished("submissionFolder")).toBe("Der Abgabeordner ist während des Abgleichs verschwunden");
  });

  it("a problem stored before problems carried a key shows its English message in any language", () => {
    const old = { code: "missing-info-file", path: "alice_info.txt", message: "no <user>_info.txt in the submission" } as ScanProblem;
    expect(render("de", old)).toBe("no <user>_info.txt in the submission");
    // and a key this catalogue does not know (a newer scanner's) falls back the same way
    expect(render("de", { ...old, text: { key: "gone" as ScanProblemKey } })).toBe("no <user>_info.txt in the submission");
  });
});

describe("a German grader reads a scanned submission's problems in German", () => {
  let tmp: string;
  let root: string;
  const COURSE = "course1";
  const TS1 = "2024-02-01 09:00:00.000001 UTC";
  const TS2 = "2024-02-01 10:30:00.000000 UTC";
  const write = (rel: string, content: string) => {
    const p = path.join(root, COURSE, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  };
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-problem-text-"));
    root = path.join(tmp, "exchange");
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("a malformed folder name and a disagreeing timestamp, as stored and shown", async () => {
    write("inbound/just-a-folder/hw1.ipynb", "{}");
    write(`inbound/frank+hw1+${TS1}/hw1.ipynb`, "{}");
    write(`inbound/frank+hw1+${TS1}/timestamp.txt`, TS2);
    const { submissions } = await runScan({ root, courseId: COURSE });
    // what the database column gives back
    const stored = JSON.parse(JSON.stringify(submissions)) as typeof submissions;
    const shown = (key: string, locale: "de" | "en") => stored.find((s) => s.key === key)!.problems.map((p) => render(locale, p));

    expect(shown("inbound/just-a-folder", "de")).toEqual(
      expect.arrayContaining([
        "Der Ordnername hat nicht die Form <Benutzername>+<Aufgabe>+<Zeitstempel>[+<Zufallswert>]: just-a-folder",
        "Keine Info-Datei (<user>_info.txt) in der Abgabe",
        "timestamp.txt fehlt; die Zeit wird aus dem Ordnernamen gelesen",
      ]),
    );
    expect(shown(`inbound/frank+hw1+${TS1}`, "de")).toContain(`timestamp.txt nennt „${TS2}“, der Ordnername „${TS1}“`);
    // English readers read what the scanner always wrote
    expect(shown("inbound/just-a-folder", "en")).toContain("folder name is not <student>+<assignment>+<timestamp>[+<random>]: just-a-folder");
    expect(shown(`inbound/frank+hw1+${TS1}`, "en")).toContain(`timestamp.txt says "${TS2}", the folder name "${TS1}"`);
    for (const s of stored) for (const p of s.problems) expect(render("en", p)).toBe(p.message);
  });
});
