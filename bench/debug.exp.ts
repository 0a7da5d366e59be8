import * as tf from '@tensorflow/tfjs';
import { test } from 'vitest';
import { Batcher, gatherImages, gatherLabels, gaussian, mulberry32 } from '../src/data/batcher';
import { composedCenterLoss } from '../src/train/centerLoss';
import { initialWeights } from '../src/train/model';
import { PRESETS } from '../src/train/presets';
import { Run } from '../src/train/trainer';
import { loadMnistNode } from './nodeMnist';
test('dbg', async () => {
  await tf.setBackend('cpu');
  const data = loadMnistNode();
  const preset = PRESETS.tiny;
  const w = initialWeights(preset, 1);
  const c0 = Float32Array.from({ length: 20 }, gaussian(mulberry32(1 ^ 0x5bd1e995)));
  const b = new Run('b', preset, w, c0, { lr: 0.05, lambda: 0.1, alpha: 0.5, update: 'eq4' }, composedCenterLoss);
  const batcher = new Batcher(60000, 64, 1);
  for (let s = 0; s < 300; s++) {
    const bi = batcher.next();
    const x = tf.tensor2d(gatherImages(data.trainImages, bi), [bi.length, 784]);
    const y = tf.tensor1d(gatherLabels(data.trainLabels, bi), 'int32');
    const p = b.trainStep(x, y);
    const v = await p.data();
    if (s % 10 === 0 || !Number.isFinite(v[0])) {
      const pre = await Promise.all(b.net.vars.filter(q=>q.name.includes('prelu')).map(q=>q.data()));
      const c = await b.centers.data();
      console.log(s, v[0].toFixed(3), v[1].toFixed(3), pre.map(a=>a[0].toFixed(3)).join(','), Math.max(...Array.from(c).map(Math.abs)).toFixed(2));
    }
    tf.dispose([x, y, p]);
    if (!Number.isFinite(v[0])) break;
  }
}, 600000);
