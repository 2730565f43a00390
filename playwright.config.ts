import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3100);
/** The second server, with a real API server behind it (e2e/serve-cluster.ts). */
const CLUSTER_PORT = Number(process.env.E2E_CLUSTER_PORT ?? PORT + 1000);

/** Browser tests run in Debian's Chromium against the production build on a fresh database. */
export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: ".cache/test/playwright.json" }]],
  outputDir: "e2e/.artifacts/results",
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: "chromium",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
    viewport: { width: 1400, height: 900 },
    // The specs read English; German (the default) has its own spec with a German browser.
    locale: "en-GB",
    screenshot: "only-on-failure",
    trace: "off",
  },
  webServer: [
    {
      command: `npx tsx e2e/serve.ts ${PORT}`,
      url: `http://127.0.0.1:${PORT}/sign-in`,
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      command: `npx tsx e2e/serve-cluster.ts ${CLUSTER_PORT}`,
      url: `http://127.0.0.1:${CLUSTER_PORT}/sign-in`,
      timeout: 240_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
    },
  ],
});
