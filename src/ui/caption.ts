/** The one line that states a session's shared settings, for saved images and the figure caption. */
import type { Params } from '../state/params';
import { resolvedLr } from '../state/runs';
import { PRESETS, type ModelId } from '../train/presets';
import { RULE_NAMES } from '../train/rules';

export function settingsCaption(p: Params, model: ModelId | null, step: number): string {
  const name = model ? PRESETS[model].label : p.model;
  const lr = model ? resolvedLr(p, PRESETS[model]) : p.lr;
  return `Flock · ${name} · ${p.optimizer === 'adam' ? 'Adam' : 'SGD'} lr ${lr} · α ${p.alpha} · ${RULE_NAMES[p.update]} rule · seed ${p.seed} · step ${step}`;
}
