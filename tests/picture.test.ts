/**
 * "The picture has formed" (src/train/picture.ts), its thresholds in presets.json (the file the app and
 * the PyTorch reference both read), and the UI's contrast log (steps-to-picture, time-to-picture).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contrast, stepsToPicture, type ContrastPoint } from '../src/train/picture';
import { PICTURE, PRESETS, DEFAULTS, AUTO_PRESET } from '../src/train/presets';
import { ContrastLog } from '../src/ui/contrastLog';
import { formatDuration } from '../src/ui/ContrastReadout';

const root = resolve(import.meta.dirname, '..');
const file = JSON.parse(readFileSync(resolve(root, 'src/train/presets.json'), 'utf8'));

describe('the picture definition', () => {
  it('uses the thresholds the issue defines, from presets.json', () => {
    expect(file.picture).toEqual({ maxCompactnessRatio: 0.5, minAccuracy: 0.9 });
    expect(PICTURE).toEqual(file.picture);
  });

  it('holds exactly at the boundaries and not just past them', () => {
    const soft = { accuracy: 0.9, compactness: 0.2 };
    expect(contrast(soft, { accuracy: 0.9, compactness: 0.1 })).toMatchObject({ ratio: 0.5, tightEnough: true, formed: true });
    expect(contrast(soft, { accuracy: 0.9, compactness: 0.1001 }).formed).toBe(false);
    expect(contrast(soft, { accuracy: 0.8999, compactness: 0.05 })).toMatchObject({ tightEnough: true, centerAccurate: false, formed: false });
    expect(contrast({ accuracy: 0.8999, compactness: 0.2 }, { accuracy: 0.99, compactness: 0.05 })).toMatchObject({ softmaxAccurate: false, formed: false });
  });

  it('never holds on unknown compactness (no labels yet, or a diverged run)', () => {
    expect(contrast({ accuracy: 1, compactness: NaN }, { accuracy: 1, compactness: 0.01 }).formed).toBe(false);
    expect(contrast({ accuracy: 1, compactness: 0.3 }, { accuracy: 1, compactness: NaN }).formed).toBe(false);
    expect(contrast({ accuracy: 1, compactness: 0 }, { accuracy: 1, compactness: 0 }).formed).toBe(false);
  });

  it('steps-to-picture is the first step where it holds', () => {
    const at = (step: number, ratio: number, acc: number): ContrastPoint => ({
      step, softmax: { accuracy: acc, compactness: 0.2 }, center: { accuracy: acc, compactness: 0.2 * ratio },
    });
    expect(stepsToPicture([at(0, 1, 0.1), at(100, 0.45, 0.85), at(200, 0.6, 0.93), at(300, 0.48, 0.95), at(400, 0.4, 0.97)])).toBe(300);
    expect(stepsToPicture([at(0, 1, 0.1), at(100, 0.7, 0.95)])).toBeNull();
  });
});

describe('one presets file for the app and the PyTorch reference', () => {
  it('the app reads its presets and defaults from presets.json', () => {
    for (const [id, p] of Object.entries(file.presets) as [string, Record<string, unknown>][]) {
      expect(PRESETS[id as keyof typeof PRESETS]).toMatchObject({ id, stages: p.stages, hidden: p.hidden, batch: p.batch, lr: p.lr });
    }
    expect(DEFAULTS).toEqual(file.defaults);
    expect(AUTO_PRESET).toEqual(file.auto);
  });

  it('the reference loads the same file and takes no preset numbers of its own', () => {
    const src = readFileSync(resolve(root, 'bench/reference/pytorch_reference.py'), 'utf8');
    expect(src).toMatch(/os\.path\.join\(ROOT, "src", "train", "presets\.json"\)/);
    // Its model table and defaults come from that file, not from literals.
    expect(src).toMatch(/MODELS = \{k: .* for k, p in PRESETS\["presets"\]\.items\(\)\}/);
    expect(src).toMatch(/PICTURE = PRESETS\["picture"\]/);
  });
});

describe('ContrastLog', () => {
  it('pairs the two runs of a step, records when the picture first formed and how long after Train', () => {
    const log = new ContrastLog();
    expect(log.record('softmax', 0, { accuracy: 0.1, compactness: 0.3 }, 0)).toBeNull();
    expect(log.record('center', 0, { accuracy: 0.1, compactness: 0.3 }, 0)).toMatchObject({ step: 0, ratio: 1, formed: false });
    log.startClock(1_000);
    log.startClock(5_000); // a second press (after a pause) does not restart the clock
    log.record('center', 50, { accuracy: 0.95, compactness: 0.05 }, 3_000);
    log.record('softmax', 50, { accuracy: 0.95, compactness: 0.2 }, 3_000);
    expect(log.formed).toEqual({ step: 50, ms: 2_000 });
    log.record('softmax', 60, { accuracy: 0.95, compactness: 0.2 }, 4_000);
    log.record('center', 60, { accuracy: 0.95, compactness: 0.125 }, 4_000);
    expect(log.formed).toEqual({ step: 50, ms: 2_000 }); // the first time stays
    expect(log.latest).toMatchObject({ step: 60, ratio: 0.625, formed: false });
    expect(log.entries.map((e) => e.step)).toEqual([0, 50, 60]);
  });

  it('a half-recorded step is replaced by the next step; a rollback drops later entries; clear forgets all', () => {
    const log = new ContrastLog();
    log.record('softmax', 10, { accuracy: 0.5, compactness: 0.3 }, 0);
    log.record('softmax', 20, { accuracy: 0.5, compactness: 0.3 }, 0);
    expect(log.record('center', 10, { accuracy: 0.5, compactness: 0.3 }, 0)).toBeNull();
    log.record('softmax', 30, { accuracy: 0.5, compactness: 0.3 }, 0);
    log.record('center', 30, { accuracy: 0.5, compactness: 0.3 }, 0);
    const gen = log.generation;
    log.record('softmax', 20, { accuracy: 0.5, compactness: 0.3 }, 0);
    log.record('center', 20, { accuracy: 0.5, compactness: 0.1 }, 0);
    expect(log.entries.map((e) => e.step)).toEqual([20]);
    expect(log.generation).toBeGreaterThan(gen);
    log.clear();
    expect(log.entries).toEqual([]);
    expect(log.formed).toBeNull();
    log.record('softmax', 5, { accuracy: 0.95, compactness: 0.2 }, 9);
    log.record('center', 5, { accuracy: 0.95, compactness: 0.05 }, 9);
    expect(log.formed).toEqual({ step: 5, ms: null }); // Train never pressed: Step only
  });

  it('formats durations for the status line', () => {
    expect(formatDuration(800)).toBe('0.8 s');
    expect(formatDuration(41_400)).toBe('41 s');
    expect(formatDuration(133_000)).toBe('2 min 13 s');
    expect(formatDuration(3 * 3600_000 + 5 * 60_000)).toBe('3 h 5 min');
  });
});
