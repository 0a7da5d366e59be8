/**
 * The training objective of every loss but center loss (whose explicit-gradient path stays in trainer.ts),
 * built from composed ops so tfjs autograd gives the gradients of the weights and the loss's own learned state:
 *   contrastive-center: CE(W·x) + λ·L_ctc(x, y, c; δ)      (contrastiveCenter.ts; c learned)
 *   ring:               CE(W·x) + λ·L_R(x; R)              (ring.ts; R learned)
 *   normface/cosface/arcface: CE(margin logits of cos θ)   (cosineHead.ts; no λ, no centers)
 * CE is softmax cross-entropy averaged over the batch, as for center loss.
 */
import * as tf from '@tensorflow/tfjs';
import { contrastiveCenterLoss } from './contrastiveCenter';
import { cosines, marginLogits } from './cosineHead';
import { isCosineHead, type LossId } from './ids';
import { ringLoss } from './ring';

/** The hyper-parameters the objective reads (resolved: defaults already filled in). */
export interface LossParams {
  lambda: number;
  /** Cosine heads: scale s (logits s·cos θ). */
  s: number;
  /** CosFace: additive cosine margin; ArcFace: additive angular margin (radians). */
  m: number;
  /** Contrastive-center: δ in the denominator. */
  delta: number;
}

/** What the objective differentiates besides the features: the class weights [D,K] and the learned state. */
export interface LossInputs {
  /** The bias-free classifier's weights, [D,K] (column j = class j). */
  w: tf.Tensor2D;
  centers: tf.Tensor2D;
  radius: tf.Scalar;
}

/** total (what the optimiser minimises) and parts = [classification CE, auxiliary loss unweighted (0 for cosine heads)]. */
export function objective(
  loss: Exclude<LossId, 'center'>, f: tf.Tensor2D, y: tf.Tensor1D, inp: LossInputs, p: LossParams,
): { total: tf.Scalar; parts: tf.Tensor1D } {
  const k = inp.w.shape[1];
  const ce = (logits: tf.Tensor2D) => tf.losses.softmaxCrossEntropy(tf.oneHot(y, k), logits) as tf.Scalar;
  if (isCosineHead(loss)) {
    const total = ce(marginLogits(loss, cosines(f, inp.w), y, p.s, p.m));
    return { total, parts: tf.stack([total, tf.scalar(0)]) as tf.Tensor1D };
  }
  const cls = ce(tf.matMul(f, inp.w));
  const aux = loss === 'ring' ? ringLoss(f, inp.radius) : contrastiveCenterLoss(f, y, inp.centers, p.delta);
  const total = p.lambda === 0 ? cls : (tf.add(cls, tf.mul(aux, p.lambda)) as tf.Scalar);
  return { total, parts: tf.stack([cls, aux]) as tf.Tensor1D };
}

/** Inference logits: s·cos θ for a cosine head (no margin), W·x otherwise. */
export function inferenceLogits(loss: LossId, f: tf.Tensor2D, w: tf.Tensor2D, s: number): tf.Tensor2D {
  return tf.tidy(() => (isCosineHead(loss) ? tf.mul(cosines(f, w), s) as tf.Tensor2D : tf.matMul(f, w)));
}
