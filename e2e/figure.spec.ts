/**
 * Figure view (?view=figure): the λ grid drawn the way the paper's figure is — five equal square
 * plots in one row at 1440 px, one shared caption, the per-panel buttons in a menu — and
 * "Save figure" as a PNG and as an SVG with one vector dot per probe point.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { test, expect, sharePage } from '../testkit/fixtures';
import { openApp, stepsOf } from '../testkit/app';

const ARTIFACTS = resolve(import.meta.dirname, 'artifacts');
const TITLES = ['λ = 0 (softmax only)', 'λ = 0.003', 'λ = 0.01', 'λ = 0.1', 'λ = 1'];
const PROBE = 2000;

test.describe.serial('Figure view', () => {
  sharePage();
  test.beforeAll(() => mkdir(ARTIFACTS, { recursive: true }));

  test('at 1440 px the five λ-grid panels are equal squares in one row, under one caption with the settings', async ({ page, server }) => {
    await openApp(page, server.url, { model: 'tiny', runs: '0,0.003,0.01,0.1,1', view: 'figure' });
    await expect(page.getByRole('button', { name: 'Figure view' })).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByRole('region')).toHaveCount(5);
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect.poll(async () => Math.min(...await stepsOf(page, [0, 1, 2, 3, 4].map((k) => `grid${k}`))),
      { timeout: 120_000 }).toBeGreaterThanOrEqual(1);
    const boxes = await Promise.all(TITLES.map(async (name) => (await page.getByRole('region', { name, exact: true }).boundingBox())!));
    const summary = boxes.map((b) => `${b.x.toFixed(0)},${b.y.toFixed(0)} ${b.width.toFixed(1)}×${b.height.toFixed(1)}`).join(' | ');
    console.log(`figure regions at 1440: ${summary}`);
    for (const [i, b] of boxes.entries()) {
      expect(Math.abs(b.y - boxes[0].y), `${TITLES[i]} top`).toBeLessThanOrEqual(2);
      expect(Math.abs(b.width - b.height), `${TITLES[i]} square`).toBeLessThanOrEqual(2);
      expect(Math.abs(b.width - boxes[0].width), `${TITLES[i]} equal`).toBeLessThanOrEqual(2);
      // Five squares filling most of a 1440 px row (the paper's figure), not collapsed to nothing.
      expect(b.width, `${TITLES[i]} width`).toBeGreaterThanOrEqual(200);
      if (i) expect(b.x, `${TITLES[i]} right of the previous`).toBeGreaterThanOrEqual(boxes[i - 1].x + boxes[i - 1].width);
      expect(b.x + b.width).toBeLessThanOrEqual(1440);
    }
    // Minimal chrome: no charts or metric lists in the regions; one shared legend and caption.
    await expect(page.locator('section.panel .charts')).toHaveCount(0);
    await expect(page.getByRole('group', { name: 'Highlight a digit class' })).toHaveCount(1);
    const caption = page.getByTestId('figure-caption');
    await expect(caption).toContainText('Tiny');
    await expect(caption).toContainText('seed 1');
    await expect(caption).toContainText('α 0.5');
    await page.screenshot({ path: resolve(ARTIFACTS, 'flock-figure-1440.png') });
  });

  test('the per-panel buttons are in each panel\'s menu and still work', async ({ page }) => {
    const region = page.getByRole('region', { name: 'λ = 0.1', exact: true });
    const exportButton = region.getByRole('button', { name: 'Export embeddings' });
    await expect(exportButton).toBeHidden();
    await region.getByText('Panel menu').click();
    await expect(exportButton).toBeVisible();
    const [d] = await Promise.all([page.waitForEvent('download'), exportButton.click()]);
    const doc = JSON.parse(await readFile(await d.path(), 'utf8')) as { run: string; points: unknown[] };
    expect(doc.run).toBe('grid3');
    expect(doc.points).toHaveLength(PROBE);
    await region.getByText('Panel menu').click();
    await expect(exportButton).toBeHidden();
  });

  test('Save figure: a one-row PNG, and an SVG with a vector dot per probe point and the centers', async ({ page }) => {
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save figure (PNG)' }).click()]);
    expect(png.suggestedFilename()).toMatch(/^flock-figure-step\d+\.png$/);
    await png.saveAs(resolve(ARTIFACTS, 'flock-figure.png'));
    const bytes = await readFile(await png.path());
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const w = bytes.readUInt32BE(16), h = bytes.readUInt32BE(20);
    expect(w).toBeGreaterThan(4 * h); // five plots in one row

    const [svg] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save figure (SVG)' }).click()]);
    expect(svg.suggestedFilename()).toMatch(/^flock-figure-step\d+\.svg$/);
    await svg.saveAs(resolve(ARTIFACTS, 'flock-figure.svg'));
    const text = await readFile(await svg.path(), 'utf8');
    const parsed = await page.evaluate((src) => {
      const doc = new DOMParser().parseFromString(src, 'image/svg+xml');
      if (doc.querySelector('parsererror') || doc.documentElement.localName !== 'svg') return null;
      return [...doc.querySelectorAll('g.figure-panel')].map((g) => ({
        title: g.querySelector('text')?.textContent ?? '',
        dots: [...g.querySelectorAll('path.points')].reduce((n, p) => n + (p.getAttribute('d')!.match(/M/g)?.length ?? 0), 0),
        classes: g.querySelectorAll('path.points').length,
        centers: g.querySelectorAll('circle.center').length,
      }));
    }, text);
    expect(parsed, 'the SVG parses').not.toBeNull();
    expect(parsed!.map((p) => p.title)).toEqual(TITLES);
    for (const p of parsed!) {
      expect(p.dots, p.title).toBe(PROBE);
      expect(p.classes, p.title).toBe(10);
      expect(p.centers, p.title).toBe(10);
    }
  });

  test('the toggle leaves figure view (and the URL says so) and comes back', async ({ page, pageErrors }) => {
    const toggle = page.getByRole('button', { name: 'Figure view' });
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await expect.poll(() => new URL(page.url()).searchParams.get('view')).toBeNull();
    await expect(page.locator('section.panel .charts')).toHaveCount(5);
    await expect(page.getByTestId('figure-caption')).toHaveCount(0);
    await toggle.click();
    await expect.poll(() => new URL(page.url()).searchParams.get('view')).toBe('figure');
    await expect(page.getByTestId('figure-caption')).toBeVisible();
    expect(pageErrors).toEqual([]);
  });
});
