/**
 * Faults a long in-tab training session meets, forced through test hooks compiled only into the
 * e2e build (window.__flockDebug → the worker): a diverging run, a lost GPU device, a crashed worker,
 * a hung worker. Each time the user sees what happened in plain words and no run restarts from step 0.
 */
import type { Page } from '@playwright/test';
import { test, expect, sharePage } from '../testkit/fixtures';
import { webgpu } from '../testkit/browser.mjs';
import { appUrl, openApp, stepOfRun } from '../testkit/app';

type Hook = (action: 'lose-device' | 'crash' | 'hang' | 'poison', run?: string) => void;

const hook = (page: Page, action: Parameters<Hook>[0], run?: string) =>
  page.evaluate(([a, r]) => (window as unknown as { __flockDebug: Hook }).__flockDebug(a as Parameters<Hook>[0], r), [action, run]);

test.describe.serial('faults', () => {
  const shared = sharePage({ context: { viewport: { width: 1280, height: 720 } } });

  test.beforeAll(async () => {
    const { page, server } = shared;
    await openApp(page, server.url, { model: 'tiny', seed: 3 });
    await page.getByRole('button', { name: 'Train' }).click();
    // Checkpoints are kept every 5 s: train long enough to have one past step 0.
    await expect.poll(() => stepOfRun(page, 'center'), { timeout: 180_000 }).toBeGreaterThanOrEqual(12);
  });

  test('a diverging run pauses itself with a message, the others go on, and rollback resumes it', async ({ page }) => {
    await hook(page, 'poison', 'center');
    const banner = page.getByTestId('diverged-center');
    await expect(banner).toBeVisible({ timeout: 60_000 });
    await expect(banner).toContainText('diverged');
    const frozen = await stepOfRun(page, 'center');
    const soft = await stepOfRun(page, 'softmax');
    await expect.poll(() => stepOfRun(page, 'softmax'), { timeout: 60_000 }).toBeGreaterThan(soft + 2);
    expect(await stepOfRun(page, 'center')).toBe(frozen);
    await banner.getByRole('button', { name: 'Roll back to last good checkpoint' }).click();
    await expect(page.getByTestId('notices')).toContainText(/Rolled back to step \d+/);
    await expect(banner).toHaveCount(0);
    const back = Number(/Rolled back to step (\d+)/.exec((await page.getByTestId('notices').textContent()) ?? '')![1]);
    expect(back).toBeGreaterThan(0);
    expect(back).toBeLessThanOrEqual(frozen);
    await expect.poll(() => stepOfRun(page, 'center'), { timeout: 60_000 }).toBeGreaterThan(back + 2);
    await page.getByTestId('notices').getByRole('button', { name: 'Dismiss' }).click();
  });

  for (const [action, words] of [
    ['lose-device', /GPU device was lost/],
    ['crash', /worker crashed/],
    ['hang', /stopped responding/],
  ] as const) {
    test(`${action}: reported, the worker is respawned and every run resumes from its checkpoint`, async ({ page }) => {
      test.skip(action === 'lose-device' && !webgpu().available, webgpu().reason);
      const before = Math.max(await stepOfRun(page, 'center'), await stepOfRun(page, 'softmax'));
      await hook(page, action);
      const notices = page.getByTestId('notices');
      await expect(notices).toContainText(words, { timeout: 60_000 });
      const text = (await notices.textContent()) ?? '';
      const at = Number(/checkpoint at step (\d+)/.exec(text)?.[1] ?? -1);
      expect(at).toBeGreaterThan(0);
      expect(at).toBeLessThanOrEqual(before + 20);
      await expect(page.getByTestId('backend')).toContainText(webgpu().available ? 'WebGPU' : /WebGL|CPU/, { timeout: 120_000 });
      // Training goes on by itself from the checkpoint, never from step 0.
      await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible({ timeout: 120_000 });
      await expect.poll(() => stepOfRun(page, 'softmax'), { timeout: 120_000 }).toBeGreaterThan(at);
      expect(await stepOfRun(page, 'center')).toBeGreaterThan(0);
      await notices.getByRole('button', { name: 'Dismiss' }).click();
    });
  }

  test('hundreds of λ changes in a burst leave UI, URL and worker agreeing on the last value', async ({ page }) => {
    await page.evaluate(() => {
      const el = document.getElementById('lambda') as HTMLInputElement;
      const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      for (let i = 0; i < 600; i++) {
        set.call(el, String(i % 14));
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }
      set.call(el, '5'); // stop 5 = 0.01
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await expect(page.getByTestId('lambda-value')).toHaveText('0.01');
    await expect.poll(() => new URL(page.url()).searchParams.get('lambda')).toBe('0.01');
    const region = page.getByRole('region', { name: 'Softmax + center loss', exact: true });
    await expect(region.locator('.metrics div').filter({ hasText: /^λ/ })).toContainText('0.01', { timeout: 60_000 });
  });

  test('switching the model mid-step, twice, restarts every run on the last model chosen', async ({ page }) => {
    await page.getByRole('combobox', { name: /Model/ }).selectOption('conv');
    await expect(page.getByTestId('backend')).toContainText('Mini CNN', { timeout: 60_000 });
    await expect(page.getByRole('button', { name: 'Train' })).toBeVisible();
    await expect(page.getByTestId('readout-center')).toContainText('step 0');
    // Back to tiny while the CNN's first probe is still in flight (slow on a software GPU): it is cancelled.
    await page.getByRole('combobox', { name: /Model/ }).selectOption('tiny');
    await expect(page.getByTestId('backend')).toContainText('Tiny MLP', { timeout: 120_000 });
    await expect(page.getByTestId('readout-center')).toContainText('step 0 ', { timeout: 120_000 });
    await page.getByRole('button', { name: 'Step' }).click();
    await expect(page.getByTestId('readout-center')).toContainText('step 1 ', { timeout: 120_000 });
    await expect(page.getByTestId('readout-softmax')).toContainText('step 1 ');
  });

  test('Reset while a step is in flight leaves both runs consistently at step 0', async ({ page }) => {
    await page.getByRole('button', { name: 'Step' }).click();
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect(page.getByTestId('readout-center')).toContainText('step 0 ', { timeout: 60_000 });
    await expect(page.getByTestId('readout-softmax')).toContainText('step 0 ');
    await page.waitForTimeout(1500); // a late snapshot from the old session must not show up
    await expect(page.getByTestId('readout-center')).toContainText('step 0 ');
    await page.getByRole('button', { name: 'Step' }).click();
    await expect(page.getByTestId('readout-center')).toContainText('step 1 ', { timeout: 60_000 });
    await expect(page.getByTestId('readout-softmax')).toContainText('step 1 ');
  });
});

test('a slow download shows byte progress and can be cancelled, then retried', async ({ page, serve }) => {
  const server = await serve({ throttle: { match: /train-images/, bytesPerSecond: 400_000 } });
  await page.goto(appUrl(server.url, { model: 'tiny' }));
  const bar = page.getByRole('progressbar', { name: 'Loading MNIST' });
  await expect(bar).toBeVisible();
  await expect.poll(async () => Number(await bar.getAttribute('value')), { timeout: 60_000 }).toBeGreaterThan(500_000);
  await expect(page.getByText(/Loading MNIST… [\d.]+ MB \/ 1\d\.\d MB/)).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  const error = page.getByTestId('error');
  await expect(error).toContainText('cancelled');
  await expect(page.getByRole('button', { name: 'Train' })).toBeDisabled();
});

test('an unknown or unavailable ?backend= is explained and the best backend is used', async ({ plainBrowser, server }) => {
  const page = await plainBrowser.newPage();
  await page.goto(`${server.url}?model=tiny&backend=vulkan`);
  await expect(page.getByTestId('notices')).toContainText('backend');
  await expect(page.getByTestId('backend')).toContainText(/WebGL|CPU/, { timeout: 120_000 });
  await page.goto(`${server.url}?model=tiny&backend=webgpu`);
  await expect(page.getByTestId('fallback-banner')).toContainText('webgpu was asked for but is unavailable', { timeout: 120_000 });
  await page.goto(`${server.url}?model=tiny&backend=cpu`);
  await expect(page.getByTestId('backend')).toContainText('CPU', { timeout: 120_000 });
  await page.getByRole('button', { name: 'Train' }).click();
  await expect.poll(async () => stepOfRun(page, 'center'), { timeout: 120_000 }).toBeGreaterThanOrEqual(3);
});
