"use server";
import { AuthError } from "next-auth";
import { z } from "zod";
import { waitText } from "@/lib/auth/account";
import { signIn } from "@/lib/auth/auth";
import type { ActionState } from "@/lib/auth/guard-types";

const input = z.object({
  username: z.string().trim().min(1, "Enter your username.").max(128),
  password: z.string().min(1, "Enter your password.").max(1024),
  next: z.string().regex(/^\/(?!\/)/).optional().catch(undefined),
});

/** Unknown, wrong and deactivated get the same answer. */
const REASONS: Record<string, string> = {
  "invalid-credentials": "Wrong username or password.",
  unavailable: "The directory (LDAP) does not answer right now. Try again in a minute, or use a local account.",
  "no-role": "You signed in, but your directory groups give you no role in the portal. Ask a portal admin.",
};

/** Sign-in comes before any principal exists; the credentials check itself writes the audit entry. */
export async function signInAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = { username: String(form.get("username") ?? "") };
  const parsed = input.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { status: "error", message: "Enter your username and password.", fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
  try {
    await signIn("credentials", { username: parsed.data.username, password: parsed.data.password, redirectTo: parsed.data.next ?? "/" });
  } catch (err) {
    if (err instanceof AuthError) {
      const code = (err as AuthError & { code?: string }).code ?? "invalid-credentials";
      const throttled = /^throttled:(\d+)$/.exec(code);
      if (throttled) {
        const wait = waitText(Number(throttled[1]) * 1000);
        return {
          status: "error",
          message: `Too many failed sign-ins. For your protection, sign-in is paused: try again in ${wait}. Each further wrong password makes the pause longer.`,
          data: { throttled: true, retryAfterSeconds: Number(throttled[1]) },
          values,
        };
      }
      return { status: "error", message: REASONS[code] ?? REASONS["invalid-credentials"], values };
    }
    throw err;
  }
  return { status: "ok" };
}
