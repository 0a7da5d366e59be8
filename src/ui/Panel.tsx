import type { RunId } from '../worker/protocol';
import type { Params } from '../state/params';
import type { ModelId } from '../train/presets';
import { compactness } from '../train/metrics';
import { ScatterView } from './scatter/ScatterView';
import type { Snapshot } from './App';

export interface PanelProps {
  run: RunId;
  title: string;
  /** The center update rule's name, for the center-loss panels. */
  rule: string | null;
  snapshot: Snapshot | null;
  labels: Uint8Array | null;
  highlight: number | null;
  onLegendClick: (c: number | null) => void;
  /** Put a diverged run back to its last good checkpoint. */
  onRollback: () => void;
  params: Params;
  model: ModelId | null;
}

export function Panel({ run, title, rule, snapshot, labels, highlight, onLegendClick, onRollback, params, model }: PanelProps) {
  const m = snapshot?.metrics;
  const tight = snapshot && labels ? compactness(snapshot.points, labels) : NaN;
  const headingId = `panel-${run}-title`;

  const exportJson = () => {
    if (!snapshot || !labels) return;
    const pts = snapshot.points;
    const doc = {
      run,
      step: snapshot.metrics.step,
      lambda: snapshot.metrics.lambda,
      alpha: snapshot.metrics.alpha,
      model,
      update: run === 'softmax' ? 'eq4' : run === 'center' ? params.update : params.update === 'eq4' ? 'autograd' : 'eq4',
      seed: params.seed,
      lr: params.lr,
      accuracy: snapshot.metrics.accuracy,
      labels: Array.from(labels),
      points: Array.from({ length: pts.length / 2 }, (_, i) => [pts[2 * i], pts[2 * i + 1]]),
      centers: Array.from({ length: snapshot.centers.length / 2 }, (_, i) => [snapshot.centers[2 * i], snapshot.centers[2 * i + 1]]),
    };
    const url = URL.createObjectURL(new Blob([JSON.stringify(doc)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `flock-${run}-step${doc.step}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <section className="panel" role="region" aria-labelledby={headingId} data-run={run}>
      <header>
        <h2 id={headingId}>{title}</h2>
        {rule ? <span className="tag" title="center update rule">{rule}</span> : null}
        <p className="readout" aria-live="polite" aria-atomic="true" data-testid={`readout-${run}`}>
          {m ? `step ${m.step} · accuracy ${(m.accuracy * 100).toFixed(1)}%` : 'step 0 · accuracy –'}
        </p>
      </header>
      {m?.diverged ? (
        <div className="banner error" role="alert" data-testid={`diverged-${run}`}>
          <p>This run diverged (its loss or features became NaN or infinite) and has stopped; the other runs go on. Lower λ, α or the learning rate, then roll back.</p>
          <button type="button" onClick={onRollback}>Roll back to last good step</button>
        </div>
      ) : null}
      <ScatterView showTitle={false} title={title} labels={labels} points={snapshot?.points ?? null} centers={snapshot?.centers ?? null} highlight={highlight} onLegendClick={onLegendClick} />
      <dl className="metrics">
        <div><dt>λ</dt><dd>{m ? m.lambda : run === 'softmax' ? 0 : params.lambda}</dd></div>
        <div><dt>softmax loss</dt><dd>{m && Number.isFinite(m.softmaxLoss) ? m.softmaxLoss.toFixed(3) : '–'}</dd></div>
        <div><dt>center loss L<sub>C</sub></dt><dd>{m && Number.isFinite(m.centerLoss) ? m.centerLoss.toFixed(3) : '–'}</dd></div>
        <div title="mean distance of probe points to their class center ÷ mean distance between class centers; lower is tighter">
          <dt>compactness</dt><dd data-testid={`compactness-${run}`}>{Number.isFinite(tight) ? tight.toFixed(3) : '–'}</dd>
        </div>
        <div><dt>steps/s</dt><dd>{m ? m.stepsPerSec.toFixed(1) : '–'}</dd></div>
        <div><dt>tensors</dt><dd data-testid={`tensors-${run}`}>{snapshot ? snapshot.numTensors : '–'}</dd></div>
      </dl>
      <button type="button" onClick={exportJson} disabled={!snapshot || !labels}>Export embeddings</button>
    </section>
  );
}
