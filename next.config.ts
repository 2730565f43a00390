import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";
import { STATIC_SECURITY_HEADERS } from "./lib/security/headers";

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

const nextConfig: NextConfig = {
  output: process.env.NEXT_OUTPUT === "standalone" ? "standalone" : undefined,
  poweredByHeader: false,
  serverExternalPackages: ["better-sqlite3", "@kubernetes/client-node", "ldapts"],
  experimental: {
    authInterrupts: true,
    serverActions: { bodySizeLimit: "11mb" },
  },
  typedRoutes: false,
  // on every response, static files included; the CSP (with its nonce) comes from proxy.ts
  async headers() {
    return [{ source: "/:path*", headers: STATIC_SECURITY_HEADERS }];
  },
  devIndicators: false,
};

export default withNextIntl(nextConfig);
