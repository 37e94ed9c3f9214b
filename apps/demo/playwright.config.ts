import { defineConfig } from "@playwright/test";

const port = Number(process.env.DEMO_E2E_PORT ?? 3107);

// Debian's Chromium: Playwright cannot download its own browser here (see shared/STACK.md).
export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  timeout: 30_000,
  retries: 0,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: "on",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: "node scripts/serve.mjs",
    url: `http://127.0.0.1:${port}`,
    env: { PORT: String(port), OPENROUTER_API_KEY: "" },
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
