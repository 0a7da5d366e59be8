import { describe, expect, it } from 'vitest';
import { FRAME_OVERHEAD, TIMELINE_BUDGET_BYTES, Timeline, frameBytes, indexAtOrBefore, type Frame } from '../src/ui/timeline/store';
import { timelineJsonParts } from '../src/ui/timeline/timelineJson';
import type { RunMetrics } from '../src/worker/protocol';

const metrics = (step: number): RunMetrics => ({
  step, softmaxLoss: 1, centerLoss: 2, lambda: 0.5, alpha: 0.5, accuracy: 0.5, stepsPerSec: 1, diverged: false,
});

/** A frame of `n` probe points and 10 centers at `step`, its coordinates derived from the step. */
function frame(step: number, n = 4): Frame {
  const points = Float32Array.from({ length: 2 * n }, (_, i) => step + i / 8);
  const centers = Float32Array.from({ length: 20 }, (_, i) => -step - i);
  const predictions = Uint8Array.from({ length: n }, (_, i) => (step + i) % 10);
  return { metrics: metrics(step), points, centers, predictions, numTensors: 0, probeEvery: 1, compactness: 1 / (step + 1) };
}

const stepsOf = (t: Timeline, run: string) => t.frames(run).map((f) => f.metrics.step);
const sumBytes = (t: Timeline, runs: string[]) => runs.reduce((a, r) => a + t.frames(r).reduce((b, f) => b + frameBytes(f), 0), 0);

describe('Timeline store', () => {
  it('counts a frame as its arrays plus the fixed overhead', () => {
    const f = frame(3, 2000);
    expect(frameBytes(f)).toBe(2000 * 2 * 4 + 20 * 4 + 2000 + FRAME_OVERHEAD);
  });

  it('at(step): each run\'s last frame at or before the step; null before its first', () => {
    const t = new Timeline();
    for (const s of [0, 10, 30]) t.append('b', frame(s));
    for (const s of [0, 5, 10, 20]) t.append('a', frame(s));
    expect(t.at('a', 0)?.metrics.step).toBe(0);
    expect(t.at('a', 9)?.metrics.step).toBe(5);
    expect(t.at('a', 10)?.metrics.step).toBe(10);
    expect(t.at('a', 1000)?.metrics.step).toBe(20);
    expect(t.at('b', 29)?.metrics.step).toBe(10);
    expect(t.at('a', -1)).toBeNull();
    expect(t.at('nobody', 5)).toBeNull();
    expect(t.steps()).toEqual([0, 5, 10, 20, 30]);
    expect(t.count).toBe(7);
    expect(t.bytes).toBe(sumBytes(t, ['a', 'b']));
  });

  it('keeps the snapshot itself: the frame at a step is the object that was appended', () => {
    const t = new Timeline();
    const f = frame(7);
    t.append('a', f);
    t.append('a', frame(8));
    expect(t.at('a', 7)).toBe(f);
  });

  it('an earlier step (rollback, resumed checkpoint) drops that run\'s frames from that step on, and their bytes', () => {
    const t = new Timeline();
    for (const s of [0, 1, 2, 3, 4]) { t.append('a', frame(s)); t.append('b', frame(s)); }
    t.append('a', frame(2));
    expect(stepsOf(t, 'a')).toEqual([0, 1, 2]);
    expect(stepsOf(t, 'b')).toEqual([0, 1, 2, 3, 4]);
    expect(t.bytes).toBe(sumBytes(t, ['a', 'b']));
  });

  it('past the budget thins the older half of every run, never the first or the latest frame, and fits', () => {
    const per = frameBytes(frame(0));
    const t = new Timeline(per * 40);
    for (let s = 0; s < 300; s++) { t.append('a', frame(s)); t.append('b', frame(s)); }
    expect(t.bytes).toBeLessThanOrEqual(t.budget);
    expect(t.bytes).toBe(sumBytes(t, ['a', 'b']));
    const a = stepsOf(t, 'a');
    expect(a[0]).toBe(0);
    expect(a[a.length - 1]).toBe(299);
    expect(a.length).toBeGreaterThan(10);
    // Both runs kept the same steps, in order.
    expect(stepsOf(t, 'b')).toEqual(a);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    // Recent steps dense, older ones sparser: the gaps never shrink going back in time.
    const gaps = a.slice(1).map((s, i) => s - a[i]);
    expect(gaps[gaps.length - 1]).toBe(1);
    expect(gaps[0]).toBeGreaterThan(1);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeLessThanOrEqual(gaps[i - 1]);
  });

  it('under the budget nothing is dropped', () => {
    const t = new Timeline(frameBytes(frame(0)) * 100);
    for (let s = 0; s < 50; s++) { t.append('a', frame(s)); t.append('b', frame(s)); }
    expect(t.count).toBe(100);
  });

  it('clear: no frames, no bytes, a new generation', () => {
    const t = new Timeline();
    t.append('a', frame(1));
    const { generation, rev } = t;
    t.clear();
    expect([t.count, t.bytes, t.steps().length]).toEqual([0, 0, 0]);
    expect(t.generation).toBe(generation + 1);
    expect(t.rev).toBeGreaterThan(rev);
  });

  it('indexAtOrBefore over plain steps', () => {
    const xs = [0, 3, 7];
    expect([-1, 0, 2, 3, 6, 7, 99].map((s) => indexAtOrBefore(xs, s, (x) => x))).toEqual([-1, 0, 0, 1, 1, 2, 2]);
  });

  it('memory after 2,000 steps, two runs of 2,000 probe points: within the stated budget', () => {
    const report: string[] = [];
    for (const every of [1, 5, 20]) {
      const t = new Timeline();
      let peak = 0;
      for (let s = 0; s <= 2000; s += every) {
        t.append('softmax', frame(s, 2000));
        t.append('center', frame(s, 2000));
        peak = Math.max(peak, t.bytes);
      }
      expect(peak).toBeLessThanOrEqual(TIMELINE_BUDGET_BYTES);
      expect(t.bytes).toBe(sumBytes(t, ['softmax', 'center']));
      const kept = stepsOf(t, 'softmax');
      expect(kept[0]).toBe(0);
      expect(kept[kept.length - 1]).toBe(2000);
      const snapshots = Math.floor(2000 / every) + 1;
      if (2 * snapshots * frameBytes(frame(0, 2000)) <= TIMELINE_BUDGET_BYTES) expect(kept.length).toBe(snapshots);
      else expect(kept.length).toBeLessThan(snapshots);
      report.push(`a snapshot every ${every} step(s): ${(t.bytes / 2 ** 20).toFixed(1)} MiB now, peak ${(peak / 2 ** 20).toFixed(1)} MiB, ${kept.length} of ${snapshots} frames per run kept`);
    }
    console.log(`timeline memory after 2,000 steps (2 runs × 2,000 points, budget ${TIMELINE_BUDGET_BYTES / 2 ** 20} MiB):\n  ${report.join('\n  ')}`);
  });
});

