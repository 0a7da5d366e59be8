/**
 * Rules about runs, shared by the page and the worker: which runs a config trains, what sets each
 * apart, and the values in force where the table's 0 stands for the model preset's own.
 */
import type { CenterUpdateRule } from '../train/rules';
import type { ModelPreset } from '../train/presets';
import { LIVE_KEYS, RESTART_KEYS, type LiveKey, type Params, type RestartKey } from './table';

/** What the worker trains with: the parameters that apply live or on a restart, under their table names. */
export type RunConfig = Pick<Params, LiveKey | RestartKey>;

/** The worker's part of the page's parameters. */
export function runConfig(p: RunConfig): RunConfig {
  return Object.fromEntries([...LIVE_KEYS, ...RESTART_KEYS].map((k) => [k, p[k]])) as RunConfig;
}

/**
 * 'softmax' (λ = 0) and 'center' (the user's λ and update rule); when comparing update rules,
 * 'softmax' and one 'rule-<rule>' per compared rule (the user's λ); in λ-grid mode 'grid0'…'grid5',
 * one per λ of the grid.
 */
export type RunId = 'softmax' | 'center' | `rule-${CenterUpdateRule}` | `grid${number}`;

/** The λ grid is on: 2–6 values (it replaces the pair and the rule comparison). */
export function gridOn(c: Pick<RunConfig, 'grid'>): boolean {
  return c.grid.length >= 2;
}

/** Update rules are compared: 2+ rules and no λ grid. */
export function compareOn(c: Pick<RunConfig, 'compare' | 'grid'>): boolean {
  return !gridOn(c) && c.compare.length >= 2;
}

/** The rule a 'rule-…' run trains with, or null for the other runs. */
export function ruleOfRun(id: RunId): CenterUpdateRule | null {
  return id.startsWith('rule-') ? (id.slice(5) as CenterUpdateRule) : null;
}

/** The runs that train for a config: a λ grid of 2–6 runs replaces the pair; so does a comparison of 2+ rules. */
export function activeRuns(c: Pick<RunConfig, 'compare' | 'grid'>): RunId[] {
  if (gridOn(c)) return c.grid.map((_, i) => `grid${i}` as RunId);
  if (compareOn(c)) return ['softmax', ...c.compare.map((r) => `rule-${r}` as RunId)];
  return ['softmax', 'center'];
}

/** What distinguishes one run from another: its λ and its center update rule. */
export function runSetup(id: RunId, c: Pick<RunConfig, 'lambda' | 'update' | 'grid'>): { lambda: number; update: CenterUpdateRule } {
  if (id === 'softmax') return { lambda: 0, update: 'eq4' }; // λ = 0; Eq. 4 still tracks its centers for the plot
  if (id === 'center') return { lambda: c.lambda, update: c.update };
  const rule = ruleOfRun(id);
  if (rule) return { lambda: c.lambda, update: rule };
  const lambda = c.grid[Number(id.slice(4))] ?? 0;
  return { lambda, update: lambda === 0 ? 'eq4' : c.update };
}

/** The learning rate in force: 0 stands for the model preset's default. */
export function resolvedLr(c: Pick<RunConfig, 'lr'>, preset: Pick<ModelPreset, 'lr'>): number {
  return c.lr > 0 ? c.lr : preset.lr;
}

/** The batch size in force: 0 stands for the model preset's. */
export function resolvedBatch(c: Pick<RunConfig, 'batch'>, preset: Pick<ModelPreset, 'batch'>): number {
  return c.batch > 0 ? c.batch : preset.batch;
}
