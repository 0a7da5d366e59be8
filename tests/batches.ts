import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../src/data/batcher';

/** Batch size of the synthetic batches below. */
export const B = 16;

/** A seeded synthetic batch: uniform(−1, 1) "images" and labels 0…9 cycling. The caller disposes it. */
export function batch(seed: number): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const r = mulberry32(seed);
  const x = tf.tensor2d(Float32Array.from({ length: B * 784 }, () => r() * 2 - 1), [B, 784]);
  const y = tf.tensor1d(Int32Array.from({ length: B }, (_, i) => i % 10), 'int32');
  return { x, y };
}

/** Initial class centers used by the trainer tests: K = 10, D = 2. */
export const c0 = Float32Array.from({ length: 20 }, (_, i) => Math.sin(i));
