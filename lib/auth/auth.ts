import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { signInWithPassword } from "./sign-in";

declare module "next-auth" {
  interface Session {
    user: { id: string; name: string; username: string };
  }
}

class SignInError extends CredentialsSignin {
  constructor(code: string) {
    super();
    this.code = code;
  }
}

const credentials = z.object({ username: z.string().trim().min(1).max(128), password: z.string().min(1).max(1024) });

export const sessionMaxAgeSeconds = Number(process.env.E2X_SESSION_MAX_AGE ?? 8 * 60 * 60);

export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  logger: {
    // refused credentials are an expected outcome (audited), not a server error
    error(error) {
      if (error.name === "CredentialsSignin" || (error as { type?: string }).type === "CredentialsSignin") return;
      console.error("[auth]", error.name, error.message);
    },
  },
  session: { strategy: "jwt", maxAge: sessionMaxAgeSeconds },
  pages: { signIn: "/sign-in" },
  providers: [
    Credentials({
      credentials: { username: {}, password: {} },
      async authorize(raw) {
        const parsed = credentials.safeParse(raw);
        if (!parsed.success) throw new SignInError("invalid-credentials");
        const res = await signInWithPassword(getDb(), parsed.data.username, parsed.data.password);
        if (!res.ok) throw new SignInError(res.reason);
        return { id: String(res.userId), name: res.displayName, username: res.username } as never;
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.username = (user as { username?: string }).username;
      }
      return token;
    },
    session({ session, token }) {
      session.user = { ...session.user, id: String(token.uid), name: String(token.name ?? ""), username: String(token.username ?? "") };
      return session;
    },
  },
});
