/**
 * The parts of the WGSL convolution kernels (src/train/convKernelsWebgpu.ts) that need no GPU: the
 * filter-gradient plan (chunks cover every output row exactly once; dispatch and invocation counts
 * for the real-GPU prediction) and the URL switch. The kernels themselves are checked in the browser
 * (e2e/convKernel.spec.ts).
 */
import { describe, expect, it } from 'vitest';
import { filterGradPlan, presetConvLayers, tuneConvKernels } from '../src/train/convKernelsWebgpu';
import { convKernelsFromUrl, pipelineWarmupFromUrl } from '../src/state/kernels';
import { PRESETS } from '../src/train/presets';

function shapeOf(x: number[], filter: number[]) {
  const [B, H, W, CI] = x; const [KH, KW, , CO] = filter;
  return { B, H, W, CI, KH, KW, CO, OH: H, OW: W, PT: 2, PL: 2 };
}

describe('filter-gradient plan', () => {
  for (const software of [false, true]) {
    it(`covers every output row once for every preset layer (${software ? 'software' : 'gpu'} tuning)`, () => {
      tuneConvKernels(software);
      for (const id of ['conv', 'small', 'lenetpp'] as const) {
        for (const batch of [1, 7, 32, 128]) {
          for (const l of presetConvLayers(PRESETS[id].stages, batch)) {
            const p = filterGradPlan(shapeOf(l.x, l.filter));
            expect(p.rows).toBe(batch * l.x[1]);
            expect(p.chunkRows * p.chunks).toBeGreaterThanOrEqual(p.rows);
            expect(p.chunkRows * (p.chunks - 1)).toBeLessThan(p.rows);
            expect(p.tiles).toBe(25 * Math.ceil(l.filter[2] / p.rt) * Math.ceil(l.filter[3] / p.ct));
            expect(64 % p.split).toBe(0);
            expect(p.dispatches).toBe(p.chunks > 1 ? 2 : 1);
            if (software) expect(p.split).toBe(1);
          }
        }
      }
      tuneConvKernels(false);
    });
  }

  it('on a hardware adapter the first layer of `small` at batch 128 is spread over thousands of workgroups', () => {
    tuneConvKernels(false);
    const p = filterGradPlan(shapeOf([128, 28, 28, 1], [5, 5, 1, 8]));
    // tfjs 4.22: 200 invocations, each looping 128·28·28 = 100,352 times.
    expect(p.invocations).toBeGreaterThan(100 * 200);
    expect(p.serialSteps).toBeLessThan(1000);
  });

  it('the layer list matches the presets (5×5, channels doubling per stage)', () => {
    expect(presetConvLayers([4, 8], 2).map((l) => [...l.x, ...l.filter])).toEqual([
      [2, 28, 28, 1, 5, 5, 1, 4], [2, 28, 28, 4, 5, 5, 4, 4], [2, 14, 14, 4, 5, 5, 4, 8], [2, 14, 14, 8, 5, 5, 8, 8]]);
  });
});

describe('URL switch', () => {
  it('?kernels=tfjs selects tfjs\' kernels; anything else keeps Flock\'s', () => {
    expect(convKernelsFromUrl('?kernels=tfjs')).toBe('tfjs');
    expect(convKernelsFromUrl('?model=small&kernels=tfjs')).toBe('tfjs');
    expect(convKernelsFromUrl('')).toBe('flock');
    expect(convKernelsFromUrl('?kernels=flock')).toBe('flock');
    expect(convKernelsFromUrl('?kernels=TFJS')).toBe('flock');
  });
  it('?warmup=0 skips the pipeline warm-up; anything else keeps it', () => {
    expect(pipelineWarmupFromUrl('?model=tiny&warmup=0')).toBe(false);
    expect(pipelineWarmupFromUrl('')).toBe(true);
    expect(pipelineWarmupFromUrl('?warmup=1')).toBe(true);
  });
});
