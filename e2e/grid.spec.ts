/**
 * The λ grid (small multiples): N runs from the same init, one λ each, all trained fairly; and the
 * URL parameters that size a session (probe, batch, speed). One page, reused (serial).
 */
import type { Page } from '@playwright/test';
import { mkdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { test, expect, sharePage } from '../testkit/fixtures';
import { settled } from '../testkit/readout';
import { openApp, stepsOf } from '../testkit/app';
import { compactness } from '../src/train/metrics';

const ARTIFACTS = resolve(import.meta.dirname, 'artifacts');
const GRID = ['grid0', 'grid1', 'grid2'] as const;

const gridSteps = (page: Page, runs: readonly string[] = GRID) => stepsOf(page, runs);
const num = async (page: Page, id: string) => Number((await page.getByTestId(id).textContent())?.replace(/,/g, ''));

test.describe.serial('λ grid', () => {
  sharePage();

  test('?runs=0,0.01,1 trains 3 small multiples from the same init; each advances and shows its own throughput', async ({ page, server }) => {
    await openApp(page, server.url, { model: 'tiny', runs: '0,0.01,1', probe: 500, batch: 32 });
    await expect(page.getByRole('region')).toHaveCount(3);
    for (const name of ['λ = 0 (softmax only)', 'λ = 0.01', 'λ = 1']) await expect(page.getByRole('region', { name })).toBeVisible();
    await expect(page.getByRole('slider', { name: /λ/ })).toBeDisabled(); // each panel has its own λ
    // Same init: at step 0 the three panels show the same embedding, hence the same accuracy.
    await expect(page.getByTestId('readout-grid2')).toHaveText(/^step 0 · accuracy \d/);
    const at0 = await Promise.all(GRID.map((r) => page.getByTestId(`readout-${r}`).textContent()));
    expect(new Set(at0).size).toBe(1);

    await page.getByRole('button', { name: 'Train' }).click();
    await expect.poll(async () => Math.min(...(await gridSteps(page))), { timeout: 300_000, intervals: [1000] }).toBeGreaterThanOrEqual(6);
    await page.getByRole('button', { name: 'Pause' }).click();
    // Fair: the runs step one for one, so their counters never drift apart by more than a round.
    const s = await gridSteps(page);
    expect(Math.max(...s) - Math.min(...s)).toBeLessThanOrEqual(1);
    for (const r of GRID) {
      const sps = await num(page, `steps-per-sec-${r}`);
      expect(sps, r).toBeGreaterThan(0);
      expect(Math.abs((await num(page, `samples-per-sec-${r}`)) - sps * 32)).toBeLessThanOrEqual(0.05 * 32 + 1); // ?batch=32
    }
    // Each panel's spread relative to the λ = 0 panel, recomputed from their exported embeddings
    // (once the snapshot that Pause asks for has arrived, so every export is of the same step).
    await settled(() => gridSteps(page));
    const spread: Record<string, number> = {};
    const steps = new Set<number>();
    for (const name of ['λ = 0 (softmax only)', 'λ = 0.01', 'λ = 1']) {
      const region = page.getByRole('region', { name, exact: true });
      const [d] = await Promise.all([page.waitForEvent('download'), region.getByRole('button', { name: 'Export embeddings' }).click()]);
      const doc = JSON.parse(await readFile(await d.path(), 'utf8')) as { run: string; step: number; labels: number[]; points: [number, number][] };
      spread[doc.run] = compactness(doc.points.flat(), doc.labels);
      steps.add(doc.step);
    }
    expect(steps.size).toBe(1); // one step in every export
    await expect(page.getByTestId('ratio-grid0')).toHaveCount(0); // the baseline itself
    for (const r of ['grid1', 'grid2']) {
      const shown = Number((await page.getByTestId(`ratio-${r}`).textContent())!.replace(/×.*/, ''));
      expect(Math.abs(shown - spread[r] / spread.grid0), r).toBeLessThanOrEqual(0.005 + 1e-9);
    }
    // ?probe=500: each panel embeds 500 test digits.
    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('section.panel[data-run=grid1]').getByRole('button', { name: 'CSV' }).click()]);
    expect((await readFile(await csv.path(), 'utf8')).trim().split('\n')).toHaveLength(501);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: resolve(ARTIFACTS, 'flock-grid-1440.png'), fullPage: true });
  });

  test('Speed caps the step rate of every run without a restart', async ({ page }) => {
    const before = Math.max(...(await gridSteps(page)));
    await page.getByRole('combobox', { name: /^Speed/ }).selectOption('1');
    await expect(page).toHaveURL(/speed=1(&|$)/);
    await page.getByRole('button', { name: 'Train' }).click();
    // Two snapshots after the change: the rate between them is what the cap allows (≤ 1 step/s).
    await expect.poll(async () => Math.min(...(await gridSteps(page))), { timeout: 120_000, intervals: [1000] }).toBeGreaterThanOrEqual(before + 4);
    await page.getByRole('button', { name: 'Pause' }).click();
    expect(Math.min(...(await gridSteps(page)))).toBeGreaterThan(before); // no restart
    for (const r of GRID) expect(await num(page, `steps-per-sec-${r}`), r).toBeLessThanOrEqual(1.15);
    await page.getByRole('combobox', { name: /^Speed/ }).selectOption('0');
  });

  test('the λ grid control: off gives the pair, on gives the grid back, the list is editable and validated', async ({ page }) => {
    const toggle = page.getByRole('checkbox', { name: /λ grid/ });
    await toggle.uncheck();
    await expect(page.getByRole('region')).toHaveCount(2);
    await expect(page.getByRole('region', { name: 'Softmax only' })).toBeVisible();
    await expect(page).not.toHaveURL(/(grid|runs)=/); // the old name runs= opened the page; the URL now says grid=
    await toggle.check();
    await expect(page.getByRole('region')).toHaveCount(3);
    await expect(page).toHaveURL(/grid=0%2C0\.01%2C1|grid=0,0\.01,1/);

    const list = page.getByRole('textbox', { name: /λ values/ });
    await list.fill('0, 0.1');
    await list.press('Enter');
    await expect(page.getByRole('region')).toHaveCount(2);
    await expect(page.getByRole('region', { name: 'λ = 0.1' })).toBeVisible();
    await list.fill('0.5, abc');
    await list.press('Enter');
    await expect(page.getByRole('status').filter({ hasText: 'not a number' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'λ = 0.1' })).toBeVisible(); // unchanged
    await expect(list).toHaveValue('0, 0.1');
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect.poll(async () => Math.min(...(await gridSteps(page, ['grid0', 'grid1']))), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
  });

  test("turning the grid on from the pair gives the paper's five λ values", async ({ page, server, pageErrors }) => {
    await openApp(page, server.url, { model: 'tiny', probe: 500 });
    await page.getByRole('checkbox', { name: /λ grid/ }).check();
    await expect(page.getByRole('region')).toHaveCount(5);
    for (const name of ['λ = 0 (softmax only)', 'λ = 0.003', 'λ = 0.01', 'λ = 0.1', 'λ = 1']) await expect(page.getByRole('region', { name })).toBeVisible();
    await expect(page.getByTestId('readout-grid4')).toHaveText(/^step 0 · accuracy \d/, { timeout: 60_000 });
    expect(pageErrors).toEqual([]);
  });
});
