import "server-only";
import { headers } from "next/headers";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { authConfig } from "./auth.config";
import { signInWithPassword } from "./sign-in";
import { clientAddress } from "./throttle";

export { sessionIdleSeconds, sessionMaxAgeSeconds } from "./auth.config";

declare module "next-auth" {
  interface Session {
    user: { id: string; name: string; username: string; sv: number };
  }
}

class SignInError extends CredentialsSignin {
  constructor(code: string, retryAfterMs?: number) {
    super();
    this.code = retryAfterMs === undefined ? code : `${code}:${Math.ceil(retryAfterMs / 1000)}`;
  }
}

const credentials = z.object({ username: z.string().trim().min(1).max(128), password: z.string().min(1).max(1024) });

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  providers: [
    Credentials({
      credentials: { username: {}, password: {} },
      async authorize(raw, request) {
        const parsed = credentials.safeParse(raw);
        if (!parsed.success) throw new SignInError("invalid-credentials");
        const address = clientAddress(request?.headers instanceof Headers ? request.headers : await headers());
        const res = await signInWithPassword(getDb(), parsed.data.username, parsed.data.password, { address });
        if (!res.ok) throw new SignInError(res.reason, res.reason === "throttled" ? res.retryAfterMs : undefined);
        return { id: String(res.userId), name: res.displayName, username: res.username, sessionVersion: res.sessionVersion } as never;
      },
    }),
  ],
});
