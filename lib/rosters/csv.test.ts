import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  ACCEPTED_HEADERS,
  MAX_ROSTER_FILE_BYTES,
  PORTAL_COLUMNS,
  RosterFileError,
  diffRoster,
  exportE2xCsv,
  exportFullCsv,
  parseRosterCsv,
  type ParsedRow,
} from "./csv";

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "__fixtures__", name));

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
      { row: 7, username: "alice", firstRow: 2, identical: true },
      { row: 8, username: "bob", firstRow: 3, identical: true },
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
    expect(r.rows.map((x) => [x.row, x.username])).toEqual([
      [2, "jmuell2s"],
      [3, "amaie12s"],
      [6, "tkoch2s"],
    ]);
    expect(r.duplicates).toEqual([{ row: 5, username: "amaie12s", firstRow: 3, identical: true }]);
    expect(r.invalid).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it("exam account input from German Excel (Windows-1252, ';')", () => {
    const r = parseRosterCsv(fixture("exam-input-cp1252-semicolon.csv"));
    expect(r.format).toBe("exam-input");
    expect(r.encoding).toBe("windows-1252");
    expect(r.delimiter).toBe(";");
    expect(r.warnings.join(" ")).toMatch(/Windows-1252/);
    expect(r.rows[0]).toEqual({
      row: 2,
      username: "jmuell2s",
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
    expect(r.duplicates).toEqual([{ row: 7, username: "ddopp2s", firstRow: 6, identical: true }]);
    expect(r.invalid).toEqual([
      { row: 8, raw: '"Kurz, Karl";kkurz2s;9012349;C-117', reason: "expected 6 columns, found 4" },
      { row: 9, raw: '"Leer, Lena";;9012350;C-117;4;24.07.2025', reason: "the user name is empty" },
    ]);
  });

  it("exam account output: passwords are dropped and never echoed", () => {
    const buf = fixture("exam-output-bom-semicolon.csv");
    const r = parseRosterCsv(buf);
    expect(r.format).toBe("exam-output");
    expect(r.delimiter).toBe(";");
    expect(r.rows[0]).toEqual({
      row: 2,
      username: "exam-001",
      universityId: "jmuell2s",
      displayName: "Müller, Jürgen",
      matrikel: "9012345",
      room: "C-116",
      seat: "12",
      examDate: "2025-07-24",
    });
    expect(r.rows[1].displayName).toBe('Meier; "Max"');
    expect(r.rows[2]).toMatchObject({ username: "exam-003", displayName: "Weiß, Hans-Jörg" });
    expect(r.duplicates).toEqual([{ row: 5, username: "exam-001", firstRow: 2, identical: false }]);
    expect(r.invalid).toHaveLength(1);
    expect(r.invalid[0]).toMatchObject({ row: 6, reason: "the user name is empty" });
    expect(r.warnings.join(" ")).toMatch(/password column was dropped \(5 values\)/);
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
    expect(r.invalid).toEqual([{ row: 6, raw: "Max,Meier,C-117,1,exam-003,***,False,extra", reason: "expected 7 columns, found 8" }]);
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

  it("UTF-16LE with BOM (Excel's Unicode text)", () => {
    const r = parseRosterCsv(fixture("course-utf16le.csv"));
    expect(r.encoding).toBe("utf-16le");
    expect(r.rows.map((x) => x.username)).toEqual(["mueller", "weiss"]);
    expect(r.invalid.map((x) => x.raw)).toEqual(["müller"]);
  });

  it("unknown header: typed error listing the accepted headers", () => {
    const err = expectRosterError(() => parseRosterCsv(fixture("unknown-header.csv")), "unknown-header");
    expect(err.details.header).toEqual(["Vorname", "Nachname", "Kennung"]);
    expect(err.details.acceptedHeaders).toEqual([...ACCEPTED_HEADERS]);
    for (const h of ACCEPTED_HEADERS) expect(err.message).toContain(h);
    expect(err.message).toContain("Vorname;Nachname;Kennung");
  });
});

describe("parseRosterCsv: edge cases", () => {
  it("refuses files over 10 MiB before parsing", () => {
    const big = Buffer.alloc(MAX_ROSTER_FILE_BYTES + 1, 0x78); // not even a header
    const err = expectRosterError(() => parseRosterCsv(big), "too-large");
    expect(err.message).toMatch(/10\.0 MB/);
    expect(err.details.size).toBe(MAX_ROSTER_FILE_BYTES + 1);
    expect(() => parseRosterCsv(Buffer.alloc(MAX_ROSTER_FILE_BYTES, 0x78))).toThrow(/Unknown roster layout/);
    expectRosterError(() => parseRosterCsv("Username\nalice\n", { maxBytes: 10 }), "too-large");
  });

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
    const r = parseRosterCsv('"room";"name, full";fb02uid;PLATZ;date;matrikel\nC-1;"A, B";ab1;3;x;42\n'.replace("name, full", "Name"));
    expect(r.delimiter).toBe(";");
    expect(r.format).toBe("exam-input");
    expect(r.rows).toEqual([{ row: 2, username: "ab1", displayName: "A, B", room: "C-1", seat: "3", examDate: "x", matrikel: "42" }]);
    const c = parseRosterCsv('Name,FB02UID,Matrikel,Room,Platz,Date\n"Doe; Jane",jd1,1,R,2,d\n');
    expect(c.delimiter).toBe(",");
    expect(c.rows[0].displayName).toBe("Doe; Jane");
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
    const r = parseRosterCsv('Name,FB02UID,Matrikel,Room,Platz,Date\n  "Doe" Jr. , jd1 ,1,R,2,d\n');
    expect(r.rows[0]).toMatchObject({ displayName: "Doe Jr.", username: "jd1" });
  });

  it("tolerates trailing empty columns from Excel, but not extra values", () => {
    const r = parseRosterCsv("Username;;\nalice;;\nbob;x;\n");
    expect(r.rows.map((x) => x.username)).toEqual(["alice"]);
    expect(r.invalid).toEqual([{ row: 3, raw: "bob;x;", reason: "expected 1 column, found 2" }]);
  });

  it("normalises to NFC and accepts strings with a BOM", () => {
    const r = parseRosterCsv("\uFEFFName,FB02UID,Matrikel,Room,Platz,Date\nMu\u0308ller,mm1,1,R,1,d\n");
    expect(r.rows[0].displayName).toBe("Müller");
    expect(r.rows[0].displayName).toHaveLength(6);
  });

  it("can keep the case of user names; duplicates are still found case-insensitively", () => {
    const r = parseRosterCsv("Username\nAlice\nalice\n", { lowercaseUsernames: false });
    expect(r.rows).toEqual([{ row: 2, username: "Alice" }]);
    expect(r.duplicates).toEqual([{ row: 3, username: "alice", firstRow: 2, identical: true }]);
    expect(r.warnings).toEqual([]);
  });

  it("enforces the user name rule", () => {
    const ok = ["a", "a".repeat(64), "jane.doe@uni-bonn.de", "x_1-2", "9abc"];
    const bad = ["a".repeat(65), ".hidden", "-rf", "_x", "a b", "a/b", "a;b", "o'neil", "ümit", "a\u00a0b", "../etc"];
    const r = parseRosterCsv(["Username", ...ok, ...bad].join("\n"));
    expect(r.rows.map((x) => x.username)).toEqual(ok.map((u) => u.toLowerCase()));
    expect(r.invalid.map((x) => x.raw)).toEqual(bad);
  });

  it("can be told the encoding", () => {
    const latin1 = Buffer.from("Username\nm\xfcller\n", "latin1");
    expect(parseRosterCsv(latin1, { encoding: "windows-1252" }).invalid[0].raw).toBe("müller");
  });
});

