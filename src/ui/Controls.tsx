import { useState } from 'react';
import {
  LAMBDA_STOPS, PAPER_GRID, PARAMS, coerce, controlHint, controlLabel, formatGrid, lossDefaults, lossReads, nearestLambdaStop, parseGrid, sameValue,
  shortNumber as fmt, stopsOf, type Params,
} from '../state/params';
import { compareOn, gridOn, lossesOn } from '../state/runs';
import { CENTER_RULES, RULE_USES_ALPHA, type CenterUpdateRule } from '../train/rules';
import { LOSS_IDS, type LossId } from '../train/losses/ids';
import { ParamSelect } from './controls/ParamSelect';
import { StopSlider } from './controls/StopSlider';

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

export function Controls(p: ControlsProps) {
  const { params } = p;
  const grid = gridOn(params);
  const comparing = compareOn(params);
  const alphaUnused = comparing ? params.compare.every((r) => !RULE_USES_ALPHA[r]) : !RULE_USES_ALPHA[params.update];
  const li = nearestLambdaStop(params.lambda);
  // The λ grid and the rule comparison train center loss; otherwise only what the selected loss reads is shown.
  const centerModes = grid || comparing;
  const reads = (name: 'lambda' | 'alpha' | 's' | 'm' | 'delta' | 'ringLr') => centerModes ? name === 'lambda' || name === 'alpha' : lossReads(params.loss, name);
  const centerSliders = centerModes || params.loss === 'center';
  /** Switching the loss puts its parameters at that loss's defaults (presets.json "losses"). */
  const onLoss = (patch: Partial<Params>) => p.onChange(patch.loss ? { ...patch, ...lossDefaults(patch.loss) } : patch);
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
        <ParamSelect name="loss" value={params.loss} onChange={onLoss} disabled={p.disabled || centerModes}
          title={centerModes ? 'The λ grid and the rule comparison train center loss' : undefined} />

        {reads('lambda') && !centerSliders ? <StopSlider name="lambda" params={params} stops={stopsOf('lambda', params.loss)} onChange={p.onChange} /> : null}
        {reads('alpha') && !centerSliders ? <StopSlider name="alpha" params={params} stops={stopsOf('alpha', params.loss)} onChange={p.onChange} /> : null}
        {(['s', 'm', 'delta', 'ringLr'] as const).filter(reads).map((k) => (
          <StopSlider key={k} name={k} params={params} stops={stopsOf(k, params.loss)} onChange={p.onChange} />
        ))}

        {centerSliders ? <><div className="slider">
          <label htmlFor="lambda">{controlLabel('lambda')}</label>
          <input
            id="lambda" type="range" min={0} max={LAMBDA_STOPS.length - 1} step={1} value={li}
            aria-valuetext={`λ = ${fmt(params.lambda)}`} disabled={grid}
            title={grid ? 'In the λ grid every panel has its own λ: edit the list below' : undefined}
            onChange={(e) => p.onChange({ lambda: LAMBDA_STOPS[Number(e.target.value)] })}
          />
          <output htmlFor="lambda" data-testid="lambda-value">{fmt(params.lambda)}</output>
        </div>

        <div className="slider">
          <label htmlFor="alpha">{controlLabel('alpha')}</label>
          <input
            id="alpha" type="range" min={0} max={1} step={0.05} value={params.alpha}
            aria-valuetext={`α = ${fmt(params.alpha)}`}
            title={alphaUnused ? 'The caffe-face solver rule has no α: its centers move with the learning rate and momentum 0.9' : undefined}
            onChange={(e) => p.onChange({ alpha: coerce('alpha', e.target.value).value })}
          />
          <output htmlFor="alpha" data-testid="alpha-value">{fmt(params.alpha)}</output>
        </div></> : null}

        <ParamSelect name="optimizer" value={params.optimizer} onChange={p.onChange} />
        <ParamSelect name="lr" value={params.lr} onChange={p.onChange} />
        {centerSliders ? <ParamSelect name="update" value={params.update} onChange={p.onChange} disabled={comparing}
          title={comparing ? 'Comparing update rules: each panel has its own rule (below)' : undefined} /> : null}

        <label className="field" title={controlHint('axes')}>
          <input type="checkbox" checked={params.axes === 'shared'} onChange={(e) => p.onChange({ axes: e.target.checked ? 'shared' : 'own' })} />
          {controlLabel('axes')}
        </label>

        <ParamSelect name="batch" value={params.batch} onChange={p.onChange} disabled={p.disabled} />
        <ParamSelect name="probe" value={params.probe} onChange={p.onChange} disabled={p.disabled} />
        <ParamSelect name="speed" value={params.speed} onChange={p.onChange} />

        <GridControl params={params} disabled={p.disabled} onChange={p.onChange} />

        <fieldset className="field" disabled={p.disabled || grid} title={controlHint('compare')}>
          <legend>{controlLabel('compare')}</legend>
          {CENTER_RULES.map((r) => (
            <label key={r}>
              <input type="checkbox" checked={params.compare.includes(r)}
                onChange={(e) => p.onChange({ compare: toggleRule(params.compare, params.update, r, e.target.checked) })} />
              {PARAMS.compare.labels[r]}
            </label>
          ))}
        </fieldset>

        <fieldset className="field" disabled={p.disabled || grid || comparing} title={controlHint('losses')}>
          <legend>{controlLabel('losses')}</legend>
          {LOSS_IDS.map((l) => (
            <label key={l}>
              <input type="checkbox" checked={lossesOn(params) && params.losses.includes(l)}
                disabled={!params.losses.includes(l) && params.losses.length >= PARAMS.losses.maxItems}
                onChange={(e) => p.onChange({ losses: toggleLoss(lossesOn(params) ? params.losses : [], params.loss, l, e.target.checked) })} />
              {PARAMS.losses.labels[l]}
            </label>
          ))}
        </fieldset>

        <ParamSelect name="model" value={params.model} onChange={p.onChange} disabled={p.disabled} />

        <label className="field">
          {controlLabel('seed')}
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
  const out = CENTER_RULES.filter((x) => next.has(x));
  return out.length >= 2 ? out : [];
}

