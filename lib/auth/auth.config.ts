import type { NextAuthConfig } from "next-auth";

/**
 * The part of the Auth.js configuration that needs no database, shared by the request proxy
 * (which refreshes the session cookie on every request) and the server (`auth.ts`, which
 * adds the credentials provider).
 *
 * A session ends, whatever the cookie says, at the first of:
 * - its absolute lifetime, counted from sign-in (`E2X_SESSION_MAX_AGE`): renewing the cookie,
 *   e.g. by polling `/api/auth/session`, never moves it;
 * - an idle period without a request (`E2X_SESSION_IDLE`): the cookie and the token expire
 *   then, and each request renews them;
 * - a change of the account's session version (checked against the database by the guard on
 *   every request): sign-out, password change, role change and deactivation.
 */
export const sessionMaxAgeSeconds = Number(process.env.E2X_SESSION_MAX_AGE ?? 8 * 60 * 60);
export const sessionIdleSeconds = Math.min(Number(process.env.E2X_SESSION_IDLE ?? 60 * 60), sessionMaxAgeSeconds);

export interface PortalToken {
  uid?: string;
  username?: string;
  /** The account's session version when the session was issued. */
  sv?: number;
  /** Sign-in time (ms): the absolute lifetime counts from here. */
  signedInAt?: number;
  /** Last request (ms). */
  seen?: number;
  name?: string | null;
}

/** The token as it stands now, or null when its session is over. */
export function liveToken<T extends PortalToken>(token: T, now = Date.now()): T | null {
  if (typeof token.signedInAt !== "number" || typeof token.seen !== "number" || typeof token.sv !== "number") return null;
  if (now - token.signedInAt > sessionMaxAgeSeconds * 1000) return null;
  if (now - token.seen > sessionIdleSeconds * 1000) return null;
  return { ...token, seen: now };
}

export const authConfig = {
  trustHost: true,
  session: { strategy: "jwt", maxAge: sessionIdleSeconds },
  pages: { signIn: "/sign-in" },
  providers: [],
  logger: {
    // refused credentials are an expected outcome (audited), not a server error
    error(error) {
      if (error.name === "CredentialsSignin" || (error as { type?: string }).type === "CredentialsSignin") return;
      if (error.name === "JWTSessionError") return;
      console.error("[auth]", error.name, error.message);
    },
  },
  callbacks: {
    jwt({ token, user }) {
      const t = token as PortalToken & typeof token;
      if (user) {
        const u = user as { id?: string; username?: string; sessionVersion?: number };
        const now = Date.now();
        return { ...t, uid: u.id, username: u.username, sv: u.sessionVersion ?? 0, signedInAt: now, seen: now };
      }
      return liveToken(t);
    },
    session({ session, token }) {
      const t = token as PortalToken;
      session.user = { ...session.user, id: String(t.uid), name: String(t.name ?? ""), username: String(t.username ?? ""), sv: Number(t.sv) };
      return session;
    },
  },
} satisfies NextAuthConfig;
