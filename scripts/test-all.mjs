#!/usr/bin/env node
/**
 * `npm test`: every suite, then one closing line "N passed, N failed" summing them all.
 *   1. type-check (UI and worker configs), lint (ESLint)  2. Vitest unit tests (Node, tfjs CPU backend)
 *   3. build the e2e site (dist-e2e/)       4. Playwright e2e (headless Chromium, WebGPU via SwiftShader)
 *   5. benchmark smoke (one short window per case) — so `npm run bench` cannot rot.
 *   Also `npm audit --omit=dev` (no high/critical), counted where the registry's audit endpoint answers.
 * The browser is looked up first (scripts/find-browser.mjs: $CHROMIUM_PATH, Playwright's Chromium, the
 * system's Chrome/Chromium): none found, one line saying what to install and nothing runs. Before the
 * e2e build it says which browser and version, and whether it has WebGPU; without WebGPU the
 * WebGPU-only tests are reported as skipped ("N passed, N failed, N skipped").
 * Also, where a python3 with torch exists, the PyTorch reference's golden-vector and cross-check scripts (--check).
 * Set FLOCK_SKIP_E2E=1 to stop after the unit tests (no browser needed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, mkdirSync } from 'node:fs';
import { locateBrowser } from './find-browser.mjs';
import { checkBrowser, WEBGPU_ENV } from './webgpu-probe.mjs';

mkdirSync('test-results', { recursive: true });
let passed = 0;
let failed = 0;
let skipped = 0;
const t0 = Date.now();
const closing = () => `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;

// No browser: say what to install in one line, before spending minutes on the other suites.
const browser = process.env.FLOCK_SKIP_E2E ? null : locateBrowser();
if (browser && !browser.ok) {
  console.log(`${browser.message} (FLOCK_SKIP_E2E=1 npm test runs the suites that need no browser.)`);
  failed++;
  console.log(closing());
  process.exit(1);
}

function run(label, cmd, args, env = {}) {
  const t = Date.now();
  console.log(`\n=== ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env }, shell: process.platform === 'win32' });
  console.log(`=== ${label}: exit ${r.status} in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  return r.status === 0;
}

function countVitest(file) {
  if (!existsSync(file)) return false;
  const j = JSON.parse(readFileSync(file, 'utf8'));
  passed += j.numPassedTests;
  failed += j.numFailedTests;
  return true;
}

function countPlaywright(file) {
  if (!existsSync(file)) return false;
  const s = JSON.parse(readFileSync(file, 'utf8')).stats;
  passed += s.expected;
  failed += s.unexpected + s.flaky;
  skipped += s.skipped;
  return true;
}

// 1. Type-check counts as one check.
if (run('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json']) && run('typecheck worker', 'npx', ['tsc', '-p', 'tsconfig.worker.json'])) passed++;
else failed++;

// 1b. Lint (ESLint: typescript-eslint recommended, React's rules of hooks) counts as one check.
if (run('lint', 'npx', ['eslint', '.'])) passed++;
else failed++;

// 2. Unit tests.
const unitOk = run('unit', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=test-results/unit.json']);
if (!countVitest('test-results/unit.json')) failed++;
else if (!unitOk && failed === 0) failed++;

// 3. Security: no high or critical advisory in the production dependencies (where the registry answers audits).
const audit = spawnSync('node', ['scripts/audit.mjs'], { stdio: 'inherit' }).status;
if (audit === 0) passed++;
else if (audit === 1) failed++;
else console.log('=== audit: not counted (endpoint unavailable)');

// 3b. The PyTorch reference's own checks (golden vectors and the rules' cross-check against each source's
// code, recomputed in float64), where a python3 with torch is installed (Debian: python3-torch); else not counted.
const python = ['python3', '/usr/bin/python3'].find((py) => spawnSync(py, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0);
if (!python) console.log('\n=== reference checks: not counted (no python3 with torch; Debian: apt-get install python3-torch)');
else {
  for (const script of ['bench/reference/golden.py', 'bench/reference/crosscheck.py', 'bench/reference/losses_golden.py']) {
    if (run(`reference check ${script}`, python, [script, '--check'])) passed++;
    else failed++;
  }
}

/** Which browser, its version, and whether it has WebGPU (said once; the Playwright runs inherit the answer). */
async function browserCheck(path, source) {
  const r = await checkBrowser(path, source);
  console.log('');
  for (const line of r.lines) console.log(`=== ${line}`);
  if (r.env) process.env[WEBGPU_ENV] = r.env;
  return r.ok;
}

if (browser && !(await browserCheck(browser.path, browser.source))) failed++;
else if (browser) {
  // 3–4. Build the e2e site, then the browser suite.
  if (!run('prepare data', 'node', ['scripts/prepare-data.mjs']) || !run('build e2e', 'npx', ['vite', 'build', '--mode', 'e2e'])) failed++;
  else {
    // Nothing test-only in the bundle users download (a production build, checked against the e2e build's marks).
    if (run('bundle check', 'node', ['scripts/check-bundle.mjs'])) passed++;
    else failed++;
    const e2eOk = run('e2e', 'npx', ['playwright', 'test']);
    if (!countPlaywright('test-results/e2e.json')) failed++;
    else if (!e2eOk && failed === 0) failed++;
  }
  // 5. Benchmark smoke: one short window per case, so `npm run bench` cannot rot.
  if (run('bench smoke', 'npx', ['playwright', 'test', '-c', 'bench/playwright.config.ts'], { BENCH_SMOKE: '1' })) passed++;
  else failed++;
}

console.log(`\nall suites in ${((Date.now() - t0) / 60000).toFixed(1)} min`);
console.log(closing());
process.exit(failed ? 1 : 0);
