/**
 * "The picture has formed": the one definition shared by the app, the tests and the benchmark (the
 * PyTorch reference reads the same thresholds from presets.json). Pure: no tfjs, no DOM.
 *
 * The center-loss run's compactness is at most `maxCompactnessRatio` × the softmax-only run's, and
 * both runs classify at least `minAccuracy` of the probe digits. Steps-to-picture is the first
 * snapshot step where that holds; time-to-picture is the wall-clock from pressing Train to it.
 */
import { PICTURE } from './presets';
import { isCosineHead, type LossId } from './losses/ids';

/**
 * Whether a run's compactness is measured on the normalised features x/‖x‖ (angular compactness):
 * when its loss, or the loss of the run it is compared with, is a cosine head, whose logits depend on
 * the angle only; so both sides of a contrast are measured in the same geometry
 * (bench/reference/logs/losses.md; the PyTorch reference measures the same way).
 */
export function angularCompactness(loss: LossId, comparedWith: LossId): boolean {
  return isCosineHead(loss) || isCosineHead(comparedWith);
}

/** What the definition reads of one run at one snapshot. */
export interface RunStanding {
  /** Probe accuracy, 0..1. */
  accuracy: number;
  /** Compactness of the probe embeddings (metrics.ts; lower = tighter). */
  compactness: number;
}

export interface Contrast {
  /** center-loss compactness ÷ softmax-only compactness (NaN when either is unknown). */
  ratio: number;
  /** Each condition on its own, so the UI can say which one is still missing. */
  tightEnough: boolean;
  softmaxAccurate: boolean;
  centerAccurate: boolean;
  /** All three hold: the picture has formed. */
  formed: boolean;
}

/** The contrast between a softmax-only run and a center-loss run at the same step. */
export function contrast(softmax: RunStanding, center: RunStanding, thresholds = PICTURE): Contrast {
  const ratio = center.compactness / softmax.compactness;
  const tightEnough = Number.isFinite(ratio) && ratio <= thresholds.maxCompactnessRatio;
  const softmaxAccurate = softmax.accuracy >= thresholds.minAccuracy;
  const centerAccurate = center.accuracy >= thresholds.minAccuracy;
  return { ratio, tightEnough, softmaxAccurate, centerAccurate, formed: tightEnough && softmaxAccurate && centerAccurate };
}

/** One snapshot of both runs, in step order. */
export interface ContrastPoint { step: number; softmax: RunStanding; center: RunStanding }

/** The first step at which the picture has formed, or null if it has not (yet). */
export function stepsToPicture(history: Iterable<ContrastPoint>, thresholds = PICTURE): number | null {
  for (const p of history) if (contrast(p.softmax, p.center, thresholds).formed) return p.step;
  return null;
}
