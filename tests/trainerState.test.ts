import { describe, expect, it } from 'vitest';
import { initialTrainerState, trainerReducer, type TrainerAction } from '../src/ui/trainer/reducer';
import { checkpointStep, isHung, recordFault } from '../src/ui/trainer/recovery';
import { failureNotice, loadedNotice, runRequests, type Request } from '../src/ui/trainer/requests';
import { RequestRefused } from '../src/worker/client';
import { defaults } from '../src/state/params';
import { runConfig } from '../src/state/runs';
import type { Checkpoint, RunMetrics } from '../src/worker/protocol';
import type { TrainerState } from '../src/ui/session';

const metrics = (step: number): RunMetrics => ({
  step, softmaxLoss: 1, centerLoss: 2, lambda: 0.5, alpha: 0.5, accuracy: 0.5, stepsPerSec: 1, diverged: false,
});
const snapshot = (run: 'softmax' | 'center', step: number): TrainerAction => ({
  type: 'snapshot', session: 0, run, metrics: metrics(step), points: new Float32Array(2), centers: new Float32Array(2),
  predictions: new Uint8Array(1), numTensors: 9, probeEvery: 5, compactness: 0.25,
});
const run = (actions: TrainerAction[], from: TrainerState = initialTrainerState([])) => actions.reduce(trainerReducer, from);

describe('trainerReducer', () => {
  it('keeps each run’s latest snapshot without the message envelope', () => {
    const s = run([snapshot('center', 1), snapshot('softmax', 1), snapshot('center', 2)]);
    expect(s.snaps.center).toEqual({ metrics: metrics(2), points: new Float32Array(2), centers: new Float32Array(2), predictions: new Uint8Array(1), numTensors: 9, probeEvery: 5, compactness: 0.25 });
    expect(s.snaps.softmax?.metrics.step).toBe(1);
  });

  it('ready: the worker’s facts, the model, and the phase', () => {
    const s = run([{ type: 'progress', session: 0, file: 'a', loaded: 5, total: 10 }]);
    expect(s.phase).toEqual({ kind: 'loading', loaded: 5, total: 10 });
    const r = run([{
      type: 'ready', session: 0, backend: 'cpu', adapter: 'x', software: true, model: 'tiny', modelReason: 'why',
      probeLabels: new Uint8Array(1), probeImages: new Uint8Array(784), centerLoss: 'composed',
    }], s);
    expect(r.phase).toEqual({ kind: 'ready' });
    expect(r.model).toEqual({ id: 'tiny', reason: 'why' });
    expect(r.ready).toMatchObject({ backend: 'cpu', software: true, centerLoss: 'composed' });
    expect(r.ready).not.toHaveProperty('model');
  });

  it('errors: fatal ones stop the page, the others become notices; a dismiss clears them', () => {
    const s = run([
      { type: 'error', session: 0, message: 'one', fatal: false },
      { type: 'notice', message: 'two' },
    ]);
    expect(s.notices).toEqual(['one', 'two']);
    expect(s.phase.kind).toBe('loading');
    expect(run([{ type: 'dismiss-notices' }], s).notices).toEqual([]);
    expect(run([{ type: 'error', session: 0, message: 'gone', file: 'f', fatal: true }], s).phase).toEqual({ kind: 'error', message: 'gone', file: 'f' });
  });

  it('a newer embedding is not replaced by an older one that arrives late', () => {
    const s = run([
      { type: 'embedded', session: 0, id: 3, runs: {} },
      { type: 'embedded', session: 0, id: 2, runs: { center: { point: [1, 1] } as never } },
    ]);
    expect(s.digit).toEqual({ id: 3, runs: {} });
  });

  it('a new session clears the panels and the digit, and stops; a switch of worker also forgets ready', () => {
    const ready: TrainerAction = {
      type: 'ready', session: 0, backend: 'cpu', adapter: 'x', software: false, model: 'tiny',
      probeLabels: new Uint8Array(1), probeImages: new Uint8Array(784), centerLoss: 'composed',
    };
    const s = run([ready, snapshot('center', 4), { type: 'status', session: 0, training: true, model: 'tiny' }, { type: 'embedded', session: 0, id: 1, runs: {} }]);
    expect(s.training).toBe(true);
    const reset = run([{ type: 'new-session', dropReady: false }], s);
    expect(reset).toMatchObject({ snaps: {}, digit: null, training: false });
    expect(reset.ready).toBe(s.ready);
    expect(run([{ type: 'new-session', dropReady: true }], s).ready).toBeNull();
  });
});

