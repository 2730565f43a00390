const dt = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: process.env.TZ || "Europe/Berlin" });

export function formatDateTime(d: Date | number | null | undefined): string {
  if (d == null) return "—";
  return dt.format(typeof d === "number" ? new Date(d) : d);
}
