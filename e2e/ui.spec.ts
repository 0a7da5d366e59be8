/**
 * The comparison UI: charts, point tooltips, legend, shared axes, exports, Copy link, keyboard
 * shortcuts, theme and layout. One page is trained for ~20 steps and reused (serial); the e2e
 * build exposes each panel's Scatter as window.__flockScatter[run] for pixel positions and domains.
 */
import type { Locator, Page, Download } from '@playwright/test';
import { mkdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { test, expect, sharePage } from '../testkit/fixtures';
import { appUrl, downloadWeights, openApp, stepsOf } from '../testkit/app';
import { parseQuery } from '../src/state/params';
import presetsFile from '../src/train/presets.json' with { type: 'json' };

/** The tiny preset's batch size, as the app reads it (presets.json). */
const TINY_BATCH = presetsFile.presets.tiny.batch;

const ARTIFACTS = resolve(import.meta.dirname, 'artifacts');
const TRAIN_STEPS = 20;
const RUNS = ['softmax', 'center'] as const;
const CHARTS = ['softmax', 'center', 'accuracy', 'compactness'] as const;

interface Exported { run: string; step: number; labels: number[]; points: [number, number][]; centers: [number, number][] }
type Domain = { x: [number, number]; y: [number, number] };

const steps = (page: Page) => stepsOf(page, RUNS);
async function blur(page: Page): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}
async function downloadText(d: Download): Promise<string> {
  return readFile(await d.path(), 'utf8');
}
function region(page: Page, run: (typeof RUNS)[number]): Locator {
  return page.locator(`section.panel[data-run=${run}]`);
}
async function settled(page: Page): Promise<boolean> {
  return page.evaluate((runs) => runs.every((r) => window.__flockScatter?.[r]?.settled() ?? false), [...RUNS]);
}
async function domainOf(page: Page, run: string): Promise<Domain> {
  return page.evaluate((r) => window.__flockScatter![r].getDomain(), run);
}

