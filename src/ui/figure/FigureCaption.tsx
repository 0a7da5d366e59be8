/** Figure view: the one caption under the row of plots (settings, legend) and "Save figure". */
import { ClassLegend } from '../ClassLegend';

export interface FigureCaptionProps {
  caption: string;
  highlight: number | null;
  onLegendClick: (c: number | null) => void;
  disabled: boolean;
  onSavePng: () => void;
  onSaveSvg: () => void;
}

export function FigureCaption(p: FigureCaptionProps) {
  return (
    <div className="figure-caption">
      <ClassLegend highlight={p.highlight} onChange={p.onLegendClick} />
      <p data-testid="figure-caption">{p.caption}</p>
      <div className="figure-save" role="group" aria-label="Save figure">
        <button type="button" onClick={p.onSavePng} disabled={p.disabled} title="Every panel in one row, with this caption, as a PNG">Save figure (PNG)</button>
        <button type="button" onClick={p.onSaveSvg} disabled={p.disabled} title="Every panel in one row, with this caption, as an SVG with vector points">Save figure (SVG)</button>
      </div>
    </div>
  );
}
