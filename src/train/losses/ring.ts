/**
 * Ring loss (Zheng et al. 2018, arXiv 1803.00130, Eq. 2), batch-averaged:
 *   L_R = (1/B) Σ_i ½(‖x_i‖ − R)²      (the trainer adds λ·L_R to softmax cross-entropy)
 * R is learned: R ← R − lr_R·λ·∂L_R/∂R = R + lr_R·λ·mean_i(‖x_i‖ − R) (plain SGD on the weighted loss, its own
 * learning rate lr_R). Before the first step R is unset (< 0) and starts at the first batch's mean feature norm,
 * as the authors' PyTorch code (Paralysis/ringloss: radius filled with −1, then x.norm(dim=1).mean()) does.
 */
import * as tf from '@tensorflow/tfjs';
import { safeNorm } from './norm';

/** L_R (not weighted by λ). x: [B,D], radius: scalar; differentiable in x and R. */
export function ringLoss(x: tf.Tensor2D, radius: tf.Scalar): tf.Scalar {
  return tf.tidy(() => tf.div(tf.mean(tf.square(tf.sub(tf.squeeze(safeNorm(x), [1]), radius))), 2) as tf.Scalar);
}

/** R's initial value: the batch's mean feature norm, [] scalar. */
export function ringInit(x: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(safeNorm(x)) as tf.Scalar);
}
