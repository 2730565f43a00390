const dt = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: process.env.TZ || "Europe/Berlin" });

export function formatDateTime(d: Date | number | null | undefined): string {
  if (d == null) return "—";
  return dt.format(typeof d === "number" ? new Date(d) : d);
}

const day = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: process.env.TZ || "Europe/Berlin" });

/** "10 Nov": a day in the current year's terms. */
export function formatDay(d: Date | string | number | null | undefined): string {
  if (d == null) return "—";
  return day.format(typeof d === "string" || typeof d === "number" ? new Date(d) : d);
}
