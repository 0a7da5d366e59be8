import { useState } from 'react';
import {
  BATCH_CHOICES, LAMBDA_STOPS, MODEL_IDS, OPTIMIZERS, PAPER_GRID, PARAMS, PROBE_CHOICES, SPEED_CHOICES, UPDATE_RULES,
  coerce, formatGrid, nearestLambdaStop, parseGrid, sameValue, type Params,
} from '../state/params';
import { PRESETS } from '../train/presets';
import { RULE_LABELS, RULE_NAMES, RULE_USES_ALPHA, type CenterUpdateRule } from '../train/rules';

export interface ControlsProps {
  params: Params;
  training: boolean;
  disabled: boolean;
  onChange: (patch: Partial<Params>) => void;
  onTrain: () => void;
  onStep: () => void;
  onReset: () => void;
  onPortPreset: () => void;
  /** null where the browser cannot record video. */
  recording: { active: boolean; seconds: number } | null;
  onRecord: () => void;
  /** One PNG of every panel, with a caption. */
  onSaveAll: () => void;
  /** Phone: the settings fold into a sheet that a "Controls" button opens and closes; null = always shown. */
  sheet: { open: boolean; onToggle: () => void } | null;
}

/** 0 = the model preset's default learning rate. */
const LR_STOPS = [0, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2];
const MODEL_LABEL = (id: (typeof MODEL_IDS)[number]) => (id === 'auto' ? 'Auto (for this GPU)' : PRESETS[id].label);

function fmt(v: number): string {
  return v === 0 ? '0' : v < 0.01 ? v.toString() : String(Number(v.toPrecision(3)));
}

/** The options of a numeric select: the usual choices plus the current value when the URL set another. */
function withCurrent(choices: readonly number[], v: number): number[] {
  return choices.includes(v) ? [...choices] : [...choices, v].sort((a, b) => a - b);
}

