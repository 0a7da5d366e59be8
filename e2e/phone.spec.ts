/**
 * The comparison on a phone (375 × 812): both panels side by side within the first screen, one
 * shared legend, the settings in a sheet that the Controls button opens and closes (closed at
 * first), and a tap on a point shows its tooltip.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { test, expect, sharePage } from '../testkit/fixtures';
import { openApp, stepsOf } from '../testkit/app';

const ARTIFACTS = resolve(import.meta.dirname, 'artifacts');
const RUNS = ['softmax', 'center'] as const;

test.describe.serial('Phone', () => {
  sharePage({ context: { viewport: { width: 375, height: 812 }, hasTouch: true } });
  test.beforeAll(() => mkdir(ARTIFACTS, { recursive: true }));

  test('the settings are in a sheet: closed at first, the Controls button opens and closes it', async ({ page, server }) => {
    await openApp(page, server.url, { model: 'tiny', seed: 1 });
    const toggle = page.getByRole('button', { name: 'Controls' });
    const lambda = page.getByRole('slider', { name: /λ/ });
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(lambda).toBeHidden();
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await expect(lambda).toBeVisible();
    await expect(page.getByRole('combobox', { name: /Model/ })).toBeVisible();
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(lambda).toBeHidden();
  });

  test('both panels sit side by side within the first screen, with one shared legend', async ({ page }) => {
    await page.getByRole('button', { name: 'Train' }).click();
    const steps = () => stepsOf(page, RUNS);
    await expect.poll(async () => Math.min(...(await steps())), { timeout: 240_000, intervals: [1000] }).toBeGreaterThanOrEqual(30);
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => page.evaluate((runs) => runs.every((r) => window.__flockScatter?.[r]?.settled() ?? false), [...RUNS])).toBe(true);
    await page.evaluate(() => window.scrollTo(0, 0));
    const [a, b] = await Promise.all(RUNS.map(async (r) => (await page.locator(`section.panel[data-run=${r}]`).boundingBox())!));
    console.log(`phone regions: softmax ${a.x.toFixed(0)},${a.y.toFixed(0)} ${a.width.toFixed(0)}×${a.height.toFixed(0)}; center ${b.x.toFixed(0)},${b.y.toFixed(0)} ${b.width.toFixed(0)}×${b.height.toFixed(0)}`);
    expect(Math.abs(a.y - b.y)).toBeLessThanOrEqual(4);
    expect(a.x + a.width).toBeLessThanOrEqual(b.x);
    expect(a.x).toBeGreaterThanOrEqual(0);
    expect(b.x + b.width).toBeLessThanOrEqual(375);
    expect(Math.max(a.y + a.height, b.y + b.height)).toBeLessThanOrEqual(812);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    // One legend for both plots: a tap highlights the class in each.
    const legends = page.getByRole('group', { name: 'Highlight a digit class' });
    await expect(legends).toHaveCount(1);
    await legends.getByRole('button', { name: '3', exact: true }).tap();
    await expect(legends.getByRole('button', { name: '3', exact: true })).toHaveAttribute('aria-pressed', 'true');
    for (const r of RUNS) await expect(page.locator(`section.panel[data-run=${r}] .scatter`)).toHaveClass(/has-highlight/);
    await legends.getByRole('button', { name: '3', exact: true }).tap();
    await page.screenshot({ path: resolve(ARTIFACTS, 'flock-phone-375.png') });
  });

  test('a tap on a point shows its tooltip', async ({ page, pageErrors }) => {
    const panel = page.locator('section.panel[data-run=center]');
    // A step in flight at Pause still lands: wait until the readouts stop moving and the plots settle.
    const seen: string[] = [];
    await expect.poll(async () => {
      seen.push(String(await page.getByTestId('readout-center').textContent()));
      const tail = seen.slice(-3);
      return tail.length === 3 && tail.every((t) => t === tail[0]) && (await page.evaluate(() => window.__flockScatter!.center.settled()));
    }, { timeout: 60_000, intervals: [1500] }).toBe(true);
    const box = (await panel.locator('.scatter-zoom').boundingBox())!;
    const pos = await page.evaluate(() => Array.from({ length: 2000 }, (_, i) => window.__flockScatter!.center.screenPosition(i)));
    const i = pos.findIndex((p, k) => p && p.x > box.x + 20 && p.x < box.x + box.width - 20 && p.y > box.y + 20 && p.y < box.y + box.height - 20 &&
      pos.every((q, j) => j === k || !q || Math.hypot(q.x - p.x, q.y - p.y) > 5));
    expect(i).toBeGreaterThanOrEqual(0);
    await page.touchscreen.tap(pos[i]!.x, pos[i]!.y);
    const tip = panel.getByRole('tooltip');
    await expect(tip).toBeVisible();
    await expect(tip).toHaveAttribute('data-index', String(i));
    expect(pageErrors).toEqual([]);
  });
});
