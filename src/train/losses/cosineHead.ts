/**
 * The cosine classifier head shared by NormFace, CosFace and ArcFace: cos θ_ij = x̂_i · ŵ_j with the 2-D
 * features and the class weights (the columns of the bias-free dense 2 → 10) each L2-normalised; the
 * training logits add the loss's margin to the true class, the inference logits are s·cos θ.
 */
import * as tf from '@tensorflow/tfjs';
import { arcfaceLogits } from './arcface';
import { cosfaceLogits } from './cosface';
import type { CosineHeadId } from './ids';
import { l2normalize } from './norm';
import { normfaceLogits } from './normface';

/** cos θ, [B,K]: features x [B,D], class weights w [D,K] (column j = class j). */
export function cosines(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.matMul(l2normalize(x, 1), l2normalize(w, 0)));
}

/** Training logits of a cosine head: the margin on the true class (`y`: [B] int32). */
export function marginLogits(head: CosineHeadId, cos: tf.Tensor2D, y: tf.Tensor1D, s: number, m: number): tf.Tensor2D {
  return tf.tidy(() => {
    if (head === 'normface') return normfaceLogits(cos, s);
    const oneHot = tf.oneHot(y, cos.shape[1]).toFloat() as tf.Tensor2D;
    return head === 'cosface' ? cosfaceLogits(cos, oneHot, s, m) : arcfaceLogits(cos, oneHot, s, m);
  });
}

/** Unit class directions ŵ_j as a [K,D] row-major array (what the polar view draws as spokes). */
export function classDirections(w: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.transpose(l2normalize(w, 0)) as tf.Tensor2D);
}
