/** One legend for every panel (figure view, phone): a click highlights a digit class in all of them. */
import { CLASS_COLORS } from './scatter/ScatterView';

export function ClassLegend({ highlight, onChange }: { highlight: number | null; onChange: (c: number | null) => void }) {
  return (
    <div className="class-legend" role="group" aria-label="Highlight a digit class">
      {CLASS_COLORS.map((color, k) => (
        <button key={k} type="button" aria-pressed={highlight === k} title={`Highlight digit ${k} (click again to clear)`}
          onClick={() => onChange(highlight === k ? null : k)}>
          <span className="scatter-swatch" style={{ background: color }} />{k}
        </button>
      ))}
    </div>
  );
}
