import type { RunId } from '../state/runs';
import type { Params } from '../state/params';
import type { ModelId } from '../train/presets';
import { compactness } from '../train/metrics';
import { ScatterView } from './scatter/ScatterView';
import { useGeometryView } from './scatter/useGeometryView';
import type { Scatter } from './scatter/Scatter';
import type { Domain } from './scatter/geometry';
import { PanelCharts, COMPACTNESS_TITLE } from './charts/PanelCharts';
import type { RunHistory } from './history';
import { PanelActions } from './PanelActions';
import type { Snapshot } from './session';
import type { DigitEmbedding } from '../train/embedDigit';
import { DigitReadout } from './draw/DigitReadout';
import { auxLossLabel } from './runTitles';

export type PanelLayout = 'full' | 'compact' | 'phone' | 'figure';

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
  /** The timeline's displayed step, marked on the charts (null: live). `snapshot` is the frame at that step. */
  cursor?: number | null;
  /** [N×784] probe pixels, for the point tooltip. */
  images: Uint8Array | null;
  /** Shared axes: the domain every panel fits; null = fit own data. */
  domain: Domain | null;
  dark: boolean;
  /** This run's λ and center update rule (what tells it apart from the other runs). */
  setup: { lambda: number; update: import('../train/rules').CenterUpdateRule };
  /** Where the panel's plot instance goes (the App's video recorder reads it). */
  scatterRef: { current: Scatter | null };
  /**
   * 'full': the pair; 'compact': small multiples (λ grid), a smaller plot and denser metrics;
   * 'phone': half a phone screen wide, the charts folded and the buttons in a menu;
   * 'figure': the paper's figure, a bare square plot with its title, the buttons in a menu.
   */
  layout: PanelLayout;
  /** In the λ grid: this panel's compactness ÷ the λ = 0 panel's (null for that panel, or without one). */
  ratioToBaseline: number | null;
  /** Where this run puts the digit drawn on the pad (null: nothing drawn). */
  digit: DigitEmbedding | null;
}

export function Panel(props: PanelProps) {
  const { run, title, rule, snapshot, labels, highlight, onLegendClick, onRollback, layout } = props;
  const m = snapshot?.metrics;
  const tight = snapshot ? snapshot.compactness ?? (labels ? compactness(snapshot.points, labels) : NaN) : NaN;
  const headingId = `panel-${run}-title`;
  const auxLoss = auxLossLabel(snapshot?.geometry?.loss ?? 'center'); // the loss's own term (none for a cosine head)
  const figure = layout === 'figure';
  const geometry = useGeometryView(snapshot?.geometry);
  const charts = <PanelCharts run={run} history={props.history} rev={props.historyRev} xMax={props.xMax} cursor={props.cursor} auxLoss={auxLoss} />;

  return (
    <section className={layout === 'full' ? 'panel' : `panel ${layout}`} role="region" aria-labelledby={headingId} data-run={run}>
      <header>
        <h2 id={headingId}>{title}</h2>
        {rule && !figure ? <span className="tag" title="center update rule">{rule}</span> : null}
        <p className="readout" aria-live="polite" aria-atomic="true" data-testid={`readout-${run}`}>
          {m ? `step ${m.step} · accuracy ${(m.accuracy * 100).toFixed(1)}%` : 'step 0 · accuracy –'}
        </p>
        {props.ratioToBaseline !== null && Number.isFinite(props.ratioToBaseline) && !figure ? (
          <p className="ratio" data-testid={`ratio-${run}`} title="This panel's compactness ÷ the λ = 0 panel's: lower = tighter than softmax only">
            {props.ratioToBaseline.toFixed(2)}× the spread of λ = 0
          </p>
        ) : null}
        {props.digit ? <DigitReadout digit={props.digit} brief={figure || layout === 'phone'} /> : null}
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
        highlight={highlight} onLegendClick={onLegendClick} apiRef={props.scatterRef} hookId={run} marker={props.digit?.point ?? null}
        geometry={snapshot?.geometry ?? null} geometryView={geometry.view}
      />
      {figure ? null : (
        <>
          {layout === 'phone' ? <details className="panel-fold"><summary>Charts</summary>{charts}</details> : charts}
          <dl className="metrics">
            <div><dt>λ</dt><dd>{m ? m.lambda : props.setup.lambda}</dd></div>
            <div><dt>softmax loss</dt><dd>{m && Number.isFinite(m.softmaxLoss) ? m.softmaxLoss.toFixed(3) : '–'}</dd></div>
            {auxLoss === null ? null : (
              <div><dt>{auxLoss ?? <>center loss L<sub>C</sub></>}</dt><dd>{m && Number.isFinite(m.centerLoss) ? m.centerLoss.toFixed(3) : '–'}</dd></div>
            )}
            <div title={COMPACTNESS_TITLE}>
              <dt>compactness</dt><dd data-testid={`compactness-${run}`}>{Number.isFinite(tight) ? tight.toFixed(3) : '–'}</dd>
            </div>
          </dl>
        </>
      )}
      <PanelActions
        run={run} title={title} rule={rule} snapshot={snapshot} labels={labels} params={props.params} model={props.model}
        setup={props.setup} scatterRef={props.scatterRef} onSave={props.onSave} onLoad={props.onLoad} menu={figure || layout === 'phone'}
        geometryView={geometry}
      />
    </section>
  );
}
