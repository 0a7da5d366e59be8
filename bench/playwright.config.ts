import { defineConfig } from '@playwright/test';
import { chromiumArgs } from '../testkit/browser.mjs';
import { browserPathOrExit } from '../scripts/find-browser.mjs';

// `npm run bench`: the benchmark (bench/flock.bench.ts) is a Playwright "test" so that it is written in
// TypeScript and shares the test kit (testkit/) with the e2e suite. It runs against the e2e build
// (dist-e2e/, or $FLOCK_DIST_E2E) in the Chromium that scripts/find-browser.mjs finds.
// BENCH_SMOKE=1 runs the short version (tiny preset, one short window per case) that CI uses.
export default defineConfig({
  testDir: '.',
  testMatch: '*.bench.ts',
  globalSetup: '../testkit/global-setup.ts',
  timeout: 90 * 60_000, // the full run takes 10–20 min on a 2-core machine with a software GPU
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1, // one browser at a time: the numbers are throughputs, parallel runs would share the CPUs
  retries: 0,
  reporter: [['list', { printSteps: true }]],
  outputDir: '../test-results/bench',
  use: {
    headless: true,
    viewport: { width: 1440, height: 900 },
    // The spec launches its own browsers (with and without WebGPU) with testkit/browser.mjs.
    launchOptions: { executablePath: browserPathOrExit(), args: chromiumArgs(true) },
    trace: 'off',
  },
});
