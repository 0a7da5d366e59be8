/**
 * The app as the specs and the benchmark drive it: where the e2e build is, its URL with parameters,
 * "ready" (Train enabled), Train / Pause, and the panels' step readouts.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, type Download, type Locator, type Page } from '@playwright/test';
import { stepOf } from './readout';

/** The e2e build (`npm run build:e2e`), or the folder in $FLOCK_DIST_E2E. */
export const DIST_E2E = process.env.FLOCK_DIST_E2E ? resolve(process.env.FLOCK_DIST_E2E) : resolve(import.meta.dirname, '../dist-e2e');

/** Clicks a panel's "Download weights" and waits for both downloads of the pair (model.json, weights.bin). */
export async function downloadWeights(page: Page, panel: Locator): Promise<Download[]> {
  const got: Download[] = [];
  const two = new Promise<void>((done) => {
    const on = (d: Download) => { got.push(d); if (got.length === 2) { page.off('download', on); done(); } };
    page.on('download', on);
  });
  await panel.getByRole('button', { name: 'Download weights' }).click();
  await two;
  return got;
}

/** The sub-path the specs serve the build from. */
export const PREFIX = '/flock/';

/** `base` (a server's URL, ending in '/') with the query `params`, e.g. appUrl(url, { model: 'tiny', seed: 1 }). */
export function appUrl(base: string, params: Record<string, string | number> = {}): string {
  const q = Object.entries(params).map(([k, v]) => `${k}=${v}`).join('&');
  return q ? `${base}?${q}` : base;
}

/** Waits until the data has loaded and "Train" is enabled. */
export async function waitReady(page: Page, timeout = 120_000): Promise<void> {
  await expect(page.getByRole('button', { name: 'Train' })).toBeEnabled({ timeout });
}

/** Opens the app at `base` with `params` and waits until it is ready to train. */
export async function openApp(page: Page, base: string, params: Record<string, string | number> = {}): Promise<void> {
  await page.goto(appUrl(base, params));
  await waitReady(page);
}

/** Presses Train and waits for the button to read Pause. */
export async function train(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
}

/** Presses Pause and waits for the button to read Train. */
export async function pause(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Train' })).toBeVisible();
}

/** The step in run `run`'s panel readout (`readout-<run>`), −1 where it shows none. */
export async function stepOfRun(page: Page, run: string): Promise<number> {
  return stepOf(await page.getByTestId(`readout-${run}`).textContent());
}

/** The steps of several runs' panels, in the order given. */
export function stepsOf(page: Page, runs: readonly string[]): Promise<number[]> {
  return Promise.all(runs.map((r) => stepOfRun(page, r)));
}

/**
 * A test page of the e2e build (e2e/harness/<name>.html) opened at `base`, once its API object
 * `window[api]` exists (within `timeout` ms, if given). Throws, saying how to build it, where the
 * build lacks the page.
 */
export async function openHarness(page: Page, base: string, name: string, api: string, timeout?: number): Promise<void> {
  const file = resolve(DIST_E2E, `e2e/harness/${name}.html`);
  if (!existsSync(file)) throw new Error(`${file} is missing: build the e2e site first (npx vite build --mode e2e)`);
  await page.goto(`${base}e2e/harness/${name}.html`);
  await page.waitForFunction((k) => !!(window as unknown as Record<string, unknown>)[k], api, { timeout });
}