/**
 * The compared losses after a checkbox changed: as toggleRule (checking one while none is compared
 * compares it with the selected loss; fewer than two turns it off), at most PARAMS.losses.maxItems.
 */
export function toggleLoss(set: readonly LossId[], current: LossId, l: LossId, on: boolean): LossId[] {
  const next = new Set<LossId>(on && set.length === 0 ? [current, l] : set);
  if (on) next.add(l); else next.delete(l);
  const out = LOSS_IDS.filter((x) => next.has(x)).slice(0, PARAMS.losses.maxItems);
  return out.length >= 2 ? out : [];
}

/** λ grid: a checkbox turns it on (the paper's λ values), a text box edits the list; both restart. */
function GridControl({ params, disabled, onChange }: Pick<ControlsProps, 'params' | 'disabled' | 'onChange'>) {
  const on = gridOn(params);
  const [last, setLast] = useState<readonly number[]>(on ? params.grid : PAPER_GRID);
  const [problem, setProblem] = useState<string | null>(null);
  const commit = (input: HTMLInputElement) => {
    const { value, problem: why } = parseGrid(input.value);
    setProblem(why ? `λ list ${why}.` : null);
    if (gridOn({ grid: value })) {
      setLast(value);
      if (!sameValue(value, params.grid)) onChange({ grid: value });
    }
    input.value = formatGrid(gridOn({ grid: value }) ? value : params.grid.length ? params.grid : last);
  };
  return (
    <div className="field grid-field">
      <label>
        <input type="checkbox" checked={on} disabled={disabled}
          onChange={(e) => onChange({ grid: e.target.checked ? last : [] })} />
        {controlLabel('grid')}
      </label>
      {on ? (
        <>
          <label htmlFor="grid-lambdas" className="sr-only">λ values, 2 to 6, comma-separated</label>
          <input
            id="grid-lambdas" type="text" inputMode="decimal" size={22} key={formatGrid(params.grid)}
            defaultValue={formatGrid(params.grid)} disabled={disabled}
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
