import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  KNOWN_LAYOUTS,
  MAX_ROSTER_FILE_BYTES,
  PORTAL_COLUMNS,
  RosterFileError,
  applyMapping,
  detectColumns,
  diffRoster,
  exportE2xCsv,
  exportFullCsv,
  mappingProblems,
  parseRosterCsv,
  readRosterSheet,
  rejectedRowsCsv,
  sampleRosterCsv,
  sheetSample,
  sheetSignature,
  suggestMapping,
  type ParsedRow,
} from "./csv";

const FIXTURES = path.join(import.meta.dirname, "__fixtures__");
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));

function expectRosterError(fn: () => unknown, code: RosterFileError["code"]): RosterFileError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RosterFileError);
    expect((err as RosterFileError).code).toBe(code);
    return err as RosterFileError;
  }
  throw new Error("expected a RosterFileError");
}

describe("the E2x tools' own example files", () => {
  const sources = JSON.parse(fixture("e2x/SOURCES.json").toString("utf8")) as { file: string; repository: string; commit: string; path: string; blob: string }[];

  it("are byte-exact copies of the published files", () => {
    expect(sources.length).toBeGreaterThanOrEqual(9);
    for (const s of sources) {
      const data = fixture(`e2x/${s.file}`);
      const blob = createHash("sha1").update(`blob ${data.length}\0`).update(data).digest("hex");
      expect(blob, s.file).toBe(s.blob);
      expect(s.repository).toMatch(/^DigiKlausur\/(brsu_digital_exam_tools|e2x-exam-hub|e2xhub)$/);
      expect(s.commit).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it("exam account input: imported by FB02UID; the FB02UID listed twice with other data is a conflict", () => {
    const r = parseRosterCsv(fixture("e2x/brsu_digital_exam_tools/exam_complete_list.csv"));
    expect(r.format).toBe("exam-input");
    expect(r.formatLabel).toBe("E2x exam account list (input)");
    expect(r.rows[0]).toEqual({ row: 2, username: "imaniv2s", universityId: "imaniv2s", displayName: "Test User 0", matrikel: "12345", room: "C175", seat: "0", examDate: "22.03.2019" });
    // 49 rows; phillm2s, llaute2s, mqamar2s, mstoc12s and bpenfo2s come back with other names
    expect(r.rows).toHaveLength(44);
    expect(r.invalid.map((i) => [i.row, i.username, i.firstRow])).toEqual([
      [21, "phillm2s", 4],
      [29, "llaute2s", 5],
      [38, "bpenfo2s", 8],
      [41, "mqamar2s", 11],
      [44, "mstoc12s", 12],
    ]);
    expect(r.invalid[0].reason).toBe("phillm2s is already on row 4 with a different name, seat");
    expect(r.notKept).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it("exam account output: spaces after commas, leading zeros kept, passwords and exam logins not kept", () => {
    const r = parseRosterCsv(fixture("e2x/brsu_digital_exam_tools/exam_complete_list_output.csv"));
    expect(r.format).toBe("exam-output");
    expect(r.rows).toHaveLength(10);
    expect(r.rows[0]).toEqual({ row: 2, username: "test02s", universityId: "test02s", displayName: "Test User 0", matrikel: "012345", room: "C175", seat: "0", examDate: "22.03.2019" });
    expect(r.invalid).toEqual([]);
    expect(r.notKept).toEqual([
      { column: "Username", index: 2, reason: "exam-login", values: 10 },
      { column: "Password", index: 3, reason: "password", values: 10 },
    ]);
    expect(r.examLogins).toEqual({ count: 10, prefixes: ["wus"], unusual: 0, examples: [] });
    expect(r.warnings.join(" ")).toMatch(/password column was dropped \(10 values\)/);
    expect(r.warnings.join(" ")).toMatch(/10 exam logins \(wus-<FB02UID>\) were not kept/);
    for (const pw of ["84392", "22261", "69843"]) expect(JSON.stringify(r)).not.toContain(pw);
  });

  it("one student with an empty last line, with and without the password column", () => {
    const a = parseRosterCsv(fixture("e2x/brsu_digital_exam_tools/student_exam_data.csv"));
    const b = parseRosterCsv(fixture("e2x/brsu_digital_exam_tools/student_exam_data_nopass.csv"));
    const max = { row: 2, username: "mmuste2s", universityId: "mmuste2s", displayName: "Max Mustermann", matrikel: "1234567", room: "C000", seat: "0", examDate: "01.01.2020" };
    expect(a.rows).toEqual([max]);
    expect(b.rows).toEqual([max]);
    expect(b.format).toBe("exam-output-nopass");
    expect(a.invalid).toEqual([]);
    expect(b.notKept.map((n) => n.reason)).toEqual(["exam-login"]);
  });

  it("the headerless input list needs the mapping step, which suggests the E2x columns by position", () => {
    const buf = fixture("e2x/brsu_digital_exam_tools/headerless-2019/exam_complete_list.csv");
    const err = expectRosterError(() => parseRosterCsv(buf), "unknown-header");
    expect(err.details.suggestion).toEqual({ hasHeader: false, columns: ["displayName", "universityId", "matrikel", "room", "seat", "examDate"] });
    const r = parseRosterCsv(buf, { mapping: err.details.suggestion });
    expect(r.format).toBe("mapped");
    expect(r.rows).toHaveLength(10); // the first line is a student, not a header
    expect(r.rows[0]).toEqual({ row: 1, username: "test02s", universityId: "test02s", displayName: "Test User 0", matrikel: "012345", room: "C175", seat: "0", examDate: "22.03.2019" });
    expect(r.columns).toEqual(["Column 1", "Column 2", "Column 3", "Column 4", "Column 5", "Column 6"]);
    expect(r.signature).toBe("columns:6");
  });

  it("a headerless list of logins is one column of usernames", () => {
    const sheet = readRosterSheet(fixture("e2x/brsu_digital_exam_tools/headerless-2019/dellist.txt"));
    expect(detectColumns(sheet).ok).toBe(false);
    const m = suggestMapping(sheet);
    expect(m).toEqual({ hasHeader: false, columns: ["username"] });
    const r = applyMapping(sheet, m);
    expect(r.rows.map((x) => x.username).slice(0, 3)).toEqual(["wus-venkatassrm", "wus-zuhak", "wus-sreenivasahv"]);
    expect(r.rows).toHaveLength(21);
  });

  it("E2x hub rosters (Username, no final newline, underscores)", () => {
    const it = parseRosterCsv(fixture("e2x/e2x-exam-hub/IT_Recht-Klausur.SS24BWI.PZ1.csv"));
    expect(it.format).toBe("e2x-course");
    expect(it.rows).toEqual([
      { row: 2, username: "student1" },
      { row: 3, username: "student2" },
    ]);
    const ml = parseRosterCsv(fixture("e2x/e2x-exam-hub/Machine-Learning-Exam.WS24.PZ1.csv"));
    expect(ml.rows.map((r) => r.username)).toEqual(["ml_student1", "ml_student2"]);
    const demo = parseRosterCsv(fixture("e2x/e2xhub/Demo-SS21.csv"));
    expect(demo.rows).toEqual([{ row: 2, username: "mmuste2m" }]);
    for (const r of [it, ml, demo]) expect([r.invalid, r.duplicates, r.notKept, r.warnings]).toEqual([[], [], [], []]);
  });
});

describe("parseRosterCsv: fixture files", () => {
  it("E2x course roster with BOM, CRLF, spaces, duplicates, blank lines and bad names", () => {
    const r = parseRosterCsv(fixture("course-bom-crlf.csv"));
    expect(r.format).toBe("e2x-course");
    expect(r.formatLabel).toMatch(/course roster/);
    expect(r.encoding).toBe("utf-8");
    expect(r.columns).toEqual(["Username"]);
    expect(r.rows).toEqual([
      { row: 2, username: "alice" },
      { row: 3, username: "bob" },
      { row: 4, username: "carol" },
      { row: 6, username: "dave" },
      { row: 12, username: "frank" },
    ]);
    expect(r.duplicates).toEqual([
      { row: 7, username: "alice", firstRow: 2 },
      { row: 8, username: "bob", firstRow: 3 },
    ]);
    expect(r.invalid.map((i) => [i.row, i.raw])).toEqual([
      [9, "eve smith"],
      [10, "jürgen"],
      [11, "-rm"],
    ]);
    expect(r.invalid[0].reason).toMatch(/not allowed/);
    expect(r.warnings.join(" ")).toMatch(/2 user names were lower-cased/);
  });

  it("legacy FB02UID roster", () => {
    const r = parseRosterCsv(fixture("legacy-fb02uid.csv"));
    expect(r.format).toBe("legacy");
    expect(r.rows.map((x) => [x.row, x.username, x.universityId])).toEqual([
      [2, "jmuell2s", "jmuell2s"],
      [3, "amaie12s", "amaie12s"],
      [6, "tkoch2s", "tkoch2s"],
    ]);
    expect(r.duplicates).toEqual([{ row: 5, username: "amaie12s", firstRow: 3 }]);
    expect(r.invalid).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it("exam account input from German Excel (Windows-1252, ';', Room instead of Raum)", () => {
    const r = parseRosterCsv(fixture("exam-input-cp1252-semicolon.csv"));
    expect(r.format).toBe("exam-input");
    expect(r.encoding).toBe("windows-1252");
    expect(r.delimiter).toBe(";");
    expect(r.warnings.join(" ")).toMatch(/Windows-1252/);
    expect(r.rows[0]).toEqual({
      row: 2,
      username: "jmuell2s",
      universityId: "jmuell2s",
      displayName: "Müller, Jürgen",
      matrikel: "9012345",
      room: "C-116",
      seat: "12",
      examDate: "24.07.2025",
    });
    expect(r.rows.map((x) => x.displayName)).toEqual(["Müller, Jürgen", "Weiß, Hans-Jörg", "Große, Änne", "Doppelt, Dora", "Öztürk, Ümit"]);
    expect(r.rows[1].username).toBe("hweiss2s"); // "hweiss2s " trimmed
    // row 4 is ";;;;;" (skipped silently), row 7 an identical duplicate
    expect(r.rows.map((x) => x.row)).toEqual([2, 3, 5, 6, 10]);
    expect(r.duplicates).toEqual([{ row: 7, username: "ddopp2s", firstRow: 6 }]);
    expect(r.invalid).toEqual([
      { row: 8, raw: '"Kurz, Karl";kkurz2s;9012349;C-117', reason: "expected 6 columns, found 4", username: "kkurz2s" },
      { row: 9, raw: '"Leer, Lena";;9012350;C-117;4;24.07.2025', reason: "the FB02UID is empty" },
    ]);
  });

  it("exam account output: passwords never echoed, exam logins not following the rule named, conflicts rejected", () => {
    const r = parseRosterCsv(fixture("exam-output-bom-semicolon.csv"));
    expect(r.format).toBe("exam-output");
    expect(r.delimiter).toBe(";");
    expect(r.rows[0]).toEqual({
      row: 2,
      username: "jmuell2s",
      universityId: "jmuell2s",
      displayName: "Müller, Jürgen",
      matrikel: "9012345",
      room: "C-116",
      seat: "12",
      examDate: "2025-07-24",
    });
    expect(r.rows[1].displayName).toBe('Meier; "Max"');
    expect(r.rows[2]).toMatchObject({ username: "hweiss2s", displayName: "Weiß, Hans-Jörg" });
    // an empty exam login is fine: the FB02UID names the student
    expect(r.rows[3]).toMatchObject({ row: 6, username: "nbody2s" });
    expect(r.duplicates).toEqual([]);
    expect(r.invalid).toHaveLength(1);
    expect(r.invalid[0]).toMatchObject({ row: 5, username: "jmuell2s", firstRow: 2, reason: "jmuell2s is already on row 2 with a different room, seat" });
    expect(r.invalid[0].raw).toBe("Müller, Jürgen;jmuell2s;exam-001;***;9012345;C-117;1;2025-07-24");
    expect(r.warnings.join(" ")).toMatch(/password column was dropped \(5 values\)/);
    expect(r.examLogins).toMatchObject({ count: 4, prefixes: [], unusual: 4 });
    expect(r.warnings.join(" ")).toMatch(/4 of them do not follow that rule \(e\.g\. exam-001 for jmuell2s\)/);
    const everything = JSON.stringify(r);
    for (const secret of ["Xk3p-9QzL", "aB7#kL0p", "Qw1!rT5y", "Zz9?aa1B"]) expect(everything).not.toContain(secret);
    for (const row of r.rows) expect(Object.keys(row)).not.toContain("password");
  });

  it("exam sheet list with is_backup", () => {
    const r = parseRosterCsv(fixture("exam-sheet-backup.csv"));
    expect(r.format).toBe("exam-sheet");
    expect(r.delimiter).toBe(",");
    expect(r.rows[0]).toEqual({
      row: 2,
      username: "exam-001",
      firstName: "Jürgen",
      lastName: "Müller",
      displayName: "Jürgen Müller",
      room: "C-116",
      seat: "12",
      isBackup: false,
    });
    expect(r.rows.filter((x) => x.isBackup).map((x) => x.username)).toEqual(["exam-spare1", "exam-spare2"]);
    expect(r.rows.find((x) => x.username === "exam-spare1")).toEqual({ row: 4, username: "exam-spare1", room: "C-116", isBackup: true });
    expect(r.rows.at(-1)?.displayName).toBe("Zoë Ångström");
    expect(r.invalid).toEqual([{ row: 6, raw: "Max,Meier,C-117,1,exam-003,***,False,extra", reason: "expected 7 columns, found 8", username: "exam-003" }]);
    expect(JSON.stringify(r)).not.toContain("Po0)iU7z");
    expect(r.warnings.join(" ")).toMatch(/password column was dropped/);
  });

  it("exam sheet list without is_backup, after an Excel sep= line", () => {
    const r = parseRosterCsv(fixture("exam-sheet-sep.csv"));
    expect(r.format).toBe("exam-sheet");
    // Excel hides the sep= line, so the header is row 1 as the user sees it.
    expect(r.rows.map((x) => [x.row, x.username, x.isBackup])).toEqual([
      [2, "exam-001", undefined],
      [3, "exam-002", undefined],
    ]);
    expect(r.warnings.join(" ")).toMatch(/sep=,/);
  });

  it("UTF-16LE with BOM (Excel's Unicode text), and UTF-16BE", () => {
    const r = parseRosterCsv(fixture("course-utf16le.csv"));
    expect(r.encoding).toBe("utf-16le");
    expect(r.rows.map((x) => x.username)).toEqual(["mueller", "weiss"]);
    expect(r.invalid.map((x) => x.raw)).toEqual(["müller"]);
    const be = parseRosterCsv(fixture("course-utf16be.csv"));
    expect(be.encoding).toBe("utf-16be");
    expect(be.rows.map((x) => x.username)).toEqual(["alice", "bob"]);
  });

  it("Excel's Unicode text with tabs and German column names", () => {
    const r = parseRosterCsv(fixture("excel-unicode-utf16le-tab.txt"));
    expect(r.delimiter).toBe("\t");
    expect(r.format).toBe("by-name");
    expect(r.rows).toEqual([
      { row: 2, username: "jmuell2s", universityId: "jmuell2s", lastName: "Müller", firstName: "Jürgen", displayName: "Jürgen Müller", matrikel: "0901234" },
      { row: 3, username: "hweiss2s", universityId: "hweiss2s", lastName: "Weiß", firstName: "Hans-Jörg", displayName: "Hans-Jörg Weiß", matrikel: "9012346" },
      { row: 4, username: "uoeztu2s", universityId: "uoeztu2s", lastName: "Öztürk, Dr.", firstName: "Ümit", displayName: "Ümit Öztürk, Dr.", matrikel: "9012351" },
    ]);
  });

  it("a university export: quoted separators, columns without a meaning named, empty trailing lines", () => {
    const r = parseRosterCsv(fixture("university-export-bom-semicolon.csv"));
    expect(r.format).toBe("by-name");
    expect(r.rows.map((x) => [x.username, x.matrikel, x.lastName])).toEqual([
      ["jmuell2s", "0012345", "Müller"],
      ["astras2s", "9012346", "Straße"],
      ["agross2s", "9012347", "Groß"],
    ]);
    expect(r.invalid).toEqual([]);
    expect(r.notKept).toEqual([
      { column: "E-Mail", index: 4, reason: "no-meaning", values: 2 },
      { column: "Studiengang", index: 5, reason: "no-meaning", values: 3 },
    ]);
    expect(r.warnings).toEqual([]);
  });

  it("an older header that names the account 'Kennung' imports by name", () => {
    const r = parseRosterCsv(fixture("unknown-header.csv"));
    expect(r.columns).toEqual(["Vorname", "Nachname", "Kennung"]);
    expect(r.rows).toEqual([{ row: 2, username: "jmuell2s", universityId: "jmuell2s", firstName: "Jürgen", lastName: "Müller", displayName: "Jürgen Müller" }]);
  });

  it("no column names the student: a typed error with a suggested mapping", () => {
    const err = expectRosterError(() => parseRosterCsv(fixture("no-identity-header.csv")), "unknown-header");
    expect(err.details.header).toEqual(["Konto", "Gruppe", "Bemerkung"]);
    expect(err.details.suggestion).toEqual({ hasHeader: true, columns: ["username", null, null] });
    for (const h of KNOWN_LAYOUTS) expect(err.message).toContain(h);
    expect(err.message).toContain("Konto;Gruppe;Bemerkung");
    const r = parseRosterCsv(fixture("no-identity-header.csv"), { mapping: err.details.suggestion });
    expect(r.rows.map((x) => x.username)).toEqual(["jmuell2s", "hweiss2s"]);
    expect(r.notKept.map((n) => n.column)).toEqual(["Gruppe", "Bemerkung"]);
  });

  it("mixed line ends and no final newline", () => {
    const r = parseRosterCsv(fixture("mixed-line-ends.csv"));
    expect(r.rows.map((x) => [x.row, x.username])).toEqual([
      [2, "alice"],
      [3, "bob"],
      [4, "carol"],
      [5, "dave"],
    ]);
  });

  it("duplicates: identical ones kept once, completing ones merged, conflicting ones rejected", () => {
    const r = parseRosterCsv(fixture("duplicates-conflicts.csv"));
    expect(r.duplicates).toEqual([
      { row: 3, username: "jdoe2s", firstRow: 2 },
      { row: 5, username: "rroe2s", firstRow: 4 },
    ]);
    expect(r.rows.find((x) => x.username === "rroe2s")).toMatchObject({ matrikel: "0456", seat: "2" });
    expect(r.invalid).toEqual([
      {
        row: 7,
        raw: '"Poe, Paula",ppoe2s,0790,C-117,3,24.07.2025',
        reason: "ppoe2s is already on row 6 with a different name, matriculation no., room",
        firstRow: 6,
        username: "ppoe2s",
      },
    ]);
  });
});

describe("parseRosterCsv: edge cases", () => {
  it("refuses files over 10 MiB before parsing", () => {
    const big = Buffer.alloc(MAX_ROSTER_FILE_BYTES + 1, 0x78); // not even a header
    const err = expectRosterError(() => parseRosterCsv(big), "too-large");
    expect(err.message).toMatch(/10\.0 MB/);
    expect(err.details.size).toBe(MAX_ROSTER_FILE_BYTES + 1);
    expect(() => parseRosterCsv(Buffer.alloc(MAX_ROSTER_FILE_BYTES, 0x78))).toThrow(/names the student/);
    expectRosterError(() => parseRosterCsv("Username\nalice\n", { maxBytes: 10 }), "too-large");
  }, 30_000); // builds an 11 MiB file first

  it("refuses empty files", () => {
    expectRosterError(() => parseRosterCsv(""), "empty");
    expectRosterError(() => parseRosterCsv(Buffer.from([0xef, 0xbb, 0xbf, 0x0d, 0x0a])), "empty");
    expectRosterError(() => parseRosterCsv("sep=;\r\n"), "empty");
  });

  it("a header-only file has no rows", () => {
    const r = parseRosterCsv("Username\r\n");
    expect(r.rows).toEqual([]);
    expect(r.invalid).toEqual([]);
  });

  it("detects the separator outside quotes, any header case and column order", () => {
    const r = parseRosterCsv('"room";"Name";fb02uid;PLATZ;date;matrikel\nC-1;"A, B";ab1;3;x;42\n');
    expect(r.delimiter).toBe(";");
    expect(r.format).toBe("exam-input");
    expect(r.rows).toEqual([{ row: 2, username: "ab1", universityId: "ab1", displayName: "A, B", room: "C-1", seat: "3", examDate: "x", matrikel: "42" }]);
    const c = parseRosterCsv('Name,FB02UID,Matrikel,Room,Platz,Date\n"Doe; Jane",jd1,1,R,2,d\n');
    expect(c.delimiter).toBe(",");
    expect(c.rows[0].displayName).toBe("Doe; Jane");
  });

  it("maps any subset of known columns by name, German or English", () => {
    const r = parseRosterCsv("Matrikelnummer;Benutzername;Sitzplatz;Hörsaal;Prüfungsdatum;Ersatz\n007;Anna.B;4;H1;1.2.2026;ja\n");
    expect(r.format).toBe("by-name");
    expect(r.rows).toEqual([{ row: 2, username: "anna.b", matrikel: "007", seat: "4", room: "H1", examDate: "1.2.2026", isBackup: true }]);
  });

  it("counts rows like Excel: blank lines count, multi-line cells are one row", () => {
    const text = '\n\nfirst_name,last_name,room,seat,username,password\n"Ann\nMarie",Lee,R1,1,al1,p\n\nBo,Ek,R1,2,be1,p\n';
    const r = parseRosterCsv(text);
    expect(r.rows.map((x) => [x.row, x.username, x.firstName])).toEqual([
      [4, "al1", "Ann\nMarie"],
      [6, "be1", "Bo"],
    ]);
  });

  it("understands CR-only line ends and doubled quotes", () => {
    const r = parseRosterCsv('Name;FB02UID;Matrikel;Room;Platz;Date\r"Smith, ""Jo""";js1;1;R;2;d\rKim;kk1;2;R;3;d\r');
    expect(r.rows.map((x) => [x.row, x.displayName])).toEqual([
      [2, 'Smith, "Jo"'],
      [3, "Kim"],
    ]);
  });

  it("an unclosed quote only costs its own row", () => {
    const r = parseRosterCsv('Username\nalice\n"bob\ncarol\n');
    expect(r.invalid).toEqual([{ row: 3, raw: '"bob', reason: expect.stringMatching(/not closed/) }]);
    expect(r.rows.map((x) => [x.row, x.username])).toEqual([
      [2, "alice"],
      [4, "carol"],
    ]);
  });

  it("keeps text after a closing quote and spaces around quotes", () => {
    const r = parseRosterCsv('Name,FB02UID,Matrikel,Room,Platz,Date\n  "Doe" Jr. , jd1 ,1,R,2,d\nKim,kk1,2,R,3,d\n');
    expect(r.rows[0]).toMatchObject({ displayName: "Doe Jr.", username: "jd1" });
    expect(r.rows[1]).toMatchObject({ row: 3, username: "kk1" });
  });

  it("tolerates trailing empty columns from Excel, but not extra values", () => {
    const r = parseRosterCsv("Username;;\nalice;;\nbob;x;\n");
    expect(r.rows.map((x) => x.username)).toEqual(["alice"]);
    expect(r.invalid).toEqual([{ row: 3, raw: "bob;x;", reason: "expected 1 column, found 2", username: "bob" }]);
  });

  it("normalises to NFC and accepts strings with a BOM", () => {
    const r = parseRosterCsv("\uFEFFName,FB02UID,Matrikel,Room,Platz,Date\nMu\u0308ller,mm1,1,R,1,d\n");
    expect(r.rows[0].displayName).toBe("Müller");
    expect(r.rows[0].displayName).toHaveLength(6);
  });

  it("uses the one username rule: case folded, duplicates found across spellings", () => {
    const r = parseRosterCsv("Username\n Alice \nalice\nALICE\n");
    expect(r.rows).toEqual([{ row: 2, username: "alice" }]);
    expect(r.duplicates.map((d) => d.row)).toEqual([3, 4]);
    expect(r.warnings.join(" ")).toMatch(/2 user names were lower-cased/);
  });

  it("enforces the username rule", () => {
    const ok = ["a", "a".repeat(64), "jane.doe@uni-bonn.de", "x_1-2", "9abc"];
    const bad = ["a".repeat(65), ".hidden", "-rf", "_x", "a b", "a/b", "a;b", "o'neil", "ümit", "a\u00a0b", "../etc"];
    const r = parseRosterCsv(["Username", ...ok, ...bad].join("\n"));
    expect(r.rows.map((x) => x.username)).toEqual(ok.map((u) => u.toLowerCase()));
    expect(r.invalid.map((x) => x.raw)).toEqual(bad);
  });

  it("rejects a backup flag that is neither yes nor no", () => {
    const r = parseRosterCsv("username,is_backup\na1,yes\na2,Nein\na3,maybe\n");
    expect(r.rows.map((x) => [x.username, x.isBackup])).toEqual([
      ["a1", true],
      ["a2", false],
    ]);
    expect(r.invalid[0]).toMatchObject({ row: 4, reason: 'the backup flag "maybe" is neither yes nor no' });
  });

  it("can be told the encoding", () => {
    const latin1 = Buffer.from("Username\nm\xfcller\n", "latin1");
    expect(parseRosterCsv(latin1, { encoding: "windows-1252" }).invalid[0].raw).toBe("müller");
  });
});

describe("column mappings", () => {
  const sheet = readRosterSheet("Test User 0,test02s,012345,C175,0,22.03.2019\nTest User 1,test12s,012345,C175,1,22.03.2019\n");

  it("checks a mapping before applying it", () => {
    expect(mappingProblems({ hasHeader: false, columns: ["username"] }, 6)).toEqual(["The mapping has 1 columns, the file 6."]);
    expect(mappingProblems({ hasHeader: false, columns: [null, null, null, null, null, null] }, 6)).toEqual(["Choose the column with the username or the FB02UID."]);
    expect(mappingProblems({ hasHeader: false, columns: ["username", "username", null, null, null, null] }, 6)).toEqual(["Columns 1 and 2 are both “Username (hub login)”."]);
    expectRosterError(() => applyMapping(sheet, { hasHeader: false, columns: [null, null, null, null, null, null] }), "bad-mapping");
  });

  it("a row the user calls a header is not a student, and the signature follows the choice", () => {
    const r = applyMapping(sheet, { hasHeader: true, columns: [null, "username", null, null, null, null] });
    expect(r.rows.map((x) => x.username)).toEqual(["test12s"]);
    expect(r.signature).toBe(`header:testuser0|test02s|012345|c175|0|22032019`);
    expect(sheetSignature(sheet, false)).toBe("columns:6");
  });

  it("sample rows for the mapping step hide passwords", () => {
    const s = readRosterSheet(fixture("e2x/brsu_digital_exam_tools/exam_complete_list_output.csv"));
    const d = detectColumns(s);
    expect(d.ok).toBe(true);
    const sample = sheetSample(s, d.ok ? d.mapping : suggestMapping(s), 2);
    expect(sample.first).toEqual({ row: 1, cells: ["Name", "FB02UID", "Username", "Password", "Matrikel", "Raum", "Platz", "Date"] });
    expect(sample.rows[0]).toEqual({ row: 2, cells: ["Test User 0", "test02s", "wus-test02s", "***", "012345", "C175", "0", "22.03.2019"] });
    expect(sample.width).toBe(8);
  });
});

describe("diffRoster", () => {
  it("a file with first and last name is no change for a row that has them but no full name", () => {
    // the roster shows "Lukas Schäfer" from the two fields; the file's reader spells the full name out
    const stored = [{ id: 1, username: "lschaf6s", firstName: "Lukas", lastName: "Schäfer", displayName: null, matrikel: "9107326", room: null, seat: null, examDate: null }];
    const same = diffRoster(stored, [{ row: 2, username: "lschaf6s", firstName: "Lukas", lastName: "Schäfer", displayName: "Lukas Schäfer", matrikel: "9107326" }], { mode: "merge" });
    expect(same.updated).toEqual([]);
    expect(same.unchanged.map((u) => u.username)).toEqual(["lschaf6s"]);
    // another name is a change
    const other = diffRoster(stored, [{ row: 2, username: "lschaf6s", firstName: "Lukas", lastName: "Schaefer", displayName: "Lukas Schaefer", matrikel: "9107326" }], { mode: "merge" });
    expect(other.updated[0].changes.map((c) => c.field)).toEqual(["displayName", "lastName"]);
  });

  const existing = [
    { id: 1, username: "alice", firstName: null, lastName: null, displayName: "Alice A", matrikel: "1", room: null, seat: null, examDate: null },
    { id: 2, username: "Bob", firstName: null, lastName: null, displayName: "Bob B", matrikel: "2", room: "R1", seat: "1", examDate: null },
    { id: 3, username: "carol", firstName: null, lastName: null, displayName: "Carol C", matrikel: "3", room: null, seat: null, examDate: null },
  ];
  const rows: ParsedRow[] = [
    { row: 2, username: "alice", displayName: "Alice A", matrikel: "1" },
    { row: 3, username: "bob", displayName: "Bob B", room: "R2" },
    { row: 4, username: "dave", displayName: "Dave D" },
  ];

  it("replace: added, removed, updated (merged), unchanged", () => {
    const d = diffRoster(existing, rows, { mode: "replace" });
    expect(d.mode).toBe("replace");
    expect(d.added.map((r) => r.username)).toEqual(["dave"]);
    expect(d.removed.map((r) => r.username)).toEqual(["carol"]);
    expect(d.kept).toEqual([]);
    expect(d.unchanged.map((u) => u.username)).toEqual(["alice"]);
    expect(d.updated).toHaveLength(1);
    const u = d.updated[0];
    expect(u.username).toBe("Bob"); // the roster's spelling
    expect(u.before).toBe(existing[1]);
    expect(u.changes).toEqual([{ field: "room", before: "R1", after: "R2" }]);
    // missing values in the file never blank stored ones
    expect(u.after).toEqual({ username: "Bob", displayName: "Bob B", matrikel: "2", room: "R2", seat: "1" });
  });

  it("replace keeps students whose row was rejected", () => {
    const d = diffRoster(existing, rows, { mode: "replace", protect: ["CAROL"] });
    expect(d.removed).toEqual([]);
    expect(d.kept.map((r) => r.username)).toEqual(["carol"]);
  });

  it("merge: nothing is removed, the rest is kept", () => {
    const d = diffRoster(existing, rows, { mode: "merge" });
    expect(d.removed).toEqual([]);
    expect(d.kept.map((r) => r.username)).toEqual(["carol"]);
    expect(d.added.map((r) => r.username)).toEqual(["dave"]);
  });

  it("compares the fields it is told to, and accepts a parse result", () => {
    const parsed = parseRosterCsv("Name,FB02UID,Matrikel,Room,Platz,Date\nAlice A,ALICE,1,,,25.07.2025\n");
    const d = diffRoster([{ username: "alice", displayName: "Alice A", matrikel: "1", examDate: "24.07.2025" }], parsed, {
      mode: "merge",
      fields: ["displayName", "examDate"],
    });
    expect(d.updated[0].changes).toEqual([{ field: "examDate", before: "24.07.2025", after: "25.07.2025" }]);
  });

  it("an empty roster gets everything added", () => {
    const d = diffRoster([], rows, { mode: "replace" });
    expect(d.added).toHaveLength(3);
    expect(d.removed).toEqual([]);
  });
});

describe("export", () => {
  it("E2x course roster: Username header, one name per line, no BOM", () => {
    const csv = exportE2xCsv(["alice", " bob ", "", "alice", "Alice", "jane.doe@uni-bonn.de"]);
    expect(csv).toBe("Username\nalice\nbob\njane.doe@uni-bonn.de\n");
    const back = parseRosterCsv(csv);
    expect(back.format).toBe("e2x-course");
    expect(back.rows.map((r) => r.username)).toEqual(["alice", "bob", "jane.doe@uni-bonn.de"]);
    expect(exportE2xCsv([])).toBe("Username\n");
  });

  const students = [
    { username: "jmuell2s", universityId: "jmuell2s", displayName: "Müller, Jürgen", firstName: "Jürgen", lastName: "Müller", matrikel: "0012345", room: "C-116", seat: "12", examDate: "24.07.2025", isBackup: false },
    { username: "mmeier2s", displayName: 'Meier; "Max"', firstName: null, lastName: null, matrikel: null, room: "C-116", seat: "13" },
    { username: "spare1", room: "C-116", isBackup: true },
    { username: "mallory", displayName: '=HYPERLINK("http://x")', room: "+1", seat: "-2", matrikel: "@3" },
  ];

  it("full export: BOM, CRLF, quoted where needed, formula cells guarded", () => {
    const csv = exportFullCsv(students);
    expect(csv.startsWith("\uFEFF")).toBe(true);
    const lines = csv.slice(1).split("\r\n");
    expect(lines[0]).toBe(PORTAL_COLUMNS.map((c) => c.name).join(","));
    expect(lines[1]).toBe('jmuell2s,jmuell2s,"Müller, Jürgen",Jürgen,Müller,0012345,C-116,12,24.07.2025,no');
    expect(lines[2]).toBe('mmeier2s,,"Meier; ""Max""",,,,C-116,13,,');
    expect(lines[3]).toBe("spare1,,,,,,C-116,,,yes");
    expect(lines[4]).toBe(`mallory,,"'=HYPERLINK(""http://x"")",,,'@3,'+1,'-2,,`);
    expect(lines.at(-1)).toBe("");
  });

  it("German Excel variant: semicolons", () => {
    const csv = exportFullCsv(students, { dialect: "excel-de" });
    expect(csv.startsWith("\uFEFFUsername;FB02UID;Name;")).toBe(true);
    // a comma needs no quotes between semicolons
    expect(csv).toContain("\r\njmuell2s;jmuell2s;Müller, Jürgen;Jürgen;Müller;0012345;C-116;12;24.07.2025;no\r\n");
    expect(csv).toContain('\r\nmmeier2s;;"Meier; ""Max""";;;;C-116;13;;\r\n');
  });

  it("full export reads back as the portal layout, in either variant", () => {
    for (const dialect of ["standard", "excel-de"] as const) {
      const back = parseRosterCsv(Buffer.from(exportFullCsv(students, { dialect }), "utf8"));
      expect(back.format).toBe("portal");
      expect(back.delimiter).toBe(dialect === "standard" ? "," : ";");
      expect(back.invalid).toEqual([]);
      expect(back.notKept).toEqual([]);
      expect(back.rows[0]).toEqual({ row: 2, ...students[0] });
      expect(back.rows[1]).toEqual({ row: 3, username: "mmeier2s", displayName: 'Meier; "Max"', room: "C-116", seat: "13" });
      expect(back.rows[2]).toEqual({ row: 4, username: "spare1", room: "C-116", isBackup: true });
      expect(back.rows[3]).toMatchObject({ displayName: '=HYPERLINK("http://x")', room: "+1", seat: "-2", matrikel: "@3" });
    }
  });

  it("a hand-made file is never called an export", () => {
    expect(parseRosterCsv("Username,Name,Matrikel\na,A,1\n").formatLabel).toBe("Columns recognised by their names");
    expect(parseRosterCsv(exportFullCsv(students)).formatLabel).not.toMatch(/export(?!\s+writes)/i);
  });

  it("the sample file imports cleanly with leading zeros and umlauts", () => {
    const r = parseRosterCsv(sampleRosterCsv());
    expect(r.invalid).toEqual([]);
    expect(r.rows.map((x) => [x.username, x.matrikel, x.isBackup])).toEqual([
      ["mmuste2s", "0123456", false],
      ["jmuell2s", "9012345", false],
      ["aweiss2s", "0098765", true],
    ]);
    expect(sampleRosterCsv({ dialect: "excel-de" })).toMatch(/^\uFEFFUsername;FB02UID;/);
  });

  it("rejected rows: a file with the same columns, the row and the problem, passwords blanked", () => {
    const buf = fixture("exam-output-bom-semicolon.csv");
    const sheet = readRosterSheet(buf);
    const parsed = parseRosterCsv(buf);
    const csv = rejectedRowsCsv(sheet, parsed);
    expect(csv.split("\r\n")).toEqual([
      "\uFEFFName;FB02UID;Username;Password;Matrikel;Raum;Platz;Date;Row in file;Problem",
      "Müller, Jürgen;jmuell2s;exam-001;;9012345;C-117;1;2025-07-24;5;jmuell2s is already on row 2 with a different room, seat",
      "",
    ]);
    expect(csv).not.toContain("Xk3p-9QzL");
    // fixed and read again, it is the same student
    const again = parseRosterCsv(csv);
    expect(again.rows[0]).toMatchObject({ username: "jmuell2s", room: "C-117" });
    expect(again.notKept.map((n) => n.column)).toEqual(["Username", "Password", "Row in file", "Problem"]);
  });

  it("every exporter guards cells against formula injection", () => {
    const sheet = readRosterSheet('Username,Name\n=cmd|"/c calc"!A1,"=HYPERLINK(""http://x"")"\n');
    const rejected = rejectedRowsCsv(sheet, applyMapping(sheet, { hasHeader: true, columns: ["username", "displayName"] }));
    expect(rejected).toContain(`"'=cmd|""/c calc""!A1","'=HYPERLINK(""http://x"")"`);
    expect(exportE2xCsv(["@evil", "-x"])).toBe("Username\n'@evil\n'-x\n");
    for (const csv of [rejected, exportE2xCsv(["=1+1"]), exportFullCsv([{ username: "+x", displayName: "-y", room: "@z" }]), sampleRosterCsv()]) {
      for (const line of csv.replace(/^\uFEFF/, "").split(/\r?\n/)) for (const cell of line.split(",")) expect(cell).not.toMatch(/^"?[=+\-@]/);
    }
  });

  it("rejected rows of a headerless file get the mapped names as header", () => {
    const sheet = readRosterSheet("A,a1,1\nB,,2\n");
    const parsed = applyMapping(sheet, { hasHeader: false, columns: ["displayName", "universityId", "matrikel"] });
    expect(rejectedRowsCsv(sheet, parsed)).toBe("\uFEFFName,FB02UID,Matrikel,Row in file,Problem\r\nB,,2,2,the FB02UID is empty\r\n");
  });
});

describe("performance", () => {
  it("parses 10,000 rows", () => {
    const lines = ["Name;FB02UID;Matrikel;Room;Platz;Date"];
    for (let i = 0; i < 10_000; i++) {
      lines.push(`"Müller-${i}, Jürgen";s${String(i).padStart(5, "0")}x ;${9_000_000 + i};C-${100 + (i % 20)};${i % 150};24.07.2025`);
    }
    const buf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join("\r\n") + "\r\n", "utf8")]);
    const t0 = performance.now();
    const r = parseRosterCsv(buf);
    const ms = performance.now() - t0;
    console.log(`parseRosterCsv: 10,000 rows (${(buf.byteLength / 1024).toFixed(0)} KiB) in ${ms.toFixed(1)} ms`);
    expect(r.rows).toHaveLength(10_000);
    expect(r.invalid).toEqual([]);
    expect(r.rows[9_999]).toMatchObject({ row: 10_001, username: "s09999x", displayName: "Müller-9999, Jürgen" });
  });
});
