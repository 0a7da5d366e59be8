/** How the page names a run: its panel title (with its loss) and the center update rule it shows. */
import { lossOfRun, ruleOfRun, runLoss, runSetup, type RunConfig, type RunId } from '../state/runs';
import { LOSS_NAMES, LOSS_PARAMS, isCosineHead, type LossId } from '../train/losses/ids';
import { shortNumber, type LossParam } from '../state/table';
import { RULE_NAMES } from '../train/rules';

/** How a loss parameter reads in a title or caption. */
export const SYMBOL: Record<LossParam, string> = { lambda: 'λ', alpha: 'α', s: 's', m: 'm', delta: 'δ', ringLr: 'lr_R' };

/**
 * A loss with the parameters that define it (not the learning rates α and lr_R, which the metrics and
 * controls show): "ArcFace (s 10, m 0.2)", "ring loss (λ 0.1)"; center loss by its name alone.
 */
export function lossWithParams(loss: LossId, values: Record<LossParam, number>): string {
  if (loss === 'center') return LOSS_NAMES.center;
  const shown = LOSS_PARAMS[loss].filter((k) => k !== 'alpha' && k !== 'ringLr');
  return shown.length ? `${LOSS_NAMES[loss]} (${shown.map((k) => `${SYMBOL[k]} ${shortNumber(values[k])}`).join(', ')})` : LOSS_NAMES[loss];
}

export function runTitle(run: RunId, c: RunConfig): string {
  if (run === 'softmax') return 'Softmax only';
  if (run === 'center' || lossOfRun(run)) {
    const setup = runLoss(run, c);
    return `Softmax + ${lossWithParams(setup.loss, setup)}`;
  }
  const rule = ruleOfRun(run);
  if (rule) return `Softmax + center loss, ${RULE_NAMES[rule]} rule`;
  const { lambda } = runSetup(run, c);
  return lambda === 0 ? 'λ = 0 (softmax only)' : `λ = ${lambda}`;
}

/** The update rule's name for a run that has center loss (null for the softmax-only ones and the other losses). */
export function ruleLabel(run: RunId, c: RunConfig): string | null {
  const { lambda, update, loss } = runLoss(run, c);
  if (loss !== 'center') return null;
  return lambda === 0 && run !== 'center' && run !== 'loss-center' && !ruleOfRun(run) ? null : RULE_NAMES[update];
}

/**
 * How a panel labels its loss's own term (the snapshot's second loss): undefined for center loss (the
 * panel writes L_C), null for a cosine head (it has none: its margin is inside the softmax loss).
 */
export function auxLossLabel(loss: LossId): string | null | undefined {
  if (loss === 'center') return undefined;
  if (isCosineHead(loss)) return null;
  return loss === 'ring' ? 'ring loss L_R' : 'contrastive-center loss L_ctc';
}