test.describe.serial('Flock UI', () => {
  sharePage({ context: { permissions: ['clipboard-read', 'clipboard-write'] } });
  test.beforeAll(() => mkdir(ARTIFACTS, { recursive: true }));
  let exported: Exported;
  let exportedSoftmax: Exported;
  let predicted: number[] = [];

  test('loads; the panels are the only regions', async ({ page, server }) => {
    await openApp(page, server.url, { model: 'tiny', seed: 1 });
    await expect(page.getByRole('region')).toHaveCount(2);
    await expect(page.getByRole('region', { name: 'Softmax only' })).toBeVisible();
  });

  test('keyboard shortcuts: S steps, Space trains and pauses', async ({ page }) => {
    await blur(page);
    await page.keyboard.press('s');
    await expect.poll(async () => Math.min(...(await steps(page))), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
    await page.keyboard.press('Space');
    await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
    await expect.poll(async () => Math.min(...(await steps(page))), { timeout: 240_000, intervals: [1000] }).toBeGreaterThanOrEqual(TRAIN_STEPS);
    await blur(page);
    await page.keyboard.press('Space');
    await expect(page.getByRole('button', { name: 'Train' })).toBeVisible();
    // A step in flight when Pause arrived still lands (a pair plus a probe can take seconds on
    // SwiftShader): wait until the step readouts have not moved for 4 polls, and the plots settled.
    const seen: string[] = [];
    await expect.poll(async () => {
      seen.push(JSON.stringify(await steps(page)));
      const tail = seen.slice(-4);
      return tail.length === 4 && tail.every((t) => t === tail[0]) && (await settled(page));
    }, { timeout: 60_000, intervals: [2500] }).toBe(true);
  });

  test('charts: every metric has drawn points over one step axis; samples/s = steps/s × batch', async ({ page }) => {
    const xMax = Math.max(...(await steps(page)));
    for (const run of RUNS) {
      for (const c of CHARTS) {
        const chart = page.getByTestId(`chart-${run}-${c}`).locator('.spark');
        expect(Number(await chart.getAttribute('data-count')), `${run}/${c}`).toBeGreaterThan(1);
        expect(await chart.getAttribute('data-x-max')).toBe(String(xMax));
        const d = await chart.locator('path.spark-line').first().getAttribute('d');
        expect(d ?? '').toMatch(/^M[-\d.e]+,[-\d.e]+L/);
      }
      const sps = Number(await page.getByTestId(`steps-per-sec-${run}`).textContent());
      const sams = Number((await page.getByTestId(`samples-per-sec-${run}`).textContent())?.replace(/,/g, ''));
      expect(sps).toBeGreaterThan(0);
      expect(Math.abs(sams - sps * TINY_BATCH)).toBeLessThanOrEqual(0.05 * TINY_BATCH + 1); // the tiny preset's own batch
    }
    await expect(page.locator('[title^="Compactness: mean distance"]').first()).toBeAttached();
  });

  test('CSV export: header and 2000 rows that agree with the JSON export', async ({ page }) => {
    const panel = region(page, 'center');
    const [dj] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Export embeddings' }).click()]);
    exported = JSON.parse(await downloadText(dj)) as Exported;
    const [ds] = await Promise.all([page.waitForEvent('download'), region(page, 'softmax').getByRole('button', { name: 'Export embeddings' }).click()]);
    exportedSoftmax = JSON.parse(await downloadText(ds)) as Exported;
    const [dc] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'CSV' }).click()]);
    expect(dc.suggestedFilename()).toMatch(/^flock-center-step\d+\.csv$/);
    const lines = (await downloadText(dc)).trim().split('\n');
    expect(lines.length).toBe(2001);
    expect(lines[0]).toBe('index,label,predicted,x,y');
    // Checked in plain JS (thousands of expect() calls are slow), reported once.
    const bad: string[] = [];
    predicted = lines.slice(1).map((line, i) => {
      const [idx, label, pred, x, y] = line.split(',').map(Number);
      const ok = idx === i && label === exported.labels[i] && pred >= 0 && pred <= 9 && Number.isInteger(pred) &&
        Math.abs(x - exported.points[i][0]) < 1e-6 && Math.abs(y - exported.points[i][1]) < 1e-6;
      if (!ok) bad.push(line);
      return pred;
    });
    expect(bad.slice(0, 5)).toEqual([]);
  });

  test('hover a probe point: tooltip with its digit, label, prediction and distance; a click pins it', async ({ page }) => {
    const panel = region(page, 'center');
    await panel.locator('.scatter-plot').scrollIntoViewIfNeeded();
    await expect.poll(() => settled(page)).toBe(true);
    const box = (await panel.locator('.scatter-zoom').boundingBox())!;
    const vp = page.viewportSize()!;
    const pos = await page.evaluate(() => Array.from({ length: 2000 }, (_, i) => window.__flockScatter!.center.screenPosition(i)));
    // Points well inside the plot and the viewport, with no other point within 6 px.
    const ok = (p: { x: number; y: number } | null): p is { x: number; y: number } =>
      !!p && p.x > box.x + 8 && p.x < box.x + box.width - 8 && p.y > Math.max(box.y, 0) + 8 && p.y < Math.min(box.y + box.height, vp.height) - 8;
    const picks: number[] = [];
    const seen = new Set<number>();
    for (let i = 0; i < pos.length && picks.length < 3; i++) {
      const p = pos[i];
      if (!ok(p) || seen.has(exported.labels[i])) continue;
      if (pos.some((q, j) => j !== i && q && Math.hypot(q.x - p.x, q.y - p.y) < 6)) continue;
      picks.push(i);
      seen.add(exported.labels[i]);
    }
    expect(picks.length).toBeGreaterThan(0);
    const tip = panel.getByRole('tooltip');
    for (const i of picks) {
      const p = pos[i]!;
      await page.mouse.move(p.x, p.y);
      await expect(tip).toBeVisible();
      await expect(tip).toHaveAttribute('data-testid', 'point-tooltip');
      await expect(tip).toHaveAttribute('data-index', String(i));
      const label = exported.labels[i];
      const [cx, cy] = exported.centers[label];
      const dist = Math.hypot(exported.points[i][0] - cx, exported.points[i][1] - cy);
      const text = (await tip.textContent()) ?? '';
      expect(text).toContain(`label ${label} · predicted ${predicted[i]} · distance `);
      expect(Number(/distance ([\d.]+)/.exec(text)?.[1])).toBeCloseTo(dist, 2);
      const digit = tip.locator('canvas');
      await expect(digit).toBeVisible();
      expect((await digit.boundingBox())!.width).toBeCloseTo(84, 0);
      // The digit is drawn (MNIST digits have plenty of ink).
      const ink = await digit.evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let k = 0; k < d.length; k += 4) if (d[k] > 128) n++;
        return n;
      });
      expect(ink).toBeGreaterThan(20);
    }
    // Moving off the point hides it; a click pins it until Escape.
    await page.mouse.move(5, 5);
    await expect(tip).toBeHidden();
    const p = pos[picks[0]]!;
    await page.mouse.click(p.x, p.y);
    await expect(tip).toHaveAttribute('data-index', String(picks[0]));
    await page.mouse.move(5, 5);
    await expect(tip).toBeVisible();
    await panel.locator('.scatter-plot').press('Escape');
    await expect(tip).toBeHidden();
  });

  test('a legend click highlights the class in every panel, a second click clears it', async ({ page }) => {
    const legend = (run: (typeof RUNS)[number]) => region(page, run).getByRole('group', { name: 'Highlight a digit class' }).getByRole('button', { name: '3', exact: true });
    await legend('softmax').click();
    for (const run of RUNS) {
      await expect(legend(run)).toHaveAttribute('aria-pressed', 'true');
      await expect(legend(run)).toHaveClass(/active/);
    }
    await legend('center').click();
    for (const run of RUNS) await expect(legend(run)).toHaveAttribute('aria-pressed', 'false');
  });

  test('Shared axes: both plots get one domain containing both runs; the URL says axes=shared', async ({ page }) => {
    const own = [await domainOf(page, 'softmax'), await domainOf(page, 'center')];
    console.log(`own x domains: softmax ${own[0].x.map((v) => v.toFixed(2))} center ${own[1].x.map((v) => v.toFixed(2))}`);
    await page.getByRole('checkbox', { name: 'Shared axes' }).check();
    await expect.poll(() => new URL(page.url()).searchParams.get('axes')).toBe('shared');
    await expect.poll(async () => {
      if (!(await settled(page))) return false;
      const [a, b] = [await domainOf(page, 'softmax'), await domainOf(page, 'center')];
      return Math.abs(a.x[0] - b.x[0]) + Math.abs(a.x[1] - b.x[1]) <= 1e-9 * (a.x[1] - a.x[0]);
    }).toBe(true);
    // The shared domain holds both runs' points.
    const shared = await domainOf(page, 'softmax');
    const inside = (d: Exported) => d.points.every(([x, y]) => x >= shared.x[0] && x <= shared.x[1] && y >= shared.y[0] && y <= shared.y[1]);
    expect(inside(exported)).toBe(true);
    expect(inside(exportedSoftmax)).toBe(true);
    const span = (d: Domain) => d.x[1] - d.x[0];
    expect(span(shared)).toBeGreaterThanOrEqual(Math.min(span(own[0]), span(own[1])) * 0.99);
    const attrs = await Promise.all(RUNS.map((r) => region(page, r).locator('.scatter').getAttribute('data-x-domain')));
    expect(attrs[0]).toBe(attrs[1]);
    await page.getByRole('checkbox', { name: 'Shared axes' }).uncheck();
    await expect.poll(() => new URL(page.url()).searchParams.get('axes')).toBeNull();
  });

  test('Save image downloads a captioned PNG of the plot', async ({ page }) => {
    const [d] = await Promise.all([page.waitForEvent('download'), region(page, 'center').getByRole('button', { name: 'Save image' }).click()]);
    expect(d.suggestedFilename()).toMatch(/^flock-center-step\d+\.png$/);
    await d.saveAs(resolve(ARTIFACTS, 'flock-export-center.png'));
    const png = await readFile(await d.path());
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.length).toBeGreaterThan(20_000);
    const width = png.readUInt32BE(16), height = png.readUInt32BE(20); // IHDR
    expect(width).toBeGreaterThan(600);
    expect(height).toBeGreaterThan(600);
  });

  test('Save all panels downloads one captioned PNG with every panel side by side', async ({ page }) => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save all panels' }).click()]);
    expect(d.suggestedFilename()).toMatch(/^flock-panels-step\d+\.png$/);
    await d.saveAs(resolve(ARTIFACTS, 'flock-panels.png'));
    const png = await readFile(await d.path());
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const width = png.readUInt32BE(16), height = png.readUInt32BE(20);
    const one = await readFile(resolve(ARTIFACTS, 'flock-export-center.png'));
    expect(width).toBe(2 * one.readUInt32BE(16)); // two panels in a row
    expect(height).toBeGreaterThan(one.readUInt32BE(20)); // plus the caption line
  });

  test('Record video: Stop downloads a playable WebM of the animated panels', async ({ page }) => {
    await page.getByRole('button', { name: 'Record video' }).click();
    const stop = page.getByRole('button', { name: /^Stop recording/ });
    await expect(stop).toHaveAttribute('aria-pressed', 'true');
    const before = await steps(page);
    await page.getByRole('button', { name: 'Step', exact: true }).click(); // the points move while recording
    await expect.poll(async () => Math.min(...(await steps(page))), { timeout: 60_000 }).toBeGreaterThan(Math.min(...before));
    await expect(page.getByRole('button', { name: /^Stop recording 0:0[2-9]/ })).toBeVisible({ timeout: 30_000 });
    const [d] = await Promise.all([page.waitForEvent('download'), stop.click()]);
    expect(d.suggestedFilename()).toMatch(/^flock-step\d+\.webm$/);
    await d.saveAs(resolve(ARTIFACTS, 'flock-recording.webm'));
    const webm = await readFile(await d.path());
    expect(webm.subarray(0, 4).toString('hex')).toBe('1a45dfa3'); // EBML header
    expect(webm.includes(Buffer.from('webm'))).toBe(true); // DocType
    expect(webm.length).toBeGreaterThan(2_000);
    await expect(page.getByRole('button', { name: 'Record video' })).toHaveAttribute('aria-pressed', 'false');
    // The browser plays it back: two panels side by side.
    const meta = await page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const v = document.createElement('video');
      v.muted = true;
      v.src = URL.createObjectURL(new Blob([bytes], { type: 'video/webm' }));
      await new Promise((ok, fail) => { v.onloadedmetadata = ok; v.onerror = () => fail(new Error('video did not load')); });
      return { w: v.videoWidth, h: v.videoHeight };
    }, webm.toString('base64'));
    expect(meta.w).toBeGreaterThan(meta.h);
    expect(meta.h).toBeGreaterThan(200);
  });

  test('Download weights, Reset, Load weights: each run resumes at its step with the same probe accuracy', async ({ page }) => {
    const seen: string[] = [];
    await expect.poll(async () => {
      seen.push(JSON.stringify(await Promise.all(RUNS.map((r) => page.getByTestId(`readout-${r}`).textContent()))));
      return seen.length >= 3 && seen.slice(-3).every((t) => t === seen[seen.length - 1]);
    }, { timeout: 60_000, intervals: [1500] }).toBe(true);
    const before = await Promise.all(RUNS.map((r) => page.getByTestId(`readout-${r}`).textContent()));
    const tight = await Promise.all(RUNS.map((r) => page.getByTestId(`compactness-${r}`).textContent()));
    const files: Record<string, string[]> = {};
    for (const run of RUNS) {
      const got = await downloadWeights(page, region(page, run));
      const names = got.map((d) => d.suggestedFilename()).sort();
      expect(names[0]).toMatch(new RegExp(`^flock-${run}-step\\d+-model\\.json$`));
      expect(names[1]).toBe(names[0].replace(/\.json$/, '.weights.bin'));
      files[run] = await Promise.all(got.map(async (d) => { const f = resolve(ARTIFACTS, d.suggestedFilename()); await d.saveAs(f); return f; }));
      const json = JSON.parse(await readFile(files[run].find((f) => f.endsWith('.json'))!, 'utf8'));
      expect(json.format).toBe('flock-run');
      expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toContain('centers');
    }
    await page.getByRole('button', { name: 'Reset' }).click();
    for (const r of RUNS) await expect(page.getByTestId(`readout-${r}`)).toHaveText(/^step 0 /);
    for (const r of RUNS) await page.getByTestId(`load-weights-${r}`).setInputFiles(files[r]);
    for (const [i, r] of RUNS.entries()) {
      await expect(page.getByTestId(`readout-${r}`)).toHaveText(before[i]!, { timeout: 60_000 });
      await expect(page.getByTestId(`compactness-${r}`)).toHaveText(tight[i]!);
    }
    await expect(page.getByTestId('notices')).toContainText('resumed at step');
    for (const r of RUNS) expect(Number(await page.getByTestId(`steps-per-sec-${r}`).textContent()), r).toBeLessThan(100); // no bogus rate from the jump
    // A wrong pick is refused in plain words and changes nothing.
    await page.getByTestId('load-weights-center').setInputFiles(files.center.filter((f) => f.endsWith('.json')));
    await expect(page.getByTestId('notices')).toContainText('pick both files');
    await expect(page.getByTestId('readout-center')).toHaveText(before[1]!);
    await page.getByRole('button', { name: 'Dismiss' }).click();
  });

  test('Copy link gives a URL that reproduces λ, α, model and seed', async ({ page, context }) => {
    await page.getByRole('slider', { name: /λ/ }).focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('lambda-value')).toHaveText('0.5');
    await page.getByRole('slider', { name: /α/ }).focus();
    await page.keyboard.press('ArrowLeft');
    await expect(page.getByTestId('alpha-value')).toHaveText('0.45');
    await page.getByRole('button', { name: 'Copy link' }).click();
    const fallback = page.getByTestId('link-fallback');
    await expect.poll(async () => (await fallback.count()) > 0 || (await page.getByTestId('copy-status').textContent()) === 'Link copied').toBe(true);
    const link = (await fallback.count()) ? await fallback.inputValue() : await page.evaluate(() => navigator.clipboard.readText());
    console.log(`copied link: ${link}${(await fallback.count()) ? ' (fallback field)' : ''}`);
    const { params } = parseQuery(new URL(link).search);
    expect(params).toMatchObject({ lambda: 0.5, alpha: 0.45, model: 'tiny', seed: 1 });
    // Opening it shows the same settings.
    const other = await context.newPage();
    await other.goto(link);
    await expect(other.getByTestId('lambda-value')).toHaveText('0.5');
    await expect(other.getByTestId('alpha-value')).toHaveText('0.45');
    await expect(other.getByRole('combobox', { name: /Model/ })).toHaveValue('tiny');
    await expect(other.getByRole('spinbutton', { name: /Seed/ })).toHaveValue('1');
    await other.close();
  });

  test('every control is reachable with Tab and shows a focus ring; help popover and About', async ({ page }) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await blur(page);
    const seen: string[] = [];
    const ringless: string[] = [];
    for (let k = 0; k < 100; k++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return null;
        const name = el.getAttribute('aria-label') ?? (el.textContent ?? '').trim().slice(0, 30);
        const cs = getComputedStyle(el);
        return { name: `${el.tagName.toLowerCase()}:${name}`, ring: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 };
      });
      if (!f) continue;
      seen.push(f.name);
      if (!f.ring) ringless.push(f.name);
    }
    for (const want of ['button:Copy link', 'button:Dark', 'button:Keyboard shortcuts', 'button:Train', 'button:Reset', 'button:3', 'div:', 'button:CSV', 'button:Save image', 'button:Record video', 'button:Save all panels', 'button:Download weights', 'button:Load weights', 'input:', 'select:']) {
      expect(seen.some((s) => s.startsWith(want)), `${want} in ${seen.join(' | ')}`).toBe(true);
    }
    expect(ringless).toEqual([]);

    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(help).toBeVisible();
    await expect(help).toContainText('Space');
    await expect(help).toContainText('Train / Pause');
    await page.keyboard.press('Escape');
    await expect(help).toBeHidden();

    await page.getByText('About center loss').click();
    const about = page.locator('details.about');
    await expect(about).toHaveAttribute('open', '');
    await expect(about.locator('.eq')).toHaveCount(2);
    await expect(about.getByRole('link', { name: /paper/ })).toHaveAttribute('href', 'https://ydwen.github.io/papers/WenECCV16.pdf');
  });

  test('theme: Dark / Light / System switch <html> and the background; screenshots at 375 and 1440 px', async ({ page, pageErrors }) => {
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.getByRole('button', { name: 'Dark', exact: true }).click();
    await expect(page.locator('html')).toHaveClass(/\bdark\b/);
    expect(await bg()).toBe('rgb(18, 21, 27)');
    expect(await page.evaluate(() => localStorage.getItem('flock-theme'))).toBe('dark');
    await page.screenshot({ path: resolve(ARTIFACTS, 'flock-dark-1440.png'), fullPage: true });

    await page.setViewportSize({ width: 375, height: 812 });
    await expect.poll(() => settled(page)).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    const [a, b] = await Promise.all(RUNS.map(async (r) => (await region(page, r).boundingBox())!));
    // The phone layout: side by side on the first screen (this asserted the old stacked layout before).
    expect(Math.abs(b.y - a.y)).toBeLessThanOrEqual(4);
    expect(b.x).toBeGreaterThanOrEqual(a.x + a.width);
    await page.screenshot({ path: resolve(ARTIFACTS, 'flock-dark-375.png'), fullPage: true });

    await page.getByRole('button', { name: 'Light', exact: true }).click();
    await expect(page.locator('html')).toHaveClass(/\blight\b/);
    expect(await bg()).toBe('rgb(255, 255, 255)');
    await page.screenshot({ path: resolve(ARTIFACTS, 'flock-light-375.png'), fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });
    await expect.poll(() => settled(page)).toBe(true);
    await page.screenshot({ path: resolve(ARTIFACTS, 'flock-light-1440.png'), fullPage: true });

    await page.getByRole('button', { name: 'System', exact: true }).click();
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(page.locator('html')).toHaveClass(/\bdark\b/);
    await page.emulateMedia({ colorScheme: 'light' });
    await expect(page.locator('html')).toHaveClass(/\blight\b/);
    expect(pageErrors).toEqual([]);
  });

  test('closing the tab while recording asks first, then closes cleanly; the app opens again', async ({ page, server, context, pageErrors }) => {
    await page.getByRole('button', { name: 'Record video' }).click();
    await expect(page.getByRole('button', { name: /^Stop recording/ })).toBeVisible();
    const dialogs: string[] = [];
    page.on('dialog', (d) => { dialogs.push(d.type()); void d.accept(); });
    await page.close({ runBeforeUnload: true });
    await expect.poll(() => page.isClosed(), { timeout: 30_000 }).toBe(true);
    expect(dialogs).toEqual(['beforeunload']);
    expect(pageErrors).toEqual([]);
    const again = await context.newPage();
    await again.goto(appUrl(server.url, { model: 'tiny', seed: 1 }));
    await expect(again.getByRole('button', { name: 'Train' })).toBeEnabled({ timeout: 120_000 });
    await expect(again.getByRole('button', { name: 'Record video' })).toHaveAttribute('aria-pressed', 'false');
    await again.close();
  });
});
