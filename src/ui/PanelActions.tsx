/**
 * A panel's file actions: Export embeddings (JSON, CSV), Save image, Download / Load weights; and,
 * for the cosine heads, the "Unit circle" view switch.
 * Inline under the panel, or (figure view, phone) folded into the panel's menu.
 */
import { useRef } from 'react';
import type { RunId } from '../state/runs';
import type { Params } from '../state/params';
import type { CenterUpdateRule } from '../train/rules';
import { PRESETS, type ModelId } from '../train/presets';
import type { Scatter } from './scatter/Scatter';
import { canvasToPng, download, embeddingsCsv } from './exports';
import type { Snapshot } from './session';
import type { GeometryViewState } from './scatter/useGeometryView';

export interface PanelActionsProps {
  run: RunId;
  title: string;
  rule: string | null;
  snapshot: Snapshot | null;
  labels: Uint8Array | null;
  params: Params;
  model: ModelId | null;
  setup: { lambda: number; update: CenterUpdateRule };
  scatterRef: { current: Scatter | null };
  onSave: (name: string) => void;
  onLoad: (files: File[]) => void;
  /** Fold the buttons into a "Panel menu" disclosure. */
  menu: boolean;
  /** The plot's view of the loss geometry (a "Unit circle" switch where it has one). */
  geometryView?: GeometryViewState;
}

export function PanelActions(props: PanelActionsProps) {
  const { run, title, rule, snapshot, labels, params, model } = props;
  const m = snapshot?.metrics;
  const fileInput = useRef<HTMLInputElement | null>(null);
  const fileBase = `flock-${run}-step${m?.step ?? 0}`;

  const exportCsv = () => {
    if (!snapshot || !labels) return;
    download(new Blob([embeddingsCsv(snapshot.points, labels, snapshot.predictions)], { type: 'text/csv' }), `${fileBase}.csv`);
  };

  const saveImage = () => {
    const s = props.scatterRef.current;
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

  const circle = props.geometryView;
  const buttons = (
    <div className="exports">
      {circle?.toggle ? (
        <button type="button" aria-pressed={circle.view === 'circle'} onClick={circle.toggle}
          title="Show the features by direction only, on the unit circle, with the class directions as spokes">
          Unit circle
        </button>
      ) : null}
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
  );
  return props.menu ? (
    <details className="panel-menu">
      <summary title="Export, save and load this panel">Panel menu</summary>
      {buttons}
    </details>
  ) : buttons;
}
