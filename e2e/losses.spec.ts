/**
 * The loss family in the app (issue 15): `?loss=<id>` trains the second panel with that loss (its title
 * names it, its losses stay finite, the controls show only what it reads); compare losses (`?losses=`)
 * shows softmax only first and one panel per loss from the same init; bad loss, s and m are corrected
 * with a notice. Tiny model, 100 probe digits, batch 16: SwiftShader steps slowly.
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { test, expect, sharePage } from '../testkit/fixtures';
import { downloadWeights, openApp, pause, stepOfRun, stepsOf, train } from '../testkit/app';
import { settled } from '../testkit/readout';

const ARTIFACTS = resolve(import.meta.dirname, 'artifacts');
const SMALL = { model: 'tiny', probe: 100, batch: 16 };

/** How many steps each `?loss=` run trains here (the 50). */
const STEPS = 50;
/** Each loss, the second panel's title at its defaults, and the controls it shows. */
const LOSSES = [
  { loss: 'arcface', title: 'Softmax + ArcFace (s 10, m 0.2)', shows: ['s', 'm'] },
  { loss: 'center', title: 'Softmax + center loss', shows: ['λ', 'α'] },
  { loss: 'contrastive-center', title: 'Softmax + contrastive-center loss (λ 1, δ 1)', shows: ['λ', 'α', 'δ'] },
  { loss: 'ring', title: 'Softmax + ring loss (λ 0.1)', shows: ['λ', 'lr_R'] },
  { loss: 'normface', title: 'Softmax + NormFace (s 10)', shows: ['s'] },
  { loss: 'cosface', title: 'Softmax + CosFace (s 10, m 0.1)', shows: ['s', 'm'] },
] as const;
const SLIDERS = { 'λ': /^λ/, 'α': /^α/, s: /^s \(cosine scale\)/, m: /^m \(margin\)/, 'δ': /^δ/, lr_R: /^lr_R/ } as const;

/** A panel's loss readouts (softmax CE and the loss's own term), as numbers (NaN where not a finite number). */
async function lossReadouts(region: Locator): Promise<number[]> {
  const dd = region.locator('dl.metrics > div').filter({ hasText: /loss/ }).locator('dd');
  return (await dd.allTextContents()).map((t) => (/^-?\d+(\.\d+)?$/.test(t.trim()) ? Number(t) : NaN));
}

async function trainTo(page: Page, runs: readonly string[], steps: number): Promise<void> {
  await train(page);
  await expect.poll(async () => Math.min(...(await stepsOf(page, runs))), { timeout: 180_000, intervals: [500] }).toBeGreaterThanOrEqual(steps);
  await pause(page);
  await settled(() => stepsOf(page, runs));
}

