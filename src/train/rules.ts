/**
 * The center-update rules by name (tf-free, so the UI can import it). The math of each is in
 * centerLoss.ts (and bench/reference/center_rules.py); README "The math" lists their sources.
 */
export const CENTER_RULES = ['eq4', 'seed', 'kaiyang', 'caffe'] as const;
export type CenterUpdateRule = (typeof CENTER_RULES)[number];

/** Short names for panel titles and captions. */
export const RULE_NAMES: Record<CenterUpdateRule, string> = {
  eq4: 'Eq. 4', seed: 'seed port', kaiyang: 'KaiyangZhou', caffe: 'caffe-face solver',
};

/** Names with the source, for the rule select. */
export const RULE_LABELS: Record<CenterUpdateRule, string> = {
  eq4: 'Eq. 4 (paper): c − α·Σ(c−x)/(1+n)',
  seed: 'seed port (jxgu1016): c − α·Σ(c−x)/((1+n)·B)',
  kaiyang: 'KaiyangZhou: c − α·2Σ(c−x)/B',
  caffe: 'caffe-face solver: Δc by the SGD solver (lr, momentum 0.9)',
};

/** Whether α enters the rule (the caffe-face solver uses the run's learning rate instead). */
export const RULE_USES_ALPHA: Record<CenterUpdateRule, boolean> = { eq4: true, seed: true, kaiyang: true, caffe: false };
