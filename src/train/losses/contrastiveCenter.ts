/**
 * Contrastive-center loss (Qi & Su 2017, arXiv 1707.07391, Eq. 2), batch-averaged as the app's center loss is:
 *   L_ctc = (1/B) Σ_i ½‖x_i − c_{y_i}‖² / (Σ_{j≠y_i} ‖x_i − c_j‖² + δ),   δ = 1 in the paper
 * Centers are learned by gradient (the paper derives ∂L/∂c_j and treats c as a layer parameter): autograd
 * gives ∂L/∂x and ∂L/∂c; the trainer takes c ← c − α·∂total/∂c = c − α·λ·∂L_ctc/∂c (plain SGD on the joint
 * objective, α the centers' learning rate). Composed ops; gradients by tfjs autograd.
 */
import * as tf from '@tensorflow/tfjs';

/** Squared distances of every feature to every center, [B,K]: Σ_d (x_id − c_jd)². */
export function squaredDistances(x: tf.Tensor2D, c: tf.Tensor2D): tf.Tensor2D {
  return tf.sum(tf.square(tf.sub(tf.expandDims(x, 1), tf.expandDims(c, 0))), 2) as tf.Tensor2D;
}

/** L_ctc (not weighted by λ). x: [B,D], y: [B] int32, c: [K,D]; differentiable in x and c. */
export function contrastiveCenterLoss(x: tf.Tensor2D, y: tf.Tensor1D, c: tf.Tensor2D, delta: number): tf.Scalar {
  return tf.tidy(() => {
    const d2 = squaredDistances(x, c);
    const own = tf.oneHot(y, c.shape[0]).toFloat();
    const intra = tf.sum(tf.mul(d2, own), 1);
    const inter = tf.sum(tf.mul(d2, tf.sub(1, own)), 1);
    return tf.mean(tf.div(tf.mul(intra, 0.5), tf.add(inter, delta))) as tf.Scalar;
  });
}
