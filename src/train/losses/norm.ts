/**
 * Row norms and L2 normalisation shared by the ring loss and the cosine heads.
 *   ‖x‖ = √max(Σ_d x_d², ε²),  ε = 1e-12        (the max keeps the gradient finite at x = 0: it is 0 there)
 *   x̂  = x / ‖x‖                                (torch.nn.functional.normalize's clamp, written as above)
 * bench/reference/losses_golden.py and pytorch_reference.py use the same two lines.
 */
import * as tf from '@tensorflow/tfjs';

export const NORM_EPS_SQ = 1e-24;

/** ‖row‖ of a [N,D] tensor along `axis` (1: rows, 0: columns), kept as a [N,1] / [1,D] column or row. */
export function safeNorm(x: tf.Tensor2D, axis: 0 | 1 = 1): tf.Tensor2D {
  return tf.sqrt(tf.maximum(tf.sum(tf.square(x), axis, true), NORM_EPS_SQ)) as tf.Tensor2D;
}

/** x / ‖x‖ along `axis` (1: each row a unit vector; 0: each column). */
export function l2normalize(x: tf.Tensor2D, axis: 0 | 1 = 1): tf.Tensor2D {
  return tf.div(x, safeNorm(x, axis)) as tf.Tensor2D;
}
