/**
 * Timings that used to be unit-test assertions (they fail on a loaded machine, so they are measured
 * here and printed; a limit is only reported, never asserted):
 *   - scripts/prepare-data.mjs when the data is already current (Node start-up + a few stat calls),
 *   - lerpPoints: 60 animation frames of 10,000 points.
 *   EXP=bench/timing.exp.ts npx vitest run --config bench/vitest.tune.config.ts
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { lerpPoints } from '../src/ui/scatter/geometry';

const root = resolve(__dirname, '..');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

it('prepare-data, second run', () => {
  const script = resolve(root, 'scripts/prepare-data.mjs');
  execFileSync(process.execPath, [script], { cwd: root });
  const ms = Array.from({ length: 5 }, () => {
    const t0 = performance.now();
    const out = execFileSync(process.execPath, [script], { cwd: root, encoding: 'utf8' });
    expect(out.trim()).toBe('data: up to date');
    return performance.now() - t0;
  });
  console.log(`prepare-data (up to date): median ${median(ms).toFixed(0)} ms of 5 (target < 2000 ms)`);
});

it('lerpPoints, 60 frames × 10k points', () => {
  const n = 10_000;
  const a = new Float32Array(2 * n).map((_, i) => Math.sin(i));
  const b = new Float32Array(2 * n).map((_, i) => Math.cos(i));
  const out = new Float32Array(2 * n);
  const ms = Array.from({ length: 5 }, () => {
    const t0 = performance.now();
    for (let k = 0; k < 60; k++) lerpPoints(a, b, k / 60, out);
    return performance.now() - t0;
  });
  console.log(`lerpPoints 60 × 10k: median ${median(ms).toFixed(1)} ms of 5 (target < 500 ms)`);
});
