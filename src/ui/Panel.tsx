import type { RunId } from '../worker/protocol';
import type { Params } from '../state/params';
import { useRef } from 'react';
import { PRESETS, type ModelId } from '../train/presets';
import { compactness } from '../train/metrics';
import { ScatterView } from './scatter/ScatterView';
import type { Scatter } from './scatter/Scatter';
import type { Domain } from './scatter/geometry';
import { PanelCharts, COMPACTNESS_TITLE } from './charts/PanelCharts';
import type { RunHistory } from './history';
import { canvasToPng, download, embeddingsCsv } from './exports';
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
  /** Download this run (weights, optimiser state, centers, step) as model.json + weights.bin. */
  onSave: (name: string) => void;
  /** Resume this run from a saved pair of files. */
  onLoad: (files: File[]) => void;
  params: Params;
  model: ModelId | null;
  /** This run's metric history (charts), its rev, and the step axis shared by all panels. */
  history: RunHistory;
  historyRev: number;
  xMax: number;
  /** [N×784] probe pixels, for the point tooltip. */
  images: Uint8Array | null;
  /** Shared axes: the domain every panel fits; null = fit own data. */
  domain: Domain | null;
  dark: boolean;
  /** The batch size in force (for samples/s). */
  batch: number | null;
  /** This run's λ and center update rule (what tells it apart from the other runs). */
  setup: { lambda: number; update: import('../train/rules').CenterUpdateRule };
  /** Where the panel's plot instance goes (the App's video recorder reads it). */
  scatterRef: { current: Scatter | null };
  /** Small multiples (λ grid): a smaller plot and denser metrics. */
  compact: boolean;
  /** In the λ grid: this panel's compactness ÷ the λ = 0 panel's (null for that panel, or without one). */
  ratioToBaseline: number | null;
}