describe('Timeline JSON', () => {
  it('every kept frame of every shown run, points and centers as the panel export writes them', () => {
    const t = new Timeline();
    for (const s of [0, 4, 9]) { t.append('softmax', frame(s)); t.append('center', frame(s + 0)); }
    const labels = Uint8Array.from([1, 2, 3, 4]);
    const doc = JSON.parse(timelineJsonParts(t, {
      model: 'tiny', seed: 1, labels, runs: [{ run: 'softmax', title: 'Softmax only' }, { run: 'center', title: 'Softmax + center loss' }],
    }).join(''));
    expect(doc).toMatchObject({ format: 'flock-timeline', version: 1, model: 'tiny', seed: 1, labels: [1, 2, 3, 4] });
    expect(doc.runs.map((r: { run: string }) => r.run)).toEqual(['softmax', 'center']);
    const f = doc.runs[1].frames[1];
    const src = t.at('center', 4)!;
    expect(f.step).toBe(4);
    expect(f.metrics).toEqual(src.metrics);
    expect(f.compactness).toBe(src.compactness);
    expect(f.points).toEqual(Array.from({ length: 4 }, (_, i) => [src.points[2 * i], src.points[2 * i + 1]]));
    expect(f.centers.length).toBe(10);
    expect(f.centers[9]).toEqual([src.centers[18], src.centers[19]]);
    expect(f.predictions).toEqual(Array.from(src.predictions));
    expect(doc.runs[0].frames.map((x: { step: number }) => x.step)).toEqual([0, 4, 9]);
  });

  it('an empty timeline is still a document', () => {
    const doc = JSON.parse(timelineJsonParts(new Timeline(), { model: null, seed: 3, labels: null, runs: [{ run: 'a', title: 'A' }] }).join(''));
    expect(doc.runs).toEqual([{ run: 'a', title: 'A', frames: [] }]);
  });
});
