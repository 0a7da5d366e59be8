/**
 * Recorded runs (src/data/recording.ts): the shipped recording decodes, matches the app's probe digits
 * and carries the picture; foreign or damaged files are refused with a message naming what is wrong.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../src/data/idx';
import { decodeRecording } from '../src/data/recording';
import { stratifiedProbe } from '../src/data/batcher';
import { compactness } from '../src/train/metrics';
import { AUTO_PRESET, DEFAULTS, PRESETS } from '../src/train/presets';

const root = resolve(import.meta.dirname, '..');
const file = join(root, 'public', 'recordings', `${AUTO_PRESET.gpu}.json`);
const text = readFileSync(file, 'utf8');
let testLabels: Uint8Array;

beforeAll(() => {
  const data = join(root, 'public', 'data');
  if (!existsSync(join(data, 'manifest.json'))) execFileSync(process.execPath, [join(root, 'scripts', 'prepare-data.mjs')], { cwd: root });
  testLabels = new Uint8Array(gunzipSync(readFileSync(join(data, 't10k-labels-idx1-ubyte.gz')))).subarray(8);
});

function refused(doc: unknown): DataError {
  try {
    decodeRecording(doc, 'x.json');
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected the recording to be refused');
}

describe('the shipped recording', () => {
  const rec = decodeRecording(JSON.parse(text), 'small.json');

  it("is of the real-GPU preset at the app's defaults", () => {
    expect(rec.model).toBe(AUTO_PRESET.gpu);
    const preset = PRESETS[AUTO_PRESET.gpu];
    expect(rec.settings).toMatchObject({ optimizer: DEFAULTS.optimizer, lr: preset.lr, lambda: DEFAULTS.lambda, alpha: DEFAULTS.alpha, batch: preset.batch, warmupSteps: preset.warmupSteps });
    expect(rec.lambdas).toEqual({ softmax: 0, center: DEFAULTS.lambda });
    expect(rec.frames[0].step).toBe(0);
  });

  it("uses the app's probe digits (stratified, seed 2016) and their labels", () => {
    expect(Array.from(rec.probe)).toEqual(Array.from(stratifiedProbe(testLabels, rec.probe.length, 2016)));
  });

  it('decodes points to within the int16 quantisation and starts both runs identical', () => {
    const raw = JSON.parse(text).frames.at(-1).runs.center;
    const last = rec.frames.at(-1)!.runs.center;
    const maxAbs = last.points.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(Math.abs(maxAbs - raw.scale)).toBeLessThanOrEqual(raw.scale / 32767);
    const f0 = rec.frames[0].runs;
    expect(Array.from(f0.softmax.points)).toEqual(Array.from(f0.center.points));
  });

  it('its compactness and accuracy are what the probe labels give (the picture, by the end, if recorded that far)', () => {
    const labels = Uint8Array.from(rec.probe, (k) => testLabels[k]);
    const f = rec.frames.at(-1)!.runs;
    const acc = (r: typeof f.center) => r.predictions.reduce((n, p, i) => n + (p === labels[i] ? 1 : 0), 0) / labels.length;
    expect(Math.abs(acc(f.center) - f.center.accuracy)).toBeLessThan(1e-9);
    expect(Math.abs(acc(f.softmax) - f.softmax.accuracy)).toBeLessThan(1e-9);
    const ratio = compactness(f.center.points, labels) / compactness(f.softmax.points, labels);
    expect(ratio).toBeLessThan(1);
  });
});

describe('damaged or foreign recordings', () => {
  const good = () => JSON.parse(text);

  it('refuses a file of another format or version', () => {
    expect(refused({ format: 'tfjs-model' }).message).toBe('x.json: not a Flock recording (format is not "flock-recording")');
    expect(refused(null).message).toMatch(/not a Flock recording/);
    expect(refused({ ...good(), version: 2 }).message).toBe('x.json: recording version 2 is not supported (expected 1)');
  });

  it('refuses a bad probe, a missing run, bad points and steps out of order', () => {
    expect(refused({ ...good(), probe: [1, 2, 10_000] }).message).toMatch(/probe is not a list of test-set indices/);
    expect(refused({ ...good(), runs: [{ id: 'softmax', lambda: 0 }] }).message).toMatch(/"softmax" and a "center" run/);
    const cut = good();
    cut.frames[1].runs.center.points = cut.frames[1].runs.center.points.slice(0, 40);
    expect(refused(cut).message).toMatch(/^x\.json: frame 1 \(step \d+\) center: points hold \d+ bytes, expected 4000/);
    const junk = good();
    junk.frames[0].runs.softmax.points = '***';
    expect(refused(junk).message).toBe('x.json: frame 0 (step 0) softmax: points is not valid base64');
    const order = good();
    order.frames[2].step = order.frames[1].step;
    expect(refused(order).message).toMatch(/^x\.json: frame 2: its step is not a whole number after \d+$/);
    const acc = good();
    acc.frames[0].runs.center.accuracy = 3;
    expect(refused(acc).message).toBe('x.json: frame 0 (step 0) center: accuracy is not in 0–1');
  });
});
