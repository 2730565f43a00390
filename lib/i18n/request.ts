/** next-intl's request configuration (wired in next.config.ts): language, catalogue, time zone. */
import { getRequestConfig } from "next-intl/server";
import { portalTimeZone } from "./config";
import { MESSAGES } from "./messages";
import { requestLocale } from "./request-locale";

export default getRequestConfig(async () => {
  const locale = await requestLocale();
  return { locale, messages: MESSAGES[locale], timeZone: portalTimeZone() };
});
