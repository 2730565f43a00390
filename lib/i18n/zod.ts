/** zod's own messages ("expected a number" ...) in the portal's languages. */
import { z } from "zod";
import type { Locale } from "./config";
import { activeLocale } from "./t";

const maps: Record<Locale, z.core.$ZodErrorMap> = { de: z.locales.de().localeError, en: z.locales.en().localeError };

/** The parse option that makes zod's built-in messages speak `locale` (by default the request's language). */
export function zodParseOptions(locale: Locale = activeLocale()): { error: z.core.$ZodErrorMap } {
  return { error: maps[locale] };
}
