/**
 * Embeds one drawn digit with a run's current weights: its 2-D feature (the same embedding the probe
 * points get), the class the run predicts with its softmax probability (of the run's own classifier: the
 * cosine heads' s·cos θ without margin), and its Euclidean distance to every class center (for a cosine
 * head, of x/‖x‖ to every class direction ŵ_k). DOM-free:
 * runs in the worker and in Node.
 */
import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIZE, MNIST_MEAN, MNIST_STD } from '../data/batcher';
import type { Run } from './trainer';
import { isCosineHead } from './losses/ids';

export interface DigitEmbedding {
  /** The run's step when it embedded the digit. */
  step: number;
  point: [number, number];
  predicted: number;
  /** Softmax probability of `predicted`. */
  probability: number;
  /** Distance from `point` to each class center, index = class (a cosine head: from x/‖x‖ to each ŵ_k). */
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
    return [feat, tf.softmax(run.logits(feat))]; // the run's classifier: s·cos θ for a cosine head
  });
  // A cosine head has no centers (they stay at their initial values): there the class directions ŵ_k play
  // their part, and the distance is the one on the unit circle, ‖x/‖x‖ − ŵ_k‖ (the nearest is the predicted class).
  const cosine = isCosineHead(run.hyper.loss ?? 'center');
  const [fd, pd, cd] = await Promise.all([f.data(), p.data(), cosine ? run.geometry().then((g) => g.classDirections) : run.centers.data()]);
  tf.dispose([f, p]);
  let predicted = 0;
  for (let k = 1; k < pd.length; k++) if (pd[k] > pd[predicted]) predicted = k;
  const point: [number, number] = [fd[0], fd[1]];
  const r = cosine ? Math.hypot(point[0], point[1]) || 1 : 1;
  const dim = cd.length / pd.length;
  const distances = Array.from({ length: pd.length }, (_, k) => Math.hypot(point[0] / r - cd[k * dim], point[1] / r - cd[k * dim + 1]));
  return { step: run.step, point, predicted, probability: pd[predicted], distances };
}
