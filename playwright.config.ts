import { defineConfig } from '@playwright/test';
import { chromiumArgs } from './testkit/browser.mjs';
import { browserPathOrExit } from './scripts/find-browser.mjs';

// The e2e suite runs against the *built* site (npm run build:e2e → dist-e2e/), served from a sub-path
// by the test kit's static server (testkit/fixtures.ts), in headless Chromium (scripts/find-browser.mjs)
// with WebGPU, through SwiftShader on machines without a GPU. No browser found: one line saying what
// to install, exit 1. The specs' `browser`, `page` and `context` fixtures use the options below.
export default defineConfig({
  testDir: 'e2e',
  globalSetup: './testkit/global-setup.ts',
  timeout: 15 * 60_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    headless: true,
    viewport: { width: 1440, height: 900 },
    launchOptions: { executablePath: browserPathOrExit(), args: chromiumArgs(true) },
    acceptDownloads: true,
    trace: 'off',
  },
});
