/**
 * One declarative table of the app's parameters. It drives URL parsing, clamping, serialising
 * and the controls (after TensorFlow Playground's state.ts). Unknown URL parameters are ignored;
 * nothing from the URL is ever evaluated. The training defaults (λ, α, optimizer) come from presets.json,
 * the file the PyTorch reference reads too.
 */
import { DEFAULTS } from '../train/presets';

export const MODEL_IDS = ['auto', 'tiny', 'conv', 'small', 'lenetpp'] as const;
export type ModelChoice = (typeof MODEL_IDS)[number];
import { CENTER_RULES } from '../train/rules';

export const UPDATE_RULES = CENTER_RULES;
export const OPTIMIZERS = ['adam', 'sgd'] as const;
export const BACKENDS = ['auto', 'webgpu', 'webgl', 'cpu'] as const;
export const REPLAY_MODES = ['off', 'on'] as const;
/** 'own': each plot fits its own data; 'shared': every plot uses the union of their domains. */
export const AXES = ['own', 'shared'] as const;
/** 'app': the full panels; 'figure': the paper's figure (one row of square plots, one caption). */
export const VIEWS = ['app', 'figure'] as const;

/** λ slider stops: 0 plus a log-friendly ladder that contains the paper's 0.003, 0.01, 0.1, 1. */
export const LAMBDA_STOPS = [0, 0.001, 0.002, 0.003, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1] as const;

type NumberSpec = { kind: 'number'; min: number; max: number; default: number; integer?: boolean; label: string };
/** `legacy`: values of older versions, read as another value with an explanation. */
type EnumSpec<T extends readonly string[]> = {
  kind: 'enum'; values: T; default: T[number]; label: string; legacy?: Record<string, { value: T[number]; why: string }>;
};
/** A comma-separated subset of `values` (kept in table order, duplicates dropped). */
type SetSpec<T extends readonly string[]> = {
  kind: 'set'; values: T; default: readonly T[number][]; label: string; legacy?: Record<string, { value: readonly T[number][]; why: string }>;
};
/** A comma-separated list of numbers (the λ grid): entries are clamped one by one, garbage entries dropped. */
type ListSpec = { kind: 'list'; min: number; max: number; minItems: number; maxItems: number; default: readonly number[]; label: string };
type Spec = NumberSpec | EnumSpec<readonly string[]> | SetSpec<readonly string[]> | ListSpec;

/** The λ grid the paper's figure uses (Wen et al. 2016, Fig. 3). */
export const PAPER_GRID = [0, 0.003, 0.01, 0.1, 1] as const;
/** Preset choices for the select-style numeric controls (0 = the model preset's own value / no limit). */
export const BATCH_CHOICES = [0, 16, 32, 64, 128, 256, 512] as const;
export const PROBE_CHOICES = [500, 1000, 2000, 5000, 10000] as const;
export const SPEED_CHOICES = [0, 30, 10, 5, 2, 1] as const;

export const PARAMS = {
  lambda: { kind: 'number', min: 0, max: 1, default: DEFAULTS.lambda, label: 'λ (center-loss weight)' },
  alpha: { kind: 'number', min: 0, max: 1, default: DEFAULTS.alpha, label: 'α (center learning rate)' },
  optimizer: { kind: 'enum', values: OPTIMIZERS, default: DEFAULTS.optimizer, label: 'optimizer' },
  /** 0 means the model preset's own default (0.01 for the tiny MLP, 0.003 or 0.001 for the CNNs). */
  lr: { kind: 'number', min: 0, max: 1, default: 0, label: 'learning rate' },
  model: { kind: 'enum', values: MODEL_IDS, default: 'auto', label: 'model' },
  update: {
    kind: 'enum', values: UPDATE_RULES, default: 'eq4', label: 'center update rule',
    legacy: { autograd: { value: 'kaiyang', why: 'the “autograd” rule of older versions matched no implementation and was removed; using KaiyangZhou’s rule (plain SGD on the centers with the autograd gradient, as that port does)' } },
  },
  /** Compare update rules: 2–4 rules, one run each from the same init (replaces the pair); empty = off. */
  rules: {
    kind: 'set', values: UPDATE_RULES, default: [], label: 'update rules compared',
    legacy: {
      one: { value: [], why: '' },
      both: { value: ['eq4', 'seed'], why: '“both” compared Eq. 4 with the removed “autograd” rule; comparing Eq. 4 and the seed port’s rule' },
    },
  },
  axes: { kind: 'enum', values: AXES, default: 'own', label: 'plot axes' },
  seed: { kind: 'number', min: 0, max: 2 ** 31 - 1, default: 1, integer: true, label: 'seed' },
  /** 0 means the model preset's own batch size. */
  batch: { kind: 'number', min: 0, max: 1024, default: 0, integer: true, label: 'batch size' },
  /** How many test digits are embedded and drawn (stratified by class). */
  probe: { kind: 'number', min: 100, max: 10000, default: 2000, integer: true, label: 'probe points' },
  /** Training steps per second per run at most; 0 = as fast as the device goes. */
  speed: { kind: 'number', min: 0, max: 100, default: 0, label: 'speed limit (steps/s)' },
  /** λ grid: 2 to 6 λ values, one run each from the same init; empty = the softmax vs center-loss pair. */
  runs: { kind: 'list', min: 0, max: 1, minItems: 2, maxItems: 6, default: [], label: 'λ grid' },
  backend: { kind: 'enum', values: BACKENDS, default: 'auto', label: 'backend' },
  /** 'on': play the recorded run of the real-GPU preset (made by the PyTorch reference) instead of training. */
  replay: { kind: 'enum', values: REPLAY_MODES, default: 'off', label: 'recorded run' },
  view: { kind: 'enum', values: VIEWS, default: 'app', label: 'view' },
} as const satisfies Record<string, Spec>;