describe('fault recovery rules', () => {
  it('allows three respawns a minute; the fourth within it stops retrying', () => {
    let times: number[] = [];
    const at = (t: number) => { const r = recordFault(times, t); times = r.times; return r.exhausted; };
    expect([at(0), at(10_000), at(20_000)]).toEqual([false, false, false]);
    expect(at(30_000)).toBe(true);
    times = [];
    expect([at(0), at(10_000), at(20_000), at(61_000)]).toEqual([false, false, false, false]);
  });

  it('a worker is hung only once a step was timed, and only after max(10 s, 4 × that)', () => {
    expect(isHung(60_000, 0)).toBe(false);
    expect(isHung(9_000, 100)).toBe(false);
    expect(isHung(10_001, 100)).toBe(true);
    expect(isHung(15_000, 5_000)).toBe(false);
    expect(isHung(20_001, 5_000)).toBe(true);
  });

  it('resumes from the furthest step of any run', () => {
    expect(checkpointStep(null)).toBe(0);
    const cp = { runs: { softmax: { step: 40 }, center: { step: 38 } } } as unknown as Checkpoint;
    expect(checkpointStep(cp)).toBe(40);
  });
});

describe('run requests', () => {
  const config = runConfig({ ...defaults(), lambda: 0.1 });

  it('a loaded run: the step, and a note when it was saved with another λ', () => {
    const r = { type: 'loaded', session: 0, id: 1, run: 'center', step: 12, file: 'a.json', params: { lambda: 0.1, alpha: 0.5 } } as const;
    expect(loadedNotice(r, config)).toBe('Loaded a.json into “Softmax + center loss”: resumed at step 12.');
    expect(loadedNotice({ ...r, params: { lambda: 0.5, alpha: 0.5 } }, config)).toBe(
      'Loaded a.json into “Softmax + center loss”: resumed at step 12. It was saved with λ = 0.5; this panel goes on with λ = 0.1.');
    // Every parameter its loss reads is compared (an ArcFace run saved with another s and m).
    const arc = { ...config, loss: 'arcface' as const, s: 10, m: 0.2 };
    expect(loadedNotice({ ...r, params: { s: 16, m: 0.2 } }, arc)).toBe(
      'Loaded a.json into “Softmax + ArcFace (s 10, m 0.2)”: resumed at step 12. It was saved with s = 16; this panel goes on with s = 10.');
    expect(loadedNotice({ ...r, params: { s: 16, m: 0.3 } }, arc)).toBe(
      'Loaded a.json into “Softmax + ArcFace (s 10, m 0.2)”: resumed at step 12. It was saved with s = 16, m = 0.3; this panel goes on with s = 10, m = 0.2.');
  });

  it('a refusal shows the worker’s sentence; a dropped request shows nothing', () => {
    expect(failureNotice(new RequestRefused('rollback', 'no-checkpoint', 'No checkpoint yet.'))).toBe('No checkpoint yet.');
    expect(failureNotice(new RequestRefused('save', 'reset', 'reset'))).toBeNull();
    expect(failureNotice(new RequestRefused('save', 'stopped', 'stopped'))).toBeNull();
  });

  it('each answer ends as a notice or a download', async () => {
    const notices: string[] = [];
    const saved: string[] = [];
    const request = ((m: { type: string }) => {
      if (m.type === 'rollback') return Promise.resolve({ type: 'rolledback', session: 0, id: 1, run: 'center', step: 9 });
      if (m.type === 'save') return Promise.resolve({ type: 'saved', session: 0, id: 2, run: 'center', name: 'n', json: '{}', weights: new ArrayBuffer(0) });
      return Promise.reject(new RequestRefused('load', 'bad-file', 'Could not load the run: pick both files.'));
    }) as unknown as Request;
    const r = runRequests(request, (m) => notices.push(m), () => config, (s) => saved.push(s.name));
    r.rollback('center');
    r.save('center', 'n');
    r.load('center', []);
    await new Promise((done) => setTimeout(done, 0));
    expect(notices).toEqual(['Rolled back to step 9.', 'Could not load the run: pick both files.']);
    expect(saved).toEqual(['n']);
  });
});
