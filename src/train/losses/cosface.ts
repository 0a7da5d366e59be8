/**
 * CosFace / AM-Softmax (Wang et al. 2018, arXiv 1801.09414 / 1801.05599): the true class's logit is
 * s·(cos θ_y − m), the others s·cos θ_j. With K classes evenly spread on the 2-D circle the margin must stay
 * below 1 − cos(2π/K) (≈ 0.19 for K = 10) or no feature can satisfy it.
 */
import * as tf from '@tensorflow/tfjs';

/** s·(cos θ − m·onehot(y)), [B,K]. `oneHot`: [B,K] float32. */
export function cosfaceLogits(cos: tf.Tensor2D, oneHot: tf.Tensor2D, s: number, m: number): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.sub(cos, tf.mul(oneHot, m)), s) as tf.Tensor2D);
}
