import { LAMBDA_STOPS, MODEL_IDS, OPTIMIZERS, PARAMS, UPDATE_RULES, coerce, nearestLambdaStop, type Params } from '../state/params';
import { PRESETS } from '../train/presets';

export interface ControlsProps {
  params: Params;
  training: boolean;
  disabled: boolean;
  onChange: (patch: Partial<Params>) => void;
  onTrain: () => void;
  onStep: () => void;
  onReset: () => void;
  onPortPreset: () => void;
}

/** 0 = the model preset's default learning rate. */
const LR_STOPS = [0, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2];
const MODEL_LABEL = (id: (typeof MODEL_IDS)[number]) => (id === 'auto' ? 'Auto (for this GPU)' : PRESETS[id].label);
const RULE_LABEL = { eq4: 'Eq. 4 (paper)', autograd: 'autograd (plain SGD on centers)' } as const;

function fmt(v: number): string {
  return v === 0 ? '0' : v < 0.01 ? v.toString() : String(Number(v.toPrecision(3)));
}

export function Controls(p: ControlsProps) {
  const { params } = p;
  const li = nearestLambdaStop(params.lambda);
  const lrOptions = LR_STOPS.includes(params.lr) ? LR_STOPS : [...LR_STOPS, params.lr].sort((a, b) => a - b);
  return (
    <section className="controls" role="group" aria-label="Controls">
      <div className="buttons">
        <button type="button" className="primary" onClick={p.onTrain} disabled={p.disabled}>
          {p.training ? 'Pause' : 'Train'}
        </button>
        <button type="button" onClick={p.onStep} disabled={p.disabled || p.training}>Step</button>
        <button type="button" onClick={p.onReset} disabled={p.disabled}>Reset</button>
      </div>

      <div className="slider">
        <label htmlFor="lambda">{PARAMS.lambda.label}</label>
        <input
          id="lambda" type="range" min={0} max={LAMBDA_STOPS.length - 1} step={1} value={li}
          aria-valuetext={`λ = ${fmt(params.lambda)}`}
          onChange={(e) => p.onChange({ lambda: LAMBDA_STOPS[Number(e.target.value)] })}
        />
        <output htmlFor="lambda" data-testid="lambda-value">{fmt(params.lambda)}</output>
      </div>

      <div className="slider">
        <label htmlFor="alpha">{PARAMS.alpha.label}</label>
        <input
          id="alpha" type="range" min={0} max={1} step={0.05} value={params.alpha}
          aria-valuetext={`α = ${fmt(params.alpha)}`}
          onChange={(e) => p.onChange({ alpha: coerce('alpha', e.target.value).value })}
        />
        <output htmlFor="alpha" data-testid="alpha-value">{fmt(params.alpha)}</output>
      </div>

      <label className="field">
        Optimizer
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

      <label className="field">
        Center update
        <select value={params.update} onChange={(e) => p.onChange({ update: coerce('update', e.target.value).value })}>
          {UPDATE_RULES.map((r) => <option key={r} value={r}>{RULE_LABEL[r]}</option>)}
        </select>
      </label>

      <label className="field" title="Give every panel the same axes (the union of their data), to compare feature scales">
        <input type="checkbox" checked={params.axes === 'shared'} onChange={(e) => p.onChange({ axes: e.target.checked ? 'shared' : 'own' })} />
        Shared axes
      </label>

      <label className="field">
        <input type="checkbox" checked={params.rules === 'both'} disabled={p.disabled}
          onChange={(e) => p.onChange({ rules: e.target.checked ? 'both' : 'one' })} />
        Compare both update rules (restarts)
      </label>

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

      <button type="button" className="link" onClick={p.onPortPreset} title="SGD lr 0.001, momentum 0.9, weight decay 5e-4, λ = 1, α = 0.5: still at chance after one epoch with LeNet++">
        Use the PyTorch port's settings
      </button>
    </section>
  );
}
