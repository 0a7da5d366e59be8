/** The four metric charts under a panel, over a step axis shared by every panel. */
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

export function PanelCharts({ run, history, rev, xMax }: { run: RunId; history: RunHistory; rev: number; xMax: number }) {
  const common = { history, rev, xMax };
  return (
    <div className="charts" data-testid={`charts-${run}`}>
      <SparklineView {...common} testId={`chart-${run}-softmax`} label="softmax loss" title="Softmax cross-entropy of the last batch" series={[{ label: 'softmax loss' }]} pick={pickSoftmax} />
      <SparklineView
        {...common} testId={`chart-${run}-center`} label="center loss: λ·L_C ┄ L_C"
        title="Center loss of the last batch: solid = weighted by λ (what the network minimises), dashed = raw L_C"
        series={[{ label: 'λ-weighted center loss λ·L_C' }, { label: 'raw center loss L_C' }]} pick={pickCenter}
      />
      <SparklineView {...common} testId={`chart-${run}-accuracy`} label="probe accuracy" title="Accuracy on the 2,000 probe digits" series={[{ label: 'probe accuracy' }]} pick={pickAccuracy} y={[0, 1]} format={pct} />
      <SparklineView {...common} testId={`chart-${run}-compactness`} label="compactness" title={COMPACTNESS_TITLE} series={[{ label: 'compactness' }]} pick={pickCompact} />
      <p className="charts-axis">x: step 0–{xMax} (same for every panel)</p>
    </div>
  );
}
