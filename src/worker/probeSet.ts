/**
 * The probe set: a fixed, stratified sample of test digits that every run embeds for the scatter.
 * Drawn once per size (from PROBE_SEED), so it stays the same across resets; the UI gets its labels
 * and pixels with 'ready'.
 */
import * as tf from '@tensorflow/tfjs';
import { gatherImages, gatherLabels, stratifiedProbe } from '../data/batcher';
import type { Mnist } from '../data/load';

const PROBE_SEED = 2016;

export class ProbeSet {
  /** [N × 784] normalised images, on the backend. */
  readonly x: tf.Tensor2D;
  readonly labels: Uint8Array;
  /** Indices into the test set. */
  private readonly idx: Int32Array;

  constructor(private readonly data: Mnist, size: number) {
    this.idx = stratifiedProbe(data.testLabels, size, PROBE_SEED);
    this.labels = Uint8Array.from(gatherLabels(data.testLabels, this.idx));
    this.x = tf.tensor2d(gatherImages(data.testImages, this.idx), [this.idx.length, 784]);
  }

  get size(): number {
    return this.idx.length;
  }

  /** Copies of the labels and the raw pixels (0–255, [N × 784]), safe to transfer. */
  forPage(): { labels: Uint8Array; images: Uint8Array } {
    const images = new Uint8Array(this.idx.length * 784);
    this.idx.forEach((k, i) => images.set(this.data.testImages.subarray(k * 784, (k + 1) * 784), i * 784));
    return { labels: this.labels.slice(), images };
  }

  dispose(): void {
    this.x.dispose();
  }
}
