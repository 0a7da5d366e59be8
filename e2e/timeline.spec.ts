/**
 * The timeline: scrubbing back while training goes on shows that step in every panel (readout, plot,
 * chart cursor, contrast readout), and "Export embeddings" then exports exactly what was exported live
 * at that step; the JSON export of the timeline holds the same frames; "Live" returns to the present;
 * the WebM recorder replays the timeline from its first frame back to live.
 */
import type { Page } from '@playwright/test';
import { mkdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { test, expect, sharePage } from '../testkit/fixtures';
import { webgpu } from '../testkit/browser.mjs';
import { openApp, pause, stepsOf, train } from '../testkit/app';
import { settled } from '../testkit/readout';

const ARTIFACTS = resolve(import.meta.dirname, 'artifacts');
const RUNS = ['softmax', 'center'] as const;
/** Steps trained before the live export, and snapshots taken after it before scrubbing back. */
const FIRST_STEPS = 6;
const MORE_STEPS = 6;

interface Exported { run: string; step: number; accuracy: number; labels: number[]; points: [number, number][]; centers: [number, number][] }

const steps = (page: Page) => stepsOf(page, RUNS);
const panel = (page: Page, run: string) => page.locator(`section.panel[data-run=${run}]`);
const slider = (page: Page) => page.getByRole('slider', { name: 'Timeline' });
const liveButton = (page: Page) => page.getByRole('button', { name: 'Live', exact: true });

/** Clicks a panel's "Export embeddings" and parses the JSON it downloads. */
async function exportEmbeddings(page: Page, run: string): Promise<{ doc: Exported; name: string }> {
  const [d] = await Promise.all([page.waitForEvent('download'), panel(page, run).getByRole('button', { name: 'Export embeddings' }).click()]);
  return { doc: JSON.parse(await readFile(await d.path(), 'utf8')) as Exported, name: d.suggestedFilename() };
}

/** The latest training step, as the timeline's status line says it while scrubbed back. */
async function trainingStep(page: Page): Promise<number> {
  const m = /training is at step (\d+)/.exec((await page.getByTestId('timeline-status').textContent()) ?? '');
  return m ? Number(m[1]) : -1;
}

test.describe.serial('Timeline', () => {
  test.skip(() => !webgpu().available, webgpu().reason);
  sharePage();
  test.beforeAll(() => mkdir(ARTIFACTS, { recursive: true }));
  const live: Record<string, Exported> = {};
  let at = -1;

  test('exports at step N, live', async ({ page, server }) => {
    await openApp(page, server.url, { model: 'tiny', seed: 1 });
    await expect(slider(page)).toBeVisible();
    await expect(liveButton(page)).toBeDisabled(); // live already
    await train(page);
    await expect.poll(async () => Math.min(...(await steps(page))), { timeout: 240_000, intervals: [1000] }).toBeGreaterThanOrEqual(FIRST_STEPS);
    await pause(page);
    // A step in flight when Pause arrived can land seconds later on SwiftShader: export again until
    // both exports are of the step both readouts show, before and after.
    await expect(async () => {
      await settled(() => steps(page));
      const [a, b] = await steps(page);
      expect(a).toBe(b);
      for (const run of RUNS) live[run] = (await exportEmbeddings(page, run)).doc;
      expect([live.softmax.step, live.center.step, ...(await steps(page))]).toEqual([a, a, a, a]);
      at = a;
    }).toPass({ timeout: 120_000 });
  });

  test('scrubbed back to N while training goes on: that step\'s readouts, cursor and exports', async ({ page }) => {
    await train(page);
    await expect.poll(async () => Math.min(...(await steps(page))), { timeout: 240_000, intervals: [1000] }).toBeGreaterThanOrEqual(at + MORE_STEPS);
    // Scrub with the keyboard, as a user would: the first frame, then frame by frame up to step N.
    await slider(page).focus();
    await page.keyboard.press('Home');
    await expect(slider(page)).toHaveAttribute('aria-valuetext', /^step \d+$/);
    for (let i = 0; i < 500 && (await slider(page).getAttribute('aria-valuetext')) !== `step ${at}`; i++) await page.keyboard.press('ArrowRight');
    await expect(slider(page)).toHaveAttribute('aria-valuetext', `step ${at}`);
    await expect(liveButton(page)).toBeEnabled();

    // Training goes on underneath, and the panels stay at step N.
    const before = await trainingStep(page);
    expect(before).toBeGreaterThan(at);
    await expect.poll(() => trainingStep(page), { timeout: 120_000, intervals: [1000] }).toBeGreaterThan(before);
    await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
    expect(await steps(page)).toEqual([at, at]);
    for (const run of RUNS) {
      await expect(page.getByTestId(`chart-${run}-accuracy`).locator('.spark')).toHaveAttribute('data-cursor', String(at));
      await expect(page.getByTestId(`readout-${run}`)).toContainText(`accuracy ${(live[run].accuracy * 100).toFixed(1)}%`);
    }
    await expect(page.getByTestId('contrast')).toContainText(`step ${at})`);
    await expect(page.getByTestId('chart-contrast').locator('.spark')).toHaveAttribute('data-cursor', String(at));

    // "Export embeddings" exports what is displayed: exactly what was exported live at step N.
    for (const run of RUNS) {
      const { doc, name } = await exportEmbeddings(page, run);
      expect(name).toBe(`flock-${run}-step${at}.json`);
      expect(doc).toEqual(live[run]);
    }
    await page.screenshot({ path: resolve(ARTIFACTS, 'flock-timeline-1440.png'), fullPage: true });

    // The timeline's JSON holds the same frame.
    const [d] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export timeline (JSON)' }).click()]);
    const tl = JSON.parse(await readFile(await d.path(), 'utf8')) as { format: string; runs: { run: string; frames: { step: number; points: number[][]; centers: number[][] }[] }[] };
    expect(tl.format).toBe('flock-timeline');
    for (const run of RUNS) {
      const frames = tl.runs.find((r) => r.run === run)!.frames;
      expect(frames[0].step).toBe(0);
      const f = frames.find((x) => x.step === at)!;
      expect(f.points).toEqual(live[run].points);
      expect(f.centers).toEqual(live[run].centers);
    }

    // Live: back to the present.
    await liveButton(page).click();
    await expect(liveButton(page)).toBeDisabled();
    await expect.poll(async () => Math.min(...(await steps(page)))).toBeGreaterThan(at);
    await expect(page.getByTestId('chart-softmax-accuracy').locator('.spark')).not.toHaveAttribute('data-cursor', /./);
  });

  test('Record timeline: the recorder replays it from the first frame back to live, as a WebM', async ({ page, pageErrors }) => {
    await pause(page);
    await settled(() => steps(page));
    await page.getByRole('combobox', { name: 'Replay speed' }).selectOption('30');
    const download = page.waitForEvent('download', { timeout: 120_000 });
    await page.getByRole('button', { name: 'Record timeline (WebM)' }).click();
    await expect(page.getByTestId('timeline-status')).toContainText('Showing step');
    const d = await download;
    expect(d.suggestedFilename()).toMatch(/^flock-step\d+\.webm$/);
    expect((await readFile(await d.path())).byteLength).toBeGreaterThan(1000);
    await expect(page.getByTestId('timeline-status')).toContainText('Live: step');
    expect(pageErrors).toEqual([]);
  });
});
