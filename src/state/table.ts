/**
 * The one table of the app's parameters (after TensorFlow Playground's state.ts). Each entry has one
 * name — the same in the URL, in the page's state and in the worker's RunConfig — its type, default,
 * range or choices (with their labels), and how a change applies:
 *   'live'    the worker applies it on the next step (a 'set' message);
 *   'restart' the runs are rebuilt from the seed (a reset; the control says "(restarts)");
 *   'view'    the page only: nothing reaches the worker;
 *   'respawn' it picks the worker itself (read when a worker starts; a change starts another).
 * The key lists, the control labels and the choices of every select derive from it. The training
 * defaults (λ, α, optimizer) come from presets.json, the file the PyTorch reference reads too.
 */
import { DEFAULTS, MODEL_IDS, OPTIMIZERS, PRESETS } from '../train/presets';
import { CENTER_RULES, RULE_LABELS, RULE_NAMES } from '../train/rules';
import { LOSS_IDS, LOSS_NAMES, LOSS_PARAMS, type LossId } from '../train/losses/ids';
import { LOSS_DEFAULTS, type LossParamId } from '../train/losses/defaults';

/** The TensorFlow.js backends, in the order 'auto' tries them. */
export const BACKEND_NAMES = ['webgpu', 'webgl', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
/** 'auto' lets the worker pick for the backend it got (presets.json "auto"). */
export const MODEL_CHOICES = ['auto', ...MODEL_IDS] as const;

/** λ slider stops: 0 plus a log-friendly ladder that contains the paper's 0.003, 0.01, 0.1, 1. */
export const LAMBDA_STOPS = [0, 0.001, 0.002, 0.003, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1] as const;
/** The λ grid the paper's figure uses (Wen et al. 2016, Fig. 3). */
export const PAPER_GRID = [0, 0.003, 0.01, 0.1, 1] as const;

/** Loss names as notices and captions say them (LOSS_NAMES without " loss"). */
export const LOSS_NAMES_SHORT: Record<LossId, string> = Object.fromEntries(
  LOSS_IDS.map((id) => [id, LOSS_NAMES[id].replace(/ loss$/, '')]),
) as Record<LossId, string>;

/** The parameters a loss reads, besides lr (src/train/losses/ids.ts). */
export type LossParam = LossParamId;
export const LOSS_PARAM_NAMES = ['lambda', 'alpha', 's', 'm', 'delta', 'ringLr'] as const satisfies readonly LossParam[];

/** A number as the controls show it: short, without float noise. */
export function shortNumber(v: number): string {
  return v === 0 ? '0' : v < 0.01 ? v.toString() : String(Number(v.toPrecision(3)));
}

export type Applies = 'live' | 'restart' | 'view' | 'respawn';
interface Common {
  /** The control's label (a restart parameter's control adds "(restarts)"). */
  label: string;
  applies: Applies;
  /** The control's tooltip, where it has a fixed one. */
  hint?: string;
  /** Names older versions wrote in the URL: still read, never written. */
  aliases?: readonly string[];
}
/** `choices`: the values a select offers (0 often means "the preset's own"); the URL may set any value in range. */
type NumberSpec = Common & {
  kind: 'number'; min: number; max: number; default: number; integer?: boolean;
  choices?: readonly number[]; choiceLabel?: (v: number) => string;
};
/** `legacy`: values of older versions, read as another value with an explanation. */
type EnumSpec<T extends readonly string[]> = Common & {
  kind: 'enum'; values: T; default: T[number]; labels?: Record<T[number], string>;
  legacy?: Record<string, { value: T[number]; why: string }>;
};
/**
 * A comma-separated subset of `values` (kept in table order, duplicates dropped). With `minItems`, fewer
 * entries turn it off with a notice; with `maxItems`, the first that many are kept.
 */
type SetSpec<T extends readonly string[]> = Common & {
  kind: 'set'; values: T; default: readonly T[number][]; labels?: Record<T[number], string>; minItems?: number; maxItems?: number;
  legacy?: Record<string, { value: readonly T[number][]; why: string }>;
};
/** A comma-separated list of numbers (the λ grid): entries are clamped one by one, garbage entries dropped. */
type ListSpec = Common & { kind: 'list'; min: number; max: number; minItems: number; maxItems: number; default: readonly number[] };
export type Spec = NumberSpec | EnumSpec<readonly string[]> | SetSpec<readonly string[]> | ListSpec;

const modelDefault = (v: number) => (v === 0 ? 'model default' : String(v));

export const PARAMS = {
  lambda: { kind: 'number', min: 0, max: 1, default: DEFAULTS.lambda, label: 'λ (center-loss weight)', applies: 'live' },
  alpha: { kind: 'number', min: 0, max: 1, default: DEFAULTS.alpha, label: 'α (center learning rate)', applies: 'live' },
  optimizer: {
    kind: 'enum', values: OPTIMIZERS, default: DEFAULTS.optimizer, label: 'Optimizer (L2 weight decay 5e-4)', applies: 'live',
    labels: { adam: 'Adam', sgd: 'SGD, momentum 0.9' },
    hint: 'Both optimisers follow PyTorch exactly (torch.optim.SGD / Adam) and add weight decay 5e-4 to the gradient (L2, Adam(weight_decay=5e-4) semantics, not AdamW)',
  },
  /** 0 means the model preset's own default (resolvedLr). */
  lr: {
    kind: 'number', min: 0, max: 1, default: 0, label: 'Learning rate', applies: 'live',
    choices: [0, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2], choiceLabel: (v: number) => (v === 0 ? 'model default' : shortNumber(v)),
  },
  model: {
    kind: 'enum', values: MODEL_CHOICES, default: 'auto', label: 'Model', applies: 'restart',
    labels: { auto: 'Auto (for this GPU)', ...(Object.fromEntries(MODEL_IDS.map((id) => [id, PRESETS[id].label])) as Record<(typeof MODEL_IDS)[number], string>) },
  },
  update: {
    kind: 'enum', values: CENTER_RULES, default: 'eq4', label: 'Center update', applies: 'live', labels: RULE_LABELS,
    hint: 'How the class centers move each step: each source’s exact update (README, “The math”)',
    legacy: { autograd: { value: 'kaiyang', why: 'the “autograd” rule of older versions matched no implementation and was removed; using KaiyangZhou’s rule (plain SGD on the centers with the autograd gradient, as that port does)' } },
  },
  /** Compare update rules: 2–4 rules, one run each from the same init (replaces the pair); fewer = off. */
  compare: {
    kind: 'set', values: CENTER_RULES, default: [], label: 'Compare update rules', applies: 'restart', labels: RULE_NAMES, aliases: ['rules'],
    hint: 'One panel per checked rule, from the same init and batches, with the λ above',
    legacy: {
      one: { value: [], why: '' },
      both: { value: ['eq4', 'seed'], why: '“both” compared Eq. 4 with the removed “autograd” rule; comparing Eq. 4 and the seed port’s rule' },
    },
  },
  /**
   * The second panel's loss (src/train/losses). λ, α, s, m, δ and lr_R take the loss's own defaults and
   * ranges (presets.json "losses"; `lossDefaults`, `rangeOf`); the λ grid and the rule comparison train center loss.
   */
  loss: {
    kind: 'enum', values: LOSS_IDS, default: 'center', label: 'Loss', applies: 'restart', labels: LOSS_NAMES,
    hint: 'What the second panel adds to softmax (README, “Losses”); switching puts its parameters at their defaults',
  },
  /** The cosine heads' scale s (NormFace, CosFace, ArcFace). */
  s: { kind: 'number', min: 1, max: 64, default: 10, label: 's (cosine scale)', applies: 'live', hint: 'The cosine heads’ logits are s·cos θ' },
  /** CosFace's cosine margin / ArcFace's angular margin (radians); CosFace's range stops below 1 − cos 36°. */
  m: {
    kind: 'number', min: 0, max: 0.6, default: 0.2, label: 'm (margin)', applies: 'live',
    hint: 'CosFace: s·(cos θ − m), m < 1 − cos 36° ≈ 0.19 for 10 classes in 2-D; ArcFace: s·cos(θ + m), m in radians',
  },
  /** Contrastive-center's δ (the denominator's constant). */
  delta: { kind: 'number', min: 0.001, max: 100, default: 1, label: 'δ (contrastive-center)', applies: 'live' },
  /** Ring loss: the learning rate of the radius R. */
  ringLr: { kind: 'number', min: 0, max: 10, default: 1, label: 'lr_R (ring radius learning rate)', applies: 'live' },
  /** Compare losses: 2–5 losses, one run each from the same init (softmax only first); fewer = off. */
  losses: {
    kind: 'set', values: LOSS_IDS, default: [], label: 'Compare losses', applies: 'restart', labels: LOSS_NAMES, minItems: 2, maxItems: 5,
    hint: 'One panel per checked loss (2 to 5) after softmax only, from the same init and batches; the selected loss trains with the values above, the others with their defaults',
  },
  /** 'own': each plot fits its own data; 'shared': every plot uses the union of their domains. */
  axes: {
    kind: 'enum', values: ['own', 'shared'], default: 'own', label: 'Shared axes', applies: 'view',
    hint: 'Give every panel the same axes (the union of their data), to compare feature scales',
  },
  seed: { kind: 'number', min: 0, max: 2 ** 31 - 1, default: 1, integer: true, label: 'Seed', applies: 'restart' },
  /** 0 means the model preset's own batch size (resolvedBatch). */
  batch: {
    kind: 'number', min: 0, max: 1024, default: 0, integer: true, label: 'Batch', applies: 'restart',
    choices: [0, 16, 32, 64, 128, 256, 512], choiceLabel: modelDefault,
    hint: 'Batch size; the model\'s default is 64 for the small presets, 128 for LeNet++',
  },
  /** How many test digits are embedded and drawn (stratified by class). */
  probe: {
    kind: 'number', min: 100, max: 10000, default: 2000, integer: true, label: 'Probe points', applies: 'restart',
    choices: [500, 1000, 2000, 5000, 10000], choiceLabel: (v: number) => v.toLocaleString('en-US'),
    hint: 'How many test digits are embedded and drawn in each panel',
  },
  /** Training steps per second per run at most; 0 = as fast as the device goes. */
  speed: {
    kind: 'number', min: 0, max: 100, default: 0, label: 'Speed', applies: 'live',
    choices: [0, 30, 10, 5, 2, 1], choiceLabel: (v: number) => (v === 0 ? 'as fast as possible' : `≤ ${v} steps/s`),
    hint: 'Slow training down to watch it, independently of how often the plots redraw',
  },
  /** λ grid: 2 to 6 λ values, one run each from the same init (replaces the pair and `compare`); empty = off. */
  grid: { kind: 'list', min: 0, max: 1, minItems: 2, maxItems: 6, default: [], label: 'λ grid', applies: 'restart', aliases: ['runs'] },
  backend: {
    kind: 'enum', values: ['auto', ...BACKEND_NAMES], default: 'auto', label: 'Backend', applies: 'respawn',
    labels: { auto: 'Auto', webgpu: 'WebGPU', webgl: 'WebGL', cpu: 'CPU' },
  },
  /** 'on': play the recorded run of the real-GPU preset (made by the PyTorch reference) instead of training. */
  replay: { kind: 'enum', values: ['off', 'on'], default: 'off', label: 'Recorded run', applies: 'respawn' },
  /** 'app': the full panels; 'figure': the paper's figure (one row of square plots, one caption). */
  view: { kind: 'enum', values: ['app', 'figure'], default: 'app', label: 'View', applies: 'view' },
} as const satisfies Record<string, Spec>;

export type ParamName = keyof typeof PARAMS;
type ValueOf<S> = S extends { kind: 'enum'; values: readonly (infer V)[] } ? V
  : S extends { kind: 'set'; values: readonly (infer V)[] } ? readonly V[]
  : S extends { kind: 'list' } ? readonly number[] : number;
export type Params = { [K in ParamName]: ValueOf<(typeof PARAMS)[K]> };

/** The names whose changes apply in way `A`. */
export type KeysApplying<A extends Applies> = { [K in ParamName]: (typeof PARAMS)[K]['applies'] extends A ? K : never }[ParamName];
export type LiveKey = KeysApplying<'live'>;
export type RestartKey = KeysApplying<'restart'>;

export function keysApplying<A extends Applies>(applies: A): KeysApplying<A>[] {
  return (Object.keys(PARAMS) as ParamName[]).filter((k) => PARAMS[k].applies === applies) as KeysApplying<A>[];
}
/** Sent to the worker as a 'set' patch; they apply on the next step. */
export const LIVE_KEYS: readonly LiveKey[] = keysApplying('live');
/** A change of any of these rebuilds the runs (a reset). */
export const RESTART_KEYS: readonly RestartKey[] = keysApplying('restart');

/** A control's label: a parameter that rebuilds the runs says so. */
export function controlLabel(name: ParamName): string {
  return PARAMS[name].applies === 'restart' ? `${PARAMS[name].label} (restarts)` : PARAMS[name].label;
}

/** A control's fixed tooltip, if it has one (a restart parameter's says so too). */
export function controlHint(name: ParamName): string | undefined {
  const spec: Spec = PARAMS[name];
  if (!spec.hint) return undefined;
  return spec.applies === 'restart' ? `${spec.hint} (restarts)` : spec.hint;
}

/** The parameters a select can show: the enums, and the numbers with a list of choices. */
export type SelectName = { [K in ParamName]: (typeof PARAMS)[K] extends { kind: 'enum' } | { kind: 'number'; choices: readonly number[] } ? K : never }[ParamName];

/** A select's options: its choices with their labels, plus the current value where the URL set another. */
export function choicesOf<K extends SelectName>(name: K, current: Params[K]): { value: Params[K]; label: string }[] {
  const spec: Spec = PARAMS[name];
  if (spec.kind === 'enum') return spec.values.map((v) => ({ value: v as Params[K], label: spec.labels?.[v] ?? v }));
  if (spec.kind !== 'number' || !spec.choices) return [];
  const v = current as number;
  const values = spec.choices.includes(v) ? [...spec.choices] : [...spec.choices, v].sort((a, b) => a - b);
  return values.map((x) => ({ value: x as Params[K], label: spec.choiceLabel ? spec.choiceLabel(x) : String(x) }));
}

/** Whether loss `loss` reads parameter `name` (the controls show only those). */
export function lossReads(loss: LossId, name: ParamName): boolean {
  return (LOSS_PARAMS[loss] as readonly string[]).includes(name);
}

/**
 * The values λ, α, s, m, δ and lr_R take with `loss` where nothing set them: the table's defaults
 * (center loss's) with the loss's own from presets.json "losses".
 */
export function lossDefaults(loss: LossId): Pick<Params, LossParam> {
  const own = loss === 'center' ? {} : LOSS_DEFAULTS[loss];
  const out = {} as Pick<Params, LossParam>;
  for (const k of LOSS_PARAM_NAMES) out[k] = (own as Partial<Record<LossParam, number>>)[k] ?? PARAMS[k].default;
  return out;
}

/** The range of a number parameter under `loss`: the loss's own where it reads it and presets.json gives one, else the table's. */
export function rangeOf(name: ParamName, loss: LossId): { min: number; max: number; forLoss: boolean } | null {
  const spec: Spec = PARAMS[name];
  if (spec.kind !== 'number') return null;
  const own = loss !== 'center' && lossReads(loss, name) ? LOSS_DEFAULTS[loss].ranges[name as LossParam] : undefined;
  return own ? { min: own[0], max: own[1], forLoss: true } : { min: spec.min, max: spec.max, forLoss: false };
}

/** A 1-2-3-5 ladder of values within `min`–`max` (with 0 and `max` when in range): a loss parameter's slider stops. */
export function ladder(min: number, max: number): number[] {
  const out = new Set<number>(min === 0 ? [0] : [min]);
  for (let k = -3; k <= 3; k++) {
    for (const d of [1, 2, 3, 5]) {
      const v = Number((d * 10 ** k).toPrecision(3));
      if (v > min && v < max) out.add(v);
    }
  }
  out.add(max);
  return [...out].sort((a, b) => a - b);
}

/** The slider stops of a loss parameter under `loss`: λ keeps its ladder (longer where the loss's range is), the others a ladder of their range. */
export function stopsOf(name: LossParam, loss: LossId): readonly number[] {
  const { min, max } = rangeOf(name, loss)!;
  if (name === 'lambda') return [...LAMBDA_STOPS, ...ladder(1, max).slice(1)].filter((v) => v >= min && v <= max);
  return ladder(min, max);
}
