/**
 * Deadlines are typed as wall-clock time of the portal's time zone (a text field, "24.10.2025 23:59")
 * and stored as an instant. Pure functions, no Node imports.
 *
 * Exports:
 *   portalTimeZone()                 E2X_TIME_ZONE, else TZ, else Europe/Berlin (lib/i18n/config.ts)
 *   parseWallClock(text)             "24.10.2025 23:59", "2025-10-24 23:59" ... -> "2025-10-24T23:59" (null if not one)
 *   utcToZonedText(date, zone)       Date -> "24.10.2025 23:59" in `zone` (the German way, for form fields)
 *   zonedInputToUtc(text, zone)      "2025-11-20T23:59" in `zone` -> Date (null if not a time)
 *   utcToZonedInput(date, zone)      Date -> "2025-11-20T23:59" in `zone`
 */

export { portalTimeZone } from "@/lib/i18n/config";

function offsetMs(ms: number, zone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return wall - Math.floor(ms / 1000) * 1000;
}

const INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

export function zonedInputToUtc(text: string, zone: string): Date | null {
  const m = INPUT.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0));
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  // Two passes settle the offset around DST changes.
  let utc = wall - offsetMs(wall, zone);
  utc = wall - offsetMs(utc, zone);
  return new Date(utc);
}

export function utcToZonedInput(date: Date, zone: string): string {
  const wall = new Date(date.getTime() + offsetMs(date.getTime(), zone));
  return wall.toISOString().slice(0, 16);
}

const GERMAN = /^(\d{1,2})\.(\d{1,2})\.(\d{4}),?\s+(\d{1,2})[:.](\d{2})(?:\s*Uhr)?$/i;
const SLASHED = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),?\s+(\d{1,2}):(\d{2})$/;
const ISOISH = /^(\d{4})-(\d{2})-(\d{2})[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/**
 * A date and time as people type it (German "24.10.2025 23:59", "24.10.2025, 23:59 Uhr",
 * British "24/10/2025 23:59", or ISO "2025-10-24 23:59" / "2025-10-24T23:59") as the
 * wall-clock text `zonedInputToUtc` reads, or null.
 */
export function parseWallClock(text: string): string | null {
  const t = text.trim();
  const two = (n: string) => n.padStart(2, "0");
  let m = GERMAN.exec(t) ?? SLASHED.exec(t);
  if (m) return `${m[3]}-${two(m[2]!)}-${two(m[1]!)}T${two(m[4]!)}:${m[5]}`;
  m = ISOISH.exec(t);
  if (m) return `${m[1]}-${m[2]}-${m[3]}T${two(m[4]!)}:${m[5]}${m[6] ? `:${m[6]}` : ""}`;
  return null;
}

/** "24.10.2025 23:59" in `zone`: how a deadline field shows its value. */
export function utcToZonedText(date: Date, zone: string): string {
  const [d, time] = utcToZonedInput(date, zone).split("T");
  const [y, mo, day] = d!.split("-");
  return `${day}.${mo}.${y} ${time}`;
}
