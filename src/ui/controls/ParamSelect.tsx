import { choicesOf, coerce, controlLabel, controlHint, type Params, type SelectName } from '../../state/params';

export interface ParamSelectProps<K extends SelectName> {
  name: K;
  value: Params[K];
  onChange: (patch: Partial<Params>) => void;
  disabled?: boolean;
  /** Overrides the table's tooltip (for one that depends on the other parameters). */
  title?: string;
}

/** A select for one parameter of the table: its label, tooltip and choices all come from there. */
export function ParamSelect<K extends SelectName>({ name, value, onChange, disabled, title }: ParamSelectProps<K>) {
  return (
    <label className="field" title={title ?? controlHint(name)}>
      {controlLabel(name)}
      <select value={String(value)} disabled={disabled}
        onChange={(e) => onChange({ [name]: coerce(name, e.target.value).value } as Partial<Params>)}>
        {choicesOf(name, value).map((c) => <option key={String(c.value)} value={String(c.value)}>{c.label}</option>)}
      </select>
    </label>
  );
}

