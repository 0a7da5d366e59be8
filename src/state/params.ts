/**
 * One declarative table of the app's parameters. It drives URL parsing, clamping, serialising
 * and the controls (after TensorFlow Playground's state.ts). Unknown URL parameters are ignored;
 * nothing from the URL is ever evaluated.
 */

export const MODEL_IDS = ['auto', 'tiny', 'conv', 'small', 'lenetpp'] as const;
export type ModelChoice = (typeof MODEL_IDS)[number];
export const UPDATE_RULES = ['eq4', 'autograd'] as const;
export const RULE_VIEWS = ['one', 'both'] as const;
export const OPTIMIZERS = ['adam', 'sgd'] as const;
export const BACKENDS = ['auto', 'webgpu', 'webgl', 'cpu'] as const;
/** 'own': each plot fits its own data; 'shared': every plot uses the union of their domains. */
export const AXES = ['own', 'shared'] as const;

/** λ slider stops: 0 plus a log-friendly ladder that contains the paper's 0.003, 0.01, 0.1, 1. */
export const LAMBDA_STOPS = [0, 0.001, 0.002, 0.003, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1] as const;

type NumberSpec = { kind: 'number'; min: number; max: number; default: number; integer?: boolean; label: string };
type EnumSpec<T extends readonly string[]> = { kind: 'enum'; values: T; default: T[number]; label: string };
type Spec = NumberSpec | EnumSpec<readonly string[]>;

export const PARAMS = {
  lambda: { kind: 'number', min: 0, max: 1, default: 0.3, label: 'λ (center-loss weight)' },
  alpha: { kind: 'number', min: 0, max: 1, default: 0.5, label: 'α (center learning rate)' },
  optimizer: { kind: 'enum', values: OPTIMIZERS, default: 'adam', label: 'optimizer' },
  /** 0 means the model preset's own default (0.01 for the tiny MLP, 0.003 or 0.001 for the CNNs). */
  lr: { kind: 'number', min: 0, max: 1, default: 0, label: 'learning rate' },
  model: { kind: 'enum', values: MODEL_IDS, default: 'auto', label: 'model' },
  update: { kind: 'enum', values: UPDATE_RULES, default: 'eq4', label: 'center update rule' },
  rules: { kind: 'enum', values: RULE_VIEWS, default: 'one', label: 'update rules shown' },
  axes: { kind: 'enum', values: AXES, default: 'own', label: 'plot axes' },
  seed: { kind: 'number', min: 0, max: 2 ** 31 - 1, default: 1, integer: true, label: 'seed' },
  backend: { kind: 'enum', values: BACKENDS, default: 'auto', label: 'backend' },
} as const satisfies Record<string, Spec>;

export type ParamName = keyof typeof PARAMS;
type ValueOf<S> = S extends { kind: 'enum'; values: readonly (infer V)[] } ? V : number;
export type Params = { [K in ParamName]: ValueOf<(typeof PARAMS)[K]> };

export function defaults(): Params {
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(PARAMS)) out[k] = s.default;
  return out as Params;
}

/** Clamp / validate one value; returns the safe value and, when it changed, why. */
export function coerce<K extends ParamName>(name: K, raw: unknown): { value: Params[K]; problem?: string } {
  const spec: Spec = PARAMS[name];
  if (spec.kind === 'enum') {
    if (typeof raw === 'string' && (spec.values as readonly string[]).includes(raw)) return { value: raw as Params[K] };
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
    if (v === PARAMS[name].default) q.delete(name);
    else q.set(name, String(v));
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
