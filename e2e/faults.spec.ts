/**
 * Faults a long in-tab training session meets, forced through test hooks compiled only into the
 * e2e build (window.__flockDebug → the worker): a diverging run, a lost GPU device, a crashed worker,
 * a hung worker. Each time the user sees what happened in plain words and no run restarts from step 0.
 */
import { test, expect, chromium, type Browser, type Page } from '@playwright/test';
import { resolve } from 'node:path';
import { serveStatic } from './serve';
import { chromiumArgs, executablePath } from './browser';

const ROOT = resolve(import.meta.dirname, '../dist-e2e');
type Hook = (action: 'lose-device' | 'crash' | 'hang' | 'poison', run?: string) => void;

function stepOf(text: string | null): number {
  const m = /step (\d+)/.exec(text ?? '');
  return m ? Number(m[1]) : -1;
}
const step = async (page: Page, run: string) => stepOf(await page.getByTestId(`readout-${run}`).textContent());
const hook = (page: Page, action: Parameters<Hook>[0], run?: string) =>
  page.evaluate(([a, r]) => (window as unknown as { __flockDebug: Hook }).__flockDebug(a as Parameters<Hook>[0], r), [action, run]);

test.describe.serial('faults', () => {
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let browser: Browser;
  let page: Page;

  test.beforeAll(async () => {
    server = await serveStatic(ROOT, '/flock/');
    browser = await chromium.launch({ executablePath: executablePath(), args: chromiumArgs(true) });
    page = await browser.newPage();
    page.on('pageerror', (e) => console.log('[pageerror]', e.message));
    await page.goto(`${server.url}?model=tiny&seed=3`);
    await expect(page.getByRole('button', { name: 'Train' })).toBeEnabled({ timeout: 120_000 });
    await page.getByRole('button', { name: 'Train' }).click();
    // Checkpoints are kept every 5 s: train long enough to have one past step 0.
    await expect.poll(() => step(page, 'center'), { timeout: 180_000 }).toBeGreaterThanOrEqual(12);
  });

  test.afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a diverging run pauses itself with a message, the others go on, and rollback resumes it', async () => {
    await hook(page, 'poison', 'center');
    const banner = page.getByTestId('diverged-center');
    await expect(banner).toBeVisible({ timeout: 60_000 });
    await expect(banner).toContainText('diverged');
    const frozen = await step(page, 'center');
    const soft = await step(page, 'softmax');
    await expect.poll(() => step(page, 'softmax'), { timeout: 60_000 }).toBeGreaterThan(soft + 2);
    expect(await step(page, 'center')).toBe(frozen);
    await banner.getByRole('button', { name: 'Roll back to last good step' }).click();
    await expect(page.getByTestId('notices')).toContainText(/Rolled back to step \d+/);
    await expect(banner).toHaveCount(0);
    const back = Number(/Rolled back to step (\d+)/.exec((await page.getByTestId('notices').textContent()) ?? '')![1]);
    expect(back).toBeGreaterThan(0);
    expect(back).toBeLessThanOrEqual(frozen);
    await expect.poll(() => step(page, 'center'), { timeout: 60_000 }).toBeGreaterThan(back + 2);
    await page.getByTestId('notices').getByRole('button', { name: 'Dismiss' }).click();
  });

  for (const [action, words] of [
    ['lose-device', /GPU device was lost/],
    ['crash', /worker crashed/],
    ['hang', /stopped responding/],
  ] as const) {
    test(`${action}: reported, the worker is respawned and every run resumes from its checkpoint`, async () => {
      const before = Math.max(await step(page, 'center'), await step(page, 'softmax'));
      await hook(page, action);
      const notices = page.getByTestId('notices');
      await expect(notices).toContainText(words, { timeout: 60_000 });
      const text = (await notices.textContent()) ?? '';
      const at = Number(/checkpoint at step (\d+)/.exec(text)?.[1] ?? -1);
      expect(at).toBeGreaterThan(0);
      expect(at).toBeLessThanOrEqual(before + 20);
      await expect(page.getByTestId('backend')).toContainText('WebGPU', { timeout: 120_000 });
      // Training goes on by itself from the checkpoint, never from step 0.
      await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible({ timeout: 120_000 });
      await expect.poll(() => step(page, 'softmax'), { timeout: 120_000 }).toBeGreaterThan(at);
      expect(await step(page, 'center')).toBeGreaterThan(0);
      await notices.getByRole('button', { name: 'Dismiss' }).click();
    });
  }
});
