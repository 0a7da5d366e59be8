/**
 * Embeds one drawn digit with a run's current weights: its 2-D feature (the same embedding the probe
 * points get), the class the run predicts with its softmax probability, and its Euclidean distance to
 * every class center. DOM-free: runs in the worker and in Node.
 */
import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIZE, MNIST_MEAN, MNIST_STD } from '../data/batcher';
import type { Run } from './trainer';

export interface DigitEmbedding {
  /** The run's step when it embedded the digit. */
  step: number;
  point: [number, number];
  predicted: number;
  /** Softmax probability of `predicted`. */
  probability: number;
  /** Distance from `point` to each class center, index = class. */
  distances: number[];
}

/** Ink intensities 0..1 (MNIST bytes / 255) → the network's input, normalised as every training image is. */
export function normalisePixels(pixels: Float32Array): Float32Array {
  if (pixels.length !== IMAGE_SIZE) throw new RangeError(`a digit has ${IMAGE_SIZE} pixels, got ${pixels.length}`);
  return pixels.map((v) => (Math.min(1, Math.max(0, v)) - MNIST_MEAN) / MNIST_STD);
}

export async function embedDigit(run: Run, pixels: Float32Array): Promise<DigitEmbedding> {
  const [f, p] = tf.tidy(() => {
    const feat = run.net.embed(tf.tensor2d(normalisePixels(pixels), [1, IMAGE_SIZE]));
    return [feat, tf.softmax(run.net.logits(feat))];
  });
  const [fd, pd, cd] = await Promise.all([f.data(), p.data(), run.centers.data()]);
  tf.dispose([f, p]);
  let predicted = 0;
  for (let k = 1; k < pd.length; k++) if (pd[k] > pd[predicted]) predicted = k;
  const point: [number, number] = [fd[0], fd[1]];
  const dim = cd.length / pd.length;
  const distances = Array.from({ length: pd.length }, (_, k) => Math.hypot(point[0] - cd[k * dim], point[1] - cd[k * dim + 1]));
  return { step: run.step, point, predicted, probability: pd[predicted], distances };
}