export function Panel(props: PanelProps) {
  const { run, title, rule, snapshot, labels, highlight, onLegendClick, onRollback, params, model } = props;
  const m = snapshot?.metrics;
  const tight = snapshot ? snapshot.compactness ?? (labels ? compactness(snapshot.points, labels) : NaN) : NaN;
  const headingId = `panel-${run}-title`;
  const scatter = props.scatterRef;
  const fileInput = useRef<HTMLInputElement | null>(null);
  const { batch } = props;
  const fileBase = `flock-${run}-step${m?.step ?? 0}`;

  const exportCsv = () => {
    if (!snapshot || !labels) return;
    download(new Blob([embeddingsCsv(snapshot.points, labels, snapshot.predictions)], { type: 'text/csv' }), `${fileBase}.csv`);
  };

  const saveImage = () => {
    const s = scatter.current;
    if (!s || !m) return;
    const parts = [title, model ? PRESETS[model].label : null, rule ? `${rule} rule` : null, `λ ${m.lambda}`, `α ${m.alpha}`, `seed ${params.seed}`, `step ${m.step}`];
    canvasToPng(s.toImage(parts.filter(Boolean).join(' · '))).then((b) => download(b, `${fileBase}.png`), () => {});
  };

  const exportJson = () => {
    if (!snapshot || !labels) return;
    const pts = snapshot.points;
    const doc = {
      run,
      step: snapshot.metrics.step,
      lambda: snapshot.metrics.lambda,
      alpha: snapshot.metrics.alpha,
      model,
      update: props.setup.update,
      seed: params.seed,
      lr: params.lr,
      accuracy: snapshot.metrics.accuracy,
      labels: Array.from(labels),
      points: Array.from({ length: pts.length / 2 }, (_, i) => [pts[2 * i], pts[2 * i + 1]]),
      centers: Array.from({ length: snapshot.centers.length / 2 }, (_, i) => [snapshot.centers[2 * i], snapshot.centers[2 * i + 1]]),
    };
    download(new Blob([JSON.stringify(doc)], { type: 'application/json' }), `${fileBase}.json`);
  };

  return (
    <section className={props.compact ? 'panel compact' : 'panel'} role="region" aria-labelledby={headingId} data-run={run}>
      <header>
        <h2 id={headingId}>{title}</h2>
        {rule ? <span className="tag" title="center update rule">{rule}</span> : null}
        <p className="readout" aria-live="polite" aria-atomic="true" data-testid={`readout-${run}`}>
          {m ? `step ${m.step} · accuracy ${(m.accuracy * 100).toFixed(1)}%` : 'step 0 · accuracy –'}
        </p>
        {props.ratioToBaseline !== null && Number.isFinite(props.ratioToBaseline) ? (
          <p className="ratio" data-testid={`ratio-${run}`} title="This panel's compactness ÷ the λ = 0 panel's: lower = tighter than softmax only">
            {props.ratioToBaseline.toFixed(2)}× the spread of λ = 0
          </p>
        ) : null}
      </header>
      {m?.diverged ? (
        <div className="banner error" role="alert" data-testid={`diverged-${run}`}>
          <p>This run diverged (its loss or features became NaN or infinite) and has stopped; the other runs go on. Lower λ, α or the learning rate, then roll back.</p>
          <button type="button" onClick={onRollback}>Roll back to last good checkpoint</button>
        </div>
      ) : null}
      <ScatterView
        showTitle={false} title={title} labels={labels} points={snapshot?.points ?? null} centers={snapshot?.centers ?? null}
        predictions={snapshot?.predictions ?? null} images={props.images} domain={props.domain} dark={props.dark}
        highlight={highlight} onLegendClick={onLegendClick} apiRef={scatter} hookId={run}
      />
      <PanelCharts run={run} history={props.history} rev={props.historyRev} xMax={props.xMax} />
      <dl className="metrics">
        <div><dt>λ</dt><dd>{m ? m.lambda : props.setup.lambda}</dd></div>
        <div><dt>softmax loss</dt><dd>{m && Number.isFinite(m.softmaxLoss) ? m.softmaxLoss.toFixed(3) : '–'}</dd></div>
        <div><dt>center loss L<sub>C</sub></dt><dd>{m && Number.isFinite(m.centerLoss) ? m.centerLoss.toFixed(3) : '–'}</dd></div>
        <div title={COMPACTNESS_TITLE}>
          <dt>compactness</dt><dd data-testid={`compactness-${run}`}>{Number.isFinite(tight) ? tight.toFixed(3) : '–'}</dd>
        </div>
        <div><dt>steps/s</dt><dd data-testid={`steps-per-sec-${run}`}>{m ? m.stepsPerSec.toFixed(1) : '–'}</dd></div>
        <div title={batch ? `steps/s × batch of ${batch}` : undefined}>
          <dt>samples/s</dt><dd data-testid={`samples-per-sec-${run}`}>{m && batch ? Math.round(m.stepsPerSec * batch).toLocaleString('en-US') : '–'}</dd>
        </div>
        <div><dt>tensors</dt><dd data-testid={`tensors-${run}`}>{snapshot ? snapshot.numTensors : '–'}</dd></div>
      </dl>
      <div className="exports">
        <button type="button" onClick={exportJson} disabled={!snapshot || !labels}>Export embeddings</button>
        <button type="button" onClick={exportCsv} disabled={!snapshot || !labels} title="Export embeddings as CSV: index, label, predicted, x, y">CSV</button>
        <button type="button" onClick={saveImage} disabled={!snapshot} title="Save this plot as a PNG, with a caption">Save image</button>
        <button type="button" onClick={() => props.onSave(`${fileBase}-model`)} disabled={!snapshot || Boolean(m?.diverged)}
          title="Download this run (weights, optimizer state, centers, step, data position) as a TensorFlow.js model.json + weights.bin pair">
          Download weights
        </button>
        <button type="button" onClick={() => fileInput.current?.click()} disabled={!snapshot}
          title="Resume this run from a downloaded pair: pick both the .json and the .weights.bin">
          Load weights…
        </button>
        <input
          ref={fileInput} type="file" multiple accept=".json,.bin,application/json,application/octet-stream" hidden
          aria-label={`Load weights into ${title}`} data-testid={`load-weights-${run}`}
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = '';
            if (files.length) props.onLoad(files);
          }}
        />
      </div>
    </section>
  );
}
