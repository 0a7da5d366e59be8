/**
 * Does the browser the tests launch have WebGPU? One headless launch with the e2e flags, one page on a
 * secure origin (http://localhost, answered by Playwright without a server), navigator.gpu →
 * requestAdapter() → requestDevice(). The answer travels to the Playwright workers in $FLOCK_WEBGPU
 * ("yes: <adapter>" or "no: <reason>"): set by `npm test`, which probes once for the whole run, or
 * else by testkit/global-setup.ts. Specs that need WebGPU skip themselves with the reason where it is "no".
 *
 *   node scripts/webgpu-probe.mjs   says which browser the tests would use, its version, and whether it
 *                                   has WebGPU (what `npm test` prints before the e2e build)
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { chromiumArgs, locateBrowser } from './find-browser.mjs';

export const WEBGPU_ENV = 'FLOCK_WEBGPU';

/**
 * @param {string} executablePath
 * @param {{ args?: string[], timeoutMs?: number }} [options]
 * @returns {Promise<import('./webgpu-probe.d.mts').WebGPUProbe>}  throws where the browser does not start
 */
export async function probeWebGPU(executablePath, { args = chromiumArgs(true), timeoutMs = 60_000 } = {}) {
  /** @type {typeof import('playwright-core')} */
  const { chromium } = createRequire(import.meta.url)('playwright-core');
  const browser = await chromium.launch({ executablePath, args, headless: true, timeout: timeoutMs });
  try {
    const page = await browser.newPage();
    await page.route('http://localhost/**', (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>WebGPU probe</title>' }));
    await page.goto('http://localhost/webgpu-probe', { timeout: timeoutMs });
    const r = await page.evaluate(async () => {
      const gpu = /** @type {any} */ (navigator).gpu;
      if (!gpu) return { available: false, reason: 'navigator.gpu is missing' };
      const adapter = await gpu.requestAdapter();
      if (!adapter) return { available: false, reason: 'navigator.gpu.requestAdapter() returned null' };
      try {
        const device = await adapter.requestDevice();
        device.destroy();
      } catch (e) {
        return { available: false, reason: `requestDevice() failed: ${String(e)}` };
      }
      const info = adapter.info ?? {};
      return { available: true, reason: '', adapter: [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unnamed adapter' };
    });
    return { ...r, version: browser.version() };
  } finally {
    await browser.close();
  }
}

/**
 * The line that says what the probe found.
 * @param {import('./webgpu-probe.d.mts').WebGPUProbe} r
 */
export function describeWebGPU(r) {
  return r.available
    ? `WebGPU: yes (adapter: ${r.adapter})`
    : `WebGPU: not available in this browser (${r.reason}, with --enable-unsafe-webgpu): the WebGPU-only tests are reported as skipped`;
}

/** @param {import('./webgpu-probe.d.mts').WebGPUProbe} r */
export function webgpuToEnv(r) {
  return r.available ? `yes: ${r.adapter}` : `no: ${r.reason}`;
}

/**
 * What the probe found, from $FLOCK_WEBGPU; unset (a spec run by some other config) counts as available.
 * @param {Record<string, string | undefined>} [env]
 * @returns {{ available: boolean, reason: string }}
 */
export function webgpuFromEnv(env = process.env) {
  const v = env[WEBGPU_ENV];
  if (!v || !v.startsWith('no')) return { available: true, reason: '' };
  return { available: false, reason: `no WebGPU in this browser (${v.replace(/^no:?\s*/, '') || 'probe said no'})` };
}

/**
 * Which browser (path, how it was found, `--version`) and whether it has WebGPU: the lines `npm test`
 * prints before building for the e2e suite. `ok` is false where the browser does not start.
 * @param {string} path
 * @param {string} source
 * @returns {Promise<{ ok: boolean, lines: string[], env?: string }>}
 */
export async function checkBrowser(path, source) {
  // chrome.exe has no --version on Windows (it opens a window): there the launched browser says it.
  const v = process.platform === 'win32' ? null : spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  const version = (v?.stdout ?? '').trim().split('\n')[0];
  try {
    const probe = await probeWebGPU(path);
    return { ok: true, lines: [`browser: ${path} (${source}), ${version || `version ${probe.version}`}`, describeWebGPU(probe)], env: webgpuToEnv(probe) };
  } catch (e) {
    return { ok: false, lines: [`browser: ${path} (${source}) does not start: ${String(/** @type {Error} */ (e)?.message ?? e).split('\n')[0]}`] };
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const found = locateBrowser();
  if (!found.ok) {
    console.log(found.message);
    process.exit(1);
  }
  const r = await checkBrowser(found.path, found.source);
  for (const line of r.lines) console.log(line);
  process.exit(r.ok ? 0 : 1);
}
