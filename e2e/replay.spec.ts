/**
 * Software GPUs cannot train a CNN fast enough for the paper's picture, so the page says so and offers
 * a recorded run (made by the PyTorch reference with the app's math) replayed through the same panels,
 * clearly labelled. The contrast readout must reach "Flocks formed" exactly where the recording's own
 * numbers say, and the exported embeddings must be the recording's. Its last frame is the README screenshot.
 */
import type { Page } from '@playwright/test';
import { copyFile, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { test, expect, sharePage } from '../testkit/fixtures';
import { webgpu } from '../testkit/browser.mjs';
import { DIST_E2E, stepOfRun } from '../testkit/app';
import { compactness } from '../src/train/metrics';

const ARTIFACTS = resolve(import.meta.dirname, 'artifacts');

interface RawRun { scale: number; points: string; predictions: string; accuracy: number }
interface RawRecording { model: string; probe: number[]; frames: { step: number; runs: Record<'softmax' | 'center', RawRun> }[] }

/** The recording's points, decoded here independently of the app (int16 little-endian × scale / 32767). */
function pointsOf(r: RawRun): number[] {
  const b = Buffer.from(r.points, 'base64');
  return Array.from({ length: b.length / 2 }, (_, i) => (b.readInt16LE(2 * i) / 32767) * r.scale);
}

test.describe.serial('a recorded run on a software GPU', () => {
  test.skip(() => !webgpu().available, webgpu().reason);
  sharePage();
  let rec: RawRecording;
  let labels: number[];

  test('the page says the picture needs a GPU and offers the recording; the recording is labelled as one', async ({ page, server }) => {
    await page.goto(server.url);
    await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled({ timeout: 120_000 });
    const needs = page.getByTestId('picture-needs-gpu');
    await expect(needs).toContainText('needs a real GPU');
    await needs.getByRole('button', { name: 'Watch a recorded run' }).click();
    await expect(page).toHaveURL(/[?&]replay=on/);
    await expect(page.getByTestId('replay-banner')).toContainText('Recording — not a live run', { timeout: 120_000 });
    await expect(page.getByTestId('backend')).toContainText('Recorded run');
    await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 120_000 });
    await expect(page.getByRole('slider', { name: /λ/ })).toHaveCount(0); // training controls do not apply
    rec = JSON.parse(await readFile(resolve(DIST_E2E, `recordings/${await modelOf(page)}.json`), 'utf8')) as RawRecording;
    const testLabels = (await readFile(resolve(import.meta.dirname, '../public/data/t10k-labels-idx1-ubyte.gz')));
    const { gunzipSync } = await import('node:zlib');
    const all = gunzipSync(testLabels).subarray(8);
    labels = rec.probe.map((k) => all[k]);
    await expect(page.getByTestId('readout-center')).toHaveText(/^step 0 · accuracy/);
  });

  test('Play replays every frame; the readout forms the picture where the recording does', async ({ page }) => {
    await page.getByRole('button', { name: 'Play' }).click();
    const last = rec.frames.at(-1)!.step;
    await expect.poll(async () => stepOfRun(page, 'center'), { timeout: 180_000, intervals: [500] }).toBe(last);
    await expect(page.getByRole('button', { name: 'Play' })).toBeVisible(); // stopped by itself at the end
    // Steps-to-picture from the recording's own numbers, by the definition (≤ 0.5× and both ≥ 90 %).
    const formedAt = rec.frames.find((f) => {
      const r = compactness(pointsOf(f.runs.center), labels) / compactness(pointsOf(f.runs.softmax), labels);
      return r <= 0.5 && f.runs.softmax.accuracy >= 0.9 && f.runs.center.accuracy >= 0.9;
    })?.step;
    const status = page.getByTestId('picture-status');
    if (formedAt === undefined) await expect(status).toContainText(`Not yet at step ${last}`);
    else {
      // A recording has no wall-clock of its own here: the step, without a time-to-picture.
      await expect(status).toHaveText(`Flocks formed at step ${formedAt}.`);
    }
    const f = rec.frames.at(-1)!;
    const ratio = compactness(pointsOf(f.runs.center), labels) / compactness(pointsOf(f.runs.softmax), labels);
    const shown = Number((await page.getByTestId('contrast-ratio').textContent())!.replace('×', ''));
    expect(Math.abs(shown - ratio)).toBeLessThanOrEqual(0.005 + 1e-9);
    await page.waitForTimeout(1500); // let the last transition settle
    await page.screenshot({ path: resolve(ARTIFACTS, 'flock-replay-1440.png') });
    if (process.env.UPDATE_SCREENSHOT) await copyFile(resolve(ARTIFACTS, 'flock-replay-1440.png'), resolve(import.meta.dirname, '../docs/screenshot.png'));
    // The same step in the figure view (README's figure screenshot), then back.
    const figure = page.getByRole('button', { name: 'Figure view' });
    await figure.click();
    await expect(figure).toHaveAttribute('aria-pressed', 'true');
    await page.waitForTimeout(1500);
    await page.screenshot({ path: resolve(ARTIFACTS, 'flock-replay-figure-1440.png') });
    if (process.env.UPDATE_SCREENSHOT) await copyFile(resolve(ARTIFACTS, 'flock-replay-figure-1440.png'), resolve(import.meta.dirname, '../docs/figure.png'));
    await figure.click();
    await expect(figure).toHaveAttribute('aria-pressed', 'false');
  });

  test("exported embeddings are the recording's; Back to step 0 and Train live instead work", async ({ page, pageErrors: errors }) => {
    const region = page.getByRole('region', { name: 'Softmax + center loss', exact: true });
    const [d] = await Promise.all([page.waitForEvent('download'), region.getByRole('button', { name: 'Export embeddings' }).click()]);
    const doc = JSON.parse(await readFile(await d.path(), 'utf8')) as { step: number; points: [number, number][]; labels: number[] };
    const want = pointsOf(rec.frames.at(-1)!.runs.center);
    expect(doc.step).toBe(rec.frames.at(-1)!.step);
    expect(doc.labels).toEqual(labels);
    const got = doc.points.flat();
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want[i])));

    await page.getByRole('button', { name: 'Back to step 0' }).click();
    await expect(page.getByTestId('readout-center')).toHaveText(/^step 0 · accuracy/);
    await page.getByRole('button', { name: 'Train live instead' }).click();
    await expect(page.getByTestId('replay-banner')).toHaveCount(0);
    await expect(page).not.toHaveURL(/replay=on/);
    await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled({ timeout: 120_000 });
    await expect(page.getByTestId('backend')).toContainText('WebGPU');
    expect(errors).toEqual([]);
  });
});

/** The model the page names in its header, as a preset id (the recording's file name). */
async function modelOf(page: Page): Promise<string> {
  const text = (await page.getByTestId('backend').textContent()) ?? '';
  const presets = JSON.parse(await readFile(resolve(import.meta.dirname, '../src/train/presets.json'), 'utf8')) as { presets: Record<string, { label: string }> };
  const hit = Object.entries(presets.presets).find(([, p]) => text.includes(p.label));
  if (!hit) throw new Error(`no preset named in "${text}"`);
  return hit[0];
}
