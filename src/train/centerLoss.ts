/**
 * Center loss (Wen et al., ECCV 2016) with explicit derivatives.
 *
 *   L_C       = Σ_i ‖x_i − c_{y_i}‖² / (2B)                       (Eq. 2, batch-averaged as in caffe-face)
 *   ∂L_C/∂x_i = (x_i − c_{y_i}) / B                                 (Eq. 3; the trainer multiplies by λ)
 *   Δc_j      = Σ_{i:y_i=j} (c_j − x_i) / (1 + n_j)                 (Eq. 4)
 *   c_j      ← c_j − α·Δc_j                                         (rule 'eq4')
 *
 * The 'autograd' rule is what most ports do: plain SGD on the centers with the gradient of λ·L_C,
 *   c_j ← c_j − α·λ·Σ_{i:y_i=j} (c_j − x_i) / B.
 *
 * One interface, two implementations: composed tfjs ops (every backend, and the reference in tests)
 * and a fused WGSL kernel on the WebGPU backend (centerLossWebgpu.ts).
 */
import * as tf from '@tensorflow/tfjs';

export type CenterUpdateRule = 'eq4' | 'autograd';

export interface CenterLossOps {
  readonly id: 'composed' | 'wgsl';
  /**
   * L_C (not weighted by λ). Its gradient with respect to `x` is given explicitly (Eq. 3): dy·(x − c_y)/B.
   * No gradient flows to `c` or `y`. x: [B,D] float32, y: [B] int32, c: [K,D] float32.
   */
  loss(x: tf.Tensor2D, y: tf.Tensor1D, c: tf.Tensor2D): tf.Scalar;
  /** Δc (Eq. 4), [K,D]; zero rows for classes absent from the batch. */
  deltaC(x: tf.Tensor2D, y: tf.Tensor1D, c: tf.Tensor2D): tf.Tensor2D;
  /** The centers after one update with `rule` (see above), [K,D]. */
  updatedCenters(
    x: tf.Tensor2D, y: tf.Tensor1D, c: tf.Tensor2D,
    alpha: number, lambda: number, rule: CenterUpdateRule,
  ): tf.Tensor2D;
}

/** Composed-ops implementation: runs on every tfjs backend. */
export const composedCenterLoss: CenterLossOps = {
  id: 'composed',
  loss(x, y, c) {
    const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const xx = args[0] as tf.Tensor2D;
      const save = args[1] as tf.GradSaveFunc;
      const diff = tf.sub(xx, tf.gather(c, y));
      save([diff]);
      const value = tf.div(tf.sum(tf.square(diff)), 2 * xx.shape[0]) as tf.Scalar;
      return {
        value,
        gradFunc: (dy: tf.Scalar, saved: tf.Tensor[]) => tf.mul(dy, tf.div(saved[0], xx.shape[0])),
      };
    });
    return f(x) as tf.Scalar;
  },
  deltaC(x, y, c) {
    return tf.tidy(() => {
      const k = c.shape[0];
      const diff = tf.sub(tf.gather(c, y), x); // c_{y_i} − x_i
      const sums = tf.unsortedSegmentSum(diff, y, k);
      const counts = tf.unsortedSegmentSum(tf.onesLike(y).toFloat(), y, k);
      return tf.div(sums, tf.add(counts, 1).expandDims(1)) as tf.Tensor2D;
    });
  },
  updatedCenters(x, y, c, alpha, lambda, rule) {
    return tf.tidy(() => {
      if (rule === 'eq4') return tf.sub(c, tf.mul(composedCenterLoss.deltaC(x, y, c), alpha)) as tf.Tensor2D;
      const sums = tf.unsortedSegmentSum(tf.sub(tf.gather(c, y), x), y, c.shape[0]);
      return tf.sub(c, tf.mul(sums, (alpha * lambda) / x.shape[0])) as tf.Tensor2D;
    });
  },
};

/** Per-class counts n_j, [K] float32 (composed ops). */
export function classCounts(y: tf.Tensor1D, k: number): tf.Tensor1D {
  return tf.tidy(() => tf.unsortedSegmentSum(tf.onesLike(y).toFloat(), y, k) as tf.Tensor1D);
}
