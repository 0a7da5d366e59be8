/**
 * The discriminative losses Flock trains beside softmax, by name (tf-free, so the UI can import it).
 * The math of each is in this folder, one file per loss or head; bench/reference/losses_golden.py
 * computes the same formulas in float64 and bench/reference/pytorch_reference.py trains them.
 */
export const LOSS_IDS = ['center', 'contrastive-center', 'ring', 'normface', 'cosface', 'arcface'] as const;
export type LossId = (typeof LOSS_IDS)[number];

/** Losses whose classifier is the cosine head (L2-normalised features and class weights, no bias, logits s·cos θ). */
export const COSINE_HEADS = ['normface', 'cosface', 'arcface'] as const satisfies readonly LossId[];
export type CosineHeadId = (typeof COSINE_HEADS)[number];

export function isCosineHead(loss: LossId): loss is CosineHeadId {
  return (COSINE_HEADS as readonly LossId[]).includes(loss);
}

/** Short names for panel titles. */
export const LOSS_NAMES: Record<LossId, string> = {
  center: 'center loss',
  'contrastive-center': 'contrastive-center loss',
  ring: 'ring loss',
  normface: 'NormFace',
  cosface: 'CosFace',
  arcface: 'ArcFace',
};

/** Which hyper-parameters each loss reads (besides lr): the controls it needs. */
export const LOSS_PARAMS: Record<LossId, readonly ('lambda' | 'alpha' | 'delta' | 'ringLr' | 's' | 'm')[]> = {
  center: ['lambda', 'alpha'],
  'contrastive-center': ['lambda', 'alpha', 'delta'],
  ring: ['lambda', 'ringLr'],
  normface: ['s'],
  cosface: ['s', 'm'],
  arcface: ['s', 'm'],
};
