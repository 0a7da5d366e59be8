/**
 * Once per Playwright run (e2e and benchmark configs): which browser, and does it have WebGPU? Says so
 * in two lines and hands the answer to the workers in $FLOCK_WEBGPU, where WebGPU-only specs skip
 * themselves (testkit/browser.mjs webgpu()). `npm test` checks before building and sets $FLOCK_WEBGPU
 * itself, so nothing is probed or printed twice.
 */
import { checkBrowser, WEBGPU_ENV } from '../scripts/webgpu-probe.mjs';
import { locateBrowser } from '../scripts/find-browser.mjs';

export default async function globalSetup(): Promise<void> {
  if (process.env[WEBGPU_ENV]) return;
  const found = locateBrowser();
  if (!found.ok) {
    console.error(found.message);
    process.exit(1);
  }
  const r = await checkBrowser(found.path, found.source);
  for (const line of r.lines) (r.ok ? console.log : console.error)(line);
  if (!r.ok) process.exit(1);
  process.env[WEBGPU_ENV] = r.env;
}
