import { defineConfig } from '@playwright/test';
import { chromiumArgs, executablePath } from './e2e/browser';

// The e2e suite runs against the *built* site (npm run build:e2e → dist-e2e/), served from a sub-path
// by each spec's own static server, in Debian's Chromium with WebGPU through SwiftShader.
export default defineConfig({
  testDir: 'e2e',
  timeout: 15 * 60_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    headless: true,
    viewport: { width: 1440, height: 900 },
    launchOptions: { executablePath: executablePath(), args: chromiumArgs(true) },
    acceptDownloads: true,
    trace: 'off',
  },
});
