/**
 * Seating: pure functions from rooms and participants to seats.
 *
 * Automatic seating fills the rooms in their order, seat 1 upwards, skipping blocked seats.
 * Students come first (alphabetically by surname, first name and login with German collation,
 * or in a random order from the CSPRNG); each room keeps its last free seats for the backup
 * accounts of that room.
 *
 * Exports:
 *   autoSeat(rooms, participants, order, random?) -> { seats: Map<id, {roomId, seat}>, error? }
 *   seatableSeats(room)                           -> free seat numbers of a room, ascending
 *   compareByName(a, b)
 */
import { randomInt } from "node:crypto";
import { t } from "@/lib/i18n/t";

export interface SeatRoom {
  id: number;
  name: string;
  seats: number;
  blockedSeats: readonly number[];
}

export interface SeatParticipant {
  id: number;
  kind: "student" | "backup";
  firstName: string | null;
  lastName: string | null;
  username: string;
  /** Backups belong to a room; students are placed anywhere. */
  roomId: number | null;
}

export type SeatOrder = "alphabetical" | "random";

const collator = new Intl.Collator("de", { sensitivity: "base", numeric: true });

export function compareByName(a: Pick<SeatParticipant, "firstName" | "lastName" | "username">, b: Pick<SeatParticipant, "firstName" | "lastName" | "username">): number {
  return collator.compare(a.lastName ?? "", b.lastName ?? "") || collator.compare(a.firstName ?? "", b.firstName ?? "") || collator.compare(a.username, b.username);
}

export function seatableSeats(room: SeatRoom): number[] {
  const blocked = new Set(room.blockedSeats);
  const out: number[] = [];
  for (let s = 1; s <= room.seats; s++) if (!blocked.has(s)) out.push(s);
  return out;
}

function shuffle<T>(items: T[], random: (n: number) => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export interface SeatingResult {
  seats: Map<number, { roomId: number; seat: number }>;
  error?: string;
}

export function autoSeat(rooms: readonly SeatRoom[], participants: readonly SeatParticipant[], order: SeatOrder, random: (n: number) => number = randomInt): SeatingResult {
  const seats = new Map<number, { roomId: number; seat: number }>();
  const free = new Map(rooms.map((r) => [r.id, seatableSeats(r)]));
  // backups take the last free seats of their own room
  const backups = participants.filter((p) => p.kind === "backup").sort((a, b) => a.username.localeCompare(b.username));
  for (const b of backups) {
    const room = rooms.find((r) => r.id === b.roomId);
    const list = room ? free.get(room.id)! : undefined;
    if (!room || !list) return { seats, error: t("examErrors.backupWithoutRoom", { username: b.username }) };
    const seat = list.pop();
    if (seat === undefined) return { seats, error: t("examErrors.fewerSeatsThanBackups", { room: room.name }) };
    seats.set(b.id, { roomId: room.id, seat });
  }
  const students = participants.filter((p) => p.kind === "student");
  const ordered = order === "random" ? shuffle(students, random) : [...students].sort(compareByName);
  const available = [...free.values()].reduce((n, l) => n + l.length, 0);
  if (ordered.length > available) {
    return { seats, error: t("examErrors.tooFewSeats", { count: ordered.length, free: available }) };
  }
  let i = 0;
  for (const room of rooms) {
    for (const seat of free.get(room.id)!) {
      if (i >= ordered.length) break;
      seats.set(ordered[i++].id, { roomId: room.id, seat });
    }
  }
  return { seats };
}
