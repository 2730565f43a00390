/**
 * The portal's languages and time zone. Pure, no Node or Next imports: used by the request
 * config, the formatting module, server actions, route handlers and tests alike.
 *
 * German is the default; English is one switch away. Without a choice stored in the
 * `e2x-locale` cookie, the browser's Accept-Language decides, and German wins when the
 * browser names neither.
 */
export const LOCALES = ["de", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "de";
export const LOCALE_COOKIE = "e2x-locale";
/** A year: the choice is a preference, not a session. */
export const LOCALE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60;

export const LOCALE_NAMES: Record<Locale, string> = { de: "Deutsch", en: "English" };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** The primary subtag of a language tag, lower case ("de-AT" -> "de"). */
function primary(tag: string): string {
  return tag.trim().split(/[-_]/)[0]!.toLowerCase();
}

/**
 * The best of our locales for an Accept-Language header (RFC 9110 q-values; "de-AT;q=0.8"),
 * or null when it names none of them.
 */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale | null {
  if (!header) return null;
  const ranked = header
    .split(",")
    .map((part, i) => {
      const [tag, ...params] = part.split(";");
      const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p)).find(Boolean);
      return { tag: primary(tag ?? ""), q: q ? Number(q[1]) : 1, i };
    })
    .filter((r) => r.tag && r.q > 0 && Number.isFinite(r.q))
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) if (isLocale(r.tag)) return r.tag;
  return null;
}

/** Cookie first (an explicit choice), then the browser's languages, then German. */
export function negotiateLocale(cookie: string | null | undefined, acceptLanguage: string | null | undefined): Locale {
  if (isLocale(cookie)) return cookie;
  return localeFromAcceptLanguage(acceptLanguage) ?? DEFAULT_LOCALE;
}

const checkedZones = new Map<string, boolean>();

/**
 * The one time zone every date and time is typed and shown in: `E2X_TIME_ZONE`, else `TZ`,
 * else Europe/Berlin. An unknown zone name falls back to Europe/Berlin.
 */
export function portalTimeZone(): string {
  const zone = process.env.E2X_TIME_ZONE || process.env.TZ || "Europe/Berlin";
  // checking a zone name builds an Intl.DateTimeFormat (a costly step every page takes many
  // times): checked once per configured name
  let valid = checkedZones.get(zone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: zone });
      valid = true;
    } catch {
      valid = false;
    }
    checkedZones.set(zone, valid);
  }
  return valid ? zone : "Europe/Berlin";
}
