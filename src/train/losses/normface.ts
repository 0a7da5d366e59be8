/**
 * NormFace (Wang et al. 2017, arXiv 1704.06369): softmax over s·cos θ_j, features and class weights
 * L2-normalised, no bias. Also the inference logits of every cosine head (the margins are training-only).
 */
import * as tf from '@tensorflow/tfjs';

/** s·cos θ, [B,K]. */
export function normfaceLogits(cos: tf.Tensor2D, s: number): tf.Tensor2D {
  return tf.mul(cos, s) as tf.Tensor2D;
}
