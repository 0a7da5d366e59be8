#!/usr/bin/env node
/**
 * Nothing test-only in the bundle users download: builds the production site (`vite build`) into a
 * temporary folder and looks for the marks of test-only code in it. Each mark must be present in the
 * e2e build (dist-e2e/, built first), so a mark that no longer names anything fails here instead of
 * passing for nothing. Exit 0: clean; 1: a mark found in the production bundle, or missing from dist-e2e.
 *   node scripts/check-bundle.mjs            (after `npm run build:e2e`)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Strings only test-only code contains: the e2e globals, the worker's test hooks, the axes' test attributes (data-x-domain, set as dataset.xDomain), the harness pages. */
const MARKS = ['__flockScatter', '__flockDebug', 'test hook', 'xDomain', 'yDomain', 'harness'];

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : /\.(js|html|css)$/.test(name) ? [p] : [];
  });
}
function marksIn(dir) {
  const text = filesUnder(dir).map((f) => readFileSync(f, 'utf8')).join('\n');
  return new Set(MARKS.filter((m) => text.includes(m)));
}

if (!existsSync('dist-e2e')) {
  console.error('check-bundle: dist-e2e/ is missing; run `npm run build:e2e` first.');
  process.exit(1);
}
const out = mkdtempSync(join(tmpdir(), 'flock-dist-'));
try {
  const r = spawnSync('npx', ['vite', 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
  const inE2e = marksIn('dist-e2e');
  const inDist = marksIn(out);
  const missing = MARKS.filter((m) => !inE2e.has(m));
  const leaked = MARKS.filter((m) => inDist.has(m));
  if (missing.length) console.error(`check-bundle: these marks are not in the e2e build, so they mark nothing: ${missing.join(', ')}`);
  if (leaked.length) console.error(`check-bundle: test-only code in the production bundle: ${leaked.join(', ')}`);
  if (missing.length || leaked.length) process.exit(1);
  console.log(`check-bundle: the production bundle has none of ${MARKS.length} test-only marks (all present in the e2e build).`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