export function Controls(p: ControlsProps) {
  const { params } = p;
  const grid = params.runs.length >= 2;
  const comparing = !grid && params.rules.length >= 2;
  const alphaUnused = comparing ? params.rules.every((r) => !RULE_USES_ALPHA[r]) : !RULE_USES_ALPHA[params.update];
  const li = nearestLambdaStop(params.lambda);
  const lrOptions = LR_STOPS.includes(params.lr) ? LR_STOPS : [...LR_STOPS, params.lr].sort((a, b) => a - b);
  // Record video and Save all panels: with the main buttons, or (phone) inside the sheet.
  const files = (
    <>
      {p.recording ? (
        <button type="button" onClick={p.onRecord} disabled={p.disabled && !p.recording.active} aria-pressed={p.recording.active}
          className={p.recording.active ? 'recording' : undefined}
          title="Record the panels as they train, as a WebM video; press again to stop and download it">
          {p.recording.active ? `Stop recording ${Math.floor(p.recording.seconds / 60)}:${String(p.recording.seconds % 60).padStart(2, '0')}` : 'Record video'}
        </button>
      ) : null}
      <button type="button" onClick={p.onSaveAll} disabled={p.disabled} title="Download one PNG of every panel, captioned with the parameters and the step">
        Save all panels
      </button>
    </>
  );
  return (
    <section className="controls" role="group" aria-label="Controls">
      <div className="buttons">
        <button type="button" className="primary" onClick={p.onTrain} disabled={p.disabled}>
          {p.training ? 'Pause' : 'Train'}
        </button>
        <button type="button" onClick={p.onStep} disabled={p.disabled || p.training}>Step</button>
        <button type="button" onClick={p.onReset} disabled={p.disabled}>Reset</button>
        {p.sheet ? null : files}
        {p.sheet ? (
          <button type="button" className="sheet-toggle" aria-expanded={p.sheet.open} aria-controls="controls-sheet" onClick={p.sheet.onToggle}>
            Controls
          </button>
        ) : null}
      </div>

      <div className="controls-sheet" id="controls-sheet" hidden={p.sheet ? !p.sheet.open : false}>
        {p.sheet ? <div className="buttons">{files}</div> : null}
        <div className="slider">
          <label htmlFor="lambda">{PARAMS.lambda.label}</label>
          <input
            id="lambda" type="range" min={0} max={LAMBDA_STOPS.length - 1} step={1} value={li}
            aria-valuetext={`λ = ${fmt(params.lambda)}`} disabled={grid}
            title={grid ? 'In the λ grid every panel has its own λ: edit the list below' : undefined}
            onChange={(e) => p.onChange({ lambda: LAMBDA_STOPS[Number(e.target.value)] })}
          />
          <output htmlFor="lambda" data-testid="lambda-value">{fmt(params.lambda)}</output>
        </div>

        <div className="slider">
          <label htmlFor="alpha">{PARAMS.alpha.label}</label>
          <input
            id="alpha" type="range" min={0} max={1} step={0.05} value={params.alpha}
            aria-valuetext={`α = ${fmt(params.alpha)}`}
            title={alphaUnused ? 'The caffe-face solver rule has no α: its centers move with the learning rate and momentum 0.9' : undefined}
            onChange={(e) => p.onChange({ alpha: coerce('alpha', e.target.value).value })}
          />
          <output htmlFor="alpha" data-testid="alpha-value">{fmt(params.alpha)}</output>
        </div>

        <label className="field" title="Both optimisers follow PyTorch exactly (torch.optim.SGD / Adam) and add weight decay 5e-4 to the gradient (L2, Adam(weight_decay=5e-4) semantics, not AdamW)">
          Optimizer (L2 weight decay 5e-4)
          <select value={params.optimizer} onChange={(e) => p.onChange({ optimizer: coerce('optimizer', e.target.value).value })}>
            {OPTIMIZERS.map((o) => <option key={o} value={o}>{o === 'adam' ? 'Adam' : 'SGD, momentum 0.9'}</option>)}
          </select>
        </label>

        <label className="field">
          Learning rate
          <select value={params.lr} onChange={(e) => p.onChange({ lr: coerce('lr', e.target.value).value })}>
            {lrOptions.map((v) => <option key={v} value={v}>{v === 0 ? 'model default' : fmt(v)}</option>)}
          </select>
        </label>

        <label className="field" title={comparing ? 'Comparing update rules: each panel has its own rule (below)' : 'How the class centers move each step: each source’s exact update (README, “The math”)'}>
          Center update
          <select value={params.update} disabled={comparing} onChange={(e) => p.onChange({ update: coerce('update', e.target.value).value })}>
            {UPDATE_RULES.map((r) => <option key={r} value={r}>{RULE_LABELS[r]}</option>)}
          </select>
        </label>

        <label className="field" title="Give every panel the same axes (the union of their data), to compare feature scales">
          <input type="checkbox" checked={params.axes === 'shared'} onChange={(e) => p.onChange({ axes: e.target.checked ? 'shared' : 'own' })} />
          Shared axes
        </label>

        <label className="field" title="Batch size (restarts); the model's default is 64 for the small presets, 128 for LeNet++">
          Batch (restarts)
          <select value={params.batch} disabled={p.disabled} onChange={(e) => p.onChange({ batch: coerce('batch', e.target.value).value })}>
            {withCurrent(BATCH_CHOICES, params.batch).map((v) => <option key={v} value={v}>{v === 0 ? 'model default' : v}</option>)}
          </select>
        </label>

        <label className="field" title="How many test digits are embedded and drawn in each panel (restarts)">
          Probe points (restarts)
          <select value={params.probe} disabled={p.disabled} onChange={(e) => p.onChange({ probe: coerce('probe', e.target.value).value })}>
            {withCurrent(PROBE_CHOICES, params.probe).map((v) => <option key={v} value={v}>{v.toLocaleString('en-US')}</option>)}
          </select>
        </label>

        <label className="field" title="Slow training down to watch it, independently of how often the plots redraw">
          Speed
          <select value={params.speed} onChange={(e) => p.onChange({ speed: coerce('speed', e.target.value).value })}>
            {withCurrent(SPEED_CHOICES, params.speed).map((v) => <option key={v} value={v}>{v === 0 ? 'as fast as possible' : `≤ ${v} steps/s`}</option>)}
          </select>
        </label>

        <GridControl params={params} disabled={p.disabled} onChange={p.onChange} />

        <fieldset className="field" disabled={p.disabled || grid} title="One panel per checked rule, from the same init and batches, with the λ above (restarts)">
          <legend>Compare update rules (restarts)</legend>
          {UPDATE_RULES.map((r) => (
            <label key={r}>
              <input type="checkbox" checked={params.rules.includes(r)}
                onChange={(e) => p.onChange({ rules: toggleRule(params.rules, params.update, r, e.target.checked) })} />
              {RULE_NAMES[r]}
            </label>
          ))}
        </fieldset>

        <label className="field">
          Model (restarts)
          <select value={params.model} disabled={p.disabled} onChange={(e) => p.onChange({ model: coerce('model', e.target.value).value })}>
            {MODEL_IDS.map((m) => <option key={m} value={m}>{MODEL_LABEL(m)}</option>)}
          </select>
        </label>

        <label className="field">
          Seed (restarts)
          <input
            type="number" min={PARAMS.seed.min} max={PARAMS.seed.max} step={1} defaultValue={params.seed} key={params.seed}
            disabled={p.disabled}
            onKeyDown={(e) => { if (e.key === 'Enter') (e.target as HTMLInputElement).blur(); }}
            onBlur={(e) => {
              const { value } = coerce('seed', e.target.value);
              if (value !== params.seed) p.onChange({ seed: value });
              else e.target.value = String(value);
            }}
          />
        </label>

        <button type="button" className="link" onClick={p.onPortPreset} title="SGD lr 0.001, momentum 0.9, weight decay 5e-4, λ = 1, α = 0.5 and the port's center update (c − α·Σ(c−x)/((1+n)·B)): still at chance after one epoch with LeNet++">
          Use the PyTorch port's settings
        </button>
      </div>
    </section>
  );
}

