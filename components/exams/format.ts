/** Display helpers for exam pages (portal time zone). */
const zone = () => process.env.TZ || "Europe/Berlin";

export function examDate(d: Date): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: zone(), weekday: "short", day: "numeric", month: "short", year: "numeric" }).format(d);
}
export function examTime(d: Date): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: zone(), hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d);
}
/** "2026-07-20" and "09:00" for the form fields. */
export function dateInput(d: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone(), year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
}
export const STATUS_TONE = { draft: "slate", scheduled: "blue", open: "green", closed: "amber", archived: "slate" } as const;
