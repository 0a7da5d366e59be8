/**
 * How the e2e suite, the benchmark and the bench scripts start Chromium: headless, offline, the binary
 * found by scripts/find-browser.mjs ($CHROMIUM_PATH, Playwright's own Chromium, or the system's
 * Chrome/Chromium; see CONTRIBUTING.md). WebGPU in headless Chromium needs `--enable-unsafe-webgpu`
 * (on machines without a GPU the adapter is SwiftShader); without it `tf.setBackend('webgpu')`
 * resolves false and tfjs falls back to WebGL. Plain JavaScript (types in browser.d.mts) so that the
 * `node bench/*.mjs` scripts share it with the TypeScript specs.
 */
import { chromium } from 'playwright';
import { chromiumArgs as flags, locateBrowser } from '../scripts/find-browser.mjs';
import { webgpuFromEnv } from '../scripts/webgpu-probe.mjs';

/** Chromium binary (scripts/find-browser.mjs); throws its one-line explanation where there is none. */
export function executablePath() {
  const found = locateBrowser();
  if (!found.ok) throw new Error(found.message);
  return found.path;
}

/** Launch flags. `webgpu = false` leaves WebGPU off (the page then gets WebGL or CPU). */
export function chromiumArgs(webgpu = true) {
  return flags(webgpu);
}

/** Headless Chromium with the suite's flags, WebGPU on unless `webgpu: false`, plus `args`. */
export function launchChromium({ webgpu = true, args = [], executable } = {}) {
  return chromium.launch({ headless: true, executablePath: executable ?? executablePath(), args: [...chromiumArgs(webgpu), ...args] });
}

/**
 * Whether the browser has WebGPU with these flags, as probed once per run (testkit/global-setup.ts or
 * `npm test`). For WebGPU-only tests: `test.skip(() => !webgpu().available, webgpu().reason)`.
 */
export function webgpu() {
  return webgpuFromEnv(process.env);
}
