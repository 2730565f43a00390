import type { ReactNode } from "react";
import { NextIntlClientProvider } from "next-intl";
import { getMessages } from "next-intl/server";
import { clientMessages, type ClientPart } from "@/lib/i18n/client-messages";

/**
 * The client components below get the messages their part of the app lists in
 * lib/i18n/client-messages.ts, not the whole catalogue (which every response would carry).
 */
export async function ClientMessages({ of, children }: { of: ClientPart; children: ReactNode }) {
  return <NextIntlClientProvider messages={clientMessages(await getMessages(), of)}>{children}</NextIntlClientProvider>;
}
