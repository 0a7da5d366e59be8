/**
 * ArcFace (Deng et al. 2019, arXiv 1801.07698): the true class's logit is s·cos(θ_y + m), the others s·cos θ_j.
 * cos(θ + m) = cos θ·cos m − sin θ·sin m, sin θ = √max(1 − cos²θ, 1e-12) (no acos; the floor keeps the
 * gradient finite at |cos θ| = 1). Where θ_y + m > π, cos(θ_y + m) would rise again as θ_y grows, so the
 * usual fallback replaces it: insightface's "th/mm" form (easy_margin off),
 *   ψ(θ) = cos(θ + m)       if cos θ > th = cos(π − m)
 *        = cos θ − mm       otherwise, mm = sin(π − m)·m
 * (not the "easy margin" form, which drops the margin whenever cos θ ≤ 0).
 */
import * as tf from '@tensorflow/tfjs';

export const SIN_FLOOR = 1e-12;

/** ψ(θ_y) for the true class, cos θ_j elsewhere, times s; [B,K]. `oneHot`: [B,K] float32. */
export function arcfaceLogits(cos: tf.Tensor2D, oneHot: tf.Tensor2D, s: number, m: number): tf.Tensor2D {
  return tf.tidy(() => {
    const sin = tf.sqrt(tf.maximum(tf.sub(1, tf.square(cos)), SIN_FLOOR));
    const shifted = tf.sub(tf.mul(cos, Math.cos(m)), tf.mul(sin, Math.sin(m)));
    // 1 where cos θ > cos(π − m), else 0 (tf.step: a comparison with a zero gradient, unlike tf.greater)
    const inRange = tf.step(tf.sub(cos, Math.cos(Math.PI - m)));
    const fallback = tf.sub(cos, Math.sin(Math.PI - m) * m);
    const psi = tf.add(tf.mul(inRange, shifted), tf.mul(tf.sub(1, inRange), fallback));
    return tf.mul(tf.add(tf.mul(oneHot, psi), tf.mul(tf.sub(1, oneHot), cos)), s) as tf.Tensor2D;
  });
}
