/**
 * The one formatting module: dates, times, numbers, sizes and resources as the portal shows
 * them, always in the portal's time zone (`portalTimeZone()`), in German or English formats.
 * Pure (Intl only), so server components, client components, route handlers, PDFs and tests
 * format alike: `formatter(locale)` returns the functions for one language.
 *
 * German: "01.12.2026, 12:08", "1.234", "0,5 Kerne", "2 GB". English (British formats, as
 * the university's English pages use them): "1 Dec 2026, 12:08", "1,234", "0.5 cores".
 */
import { portalTimeZone, type Locale } from "./config";

const TAG: Record<Locale, string> = { de: "de-DE", en: "en-GB" };

type DateLike = Date | number | string | null | undefined;

function toDate(d: DateLike): Date | null {
  if (d === null || d === undefined || d === "") return null;
  const v = d instanceof Date ? d : new Date(d);
  return Number.isNaN(v.getTime()) ? null : v;
}

const cache = new Map<string, Intl.DateTimeFormat>();
function dtf(locale: Locale, zone: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${zone}|${JSON.stringify(opts)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(TAG[locale], { ...opts, timeZone: zone });
    cache.set(key, f);
  }
  return f;
}

const DATE_DE: Intl.DateTimeFormatOptions = { day: "2-digit", month: "2-digit", year: "numeric" };
const DATE_EN: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", year: "numeric" };
const TIME: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
const TIME_S: Intl.DateTimeFormatOptions = { ...TIME, second: "2-digit" };

/** CPU quantity ("500m", "2", "1.5", "2e0") in cores, or null. */
export function coresOf(q: string): number | null {
  const m = /^\s*\+?(\d+(?:\.\d*)?|\.\d+)\s*(m|k)?\s*$/.exec(q);
  if (!m) return null;
  const n = Number(m[1]);
  return m[2] === "m" ? n / 1000 : m[2] === "k" ? n * 1000 : n;
}

const BYTES: Record<string, number> = { "": 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
/** Memory quantity ("512Mi", "2Gi", "1G", "1073741824") in bytes, or null. */
export function bytesOf(q: string): number | null {
  const m = /^\s*\+?(\d+(?:\.\d*)?|\.\d+)\s*(Ki|Mi|Gi|Ti|k|K|M|G|T)?\s*$/.exec(q);
  if (!m) return null;
  return Number(m[1]) * BYTES[m[2] ?? ""]!;
}

export interface Formatter {
  locale: Locale;
  timeZone: string;
  /** "01.12.2026, 12:08" · "1 Dec 2026, 12:08"; "—" for nothing. */
  dateTime(d: DateLike): string;
  /** With seconds: "01.12.2026, 12:08:05". */
  dateTimeSeconds(d: DateLike): string;
  /** "01.12.2026" · "1 Dec 2026". */
  date(d: DateLike): string;
  /** "Mo., 20.07.2026" · "Mon, 20 Jul 2026". */
  weekdayDate(d: DateLike): string;
  /** "12:08". */
  time(d: DateLike): string;
  number(n: number, digits?: number): string;
  /** "1,5 MB" (1024-based, as file managers show it). */
  bytes(n: number): string;
  /** "0,5 Kerne" · "1 core" from a CPU quantity; the text itself when it is none. */
  cores(q: string): string;
  /** "2 GB" · "512 MB" from a memory quantity (as shown and as typed into a form field); the text itself when it is none. */
  memory(q: string): string;
  /** A CPU quantity as a plain number for a form field: "500m" -> "0,5". */
  coresInput(q: string): string;
  /** "3 Studierende" style lists: "a, b und c" · "a, b and c". */
  list(items: string[]): string;
}

export function formatter(locale: Locale, timeZone: string = portalTimeZone()): Formatter {
  const tag = TAG[locale];
  const num = (n: number, digits = 2) => new Intl.NumberFormat(tag, { maximumFractionDigits: digits }).format(n);
  const dateOpts = locale === "de" ? DATE_DE : DATE_EN;
  const self: Formatter = {
    locale,
    timeZone,
    dateTime(d) {
      const v = toDate(d);
      return v ? `${dtf(locale, timeZone, dateOpts).format(v)}, ${dtf(locale, timeZone, TIME).format(v)}` : "—";
    },
    dateTimeSeconds(d) {
      const v = toDate(d);
      return v ? `${dtf(locale, timeZone, dateOpts).format(v)}, ${dtf(locale, timeZone, TIME_S).format(v)}` : "—";
    },
    date(d) {
      const v = toDate(d);
      return v ? dtf(locale, timeZone, dateOpts).format(v) : "—";
    },
    weekdayDate(d) {
      const v = toDate(d);
      return v ? dtf(locale, timeZone, { weekday: "short", ...dateOpts }).format(v) : "—";
    },
    time(d) {
      const v = toDate(d);
      return v ? dtf(locale, timeZone, TIME).format(v) : "—";
    },
    number: num,
    bytes(n) {
      if (n < 1024) return `${num(n, 0)} B`;
      const units = ["KB", "MB", "GB", "TB"];
      let v = n / 1024;
      let i = 0;
      while (v >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
      }
      return `${num(v, v < 10 ? 1 : 0)} ${units[i]}`;
    },
    cores(q) {
      const c = coresOf(q);
      if (c === null) return q;
      const n = num(c, 3);
      if (locale === "de") return `${n} ${c === 1 ? "Kern" : "Kerne"}`;
      return `${n} ${c === 1 ? "core" : "cores"}`;
    },
    memory(q) {
      const b = bytesOf(q);
      return b === null ? q : self.bytes(b);
    },
    coresInput(q) {
      const c = coresOf(q);
      return c === null ? q : num(c, 3);
    },
    list(items) {
      return new Intl.ListFormat(tag, { style: "long", type: "conjunction" }).format(items);
    },
  };
  return self;
}
