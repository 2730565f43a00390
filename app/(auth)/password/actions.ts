"use server";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { changeOwnPassword, passwordChangeInput } from "@/lib/auth/account";
import { signIn } from "@/lib/auth/auth";
import { currentPrincipal, issuesToFieldErrors } from "@/lib/auth/guard";
import type { ActionState } from "@/lib/auth/guard-types";
import { clientAddress } from "@/lib/auth/throttle";
import { getDb } from "@/lib/db/client";
import { requestLocale } from "@/lib/i18n/request-locale";
import { t, withLocale } from "@/lib/i18n/t";
import { zodParseOptions } from "@/lib/i18n/zod";

/**
 * The one action open to an account that must still replace its generated password: the
 * change itself. It ends every session of the account and signs this browser in again.
 */
export async function changePasswordAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const principal = await currentPrincipal();
  if (!principal) redirect("/sign-in?expired=1");
  const address = clientAddress(await headers());
  // every message (zod's included) in the request's language
  return withLocale(await requestLocale(), async () => {
    const parsed = passwordChangeInput.safeParse(Object.fromEntries(form), zodParseOptions());
    if (!parsed.success) return { status: "error", message: t("errors.correctFields"), fieldErrors: issuesToFieldErrors(parsed.error) };
    const res = await changeOwnPassword(getDb(), principal.id, parsed.data, address);
    if (!res.ok) return { status: "error", message: res.message, fieldErrors: res.field ? { [res.field]: [res.message] } : undefined };
    await signIn("credentials", { username: principal.username, password: parsed.data.password, redirectTo: "/?password=changed" });
    return { status: "ok" };
  });
}