describe("diffRoster", () => {
  const existing = [
    { id: 1, username: "alice", firstName: null, lastName: null, displayName: "Alice A", matrikel: "1", room: null, seat: null },
    { id: 2, username: "Bob", firstName: null, lastName: null, displayName: "Bob B", matrikel: "2", room: "R1", seat: "1" },
    { id: 3, username: "carol", firstName: null, lastName: null, displayName: "Carol C", matrikel: "3", room: null, seat: null },
  ];
  const rows: ParsedRow[] = [
    { row: 2, username: "alice", displayName: "Alice A", matrikel: "1", examDate: "24.07.2025" },
    { row: 3, username: "bob", displayName: "Bob B", room: "R2" },
    { row: 4, username: "dave", displayName: "Dave D" },
  ];

  it("replace: added, removed, updated (merged), unchanged", () => {
    const d = diffRoster(existing, rows, { mode: "replace" });
    expect(d.mode).toBe("replace");
    expect(d.added.map((r) => r.username)).toEqual(["dave"]);
    expect(d.removed.map((r) => r.username)).toEqual(["carol"]);
    expect(d.kept).toEqual([]);
    // the exam date is not stored on this roster, so it is not a change
    expect(d.unchanged.map((u) => u.username)).toEqual(["alice"]);
    expect(d.updated).toHaveLength(1);
    const u = d.updated[0];
    expect(u.username).toBe("Bob"); // the roster's spelling
    expect(u.before).toBe(existing[1]);
    expect(u.changes).toEqual([{ field: "room", before: "R1", after: "R2" }]);
    // missing values in the file never blank stored ones
    expect(u.after).toEqual({ username: "Bob", displayName: "Bob B", matrikel: "2", room: "R2", seat: "1" });
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
    const csv = exportE2xCsv(["alice", " bob ", "", "alice", "jane.doe@uni-bonn.de"]);
    expect(csv).toBe("Username\nalice\nbob\njane.doe@uni-bonn.de\n");
    const back = parseRosterCsv(csv);
    expect(back.format).toBe("e2x-course");
    expect(back.rows.map((r) => r.username)).toEqual(["alice", "bob", "jane.doe@uni-bonn.de"]);
    expect(exportE2xCsv([])).toBe("Username\n");
  });

  const students = [
    { username: "exam-001", universityId: "jmuell2s", displayName: "Müller, Jürgen", firstName: "Jürgen", lastName: "Müller", matrikel: "9012345", room: "C-116", seat: "12", examDate: "24.07.2025", isBackup: false },
    { username: "exam-002", displayName: 'Meier; "Max"', firstName: null, lastName: null, matrikel: null, room: "C-116", seat: "13" },
    { username: "exam-spare1", room: "C-116", isBackup: true },
    { username: "mallory", displayName: "=HYPERLINK(\"http://x\")", room: "+1", seat: "-2", matrikel: "@3" },
  ];

  it("full export: BOM, CRLF, quoted where needed, formula cells guarded", () => {
    const csv = exportFullCsv(students);
    expect(csv.startsWith("\uFEFF")).toBe(true);
    const lines = csv.slice(1).split("\r\n");
    expect(lines[0]).toBe(PORTAL_COLUMNS.map((c) => c.name).join(","));
    expect(lines[1]).toBe('exam-001,jmuell2s,"Müller, Jürgen",Jürgen,Müller,9012345,C-116,12,24.07.2025,no');
    expect(lines[2]).toBe('exam-002,,"Meier; ""Max""",,,,C-116,13,,');
    expect(lines[3]).toBe("exam-spare1,,,,,,C-116,,,yes");
    expect(lines[4]).toBe(`mallory,,"'=HYPERLINK(""http://x"")",,,'@3,'+1,'-2,,`);
    expect(lines.at(-1)).toBe("");
  });

  it("full export reads back as the portal format, with either separator", () => {
    for (const delimiter of [",", ";"] as const) {
      const back = parseRosterCsv(Buffer.from(exportFullCsv(students, { delimiter }), "utf8"));
      expect(back.format).toBe("portal");
      expect(back.delimiter).toBe(delimiter);
      expect(back.invalid).toEqual([]);
      expect(back.rows[0]).toEqual({ row: 2, ...students[0] });
      expect(back.rows[1]).toEqual({ row: 3, username: "exam-002", displayName: 'Meier; "Max"', room: "C-116", seat: "13" });
      expect(back.rows[2]).toEqual({ row: 4, username: "exam-spare1", room: "C-116", isBackup: true });
      expect(back.rows[3]).toMatchObject({ displayName: '=HYPERLINK("http://x")', room: "+1", seat: "-2", matrikel: "@3" });
    }
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