test.describe.serial('the loss family', () => {
  sharePage();

  for (const { loss, title, shows } of LOSSES) {
    const steps = STEPS;
    test(`?loss=${loss}: the second panel is titled by its loss and trains ${steps} steps with finite losses`, async ({ page, server, pageErrors }) => {
      await openApp(page, server.url, { ...SMALL, loss });
      await expect(page.getByRole('region')).toHaveCount(2);
      const region = page.getByRole('region', { name: title, exact: true });
      await expect(region).toBeVisible();
      await expect(page.getByRole('combobox', { name: /^Loss/ })).toHaveValue(loss);
      // Only the parameters the loss reads have controls.
      for (const [sym, name] of Object.entries(SLIDERS)) {
        await expect(page.getByRole('slider', { name }), `${loss}: ${sym}`).toHaveCount((shows as readonly string[]).includes(sym) ? 1 : 0);
      }
      await trainTo(page, ['softmax', 'center'], steps);
      expect(await stepOfRun(page, 'center')).toBeGreaterThanOrEqual(steps);
      for (const r of [page.getByRole('region', { name: 'Softmax only' }), region]) {
        const values = await lossReadouts(r);
        // The softmax loss, and the loss's own term (a cosine head has none: its margin is inside the softmax loss).
        expect(values.length).toBe(r === region && ['normface', 'cosface', 'arcface'].includes(loss) ? 1 : 2);
        for (const v of values) expect(Number.isFinite(v), `${loss}: ${values}`).toBe(true);
      }
      await expect(page.getByTestId('diverged-center')).toHaveCount(0);
      expect(pageErrors).toEqual([]);
    });
  }

  test('compare losses: softmax only first, one panel per loss, all from the same initial weights', async ({ page, server, pageErrors }) => {
    await openApp(page, server.url, { ...SMALL, losses: 'center,ring,arcface' });
    const regions = page.getByRole('region');
    await expect(regions).toHaveCount(4);
    const titles = ['Softmax only', 'Softmax + center loss', 'Softmax + ring loss (λ 0.1)', 'Softmax + ArcFace (s 10, m 0.2)'];
    for (let i = 0; i < titles.length; i++) await expect(regions.nth(i).getByRole('heading')).toHaveText(titles[i]);
    const runs = ['softmax', 'loss-center', 'loss-ring', 'loss-arcface'];
    for (const r of runs) await expect(page.getByTestId(`readout-${r}`)).toHaveText(/^step 0 · accuracy \d/, { timeout: 60_000 });
    // Same init: the same features at step 0, so the same readout for every run that classifies with
    // the dense layer (ArcFace classifies by angle, argmax cos θ, so its step-0 accuracy may differ).
    const at0 = await Promise.all(runs.map((r) => page.getByTestId(`readout-${r}`).textContent()));
    expect(new Set(at0.slice(0, 3)).size).toBe(1);
    const points: [number, number][][] = [];
    for (const name of titles) {
      const region = page.getByRole('region', { name, exact: true });
      const [d] = await Promise.all([page.waitForEvent('download'), region.getByRole('button', { name: 'Export embeddings' }).click()]);
      const doc = JSON.parse(await readFile(await d.path(), 'utf8')) as { step: number; points: [number, number][] };
      expect(doc.step).toBe(0);
      points.push(doc.points);
    }
    expect(new Set(points.slice(0, 3).map((p) => JSON.stringify(p))).size).toBe(1);
    // ArcFace's embedding ends in batch norm instead of PReLU (slope 0.25 at init): from the same dense
    // output z, at step 0 (running mean 0, variance 1) its point is z/√(1 + 1e-5) where softmax only's
    // is z (z ≥ 0) or 0.25·z (z < 0).
    const arc = points[3].flat();
    const dense = points[0].flat().map((v) => (v >= 0 ? v : v / 0.25) / Math.sqrt(1 + 1e-5));
    expect(arc.length).toBe(dense.length);
    expect(Math.max(...arc.map((v, i) => Math.abs(v - dense[i]) / (1e-3 + Math.abs(dense[i]))))).toBeLessThan(1e-4);
    // The checkboxes say which losses are compared; the λ grid toggle is still there.
    for (const name of ['center loss', 'ring loss', 'ArcFace']) await expect(page.getByRole('checkbox', { name, exact: true })).toBeChecked();
    await expect(page.getByRole('checkbox', { name: 'NormFace', exact: true })).not.toBeChecked();

    await trainTo(page, runs, 10);
    const s = await stepsOf(page, runs);
    expect(Math.max(...s) - Math.min(...s)).toBeLessThanOrEqual(1);
    for (const name of titles) for (const v of await lossReadouts(page.getByRole('region', { name, exact: true }))) expect(Number.isFinite(v), name).toBe(true);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: resolve(ARTIFACTS, 'flock-losses-1440.png'), fullPage: true });
    if (process.env.UPDATE_SCREENSHOT) await copyFile(resolve(ARTIFACTS, 'flock-losses-1440.png'), resolve(import.meta.dirname, '../docs/losses.png'));
    expect(pageErrors).toEqual([]);
  });

  test('an ArcFace run saved, reset and loaded resumes where it was (batch-norm statistics included); the notice names an s changed since', async ({ page, server, pageErrors }) => {
    await openApp(page, server.url, { ...SMALL, loss: 'arcface' });
    const region = page.getByRole('region', { name: 'Softmax + ArcFace (s 10, m 0.2)', exact: true });
    await trainTo(page, ['softmax', 'center'], 10);
    const before = await page.getByTestId('readout-center').textContent();
    const tight = await page.getByTestId('compactness-center').textContent();
    const got = await downloadWeights(page, region);
    await mkdir(ARTIFACTS, { recursive: true });
    const files = await Promise.all(got.map(async (d) => { const f = resolve(ARTIFACTS, `arc-${d.suggestedFilename()}`); await d.saveAs(f); return f; }));
    const json = JSON.parse(await readFile(files.find((f) => f.endsWith('.json'))!, 'utf8'));
    expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toContain('embedding/stats');
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect(page.getByTestId('readout-center')).toHaveText(/^step 0 /);
    await page.getByTestId('load-weights-center').setInputFiles(files);
    // The probe embeds through the restored running statistics: the same readout and compactness as before.
    await expect(page.getByTestId('readout-center')).toHaveText(before!, { timeout: 60_000 });
    await expect(page.getByTestId('compactness-center')).toHaveText(tight!);
    await expect(page.getByTestId('notices')).toContainText('resumed at step');
    await expect(page.getByTestId('notices')).not.toContainText('It was saved with');
    await page.getByRole('button', { name: 'Dismiss' }).click();
    // Raise s, load the same files: the notice says which s it was saved with and which the panel goes on with.
    await page.getByRole('slider', { name: SLIDERS.s }).focus();
    await page.keyboard.press('ArrowRight');
    const s = await page.getByTestId('s-value').textContent();
    expect(s).not.toBe('10');
    await page.getByTestId('load-weights-center').setInputFiles(files);
    await expect(page.getByTestId('notices')).toContainText(`It was saved with s = 10; this panel goes on with s = ${s}.`);
    expect(pageErrors).toEqual([]);
  });

  test('bad loss, s and m are corrected with a notice; CosFace’s m is clamped to its range', async ({ page, server }) => {
    await openApp(page, server.url, { ...SMALL, loss: 'triplet', s: 'abc', m: '9' });
    const notices = page.getByTestId('notices');
    await expect(notices).toContainText('“loss” must be one of');
    await expect(notices).toContainText('“s” is not a number; using 10');
    await expect(notices).toContainText('“m” is outside 0–0.6; using 0.6');
    await expect(page.getByRole('region', { name: 'Softmax + center loss', exact: true })).toBeVisible();

    await openApp(page, server.url, { ...SMALL, loss: 'cosface', m: '0.5', s: '500' });
    await expect(notices).toContainText('“m” is outside 0–0.19 for CosFace; using 0.19');
    await expect(notices).toContainText('“s” is outside 1–64 for CosFace; using 64');
    await expect(page.getByRole('region', { name: 'Softmax + CosFace (s 64, m 0.19)', exact: true })).toBeVisible();
    await expect(page.getByTestId('m-value')).toHaveText('0.19');
    await expect(page).toHaveURL(/m=0\.19/);
  });
});
