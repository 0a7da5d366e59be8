import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { composedCenterLoss } from '../src/train/centerLoss';
import { initialWeights } from '../src/train/model';
import { PRESETS } from '../src/train/presets';
import { Run, type RunHyper } from '../src/train/trainer';
import { SaveFileError, artifactsFromJson, decodeRun, encodeRun, type SavedRunMeta } from '../src/train/savefile';
import { B, batch, c0 } from './batches';
import { openSave } from '../src/worker/saveFiles';

const hyper = { optimizer: 'adam' as const, lr: 0.01, lambda: 0.3, alpha: 0.5, update: 'caffe' as const };
const meta: SavedRunMeta = { version: 1, run: 'center', model: 'tiny', seed: 1, lambda: 0.3, alpha: 0.5, update: 'caffe', lr: 0.01, batch: B, accuracy: 0.5 };

/** A run of the tiny preset from seed-1 weights after `steps` steps (center loss at `hyper`, or `over` on top). */
async function trained(steps: number, over: Partial<RunHyper> = {}) {
  const run = new Run(`save${Math.random()}`, PRESETS.tiny, initialWeights(PRESETS.tiny, 1), c0, { ...hyper, ...over }, composedCenterLoss);
  for (let i = 0; i < steps; i++) {
    const { x, y } = batch(i);
    const t = run.trainStep(x, y);
    await t.data();
    tf.dispose([x, y, t]);
  }
  return run;
}


beforeAll(async () => { await tf.setBackend('cpu'); });