export type ParamName = keyof typeof PARAMS;
type ValueOf<S> = S extends { kind: 'enum'; values: readonly (infer V)[] } ? V
  : S extends { kind: 'set'; values: readonly (infer V)[] } ? readonly V[]
  : S extends { kind: 'list' } ? readonly number[] : number;
export type Params = { [K in ParamName]: ValueOf<(typeof PARAMS)[K]> };

export function defaults(): Params {
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(PARAMS)) out[k] = s.default;
  return out as Params;
}

/** Clamp / validate one value; returns the safe value and, when it changed, why. */
export function coerce<K extends ParamName>(name: K, raw: unknown): { value: Params[K]; problem?: string } {
  const spec: Spec = PARAMS[name];
  if (spec.kind === 'list') return coerceList(spec, raw) as { value: Params[K]; problem?: string };
  if (spec.kind === 'set') return coerceSet(spec, raw) as { value: Params[K]; problem?: string };
  if (spec.kind === 'enum') {
    if (typeof raw === 'string' && (spec.values as readonly string[]).includes(raw)) return { value: raw as Params[K] };
    const old = typeof raw === 'string' && spec.legacy && Object.hasOwn(spec.legacy, raw) ? spec.legacy[raw] : undefined;
    if (old) return { value: old.value as Params[K], problem: old.why };
    return { value: spec.default as Params[K], problem: `must be one of ${spec.values.join(', ')}; using ${spec.default}` };
  }
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(n)) return { value: spec.default as Params[K], problem: `is not a number; using ${spec.default}` };
  let v = spec.integer ? Math.round(n) : n;
  let problem: string | undefined;
  if (v < spec.min || v > spec.max) {
    v = Math.min(spec.max, Math.max(spec.min, v));
    problem = `is outside ${spec.min}–${spec.max}; using ${v}`;
  } else if (spec.integer && v !== n) problem = `must be a whole number; using ${v}`;
  return { value: v as Params[K], problem };
}

function coerceSet(spec: SetSpec<readonly string[]>, raw: unknown): { value: readonly string[]; problem?: string } {
  const text = Array.isArray(raw) ? raw.join(',') : typeof raw === 'string' ? raw : '';
  const old = spec.legacy && Object.hasOwn(spec.legacy, text.trim()) ? spec.legacy[text.trim()] : undefined;
  if (old) return { value: old.value, problem: old.why || undefined };
  const items = text.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const unknown = items.filter((t) => !spec.values.includes(t));
  const value = spec.values.filter((v) => items.includes(v));
  return {
    value,
    problem: unknown.length ? `entries ${unknown.map((t) => JSON.stringify(t.slice(0, 20))).join(', ')} are not among ${spec.values.join(', ')} and were dropped` : undefined,
  };
}

function coerceList(spec: ListSpec, raw: unknown): { value: readonly number[]; problem?: string } {
  const items = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',') : [];
  if (items.every((item) => item.trim() === '') && items.length <= 1) return { value: spec.default }; // absent or empty: the default, no notice
  const out: number[] = [];
  const problems: string[] = [];
  for (const item of items) {
    const t = item.trim();
    const n = t === '' ? NaN : Number(t);
    if (!Number.isFinite(n)) { problems.push(`entry ${JSON.stringify(t.slice(0, 20))} is not a number and was dropped`); continue; }
    const v = Math.min(spec.max, Math.max(spec.min, n));
    if (v !== n) problems.push(`entry ${t.slice(0, 20)} is outside ${spec.min}–${spec.max}; using ${v}`);
    out.push(v);
  }
  if (out.length > spec.maxItems) {
    problems.push(`has more than ${spec.maxItems} entries; keeping the first ${spec.maxItems}`);
    out.length = spec.maxItems;
  }
  if (out.length && out.length < spec.minItems) {
    problems.push(`needs ${spec.minItems} to ${spec.maxItems} values; the grid is off`);
    out.length = 0;
  }
  return { value: out, problem: problems.length ? problems.join('; ') : undefined };
}

/** Value equality for table values (lists compare by entries). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}

/** Parses the λ-grid text box ("0, 0.01, 1"): same rules as the URL. */
export function parseGrid(text: string): { value: readonly number[]; problem?: string } {
  return coerceList(PARAMS.runs, text);
}

export function formatGrid(grid: readonly number[]): string {
  return grid.join(', ');
}

export interface ParseResult { params: Params; notices: string[] }

/** Parse a query string. Only names in PARAMS are read; anything else is ignored. */
export function parseQuery(search: string): ParseResult {
  const q = new URLSearchParams(search);
  const params = defaults();
  const notices: string[] = [];
  for (const name of Object.keys(PARAMS) as ParamName[]) {
    const raw = q.get(name);
    if (raw === null) continue;
    const { value, problem } = coerce(name, raw);
    (params as Record<string, unknown>)[name] = value;
    if (problem) notices.push(`“${name}” ${problem}.`);
  }
  return { params, notices };
}

/** Serialise: only non-default values, in table order, keeping foreign parameters untouched. */
export function toQuery(params: Params, existing = ''): string {
  const q = new URLSearchParams(existing);
  for (const name of Object.keys(PARAMS) as ParamName[]) {
    const v = params[name];
    if (sameValue(v, PARAMS[name].default)) q.delete(name);
    else q.set(name, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Index of the λ stop nearest to a value (for the slider). */
export function nearestLambdaStop(lambda: number): number {
  let best = 0;
  for (let i = 1; i < LAMBDA_STOPS.length; i++) {
    if (Math.abs(LAMBDA_STOPS[i] - lambda) < Math.abs(LAMBDA_STOPS[best] - lambda)) best = i;
  }
  return best;
}
