/**
 * The README's own commands, not our test server: `npm run dev` (Vite's dev server) and `vite preview`
 * of the production build (`npm run build`), each on a free port. Both answer `/data/*.gz` with
 * `Content-Encoding: gzip`, so the browser hands the worker already-decompressed IDX bytes; the app
 * must load MNIST and train both runs a few steps in Chromium with WebGPU all the same.
 */
import type { Browser } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { test, expect } from '../testkit/fixtures';
import { webgpu } from '../testkit/browser.mjs';
import { appUrl, stepsOf } from '../testkit/app';

const ROOT = resolve(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** A TCP port that was free a moment ago (the server then claims it with --strictPort). */
async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

interface Started { proc: ChildProcess; url: string; output: () => string }

/** Runs `npm run <script> -- --port P --strictPort --host 127.0.0.1` and waits until the page answers. */
async function startServer(script: 'dev' | 'preview'): Promise<Started> {
  const port = await freePort();
  const proc = spawn(npm, ['run', script, '--', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
    cwd: ROOT,
    detached: process.platform !== 'win32', // its own process group, so teardown stops vite too
    env: { ...process.env, BROWSER: 'none', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout!.on('data', (d) => { log += d; });
  proc.stderr!.on('data', (d) => { log += d; });
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`npm run ${script} exited with ${proc.exitCode}:\n${log}`);
    try {
      if ((await fetch(url)).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`npm run ${script} did not answer on ${url} within 180 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return { proc, url, output: () => log };
}

function stop(s: Started | undefined): void {
  if (!s || s.proc.exitCode !== null) return;
  try {
    if (process.platform === 'win32') s.proc.kill();
    else process.kill(-s.proc.pid!, 'SIGTERM');
  } catch { /* already gone */ }
}

/** Runs a command to completion (the production build), failing with its output. */
async function runToEnd(args: string[]): Promise<void> {
  const proc = spawn(npm, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
  let log = '';
  proc.stdout!.on('data', (d) => { log += d; });
  proc.stderr!.on('data', (d) => { log += d; });
  const code = await new Promise<number | null>((ok) => proc.on('close', ok));
  if (code !== 0) throw new Error(`npm ${args.join(' ')} failed (${code}):\n${log}`);
}

test.describe.serial("the README's commands serve a working app", () => {
  test.skip(() => !webgpu().available, webgpu().reason);
  let server: Started | undefined;
  test.afterEach(() => { stop(server); server = undefined; });

  /** Opens the app, trains both runs ≥ 3 steps, and checks that no data error appeared. */
  async function trainsBothRuns(browser: Browser, url: string): Promise<void> {
    // What the server does with the data files, recorded for the report (the reason this test exists).
    const head = await fetch(`${url}data/t10k-labels-idx1-ubyte.gz`, { headers: { 'Accept-Encoding': 'gzip' } });
    test.info().annotations.push({ type: 'data Content-Encoding', description: head.headers.get('content-encoding') ?? '(none)' });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(appUrl(url, { model: 'tiny', seed: 1, probe: 500 }));
      await expect(page.getByTestId('backend')).toContainText('WebGPU', { timeout: 180_000 });
      await expect(page.getByRole('button', { name: 'Train' })).toBeEnabled({ timeout: 180_000 });
      await expect(page.getByTestId('error')).toHaveCount(0);
      // The dev server reloads the page when a source file changes under it (or after optimising a
      // dependency late): press Train again whenever the page shows it, until both runs have stepped.
      const train = page.getByRole('button', { name: 'Train', exact: true });
      const steps = async () => {
        // count() first: isEnabled() on a button that is not there (it reads Pause now) would wait for it.
        if ((await train.count()) && (await train.isEnabled())) await train.click().catch(() => {});
        return Math.min(...(await stepsOf(page, ['softmax', 'center'])));
      };
      await expect.poll(steps, { timeout: 300_000, intervals: [1000] }).toBeGreaterThanOrEqual(3);
      await page.getByRole('button', { name: 'Pause' }).click();
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }

  test('npm run dev: MNIST loads and both runs train', async ({ browser }) => {
    server = await startServer('dev');
    await trainsBothRuns(browser, server.url);
  });

  test('npm run build, then npm run preview: MNIST loads and both runs train', async ({ browser }) => {
    await runToEnd(['run', 'build']);
    server = await startServer('preview');
    await trainsBothRuns(browser, server.url);
  });
});
