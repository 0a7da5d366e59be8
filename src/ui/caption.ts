/** The one line that states a session's shared settings, for saved images and the figure caption. */
import type { Params } from '../state/params';
import { activeRuns, resolvedLr, runConfig, runLoss } from '../state/runs';
import { PRESETS, type ModelId } from '../train/presets';
import { RULE_NAMES } from '../train/rules';
import { lossWithParams } from './runTitles';

export function settingsCaption(p: Params, model: ModelId | null, step: number): string {
  const name = model ? PRESETS[model].label : p.model;
  const lr = model ? resolvedLr(p, PRESETS[model]) : p.lr;
  // Center loss's α and rule where a center-loss run trains (the softmax run's centers too); each other loss with its parameters.
  const c = runConfig(p);
  const losses = [...new Set(activeRuns(c).filter((r) => r !== 'softmax').map((r) => runLoss(r, c).loss))];
  const center = losses.includes('center') || !losses.length ? [`α ${p.alpha}`, `${RULE_NAMES[p.update]} rule`] : [];
  const others = losses.filter((l) => l !== 'center').map((l) => lossWithParams(l, runLoss(l === p.loss && activeRuns(c).includes('center') ? 'center' : `loss-${l}`, c)));
  return ['Flock', name, `${p.optimizer === 'adam' ? 'Adam' : 'SGD'} lr ${lr}`, ...center, ...others, `seed ${p.seed}`, `step ${step}`].join(' · ');
}
