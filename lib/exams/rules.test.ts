import { describe, expect, it } from "vitest";
import { backupUsername, examBusyWindow, examUsername, freeSeats, parseCidr, parseSeatList, participantWindow, windowsOverlap } from "./rules";
import { autoSeat, type SeatParticipant, type SeatRoom } from "./seating";

describe("exam usernames", () => {
  it("are <course>-<FB02UID>, trimmed and lower-cased like JupyterHub; backups get their own", () => {
    expect(examUsername("mathe1", " MMuster2s ")).toBe("mathe1-mmuster2s");
    expect(backupUsername("mathe1", "PZ2", 3)).toBe("mathe1-backup-pz2-03");
  });
});

describe("networks", () => {
  it("accept IPv4 and IPv6 networks in canonical form", () => {
    expect(parseCidr("10.20.1.0/24")).toEqual({ ok: true, cidr: { text: "10.20.1.0/24", family: 4, prefix: 24 } });
    expect(parseCidr(" 2001:DB8:0:0::/48 ")).toMatchObject({ ok: true, cidr: { text: "2001:db8::/48", family: 6 } });
    expect(parseCidr("0.0.0.0/0")).toMatchObject({ ok: true });
  });
  it("refuse what does not parse, with a message that says why", () => {
    const err = (s: string) => {
      const r = parseCidr(s);
      return r.ok ? null : r.error;
    };
    expect(err("10.20.1.0")).toMatch(/prefix length/);
    expect(err("10.20.300.0/24")).toMatch(/not an IPv4 or IPv6 address/);
    expect(err("10.20.1.0/33")).toMatch(/longer than \/32/);
    expect(err("10.20.1.7/24")).toBe("“10.20.1.7/24” has host bits set: did you mean 10.20.1.0/24?");
    expect(err("pool-a")).toMatch(/not a network/);
    expect(err("2001:db8::1/48")).toMatch(/did you mean 2001:db8::\/48/);
  });
});

describe("seats", () => {
  it("parse blocked seat lists with ranges and refuse seats the room does not have", () => {
    expect(parseSeatList("3, 7 10-12", 20)).toEqual({ ok: true, seats: [3, 7, 10, 11, 12] });
    expect(parseSeatList("", 20)).toEqual({ ok: true, seats: [] });
    expect(parseSeatList("21", 20)).toMatchObject({ ok: false, error: expect.stringMatching(/Seat 21 does not exist/) });
    expect(parseSeatList("4-2", 20)).toMatchObject({ ok: false });
    expect(freeSeats({ seats: 10, blockedSeats: [2, 2, 11] })).toBe(9);
  });
});

describe("windows", () => {
  const exam = { startsAt: new Date("2026-07-20T07:00:00Z"), endsAt: new Date("2026-07-20T09:00:00Z"), graceMinutes: 5 };
  it("give each participant their extra time plus the grace", () => {
    expect(participantWindow(exam, 0)).toEqual({ notBefore: exam.startsAt, writingEndsAt: exam.endsAt, notAfter: new Date("2026-07-20T09:05:00Z") });
    expect(participantWindow(exam, 30).notAfter).toEqual(new Date("2026-07-20T09:35:00Z"));
  });
  it("overlap only when they share time; back to back is fine", () => {
    const a = examBusyWindow(exam, 30); // 07:00-09:35
    expect(windowsOverlap(a, { from: new Date("2026-07-20T09:30:00Z"), to: new Date("2026-07-20T10:00:00Z") })).toBe(true);
    expect(windowsOverlap(a, { from: new Date("2026-07-20T09:35:00Z"), to: new Date("2026-07-20T10:00:00Z") })).toBe(false);
    expect(windowsOverlap(a, { from: new Date("2026-07-20T06:00:00Z"), to: new Date("2026-07-20T07:00:00Z") })).toBe(false);
  });
});

describe("automatic seating", () => {
  const rooms: SeatRoom[] = [
    { id: 1, name: "A", seats: 4, blockedSeats: [2] },
    { id: 2, name: "B", seats: 3, blockedSeats: [] },
  ];
  const st = (id: number, lastName: string, firstName = "X"): SeatParticipant => ({ id, kind: "student", firstName, lastName, username: `u${id}`, roomId: null });
  const people = [st(1, "Zander"), st(2, "Ärger"), st(3, "Becker"), st(4, "Abel"), { id: 9, kind: "backup" as const, firstName: null, lastName: null, username: "c-backup-pz1-01", roomId: 2 }];

  it("fills rooms in order alphabetically (Ä with A), skips blocked seats, keeps the last seats for backups", () => {
    const r = autoSeat(rooms, people, "alphabetical");
    expect(r.error).toBeUndefined();
    const at = (id: number) => r.seats.get(id);
    expect(at(4)).toEqual({ roomId: 1, seat: 1 }); // Abel
    expect(at(2)).toEqual({ roomId: 1, seat: 3 }); // Ärger, seat 2 blocked
    expect(at(3)).toEqual({ roomId: 1, seat: 4 }); // Becker
    expect(at(1)).toEqual({ roomId: 2, seat: 1 }); // Zander
    expect(at(9)).toEqual({ roomId: 2, seat: 3 }); // backup at the back of its room
  });

  it("seats everyone exactly once in random order", () => {
    const r = autoSeat(rooms, people, "random");
    const seats = [...r.seats.values()].map((s) => `${s.roomId}/${s.seat}`);
    expect(r.seats.size).toBe(5);
    expect(new Set(seats).size).toBe(5);
    expect(seats).not.toContain("1/2");
    expect(r.seats.get(9)).toEqual({ roomId: 2, seat: 3 });
  });

  it("refuses when there are fewer free seats than participants", () => {
    const many = Array.from({ length: 6 }, (_, i) => st(i + 1, `N${i}`));
    const r = autoSeat(rooms, [...many, people[4]], "alphabetical");
    expect(r.error).toMatch(/6 students but only 5 free seats/);
  });
});