/**
 * The compared rules after a checkbox changed: checking a rule while none is compared compares it
 * with the current rule; fewer than two rules left turns the comparison off.
 */
export function toggleRule(set: readonly CenterUpdateRule[], current: CenterUpdateRule, r: CenterUpdateRule, on: boolean): CenterUpdateRule[] {
  const next = new Set<CenterUpdateRule>(on && set.length === 0 ? [current, r] : set);
  if (on) next.add(r); else next.delete(r);
  const out = UPDATE_RULES.filter((x) => next.has(x));
  return out.length >= 2 ? out : [];
}

/** λ grid: a checkbox turns it on (the paper's λ values), a text box edits the list; both restart. */
function GridControl({ params, disabled, onChange }: Pick<ControlsProps, 'params' | 'disabled' | 'onChange'>) {
  const on = params.runs.length >= 2;
  const [last, setLast] = useState<readonly number[]>(on ? params.runs : PAPER_GRID);
  const [problem, setProblem] = useState<string | null>(null);
  const commit = (input: HTMLInputElement) => {
    const { value, problem: why } = parseGrid(input.value);
    setProblem(why ? `λ list ${why}.` : null);
    if (value.length >= 2) {
      setLast(value);
      if (!sameValue(value, params.runs)) onChange({ runs: value });
    }
    input.value = formatGrid(value.length >= 2 ? value : params.runs.length ? params.runs : last);
  };
  return (
    <div className="field grid-field">
      <label>
        <input type="checkbox" checked={on} disabled={disabled}
          onChange={(e) => onChange({ runs: e.target.checked ? last : [] })} />
        λ grid (restarts)
      </label>
      {on ? (
        <>
          <label htmlFor="grid-lambdas" className="sr-only">λ values, 2 to 6, comma-separated</label>
          <input
            id="grid-lambdas" type="text" inputMode="decimal" size={22} key={formatGrid(params.runs)}
            defaultValue={formatGrid(params.runs)} disabled={disabled}
            title="2 to 6 λ values between 0 and 1, comma-separated; Enter applies"
            onKeyDown={(e) => { if (e.key === 'Enter') commit(e.currentTarget); }}
            onBlur={(e) => commit(e.currentTarget)}
          />
        </>
      ) : null}
      {problem ? <span className="field-problem" role="status">{problem}</span> : null}
    </div>
  );
}
