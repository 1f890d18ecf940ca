// Browser tests in Debian's Chromium (browser downloads are not possible here), against a live
// `alma serve` started by e2e/global-setup.ts. `e2e` is the suite; `budget` prints the performance figures.
import { defineConfig } from "@playwright/test";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  globalSetup: "./e2e/global-setup.ts",
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  outputDir: "test-results/playwright",
  reporter: [["list"]],
  use: {
    headless: true,
    viewport: { width: 1280, height: 900 },
    screenshot: "only-on-failure",
    trace: "off",
    launchOptions: {
      executablePath: chromium,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "e2e", testDir: "./e2e", testMatch: /.*\.spec\.ts/ },
    { name: "budget", testDir: "./e2e", testMatch: /budget\.bench\.ts/ },
  ],
});
