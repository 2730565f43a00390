import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  output: process.env.NEXT_OUTPUT === "standalone" ? "standalone" : undefined,
  poweredByHeader: false,
  serverExternalPackages: ["better-sqlite3", "@kubernetes/client-node", "ldapts"],
  experimental: {
    authInterrupts: true,
    serverActions: { bodySizeLimit: "11mb" },
  },
  typedRoutes: false,
  devIndicators: false,
};

export default nextConfig;
