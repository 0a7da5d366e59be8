import { coerce, controlHint, controlLabel, shortNumber as fmt, type LossParam, type Params } from '../../state/params';

export interface StopSliderProps {
  name: LossParam;
  params: Params;
  /** The values the slider stops at, ascending (a value between stops shows as set, the thumb at the nearest). */
  stops: readonly number[];
  onChange: (patch: Partial<Params>) => void;
  disabled?: boolean;
  title?: string;
}

/** Index of the stop nearest to `v`. */
export function nearestStop(stops: readonly number[], v: number): number {
  let best = 0;
  for (let i = 1; i < stops.length; i++) if (Math.abs(stops[i] - v) < Math.abs(stops[best] - v)) best = i;
  return best;
}

/** A slider over a ladder of values for one of a loss's parameters (label and tooltip from the table). */
export function StopSlider({ name, params, stops, onChange, disabled, title }: StopSliderProps) {
  const value = params[name];
  return (
    <div className="slider">
      <label htmlFor={name}>{controlLabel(name)}</label>
      <input
        id={name} type="range" min={0} max={stops.length - 1} step={1} value={nearestStop(stops, value)}
        aria-valuetext={`${name} = ${fmt(value)}`} disabled={disabled} title={title ?? controlHint(name)}
        onChange={(e) => onChange({ [name]: coerce(name, stops[Number(e.target.value)], params.loss).value } as Partial<Params>)}
      />
      <output htmlFor={name} data-testid={`${name}-value`}>{fmt(value)}</output>
    </div>
  );
}
