import "server-only";
import { getTranslations } from "next-intl/server";
import { formatter, type Formatter } from "./format";
import { requestLocale } from "./request-locale";
import { withLocale } from "./t";

/** For server components: the request's formatter. */
export async function getFmt(): Promise<Formatter> {
  return formatter(await requestLocale());
}

/** Runs a route handler (or any request work) with `t()` in the request's language. */
export async function inRequestLocale<T>(fn: () => Promise<T>): Promise<T> {
  const locale = await requestLocale();
  return withLocale(locale, fn);
}

/**
 * A route handler whose answers (errors, `t()` in the code it calls) are in the request's
 * language: `export const GET = localizedRoute(async (req, ctx) => ...)`.
 */
export function localizedRoute<A extends unknown[]>(handler: (...args: A) => Promise<Response>): (...args: A) => Promise<Response> {
  return (...args: A) => inRequestLocale(() => handler(...args));
}

export { getTranslations, requestLocale };
