/**
 * Center loss (Wen et al., ECCV 2016) with explicit derivatives, and the center-update rules of
 * the implementations Flock can reproduce.
 *
 *   L_C       = Σ_i ‖x_i − c_{y_i}‖² / (2B)                       (Eq. 2, batch-averaged as in caffe-face)
 *   ∂L_C/∂x_i = (x_i − c_{y_i}) / B                                 (Eq. 3; the trainer multiplies by λ)
 *   Δc_j      = S_j / (1 + n_j),   S_j = Σ_{i:y_i=j} (c_j − x_i)    (Eq. 4)
 *
 * Center-update rules (each source's exact math; bench/reference/center_rules.py is the same in
 * PyTorch, and bench/reference/crosscheck.py runs each against the source's own code):
 *   'eq4'     Eq. 4 (paper):      c_j ← c_j − α·S_j/(1 + n_j)
 *   'seed'    seed port:          c_j ← c_j − α·S_j/((1 + n_j)·B)
 *             (jxgu1016/MNIST_center_loss_pytorch CenterLoss.py: backward returns grad_centers/batch_size,
 *             without λ; optim.SGD(lr = 0.5) applies it, so α is that lr)
 *   'kaiyang' KaiyangZhou:        c_j ← c_j − α·2·S_j/B
 *             (KaiyangZhou/pytorch-center-loss center_loss.py + main.py: autograd of weight_cent·Σ‖x−c‖²/B,
 *             ×1/weight_cent, optim.SGD(lr = lr_cent = 0.5). Its loss has no ½, so its weight_cent is λ/2
 *             here; at λ = 0 the source divides by zero, Flock takes the same λ-free step)
 *   'caffe'   caffe-face solver:  v_j ← μ·v_j + lr·Δc_j (Δc = 0 when λ = 0),  c_j ← c_j − v_j
 *             (ydwen/caffe-face center_loss_layer.cpp writes Δc as the centers' diff; the SGD solver
 *             applies it with the run's lr and schedule, momentum μ = 0.9, no decay; α is not used)
 *
 * One interface, two implementations: composed tfjs ops (every backend, and the reference in tests)
 * and WGSL kernels on the WebGPU backend (centerLossWebgpu.ts). `centerStep` builds every rule from
 * the two primitives `deltaC` and `scaledStep`.
 */
import * as tf from '@tensorflow/tfjs';

import type { CenterUpdateRule } from './rules';

export { CENTER_RULES, type CenterUpdateRule } from './rules';

/** What one center step needs besides the batch. */
export interface CenterStepParams {
  rule: CenterUpdateRule;
  alpha: number;
  lambda: number;
  /** 'caffe': the solver's learning rate this step (the run's lr after its schedule). */
  lr: number;
  /** 'caffe': the solver's momentum. */
  momentum: number;
}

export interface CenterLossOps {
  readonly id: 'composed' | 'wgsl';
  /**
   * L_C (not weighted by λ). Its gradient with respect to `x` is given explicitly (Eq. 3): dy·(x − c_y)/B.
   * No gradient flows to `c` or `y`. x: [B,D] float32, y: [B] int32, c: [K,D] float32.
   */
  loss(x: tf.Tensor2D, y: tf.Tensor1D, c: tf.Tensor2D): tf.Scalar;
  /** Δc (Eq. 4), [K,D]; zero rows for classes absent from the batch. */
  deltaC(x: tf.Tensor2D, y: tf.Tensor1D, c: tf.Tensor2D): tf.Tensor2D;
  /** c − coef·S/(1 + n) when `perCount`, else c − coef·S; [K,D]. */
  scaledStep(x: tf.Tensor2D, y: tf.Tensor1D, c: tf.Tensor2D, coef: number, perCount: boolean): tf.Tensor2D;
}

/** The coefficient and form of the stateless rules' step c − coef·S/(1+n) or c − coef·S (float64 on the host). */
export function stepCoef(rule: Exclude<CenterUpdateRule, 'caffe'>, alpha: number, batch: number): { coef: number; perCount: boolean } {
  switch (rule) {
    case 'eq4': return { coef: alpha, perCount: true };
    case 'seed': return { coef: alpha / batch, perCount: true };
    case 'kaiyang': return { coef: (2 * alpha) / batch, perCount: false };
  }
  throw new Error(`unknown center update rule '${String(rule)}'`);
}

/**
 * One center update of `p.rule` with the batch features `x`. Returns the new centers and, for
 * 'caffe', the new momentum buffer (`velocity` is the old one, [K,D]; required for 'caffe').
 */
export function centerStep(
  ops: CenterLossOps, x: tf.Tensor2D, y: tf.Tensor1D, c: tf.Tensor2D, p: CenterStepParams, velocity?: tf.Tensor2D,
): { centers: tf.Tensor2D; velocity?: tf.Tensor2D } {
  if (p.rule !== 'caffe') {
    const { coef, perCount } = stepCoef(p.rule, p.alpha, x.shape[0]);
    return { centers: ops.scaledStep(x, y, c, coef, perCount) };
  }
  if (!velocity) throw new Error("the 'caffe' center rule needs its momentum buffer");
  return tf.tidy(() => {
    // caffe's SGD: history = μ·history + lr·diff; data −= history. With λ = 0 the layer is not in the net: diff = 0.
    const decayed = tf.mul(velocity, p.momentum);
    const v = (p.lambda === 0 ? decayed : tf.add(decayed, tf.mul(ops.deltaC(x, y, c), p.lr))) as tf.Tensor2D;
    return { centers: tf.sub(c, v) as tf.Tensor2D, velocity: v };
  });
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
  scaledStep(x, y, c, coef, perCount) {
    return tf.tidy(() => {
      const step = perCount
        ? composedCenterLoss.deltaC(x, y, c)
        : tf.unsortedSegmentSum(tf.sub(tf.gather(c, y), x), y, c.shape[0]);
      return tf.sub(c, tf.mul(step, coef)) as tf.Tensor2D;
    });
  },
};

/** Per-class counts n_j, [K] float32 (composed ops). */
export function classCounts(y: tf.Tensor1D, k: number): tf.Tensor1D {
  return tf.tidy(() => tf.unsortedSegmentSum(tf.onesLike(y).toFloat(), y, k) as tf.Tensor1D);
}
