/** The metric charts under a panel (four; three for a cosine head), over a step axis shared by every panel. */
import type { RunId } from '../../worker/protocol';
import type { HistoryEntry, RunHistory } from '../history';
import { SparklineView } from './SparklineView';

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const pickSoftmax = (e: HistoryEntry) => [e.softmaxLoss];
const pickCenter = (e: HistoryEntry) => [e.centerWeighted, e.centerRaw];
const pickAccuracy = (e: HistoryEntry) => [e.accuracy];
const pickCompact = (e: HistoryEntry) => [e.compactness];

export const COMPACTNESS_TITLE =
  'Compactness: mean distance of the probe points to their class center ÷ mean distance between class centers. Lower is tighter.';

/**
 * `auxLoss`: the loss's own term as "name symbol" (e.g. "ring loss L_R"); undefined = center loss (L_C);
 * null = none (a cosine head has no term besides its softmax), and its chart is left out.
 */
export function PanelCharts({ run, history, rev, xMax, cursor = null, auxLoss }: {
  run: RunId; history: RunHistory; rev: number; xMax: number; cursor?: number | null; auxLoss?: string | null;
}) {
  const common = { history, rev, xMax, cursor };
  const [name, sym] = auxLoss ? [auxLoss.slice(0, auxLoss.lastIndexOf(' ')), auxLoss.slice(auxLoss.lastIndexOf(' ') + 1)] : ['center loss', 'L_C'];
  return (
    <div className="charts" data-testid={`charts-${run}`}>
      <SparklineView {...common} testId={`chart-${run}-softmax`} label="softmax loss" title="Softmax cross-entropy of the last batch" series={[{ label: 'softmax loss' }]} pick={pickSoftmax} />
      {auxLoss !== null && (
        <SparklineView
          {...common} testId={`chart-${run}-center`} label={`${name}: λ·${sym} ┄ ${sym}`}
          title={`${name[0].toUpperCase()}${name.slice(1)} of the last batch: solid = weighted by λ (what the network minimises), dashed = raw ${sym}`}
          series={[{ label: `λ-weighted ${name} λ·${sym}` }, { label: `raw ${name} ${sym}` }]} pick={pickCenter}
        />
      )}
      <SparklineView {...common} testId={`chart-${run}-accuracy`} label="probe accuracy" title="Accuracy on the 2,000 probe digits" series={[{ label: 'probe accuracy' }]} pick={pickAccuracy} y={[0, 1]} format={pct} />
      <SparklineView {...common} testId={`chart-${run}-compactness`} label="compactness" title={COMPACTNESS_TITLE} series={[{ label: 'compactness' }]} pick={pickCompact} />
      <p className="charts-axis">x: step 0–{xMax} (same for every panel)</p>
    </div>
  );
}
