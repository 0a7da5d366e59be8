/** How the page names a run: its panel title and the center update rule it shows. */
import { ruleOfRun, runSetup, type RunConfig, type RunId } from '../state/runs';
import { RULE_NAMES } from '../train/rules';

export function runTitle(run: RunId, c: RunConfig): string {
  if (run === 'softmax') return 'Softmax only';
  if (run === 'center') return 'Softmax + center loss';
  const rule = ruleOfRun(run);
  if (rule) return `Softmax + center loss, ${RULE_NAMES[rule]} rule`;
  const { lambda } = runSetup(run, c);
  return lambda === 0 ? 'λ = 0 (softmax only)' : `λ = ${lambda}`;
}

/** The update rule's name for a run that has center loss (null for the softmax-only ones). */
export function ruleLabel(run: RunId, c: RunConfig): string | null {
  const { lambda, update } = runSetup(run, c);
  return lambda === 0 && run !== 'center' && !ruleOfRun(run) ? null : RULE_NAMES[update];
}
