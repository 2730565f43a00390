import NextAuth from "next-auth";
import { NextResponse } from "next/server";
import { authConfig } from "@/lib/auth/auth.config";
import { contentSecurityPolicy, HSTS, isTls } from "@/lib/security/headers";

const { auth } = NextAuth(authConfig);

/**
 * Runs before every page and route handler: renews the session cookie (idle timeout; the
 * absolute lifetime and the session version are checked regardless, see lib/auth), sets
 * a Content-Security-Policy with a fresh script nonce, and tells the pages which address was
 * asked for (`x-e2x-path`), so a signed-out visitor is sent to sign-in and back to the same
 * page afterwards. Not an authorization layer: every page, action and route handler asks the
 * guard itself.
 */
export const proxy = auth((req) => {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
  const tls = isTls(req.nextUrl, req.headers);
  const csp = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === "development", tls });
  const requestHeaders = new Headers(req.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  requestHeaders.set("x-e2x-path", `${req.nextUrl.pathname}${req.nextUrl.search}`);
  const res = NextResponse.next({ request: { headers: requestHeaders } });
  res.headers.set("Content-Security-Policy", csp);
  if (tls) res.headers.set("Strict-Transport-Security", HSTS);
  return res;
});

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
