import "server-only";
import { getTranslations } from "next-intl/server";
import { formatter, type Formatter } from "./format";
import { requestLocale } from "./request-locale";
import { withLocale } from "./t";

/** For server components: the request's formatter. */
export async function getFmt(): Promise<Formatter> {
  return formatter(await requestLocale());
}

/**
 * A route handler whose answers (errors, `t()` in the code it calls) are in the request's
 * language: `export const GET = localizedRoute(async (req, ctx) => ...)`.
 */
export function localizedRoute<A extends unknown[]>(handler: (...args: A) => Promise<Response>): (...args: A) => Promise<Response> {
  return async (...args: A) => withLocale(await requestLocale(), () => handler(...args));
}

export { getTranslations, requestLocale };
