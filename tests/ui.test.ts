import { describe, expect, it } from 'vitest';
import { RunHistory } from '../src/ui/history';
import { embeddingsCsv } from '../src/ui/exports';
import { fitEmbedding, unionDomain } from '../src/ui/scatter/geometry';
import type { RunMetrics } from '../src/worker/protocol';

const metrics = (step: number, lambda = 0.5): RunMetrics => ({
  step, softmaxLoss: 1, centerLoss: 2, lambda, alpha: 0.5, accuracy: 0.5, stepsPerSec: 1, diverged: false,
});

describe('RunHistory', () => {
  it('appends, weights L_C by λ, and bumps rev but not generation', () => {
    const h = new RunHistory();
    h.push(metrics(1), 0.3);
    h.push(metrics(2), 0.2);
    expect(h.entries.map((e) => e.step)).toEqual([1, 2]);
    expect(h.entries[0]).toMatchObject({ centerRaw: 2, centerWeighted: 1, compactness: 0.3 });
    expect(h.generation).toBe(0);
    expect(h.rev).toBe(2);
  });

  it('an earlier step (rollback, new session) drops later entries and bumps generation', () => {
    const h = new RunHistory();
    for (const s of [1, 2, 3, 4]) h.push(metrics(s), 0);
    h.push(metrics(2), 0);
    expect(h.entries.map((e) => e.step)).toEqual([1, 2]);
    expect(h.generation).toBe(1);
    h.clear();
    expect(h.entries).toEqual([]);
    expect(h.generation).toBe(2);
  });
});

describe('embeddingsCsv', () => {
  it('has the header and one row per point; non-finite coordinates are empty', () => {
    const csv = embeddingsCsv(new Float32Array([0.5, -1, NaN, 2]), new Uint8Array([3, 7]), new Uint8Array([3, 1]));
    expect(csv.trim().split('\n')).toEqual(['index,label,predicted,x,y', '0,3,3,0.5,-1', '1,7,1,,2']);
  });
});

describe('unionDomain', () => {
  it('covers every domain and skips nulls', () => {
    const a = fitEmbedding(new Float32Array([-1, -1, 1, 1]), null)!;
    const b = fitEmbedding(new Float32Array([-10, 0, 10, 2]), null)!;
    const u = unionDomain([a, null, b])!;
    expect(u.x[0]).toBeLessThanOrEqual(-10);
    expect(u.x[1]).toBeGreaterThanOrEqual(10);
    expect(u.y[0]).toBeLessThanOrEqual(a.y[0]);
    expect(unionDomain([null, undefined])).toBeNull();
  });
});
