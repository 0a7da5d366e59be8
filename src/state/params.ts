/**
 * Values of the parameter table (table.ts): defaults, clamping with a notice, and the page URL.
 * Only names in the table (or their older aliases) are read; anything else is ignored, and nothing
 * from the URL is ever evaluated.
 */
import type { LossId } from '../train/losses/ids';
import { LAMBDA_STOPS, LOSS_NAMES_SHORT, PARAMS, lossDefaults, rangeOf, type ParamName, type Params, type Spec } from './table';

export * from './table';

export function defaults(): Params {
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(PARAMS)) out[k] = s.default;
  return out as Params;
}

type ListSpec = Extract<Spec, { kind: 'list' }>;
type SetSpec = Extract<Spec, { kind: 'set' }>;
type Coerced<T> = { value: T; problem?: string };

/**
 * Clamp / validate one value; returns the safe value and, when it changed, why. Numbers a loss reads
 * are clamped to that loss's range (`rangeOf`), so `loss` matters for λ, α, s, m, δ and lr_R.
 */
export function coerce<K extends ParamName>(name: K, raw: unknown, loss: LossId = 'center'): Coerced<Params[K]> {
  const spec: Spec = PARAMS[name];
  if (spec.kind === 'list') return coerceList(spec, raw) as Coerced<Params[K]>;
  if (spec.kind === 'set') return coerceSet(spec, raw) as Coerced<Params[K]>;
  if (spec.kind === 'enum') {
    if (typeof raw === 'string' && spec.values.includes(raw)) return { value: raw as Params[K] };
    const old = typeof raw === 'string' && spec.legacy && Object.hasOwn(spec.legacy, raw) ? spec.legacy[raw] : undefined;
    if (old) return { value: old.value as Params[K], problem: old.why };
    return { value: spec.default as Params[K], problem: `must be one of ${spec.values.join(', ')}; using ${spec.default}` };
  }
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  const own = (lossDefaults(loss) as Partial<Record<ParamName, number>>)[name] ?? spec.default;
  if (!Number.isFinite(n)) return { value: own as Params[K], problem: `is not a number; using ${own}` };
  let v = spec.integer ? Math.round(n) : n;
  let problem: string | undefined;
  const { min, max, forLoss } = rangeOf(name, loss)!;
  if (v < min || v > max) {
    v = Math.min(max, Math.max(min, v));
    problem = `is outside ${min}–${max}${forLoss ? ` for ${LOSS_NAMES_SHORT[loss]}` : ''}; using ${v}`;
  } else if (spec.integer && v !== n) problem = `must be a whole number; using ${v}`;
  return { value: v as Params[K], problem };
}

function coerceSet(spec: SetSpec, raw: unknown): Coerced<readonly string[]> {
  const text = Array.isArray(raw) ? raw.join(',') : typeof raw === 'string' ? raw : '';
  const old = spec.legacy && Object.hasOwn(spec.legacy, text.trim()) ? spec.legacy[text.trim()] : undefined;
  if (old) return { value: old.value, problem: old.why || undefined };
  const items = text.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const unknown = items.filter((t) => !spec.values.includes(t));
  let value = spec.values.filter((v) => items.includes(v));
  const problems = unknown.length ? [`entries ${unknown.map((t) => JSON.stringify(t.slice(0, 20))).join(', ')} are not among ${spec.values.join(', ')} and were dropped`] : [];
  if (spec.maxItems !== undefined && value.length > spec.maxItems) {
    problems.push(`has more than ${spec.maxItems} entries; keeping the first ${spec.maxItems}`);
    value = value.slice(0, spec.maxItems);
  }
  if (spec.minItems !== undefined && value.length && value.length < spec.minItems) {
    problems.push(`needs ${spec.minItems} to ${spec.maxItems ?? spec.values.length} entries; it is off`);
    value = [];
  }
  return { value, problem: problems.length ? problems.join('; ') : undefined };
}

function coerceList(spec: ListSpec, raw: unknown): Coerced<readonly number[]> {
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
export function parseGrid(text: string): Coerced<readonly number[]> {
  return coerceList(PARAMS.grid, text);
}

export function formatGrid(grid: readonly number[]): string {
  return grid.join(', ');
}

/** The names a parameter is read under: its own first, then the older aliases. */
function urlNames(name: ParamName): readonly string[] {
  const spec: Spec = PARAMS[name];
  return [name, ...(spec.aliases ?? [])];
}

export interface ParseResult { params: Params; notices: string[] }

/**
 * Parse a query string. Only names in PARAMS and their aliases are read (the own name wins over an
 * alias); anything else is ignored. A notice names the parameter as the URL spelt it.
 */
export function parseQuery(search: string): ParseResult {
  const q = new URLSearchParams(search);
  const notices: string[] = [];
  // The loss first: it sets the defaults and ranges of the parameters it reads.
  const loss = q.has('loss') ? coerce('loss', q.get('loss')) : { value: PARAMS.loss.default };
  const params = { ...defaults(), ...lossDefaults(loss.value) };
  for (const name of Object.keys(PARAMS) as ParamName[]) {
    const spelt = urlNames(name).find((n) => q.has(n));
    if (spelt === undefined) continue;
    const { value, problem } = name === 'loss' ? loss : coerce(name, q.get(spelt), loss.value);
    (params as Record<string, unknown>)[name] = value;
    if (problem) notices.push(`“${spelt}” ${problem}.`);
  }
  return { params, notices };
}

/** Serialise: only non-default values (a loss's parameters against that loss's defaults), under their own names (aliases dropped), in table order, keeping foreign parameters untouched. */
export function toQuery(params: Params, existing = ''): string {
  const q = new URLSearchParams(existing);
  const own: Partial<Params> = lossDefaults(params.loss);
  for (const name of Object.keys(PARAMS) as ParamName[]) {
    for (const alias of urlNames(name).slice(1)) q.delete(alias);
    const v = params[name];
    if (sameValue(v, name in own ? own[name] : PARAMS[name].default)) q.delete(name);
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
