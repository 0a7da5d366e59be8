/** When the worker probes, and each run's steps/s (src/worker/probeSchedule.ts). */
import { describe, expect, it } from 'vitest';
import { MIN_SNAPSHOT_MS, PROBE_BUDGET, ProbeSchedule } from '../src/worker/probeSchedule';

const steps = (a: number, b: number) => new Map([['softmax', a], ['center', b]]);

describe('probe schedule', () => {
  it('probes after every round at first, but not faster than the UI animates', () => {
    const s = new ProbeSchedule(0, steps(0, 0));
    expect(s.due(MIN_SNAPSHOT_MS)).toBe(false); // no round yet
    s.roundDone(10);
    expect(s.due(MIN_SNAPSHOT_MS - 1)).toBe(false);
    expect(s.due(MIN_SNAPSHOT_MS)).toBe(true);
  });

  it('spaces probes so that they cost at most the budget', () => {
    const s = new ProbeSchedule(0, steps(0, 0));
    s.roundDone(10);
    s.probed(200, 30, steps(1, 1));
    expect(s.probeEvery).toBe(Math.ceil(30 / (PROBE_BUDGET * 10)));
    for (let i = 0; i < s.probeEvery - 1; i++) s.roundDone(10);
    expect(s.due(10_000)).toBe(false);
    s.roundDone(10);
    expect(s.due(10_000)).toBe(true);
  });

  it('averages the round time for the heartbeat', () => {
    const s = new ProbeSchedule(0, steps(0, 0));
    expect(s.roundMs).toBe(0);
    s.roundDone(10);
    expect(s.roundMs).toBe(10);
    s.roundDone(20);
    expect(s.roundMs).toBeCloseTo(12);
  });

  it("gives each run's steps/s since the last snapshot, none for a run that jumped", () => {
    const s = new ProbeSchedule(1000, steps(0, 0));
    expect(s.rate('softmax', 50, 2000)).toBe(50);
    s.forget('center');
    expect(s.rate('center', 50, 2000)).toBe(0);
    s.probed(2000, 5, steps(50, 50));
    expect(s.rate('center', 70, 3000)).toBe(20);
  });
});
