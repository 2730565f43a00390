"use server";
import { cookies } from "next/headers";
import { z } from "zod";
import { LOCALE_COOKIE, LOCALE_COOKIE_MAX_AGE, LOCALES } from "@/lib/i18n/config";

const input = z.object({ locale: z.enum(LOCALES) });

/**
 * The language switch (signed in or not): a preference kept in a cookie for a year. It
 * changes no portal data, so it needs no capability and writes no audit entry.
 */
export async function setLocaleAction(form: FormData): Promise<void> {
  const parsed = input.safeParse({ locale: form.get("locale") });
  if (!parsed.success) return;
  (await cookies()).set(LOCALE_COOKIE, parsed.data.locale, { path: "/", maxAge: LOCALE_COOKIE_MAX_AGE, sameSite: "lax", httpOnly: false });
}
