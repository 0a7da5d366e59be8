/**
 * Rules about runs, shared by the page and the worker: which runs a config trains, what sets each
 * apart, and the values in force where the table's 0 stands for the model preset's own.
 */
import type { CenterUpdateRule } from '../train/rules';
import { DEFAULTS, type ModelPreset } from '../train/presets';
import type { LossId } from '../train/losses/ids';
import { angularCompactness } from '../train/picture';
import { LIVE_KEYS, LOSS_PARAM_NAMES, RESTART_KEYS, lossDefaults, lossReads, type LiveKey, type LossParam, type Params, type RestartKey } from './table';

/** What the worker trains with: the parameters that apply live or on a restart, under their table names. */
export type RunConfig = Pick<Params, LiveKey | RestartKey>;

/** The worker's part of the page's parameters. */
export function runConfig(p: RunConfig): RunConfig {
  return Object.fromEntries([...LIVE_KEYS, ...RESTART_KEYS].map((k) => [k, p[k]])) as RunConfig;
}

/**
 * 'softmax' (λ = 0) and 'center' (the user's loss, λ and update rule); when comparing update rules,
 * 'softmax' and one 'rule-<rule>' per compared rule (the user's λ); when comparing losses, 'softmax' and
 * one 'loss-<loss>' per compared loss; in λ-grid mode 'grid0'…'grid5', one per λ of the grid.
 */
export type RunId = 'softmax' | 'center' | `rule-${CenterUpdateRule}` | `loss-${LossId}` | `grid${number}`;

/** The λ grid is on: 2–6 values (it replaces the pair and the rule comparison). */
export function gridOn(c: Pick<RunConfig, 'grid'>): boolean {
  return c.grid.length >= 2;
}

/** Update rules are compared: 2+ rules and no λ grid. */
export function compareOn(c: Pick<RunConfig, 'compare' | 'grid'>): boolean {
  return !gridOn(c) && c.compare.length >= 2;
}

/** Losses are compared: 2+ losses, and neither a λ grid nor a rule comparison (those win, as the grid wins over rules). */
export function lossesOn(c: Pick<RunConfig, 'compare' | 'grid'> & Partial<Pick<RunConfig, 'losses'>>): boolean {
  return !gridOn(c) && !compareOn(c) && (c.losses?.length ?? 0) >= 2;
}

/** The loss a 'loss-…' run trains with, or null for the other runs. */
export function lossOfRun(id: RunId): LossId | null {
  return id.startsWith('loss-') ? (id.slice(5) as LossId) : null;
}

/** The rule a 'rule-…' run trains with, or null for the other runs. */
export function ruleOfRun(id: RunId): CenterUpdateRule | null {
  return id.startsWith('rule-') ? (id.slice(5) as CenterUpdateRule) : null;
}

/**
 * The runs that train for a config: a λ grid of 2–6 runs replaces the pair; so does a comparison of 2+
 * rules, or of 2+ losses (softmax only first).
 */
export function activeRuns(c: Pick<RunConfig, 'compare' | 'grid'> & Partial<Pick<RunConfig, 'losses'>>): RunId[] {
  if (gridOn(c)) return c.grid.map((_, i) => `grid${i}` as RunId);
  if (compareOn(c)) return ['softmax', ...c.compare.map((r) => `rule-${r}` as RunId)];
  if (lossesOn(c)) return ['softmax', ...c.losses!.map((l) => `loss-${l}` as RunId)];
  return ['softmax', 'center'];
}

/** What distinguishes one run from another: its loss and that loss's parameters, its λ and center update rule. */
export interface RunSetup extends Pick<Params, LossParam> { loss: LossId; update: CenterUpdateRule }

/** What runSetup reads (the loss and its parameters other than λ may be absent: center loss, defaults). */
type SetupConfig = Pick<RunConfig, 'lambda' | 'update' | 'grid'> & Partial<Pick<RunConfig, 'loss' | LossParam>>;

/**
 * A loss with the page's values where it is the selected loss, else with its own defaults (compared
 * losses the controls do not show).
 */
function withLoss(loss: LossId, c: SetupConfig, update: CenterUpdateRule): RunSetup {
  const own = lossDefaults(loss);
  const values: Partial<Pick<Params, LossParam>> = loss === (c.loss ?? 'center') ? c : own;
  const setup = { loss, update, ...Object.fromEntries(LOSS_PARAM_NAMES.map((k) => [k, values[k] ?? own[k]])) as Pick<Params, LossParam> };
  // A loss without a λ (the cosine heads) shows λ 0, as softmax only does.
  return lossReads(loss, 'lambda') ? setup : { ...setup, lambda: 0 };
}

/** The α of the center-loss runs' Eq. 4 centers: the page's while it shows center loss's α, else the default. */
const centerAlpha = (c: SetupConfig) => ((c.loss ?? 'center') === 'center' ? c.alpha ?? DEFAULTS.alpha : DEFAULTS.alpha);

/** What distinguishes one run from another at a glance: its λ and its center update rule (runLoss has the rest). */
export function runSetup(id: RunId, c: SetupConfig): { lambda: number; update: CenterUpdateRule } {
  const { lambda, update } = runLoss(id, c);
  return { lambda, update };
}

/** A run's loss and every parameter it trains with (λ, α, s, m, δ, lr_R; the update rule). */
export function runLoss(id: RunId, c: SetupConfig): RunSetup {
  // Softmax only: center loss at λ = 0, whose centers still move by Eq. 4 for the plot.
  if (id === 'softmax') return { ...withLoss('center', c, 'eq4'), lambda: 0, alpha: centerAlpha(c) };
  if (id === 'center') return withLoss(c.loss ?? 'center', c, c.update);
  const loss = lossOfRun(id);
  if (loss) return withLoss(loss, c, c.update);
  // The λ grid and the rule comparison train center loss, whatever the selected loss.
  const center = { ...withLoss('center', c, c.update), lambda: c.lambda, alpha: centerAlpha(c) };
  const rule = ruleOfRun(id);
  if (rule) return { ...center, update: rule };
  const lambda = c.grid[Number(id.slice(4))] ?? 0;
  return { ...center, lambda, update: lambda === 0 ? 'eq4' : c.update };
}

/** The learning rate in force: 0 stands for the model preset's default. */
export function resolvedLr(c: Pick<RunConfig, 'lr'>, preset: Pick<ModelPreset, 'lr'>): number {
  return c.lr > 0 ? c.lr : preset.lr;
}

/** The batch size in force: 0 stands for the model preset's. */
export function resolvedBatch(c: Pick<RunConfig, 'batch'>, preset: Pick<ModelPreset, 'batch'>): number {
  return c.batch > 0 ? c.batch : preset.batch;
}

/**
 * Whether run `id`'s compactness is angular (picture.ts): its loss is a cosine head, or it is the
 * softmax-only run of a pair whose second run's is (compared with several losses, softmax only stays
 * Euclidean; each cosine-head panel is angular).
 */
export function angularRun(id: RunId, c: SetupConfig & Pick<RunConfig, 'compare'> & Partial<Pick<RunConfig, 'losses'>>): boolean {
  const own = runLoss(id, c).loss;
  const pairedWith = id === 'softmax' && activeRuns(c).includes('center') ? runLoss('center', c).loss : own;
  return angularCompactness(own, pairedWith);
}
