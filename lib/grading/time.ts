/**
 * Deadlines are typed as wall-clock time of the portal's time zone (a `datetime-local` field)
 * and stored as an instant. Pure functions, no Node imports.
 *
 * Exports:
 *   portalTimeZone()                 TZ, else Europe/Berlin (as components/format.ts)
 *   zonedInputToUtc(text, zone)      "2025-11-20T23:59" in `zone` -> Date (null if not a time)
 *   utcToZonedInput(date, zone)      Date -> "2025-11-20T23:59" in `zone`
 */

export function portalTimeZone(): string {
  return process.env.TZ || "Europe/Berlin";
}

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
