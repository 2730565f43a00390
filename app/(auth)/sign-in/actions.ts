"use server";
import { AuthError } from "next-auth";
import { z } from "zod";
import { waitText } from "@/lib/auth/account";
import { signIn } from "@/lib/auth/auth";
import type { ActionState } from "@/lib/auth/guard-types";
import { safeNextPath } from "@/lib/auth/next-path";
import { requestLocale } from "@/lib/i18n/request-locale";
import { msg, t, withLocale } from "@/lib/i18n/t";
import { zodParseOptions } from "@/lib/i18n/zod";

const input = z.object({
  username: z.string().trim().min(1, msg("signIn.enterUsername")).max(128),
  password: z.string().min(1, msg("signIn.enterPassword")).max(1024),
  next: z.string().optional().catch(undefined),
});

/** Unknown, wrong and deactivated get the same answer. */
const REASONS = ["invalid-credentials", "unavailable", "no-role"] as const;
type Reason = (typeof REASONS)[number];

/** Sign-in comes before any principal exists; the credentials check itself writes the audit entry. */
export async function signInAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return withLocale(await requestLocale(), async () => {
    const values = { username: String(form.get("username") ?? "") };
    const parsed = input.safeParse(Object.fromEntries(form), zodParseOptions());
    if (!parsed.success) return { status: "error", message: t("signIn.enterBoth"), fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
    try {
      // Same-origin paths only: anything else lands on the dashboard.
      await signIn("credentials", { username: parsed.data.username, password: parsed.data.password, redirectTo: safeNextPath(parsed.data.next) ?? "/" });
    } catch (err) {
      if (err instanceof AuthError) {
        const code = (err as AuthError & { code?: string }).code ?? "invalid-credentials";
        const throttled = /^throttled:(\d+)$/.exec(code);
        if (throttled) {
          const wait = waitText(Number(throttled[1]) * 1000);
          return { status: "error", message: t("signIn.throttled", { wait }), data: { throttled: true, retryAfterSeconds: Number(throttled[1]) }, values };
        }
        const reason: Reason = (REASONS as readonly string[]).includes(code) ? (code as Reason) : "invalid-credentials";
        return { status: "error", message: t(`signIn.reasons.${reason}`), values };
      }
      throw err;
    }
    return { status: "ok" };
  });
}
