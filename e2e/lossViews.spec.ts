/**
 * The loss geometry views: a cosine head (?loss=arcface) opens in the unit-circle view with a spoke
 * per class and the margin wedges, the panel's "Unit circle" button switches to the feature plane
 * and back, and the SVG figure carries the same spokes; ring loss (?loss=ring) draws its learned
 * radius R as a labelled circle. What the plot drew is read from its e2e test API
 * (window.__flockScatter[run].geometryDrawn()).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, sharePage } from '../testkit/fixtures';
import { openApp, pause, stepOfRun, train } from '../testkit/app';

const ARTIFACTS = resolve(import.meta.dirname, 'artifacts');

/** The panel of the run the URL's loss trains (the second panel). */
const RUN = 'center';

interface Drawn { view: 'plane' | 'circle'; spokes: number; wedges: number; unitCircle: boolean; ring: string | null }

function drawn(page: Page, run = RUN): Promise<Drawn | null> {
  return page.evaluate((r) => window.__flockScatter?.[r]?.geometryDrawn() ?? null, run);
}

function domainOf(page: Page, run = RUN) {
  return page.evaluate((r) => window.__flockScatter?.[r]?.getDomain() ?? null, run);
}

/** Train until the loss's panel has shown a few steps, then pause. */
async function trainAFewSteps(page: Page): Promise<void> {
  await train(page);
  await expect.poll(() => stepOfRun(page, RUN), { timeout: 120_000 }).toBeGreaterThanOrEqual(3);
  await pause(page);
}

/** The panels of the figure SVG ("Save figure (SVG)" in figure view), as counts of what each draws. */
async function figurePanels(page: Page) {
  const [svg] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save figure (SVG)' }).click()]);
  const text = await readFile(await svg.path(), 'utf8');
  return page.evaluate((src) => {
    const doc = new DOMParser().parseFromString(src, 'image/svg+xml');
    if (doc.querySelector('parsererror')) return null;
    return [...doc.querySelectorAll('g.figure-panel')].map((g) => ({
      spokes: g.querySelectorAll('line.spoke').length,
      spokeClasses: [...g.querySelectorAll('line.spoke')].map((l) => Number(l.getAttribute('data-class'))),
      wedges: g.querySelectorAll('path.margin-wedge').length,
      unitCircle: g.querySelectorAll('circle.unit-circle').length,
      ring: g.querySelector('text.ring-label')?.textContent ?? null,
      rings: g.querySelectorAll('circle.ring-radius').length,
    }));
  }, text);
}

test.describe.serial('ArcFace: the unit-circle view', () => {
  sharePage();

  test('after a few steps the panel draws ten spokes and the margin wedges on the unit circle', async ({ page, server }) => {
    await openApp(page, server.url, { model: 'tiny', loss: 'arcface' });
    await trainAFewSteps(page);
    await expect.poll(() => drawn(page)).toEqual({ view: 'circle', spokes: 10, wedges: 10, unitCircle: true, ring: null });
    const d = await domainOf(page);
    expect(Math.min(d!.x[1] - d!.x[0], d!.y[1] - d!.y[0])).toBeCloseTo(2.6, 1); // [-1.3, 1.3]², widened to the plot's aspect
    // The softmax-only panel has no loss geometry.
    expect(await drawn(page, 'softmax')).toMatchObject({ view: 'plane', spokes: 0, unitCircle: false });
    await mkdir(ARTIFACTS, { recursive: true });
    await page.locator(`section[data-run="${RUN}"]`).screenshot({ path: resolve(ARTIFACTS, 'flock-arcface-circle.png') });
  });

  test('"Unit circle" switches the panel to the feature plane and back', async ({ page, pageErrors }) => {
    const panel = page.locator(`section[data-run="${RUN}"]`);
    const toggle = panel.getByRole('button', { name: 'Unit circle' });
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await expect(page.locator('section[data-run="softmax"]').getByRole('button', { name: 'Unit circle' })).toHaveCount(0);
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await expect.poll(() => drawn(page)).toMatchObject({ view: 'plane', spokes: 10, unitCircle: false });
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(() => drawn(page)).toMatchObject({ view: 'circle', spokes: 10, unitCircle: true });
    expect(pageErrors).toEqual([]);
  });

  test('the SVG figure has the ten spokes, the wedges and the unit circle of the ArcFace panel', async ({ page, pageErrors }) => {
    await page.getByRole('button', { name: 'Figure view' }).click();
    const panels = await figurePanels(page);
    expect(panels, 'the SVG parses').not.toBeNull();
    expect(panels).toHaveLength(2);
    expect(panels![0]).toMatchObject({ spokes: 0, wedges: 0, unitCircle: 0 });
    expect(panels![1]).toMatchObject({ spokes: 10, wedges: 10, unitCircle: 1, rings: 0 });
    expect(panels![1].spokeClasses).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // In figure view the switch is in the panel's menu, and the figure follows it.
    const panel = page.locator(`section[data-run="${RUN}"]`);
    await panel.getByText('Panel menu').click();
    await panel.getByRole('button', { name: 'Unit circle' }).click();
    await expect(panel.getByRole('button', { name: 'Unit circle' })).toHaveAttribute('aria-pressed', 'false');
    expect((await figurePanels(page))![1]).toMatchObject({ spokes: 10, unitCircle: 0 });
    expect(pageErrors).toEqual([]);
  });
});

test('ring loss draws its learned radius R as a labelled circle', async ({ page, server, pageErrors }) => {
  await openApp(page, server.url, { model: 'tiny', loss: 'ring' });
  await trainAFewSteps(page);
  await expect.poll(async () => (await drawn(page))?.ring ?? null).toMatch(/^R = \d+(\.\d+)?$/);
  expect(await drawn(page)).toMatchObject({ view: 'plane', spokes: 0, wedges: 0, unitCircle: false });
  await expect(page.locator(`section[data-run="${RUN}"]`).getByRole('button', { name: 'Unit circle' })).toHaveCount(0);
  await mkdir(ARTIFACTS, { recursive: true });
  await page.locator(`section[data-run="${RUN}"]`).screenshot({ path: resolve(ARTIFACTS, 'flock-ring.png') });
  expect(pageErrors).toEqual([]);
});
