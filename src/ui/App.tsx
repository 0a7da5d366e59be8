/**
 * The page: parameters (mirrored in the URL), the trainer (useTrainer: the worker and its session),
 * and the parts that draw them — header, banners, controls, the panels, the timeline, diagnostics, the
 * figure caption. The panels, the contrast readout and every export show the timeline's displayed step
 * (`view`: the latest snapshots when live); the diagnostics stay live.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import { LIVE_KEYS, PARAMS, RESTART_KEYS, parseQuery, toQuery, type LiveKey, type Params } from '../state/params';
import { activeRuns, gridOn, resolvedBatch, runConfig, runSetup, type RunConfig, type RunId } from '../state/runs';
import { PRESETS, PORT_HYPER } from '../train/presets';
import { Controls } from './Controls';
import { Panel } from './Panel';
import { Toolbar } from './Toolbar';
import { About } from './About';
import { ContrastReadout } from './ContrastReadout';
import { ReplayControls } from './ReplayControls';
import { BackendLine, Banners } from './Banners';
import { useTheme } from './theme';
import { useShortcuts } from './shortcuts';
import { fitEmbedding, unionDomain } from './scatter/geometry';
import { settingsCaption } from './caption';
import { FigureCaption } from './figure/FigureCaption';
import { ClassLegend } from './ClassLegend';
import { Diagnostics } from './Diagnostics';
import { NARROW, useMedia } from './useMedia';
import { DrawPad } from './draw/DrawPad';
import { ruleLabel, runTitle } from './runTitles';
import { useTrainer } from './trainer/useTrainer';
import { usePanelExports } from './usePanelExports';
import { useTimeline } from './timeline/useTimeline';
import { TimelineBar } from './timeline/TimelineBar';

export function App() {
  const initial = useMemo(() => parseQuery(window.location.search), []);
  const [params, setParams] = useState<Params>(initial.params);
  /** The parameters as last changed (a burst of changes within one render merges here). */
  const paramsRef = useRef(params);
  const config = useMemo(() => runConfig(params), [params]);
  const trainer = useTrainer({ config, backend: params.backend, replay: params.replay === 'on', initialNotices: initial.notices });
  const { ready, model, snaps, phase, training, send, reset, switchWorker } = trainer;
  const [highlight, setHighlight] = useState<number | null>(null);
  const theme = useTheme();
  // Phone: the two panels side by side on the first screen, the settings in a sheet (closed at first).
  const narrow = useMedia(NARROW);
  const [sheetOpen, setSheetOpen] = useState(false);

  const runs = useMemo(() => activeRuns(config), [config]);
  const shown = useMemo(() => runs.map((run) => ({ run, title: runTitle(run, config), lambda: runSetup(run, config).lambda })), [runs, config]);
  const runIds = useMemo(() => shown.map((s) => s.run), [shown]);
  const tl = useTimeline(trainer.timeline, snaps, runIds);
  const view = tl.shown;
  const exports = usePanelExports({ params, model: model?.id ?? null, runs: shown, snaps: view, labels: ready?.probeLabels ?? null }, trainer.notify);

  // Keep the URL in step with the parameters (replaceState: slider drags do not flood history).
  useEffect(() => {
    const q = toQuery(params, window.location.search);
    if (q !== window.location.search) window.history.replaceState(null, '', `${window.location.pathname}${q}${window.location.hash}`);
  }, [params]);

  /** Live parameters reach the worker as messages and apply on the next step; restart ones reset the runs. */
  const change = useCallback((patch: Partial<Params>) => {
    const prev = paramsRef.current;
    const next = { ...prev, ...patch };
    paramsRef.current = next;
    setParams(next);
    if (patch.replay !== undefined && patch.replay !== prev.replay) {
      switchWorker(); // recorded run ↔ live training: another worker, a fresh session
      return;
    }
    const nextConfig = runConfig(next);
    const live: Partial<Pick<RunConfig, LiveKey>> = {};
    for (const k of LIVE_KEYS) if (patch[k] !== undefined) (live as Record<string, unknown>)[k] = nextConfig[k];
    if (Object.keys(live).length) send({ type: 'set', patch: live });
    if (RESTART_KEYS.some((k) => patch[k] !== undefined)) reset(nextConfig);
  }, [send, reset, switchWorker]);

  const disabled = phase.kind !== 'ready';
  const onTrain = () => trainer.train(!training);
  const onStep = () => send({ type: 'step' });
  const onReset = () => reset(runConfig(paramsRef.current));
  useShortcuts({ enabled: !disabled, training, train: onTrain, step: onStep, reset: onReset });

  const grid = gridOn(params);
  const figure = params.view === 'figure';
  const phone = narrow && !figure;
  // In the λ grid, each panel's compactness relative to the λ = 0 panel (when the grid has one).
  const gridBaseline = grid ? runs.find((r) => runSetup(r, config).lambda === 0) ?? null : null;
  const ratioTo = (run: RunId, base: RunId | null): number | null => {
    const a = view[run]?.compactness;
    const b = base ? view[base]?.compactness : undefined;
    return base && run !== base && a !== undefined && b !== undefined ? a / b : null;
  };
  // One step axis for every chart, and with shared axes one domain (the union) for every plot.
  const xMax = Math.max(0, ...runs.map((r) => snaps[r]?.metrics.step ?? 0));
  const sharedDomain = useMemo(
    () => (params.axes === 'shared' ? unionDomain(runs.map((r) => fitEmbedding(view[r]?.points ?? null, view[r]?.centers ?? null))) : null),
    [params.axes, view, runs],
  );

  return (
    <div className="app" style={figure ? ({ '--cols': runs.length } as CSSProperties) : undefined}>
      <header className="top">
        <h1>Flock <span className="sub">center loss, live</span></h1>
        <BackendLine ready={ready} model={model} />
        <Toolbar theme={theme.pref} onTheme={theme.setPref} figure={figure} onFigure={(on) => change({ view: on ? 'figure' : 'app' })} />
      </header>

      <Banners
        ready={ready} model={model} phase={phase} notices={trainer.notices} asked={{ backend: params.backend, model: params.model }}
        onWatchRecording={() => change({ replay: 'on' })} onDismiss={trainer.dismissNotices} onCancel={trainer.cancel} onRetry={trainer.retry}
      />

      {ready?.replay ? (
        <ReplayControls
          info={ready.replay} playing={training} disabled={disabled} onPlay={onTrain} onStep={onStep}
          onReset={onReset} onSaveAll={exports.saveAllPanels} onLive={() => change({ replay: 'off' })}
        />
      ) : (
        <Controls
          params={params} training={training} disabled={disabled} onChange={change} onTrain={onTrain} onStep={onStep} onReset={onReset}
          onPortPreset={() => change({ update: 'seed', optimizer: 'sgd', lr: PORT_HYPER.lr, lambda: PORT_HYPER.lambda, alpha: PORT_HYPER.alpha })}
          recording={exports.recording} onRecord={exports.toggleRecording} onSaveAll={exports.saveAllPanels}
          sheet={narrow ? { open: sheetOpen, onToggle: () => setSheetOpen((o) => !o) } : null}
        />
      )}

      {!grid && !figure && phase.kind === 'ready' ? (
        <ContrastReadout log={trainer.contrastLog} rev={trainer.contrastLog.rev} xMax={xMax} preset={model ? PRESETS[model.id] : null} cursor={tl.cursor} />
      ) : null}

      {phone ? <ClassLegend highlight={highlight} onChange={setHighlight} /> : null}
      <div className={figure || phone ? 'workspace stacked' : 'workspace'}>
        <main className={figure ? 'panels figure' : phone ? 'panels phone' : grid ? 'panels grid' : 'panels'} data-testid="panels">
          {shown.map(({ run, title }) => (
            <Panel
              key={run}
              run={run}
              title={title}
              rule={ruleLabel(run, config)}
              snapshot={view[run] ?? null}
              labels={ready?.probeLabels ?? null}
              highlight={highlight}
              onLegendClick={setHighlight}
              onRollback={() => trainer.runs.rollback(run)}
              onSave={(name) => trainer.runs.save(run, name)}
              onLoad={(files) => trainer.runs.load(run, files)}
              scatterRef={exports.scatterRef(run)}
              setup={runSetup(run, config)}
              params={params}
              model={model?.id ?? null}
              history={trainer.histories.get(run)}
              historyRev={trainer.histories.get(run).rev}
              xMax={xMax}
              cursor={tl.cursor}
              images={ready?.probeImages ?? null}
              domain={sharedDomain}
              dark={theme.dark}
              layout={figure ? 'figure' : phone ? 'phone' : grid ? 'compact' : 'full'}
              ratioToBaseline={grid ? ratioTo(run, gridBaseline) : null}
              digit={tl.cursor === null ? trainer.digit?.runs[run] ?? null : null /* embedded with the latest weights */}
            />
          ))}
        </main>
        {ready && !ready.replay && phase.kind === 'ready' ? <DrawPad onDigit={trainer.drawDigit} /> : null}
      </div>
      {ready && !ready.replay ? (
        <TimelineBar
          tl={tl} latest={xMax} disabled={phase.kind !== 'ready'} recording={Boolean(exports.recording?.active)}
          onRecord={exports.recording ? () => { exports.toggleRecording(); tl.play({ fromStart: true, end: exports.stopRecording }); } : null}
          onExportJson={() => tl.exportJson({ model: model?.id ?? null, seed: params.seed, runs: shown, labels: ready.probeLabels })}
        />
      ) : null}
      {figure ? null : (
        <Diagnostics rows={shown.map(({ run, title }) => ({ run, title, snapshot: snaps[run] ?? null }))}
          batch={model ? resolvedBatch(params, PRESETS[model.id]) : null} />
      )}
      {figure ? (
        <FigureCaption
          caption={settingsCaption(params, model?.id ?? null, tl.cursor ?? xMax)} highlight={highlight} onLegendClick={setHighlight}
          disabled={!runs.some((r) => snaps[r])} onSavePng={() => exports.saveFigure('png')} onSaveSvg={() => exports.saveFigure('svg')}
        />
      ) : null}
      <footer className="foot">
        <About />
        <p>
          Every run starts from the same weights and sees the same batches; runs differ only in λ (and, when compared, the center update rule or the loss).
          Center loss (Wen et al., ECCV 2016): L<sub>C</sub> = Σ‖x<sub>i</sub> − c<sub>y<sub>i</sub></sub>‖²/(2B), centers move by Eq. 4.
          {' '}{PARAMS.alpha.label} applies to every run's centers.
        </p>
      </footer>
    </div>
  );
}
