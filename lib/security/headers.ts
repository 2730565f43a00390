/**
 * The security headers of every response. The CSP's script nonce is fresh per request
 * (`proxy.ts`); Next.js puts it on its own scripts when it finds it in the request's CSP.
 *
 * Styles: Tailwind's stylesheet comes from 'self'; React `style` attributes (progress bars)
 * and the toast library's injected stylesheet need 'unsafe-inline' for styles. Scripts never
 * run inline without the nonce.
 */
export function contentSecurityPolicy(nonce: string, opts: { dev?: boolean; tls?: boolean } = {}): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "frame-src 'self'",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
  ];
  if (opts.tls) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/** Headers that do not depend on the request (next.config.ts puts them on every response). */
export const STATIC_SECURITY_HEADERS: { key: string; value: string }[] = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), hid=(), midi=(), display-capture=(), interest-cohort=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

/** Only over TLS (the proxy in front says so): a year, with subdomains. */
export const HSTS = "max-age=31536000; includeSubDomains";

export function isTls(url: URL, headers: Headers): boolean {
  if (url.protocol === "https:") return true;
  const proto = headers.get("x-forwarded-proto")?.split(",").pop()?.trim().toLowerCase();
  return proto === "https";
}
