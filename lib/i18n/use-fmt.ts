import { useLocale, useTimeZone } from "next-intl";
import { formatter, type Formatter } from "./format";

/** The request's formatter in server and client components alike (language and portal time zone from next-intl). */
export function useFmt(): Formatter {
  return formatter(useLocale(), useTimeZone());
}
