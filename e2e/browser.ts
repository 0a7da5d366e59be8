/**
 * How the e2e suite and the benchmark launch Chromium: headless, offline, the binary found by
 * scripts/find-browser.mjs ($CHROMIUM_PATH, Playwright's own Chromium, or the system's Chrome/Chromium;
 * see CONTRIBUTING.md). WebGPU in headless Chromium needs `--enable-unsafe-webgpu` (on machines
 * without a GPU the adapter is SwiftShader); without it `tf.setBackend('webgpu')` resolves false and
 * tfjs falls back to WebGL.
 */
import { chromiumArgs as flags, locateBrowser } from '../scripts/find-browser.mjs';
import { webgpuFromEnv } from '../scripts/webgpu-probe.mjs';

/** Chromium binary (scripts/find-browser.mjs); throws its one-line explanation where there is none. */
export function executablePath(): string {
  const found = locateBrowser();
  if (!found.ok) throw new Error(found.message);
  return found.path;
}

/** Launch flags. `webgpu = false` leaves WebGPU off (the page then gets WebGL or CPU). */
export function chromiumArgs(webgpu = true): string[] {
  return flags(webgpu);
}

/**
 * Whether the browser has WebGPU with these flags, as probed once per run (e2e/global-setup.ts or
 * `npm test`). For WebGPU-only tests: `test.skip(() => !webgpu().available, webgpu().reason)`.
 */
export function webgpu(): { available: boolean; reason: string } {
  return webgpuFromEnv(process.env);
}
