import type { Locale } from "./config";
import de from "./messages/de.json" with { type: "json" };
import en from "./messages/en.json" with { type: "json" };

/** Both catalogues; German is the reference the types are taken from. */
export const MESSAGES: Record<Locale, typeof de> = { de, en };
export type Messages = typeof de;