describe('run files (tfjs model.json + weights.bin)', () => {
  it('round-trips weights, optimiser state, centers, step and cursor; training continues identically', async () => {
    const a = await trained(5);
    const cp = await a.checkpoint();
    const { json, weights } = await encodeRun({ meta, checkpoint: cp, cursor: { epoch: 2, offset: 48 } }, 'flock-center-step5');
    expect(json.weightsManifest[0].paths).toEqual(['./flock-center-step5.weights.bin']);
    expect(json.weightsManifest[0].weights.map((w) => w.name)).toEqual(['fc1/w', 'fc1/b', 'fc1/prelu', 'ip1/w', 'ip1/b', 'ip1/prelu', 'ip2/w', 'centers', 'optimizer/first', 'optimizer/second', 'centers/velocity']);
    // Through JSON text, as on disk.
    const back = await decodeRun(await artifactsFromJson(JSON.parse(JSON.stringify(json)), weights.slice(0)));
    expect(back.meta).toEqual(meta);
    expect(back.cursor).toEqual({ epoch: 2, offset: 48 });
    expect(back.checkpoint).toEqual(cp);

    const b = new Run('restored', PRESETS.tiny, initialWeights(PRESETS.tiny, 99), new Float32Array(20), { ...hyper }, composedCenterLoss);
    b.restore(back.checkpoint);
    for (const r of [a, b]) {
      const { x, y } = batch(100);
      const t = r.trainStep(x, y);
      await t.data();
      tf.dispose([x, y, t]);
    }
    expect(Array.from(await b.net.vars[0].data())).toEqual(Array.from(await a.net.vars[0].data()));
    expect(Array.from(await b.centers.data())).toEqual(Array.from(await a.centers.data()));
    expect(b.step).toBe(6);
    a.dispose();
    b.dispose();
  });

  it('rejects foreign, truncated, mismatched and NaN files with a plain message, leaking no tensors', async () => {
    const a = await trained(1);
    const cp = await a.checkpoint();
    a.dispose();
    const { json, weights } = await encodeRun({ meta, checkpoint: cp, cursor: { epoch: 0, offset: 16 } }, 'x');
    const before = tf.memory().numTensors;
    const fails = async (j: tf.io.ModelJSON, w: ArrayBuffer, msg: RegExp) => {
      const p = artifactsFromJson(j, w).then(decodeRun);
      await expect(p).rejects.toThrow(msg);
      await p.catch((e) => expect(e).toBeInstanceOf(SaveFileError));
    };
    await fails({ ...json, format: 'layers-model' }, weights, /not a Flock run file/);
    await fails({ ...json, userDefinedMetadata: {} }, weights, /no Flock metadata/);
    await fails({ ...json, weightsManifest: [] }, weights, /exactly one weights file/);
    await fails(json, weights.slice(0, weights.byteLength - 8), /does not match model.json/);
    const small = JSON.parse(JSON.stringify(json));
    small.userDefinedMetadata.flock.model = 'lenetpp';
    await fails(small, weights, /shape|no tensor/);
    const bad = JSON.parse(JSON.stringify(json));
    bad.userDefinedMetadata.flock.cursor = { epoch: -1, offset: 'x' };
    await fails(bad, weights, /cursor/);
    const nan = weights.slice(0);
    new Float32Array(nan, 0, 4).fill(NaN);
    await fails(json, nan, /NaN/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('run files of the loss family', () => {
  it('store the loss, its parameters and ring loss’s radius R; a version 1 file is a center-loss run', async () => {
    const ring = { ...hyper, loss: 'ring' as const, lambda: 0.1, ringLr: 1 };
    const run = await trained(3, ring);
    const cp = await run.checkpoint();
    expect(cp.radius).toBeGreaterThan(0);
    const ringMeta: SavedRunMeta = { ...meta, version: 2, run: 'center', loss: 'ring', lambda: 0.1, s: 10, m: 0.2, delta: 1, ringLr: 1 };
    const { json, weights } = await encodeRun({ meta: ringMeta, checkpoint: cp, cursor: { epoch: 0, offset: 48 } }, 'r');
    const back = await decodeRun(await artifactsFromJson(JSON.parse(JSON.stringify(json)), weights.slice(0)));
    expect(back.meta).toEqual(ringMeta);
    expect(back.checkpoint.radius).toBe(cp.radius);
    const b = new Run('ring-back', PRESETS.tiny, initialWeights(PRESETS.tiny, 9), c0, ring, composedCenterLoss);
    b.restore(back.checkpoint);
    expect((await b.geometry()).radius).toBeCloseTo(cp.radius!, 6);
    run.dispose();
    b.dispose();
    const bogus = JSON.parse(JSON.stringify(json));
    bogus.userDefinedMetadata.flock.loss = 'triplet';
    await expect(artifactsFromJson(bogus, weights.slice(0)).then(decodeRun)).rejects.toThrow(/loss "triplet".*unknown/);
  });

  it('a cosine head keeps its batch-norm statistics; restored, it probes and trains on exactly as the original', async () => {
    const arc = { ...hyper, loss: 'arcface' as const, lambda: 0, s: 10, m: 0.2 };
    const a = await trained(3, arc);
    const cp = await a.checkpoint();
    // Three batches moved the running statistics away from their start (mean 0, variance 1).
    expect(cp.embedStats).toHaveLength(4);
    expect(Array.from(cp.embedStats!).some((v, i) => Math.abs(v - (i < 2 ? 0 : 1)) > 1e-3)).toBe(true);
    const arcMeta: SavedRunMeta = { ...meta, version: 3, loss: 'arcface', lambda: 0, s: 10, m: 0.2 };
    const { json, weights } = await encodeRun({ meta: arcMeta, checkpoint: cp, cursor: { epoch: 0, offset: 48 } }, 'arc');
    expect(json.weightsManifest[0].weights.map((w) => w.name)).toContain('embedding/stats');
    const back = await decodeRun(await artifactsFromJson(JSON.parse(JSON.stringify(json)), weights.slice(0)));
    expect(back.checkpoint).toEqual(cp);
    const b = new Run('arc-back', PRESETS.tiny, initialWeights(PRESETS.tiny, 9), c0, arc, composedCenterLoss);
    b.restore(back.checkpoint);
    const { x: px, y: py } = batch(50);
    const labels = Uint8Array.from(await py.data());
    expect((await b.probe(px, labels))!.points).toEqual((await a.probe(px, labels))!.points);
    const { x, y } = batch(3);
    tf.dispose([a.trainStep(x, y), b.trainStep(x, y), x, y, px, py]);
    expect(await b.checkpoint()).toEqual(await a.checkpoint());
    a.dispose();
    b.dispose();
  });

  it('a cosine head saved with the PReLU embedding of version 2 is refused with a sentence', async () => {
    const a = await trained(1);
    const cp = await a.checkpoint();
    a.dispose();
    const { json, weights } = await encodeRun({ meta: { ...meta, version: 2, loss: 'normface', s: 10 }, checkpoint: cp, cursor: { epoch: 0, offset: 16 } }, 'n');
    await expect(artifactsFromJson(json, weights).then(decodeRun)).rejects.toThrow(/NormFace run was saved by an earlier Flock.*train it again/);
  });

  it('a file of another loss is refused by the panel, with a message that names both losses', async () => {
    const arc = await trained(1, { loss: 'arcface', lambda: 0, s: 10, m: 0.2 });
    const cp = await arc.checkpoint();
    arc.dispose();
    const saved = await encodeRun({ meta: { ...meta, version: 3, loss: 'arcface', s: 10, m: 0.2 }, checkpoint: cp, cursor: { epoch: 0, offset: 16 } }, 'arc');
    const files = [new File([JSON.stringify(saved.json)], 'arc.json'), new File([saved.weights], 'arc.weights.bin')];
    await expect(openSave(files, 'tiny', 'ring')).rejects.toThrow(/arc\.json is a run of ArcFace, and this panel trains ring loss/);
    await expect(openSave(files, 'tiny', 'center')).rejects.toThrow(SaveFileError);
    expect((await openSave(files, 'tiny', 'arcface')).resume.step).toBe(1);
  });
});
