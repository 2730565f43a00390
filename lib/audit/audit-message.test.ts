import { afterEach, describe, expect, it } from "vitest";
import { createTranslator } from "use-intl/core";
import { auditLog } from "@/lib/db/schema";
import { auditSummary } from "@/lib/i18n/audit-label";
import { MESSAGES } from "@/lib/i18n/messages";
import { createTestDb } from "@/lib/test/db";
import { writeAudit } from "./audit";

const de = createTranslator({ locale: "de", messages: MESSAGES.de });
const en = createTranslator({ locale: "en", messages: MESSAGES.en });

describe("audit summaries in the reader's language", () => {
  let t: ReturnType<typeof createTestDb> | undefined;
  afterEach(() => t?.cleanup());

  it("stores the key and its values with the English text, and shows German or English", () => {
    t = createTestDb();
    const actor = { id: null, username: "irene" };
    writeAudit(t.db, actor, { action: "roster.import", entityType: "term", message: { key: "rosterImport", params: { format: "E2x CSV", term: "mathe1 WS25", mode: "replace", rejected: 2, added: 300, removed: 1, updated: 0, unchanged: 4, kept: 0 } } });
    writeAudit(t.db, actor, { action: "roster.remove", entityType: "term", message: { key: "rosterRemove", params: { count: 1, username: "anna", term: "mathe1 WS25" } } });
    writeAudit(t.db, actor, { action: "exam.open", entityType: "exam", message: { key: "examStatus", params: { exam: "mathe1 WS25 P1 “Klausur”", from: "scheduled", to: "open" } } });
    // an older row: its stored text only
    t.db.insert(auditLog).values({ actorName: actor.username, action: "course.create", entityType: "course", summary: "Created course prog (Programmieren)" }).run();
    const rows = t.db.select().from(auditLog).all();
    expect(rows.map((r) => r.summary)).toEqual([
      "Imported a roster (E2x CSV) into mathe1 WS25 (replace, valid rows only): 300 added, 1 removed, 0 updated, 4 unchanged, 2 rows rejected",
      "Removed anna from mathe1 WS25",
      "mathe1 WS25 P1 “Klausur”: scheduled → open",
      "Created course prog (Programmieren)",
    ]);
    expect(rows.map((r) => auditSummary(de, r, "de"))).toEqual([
      "Teilnehmerliste (E2x CSV) in mathe1 WS25 importiert (ersetzt, nur gültige Zeilen): 300 hinzugefügt, 1 entfernt, 0 geändert, 4 unverändert, 2 Zeilen abgelehnt",
      "anna aus mathe1 WS25 entfernt",
      "mathe1 WS25 P1 „Klausur“: geplant → offen",
      "Created course prog (Programmieren)",
    ]);
    expect(auditSummary(en, rows[1], "en")).toBe("Removed anna from mathe1 WS25");
    // a key no catalogue has (written by a newer portal): the stored text
    expect(auditSummary(de, { summary: "stored", message: { key: "notYetKnown" } }, "de")).toBe("stored");
  });

  it("names refused rights, changed account fields and roles in words, not as the code's names", () => {
    const denied = { summary: "", message: { key: "denied", params: { username: "gustav", capability: "grading.view", course: "2" } } };
    expect(auditSummary(de, denied, "de")).toBe("gustav durfte nicht die Korrektur sehen (Kurs 2)");
    expect(auditSummary(en, denied, "en")).toBe("gustav was not allowed to see grading (course 2)");
    const changed = { summary: "", message: { key: "staffUpdate", params: { username: "kkoehler", fields: "role, active" } } };
    expect(auditSummary(de, changed, "de")).toBe("Personalkonto kkoehler geändert: Rolle, aktiv");
    expect(auditSummary(de, { summary: "", message: { key: "staffCreate", params: { username: "kkoehler", role: "grader" } } }, "de")).toBe("Personalkonto kkoehler (Korrektor:in) angelegt");
  });

  it("writes the dates it names as each reader does, also the English text it stores", () => {
    t = createTestDb();
    const actor = { id: null, username: "irene" };
    writeAudit(t.db, actor, { action: "exam.create", entityType: "exam", message: { key: "examCreate", params: { exam: "mathe1 WS25 P1", date: "2026-02-05", start: "09:00", end: "11:00" } } });
    writeAudit(t.db, actor, { action: "grading.deadline.set", entityType: "assignment", message: { key: "deadlineSet", params: { assignment: "ha01", deadline: "2026-11-20T23:59" } } });
    const [exam, deadline] = t.db.select().from(auditLog).all();
    expect(exam!.summary).toBe("Created exam mathe1 WS25 P1 on 5 Feb 2026 09:00–11:00");
    expect(auditSummary(de, exam!, "de")).toBe("Prüfung mathe1 WS25 P1 am 05.02.2026 09:00–11:00 angelegt");
    expect(auditSummary(en, deadline!, "en")).toBe("Set the deadline of ha01 to 20 Nov 2026, 23:59");
    expect(auditSummary(de, deadline!, "de")).toBe("Abgabefrist von ha01 auf 20.11.2026, 23:59 gesetzt");
    // a quoted title in the reader's quotation marks
    const quotedExam = { summary: "", message: { key: "examCreate", params: { exam: "mathe1 WS25 P1 “Klausur”", date: "2026-02-05", start: "09:00", end: "11:00" } } };
    expect(auditSummary(de, quotedExam, "de")).toBe("Prüfung mathe1 WS25 P1 „Klausur“ am 05.02.2026 09:00–11:00 angelegt");
    expect(auditSummary(en, quotedExam, "en")).toBe("Created exam mathe1 WS25 P1 “Klausur” on 5 Feb 2026 09:00–11:00");
    // a value that only looks like a date in part stays as it was written
    expect(auditSummary(de, { summary: "", message: { key: "deadlineSet", params: { assignment: "2026-11-20-ha", deadline: "20.11.2026 23:59" } } }, "de")).toBe("Abgabefrist von 2026-11-20-ha auf 20.11.2026 23:59 gesetzt");
  });

  it("every audit message renders in both languages, with every value it names", () => {
    const keys = Object.keys(MESSAGES.de.auditMessages);
    expect(Object.keys(MESSAGES.en.auditMessages).sort()).toEqual([...keys].sort());
    for (const locale of ["de", "en"] as const) {
      const errors: string[] = [];
      const tr = createTranslator({ locale, messages: MESSAGES[locale], onError: (e) => errors.push(e.message) }) as unknown as (key: string, v: Record<string, string | number>) => string;
      for (const k of keys) {
        const text = (MESSAGES[locale].auditMessages as Record<string, string>)[k];
        const values: Record<string, string | number> = {};
        for (const m of text.matchAll(/\{(\w+)(?:, (plural|select))?/g)) values[m[1]] = m[2] === "plural" ? 2 : "x";
        expect(tr(`auditMessages.${k}`, values)).not.toContain("auditMessages.");
      }
      expect(errors).toEqual([]);
    }
  });
});

describe("the push entry", () => {
  it("reads as before in English and in German on the German pages", () => {
    const t = createTestDb();
    try {
      writeAudit(t.db, { id: null, username: "admin" }, { action: "cluster.push", entityType: "push", message: { key: "push", params: { ok: "yes", target: "cluster", location: "https://k8s:6443", create: 3, change: 1, prune: 2, written: 6, restarted: 1, hub1: "exam", forced: "no", conflicts: "no", retry: 4, error: "none" } } });
      const row = t.db.select().from(auditLog).get()!;
      expect(row.summary).toBe("Pushed to https://k8s:6443: 3 created, 1 changed, 2 pruned, 6 written; restarted the exam hub; repeats push #4");
      expect(auditSummary(de, row, "de")).toBe("Übertragen nach https://k8s:6443: 3 neu, 1 geändert, 2 gelöscht, 6 geschrieben; Prüfungs-Hub neu gestartet; wiederholt Übertragung #4");
      // two hubs restarted during an open exam: both named, as the stored English text always did
      writeAudit(t.db, { id: null, username: "admin" }, { action: "cluster.push", entityType: "push", message: { key: "push", params: { ok: "yes", target: "cluster", location: "https://k8s:6443", create: 0, change: 4, prune: 0, written: 4, restarted: 2, hub1: "assignment", hub2: "exam", forced: "yes", conflicts: "no", retry: 0, error: "none" } } });
      const two = t.db.select().from(auditLog).all().at(-1)!;
      expect(two.summary).toBe("Pushed to https://k8s:6443: 0 created, 4 changed, 0 pruned, 4 written; restarted the assignment hub and exam hub during an open exam (forced)");
      expect(auditSummary(de, two, "de")).toBe("Übertragen nach https://k8s:6443: 0 neu, 4 geändert, 0 gelöscht, 4 geschrieben; Übungs-Hub und Prüfungs-Hub neu gestartet während einer geöffneten Prüfung (erzwungen)");
    } finally {
      t.cleanup();
    }
  });
});
