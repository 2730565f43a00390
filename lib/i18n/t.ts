/**
 * Translations outside React: server actions, route handlers, zod messages and the domain
 * errors they return. `t(key, values)` answers in the language of the request being served:
 * `withLocale(locale, fn)` (called by the one guard and the route wrapper) sets it for
 * everything `fn` runs, synchronously or not. Outside a request (scripts, tests) the fallback
 * language is used: German unless `setFallbackLocale` says otherwise.
 *
 * Pages and components translate with next-intl (`getTranslations`, `useTranslations`) from
 * the same catalogues (`messages/de.json`, `messages/en.json`).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createTranslator } from "use-intl/core";
import { DEFAULT_LOCALE, type Locale } from "./config";
import { formatter, type Formatter } from "./format";
import { MESSAGES } from "./messages";

const store = new AsyncLocalStorage<Locale>();
let fallback: Locale = DEFAULT_LOCALE;

/** The language for work done outside a request (tests pin English for their assertions). */
export function setFallbackLocale(locale: Locale): void {
  fallback = locale;
}

export function withLocale<T>(locale: Locale, fn: () => T): T {
  return store.run(locale, fn);
}

export function activeLocale(): Locale {
  return store.getStore() ?? fallback;
}

const translators = new Map<Locale, ReturnType<typeof make>>();
function make(locale: Locale) {
  return createTranslator({ locale, messages: MESSAGES[locale] });
}

function translatorFor(locale: Locale) {
  let tr = translators.get(locale);
  if (!tr) {
    tr = make(locale);
    translators.set(locale, tr);
  }
  return tr;
}

type Translator = ReturnType<typeof translatorFor>;

/** Translates in the active language (see the module comment). */
export const t: Translator = new Proxy((() => "") as unknown as Translator, {
  apply: (_target, _this, args: Parameters<Translator>) => (translatorFor(activeLocale()) as (...a: unknown[]) => string)(...args),
  get: (_target, prop) => (translatorFor(activeLocale()) as unknown as Record<string | symbol, unknown>)[prop],
});

/** The formatting functions of the active language. */
export function fmt(): Formatter {
  return formatter(activeLocale());
}

/**
 * A zod message in the active language, evaluated when the issue is raised:
 * `z.string().min(1, msg("errors.required"))`.
 */
export function msg(key: Parameters<Translator>[0], values?: Parameters<Translator>[1]): { error: () => string } {
  return { error: () => (translatorFor(activeLocale()) as (k: unknown, v?: unknown) => string)(key, values) };
}
