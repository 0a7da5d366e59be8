import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type CSSProperties } from 'react';
import { TrainerClient } from '../worker/client';
import { LIVE_KEYS, activeRuns, ruleOfRun, runSetup, type BackendName, type Checkpoint, type FromWorker, type LiveKey, type RunConfig, type RunId, type RunMetrics, type ReplayInfo } from '../worker/protocol';
import { PARAMS, parseQuery, toQuery, type Params } from '../state/params';
import { AUTO_PRESET, PRESETS, PORT_HYPER, type ModelId } from '../train/presets';
import { RULE_NAMES } from '../train/rules';
import { Controls } from './Controls';
import { Panel } from './Panel';
import { Toolbar } from './Toolbar';
import { About } from './About';
import { RunHistories } from './history';
import { ContrastLog } from './contrastLog';
import { ContrastReadout } from './ContrastReadout';
import { ReplayControls } from './ReplayControls';
import { PictureNeedsGpu, ReplayBanner } from './ReplayBanners';
import { useTheme } from './theme';
import { useShortcuts } from './shortcuts';
import { fitEmbedding, unionDomain } from './scatter/geometry';
import { canvasToPng, download } from './exports';
import { settingsCaption } from './caption';
import { FigureCaption } from './figure/FigureCaption';
import { figureSvg } from './figure/figureSvg';
import { CLASS_COLORS } from './scatter/ScatterView';
import { ClassLegend } from './ClassLegend';
import { Diagnostics } from './Diagnostics';
import { NARROW, useMedia } from './useMedia';
import { PanelRecorder, composePanels, recordingSupported } from './recorder';
import type { Scatter } from './scatter/Scatter';
import type { DigitEmbedding } from '../train/embedDigit';
import { DrawPad } from './draw/DrawPad';

export interface Snapshot {
  metrics: RunMetrics;
  points: Float32Array;
  centers: Float32Array;
  predictions: Uint8Array;
  numTensors: number;
  probeEvery: number;
  /** compactness(points, labels), computed once when the snapshot arrives. */
  compactness?: number;
}

interface Ready {
  backend: BackendName;
  adapter: string;
  software: boolean;
  fallbackReason?: string;
  probeLabels: Uint8Array;
  probeImages: Uint8Array;
  centerLoss: 'wgsl' | 'composed';
  /** Set when a recorded run is replayed instead of training. */
  replay?: ReplayInfo;
}

type Phase =
  | { kind: 'loading'; loaded: number; total: number }
  | { kind: 'ready' }
  | { kind: 'error'; message: string; file?: string };

const BACKEND_LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', cpu: 'CPU' };
function runTitle(run: RunId, p: Params): string {
  if (run === 'softmax') return 'Softmax only';
  if (run === 'center') return 'Softmax + center loss';
  const rule = ruleOfRun(run);
  if (rule) return `Softmax + center loss, ${RULE_NAMES[rule]} rule`;
  const { lambda } = runSetup(run, configOf(p));
  return lambda === 0 ? 'λ = 0 (softmax only)' : `λ = ${lambda}`;
}

export function configOf(p: Params): RunConfig {
  return {
    model: p.model, seed: p.seed, optimizer: p.optimizer, lr: p.lr, lambda: p.lambda, alpha: p.alpha, update: p.update,
    compare: p.rules, grid: p.runs, batch: p.batch, probe: p.probe, speed: p.speed,
  };
}
/** Parameters that rebuild the runs (a reset) when they change; the live ones go to the worker as 'set'. */
const RESTART_KEYS = ['model', 'seed', 'rules', 'runs', 'batch', 'probe'] as const satisfies readonly (keyof Params)[];

export function App() {
  const initial = useMemo(() => parseQuery(window.location.search), []);
  const [params, setParams] = useState<Params>(initial.params);
  const [notices, setNotices] = useState<string[]>(initial.notices);
  const [phase, setPhase] = useState<Phase>({ kind: 'loading', loaded: 0, total: 0 });
  const [ready, setReady] = useState<Ready | null>(null);
  const [training, setTraining] = useState(false);
  const [model, setModel] = useState<{ id: ModelId; reason?: string } | null>(null);
  const [snaps, setSnaps] = useState<Partial<Record<RunId, Snapshot>>>({});
  const [highlight, setHighlight] = useState<number | null>(null);
  const [attempt, retry] = useReducer((n: number) => n + 1, 0);
  const client = useRef<TrainerClient | null>(null);
  const session = useRef(0);
  const paramsRef = useRef(params);
  paramsRef.current = params;
  // Fault recovery: the latest checkpoint mirrored from the worker, and what a respawned worker resumes.
  const checkpoint = useRef<Checkpoint | null>(null);
  const resume = useRef<{ checkpoint: Checkpoint | null; train: boolean } | null>(null);
  /** Whether the user wants training to run (Train pressed, not paused): a respawned worker resumes it. */
  const wantTraining = useRef(false);
  const faults = useRef<number[]>([]);
  // Metric history per run (for the charts), fed from snapshots; cleared on reset.
  const [histories] = useState(() => new RunHistories());
  // The softmax-only vs center-loss contrast over steps, and when the picture formed; cleared on reset.
  const [contrastLog] = useState(() => new ContrastLog());
  const probeLabels = useRef<Uint8Array | null>(null);
  const theme = useTheme();
  // Phone: the two panels side by side on the first screen, the settings in a sheet (closed at first).
  const narrow = useMedia(NARROW);
  const [sheetOpen, setSheetOpen] = useState(false);
  // Each panel's plot instance (for the video recorder), and the recorder while it runs.
  const scatterRefs = useRef(new Map<RunId, { current: Scatter | null }>());
  const scatterRef = (run: RunId) => {
    let r = scatterRefs.current.get(run);
    if (!r) { r = { current: null }; scatterRefs.current.set(run, r); }
    return r;
  };
  const recorder = useRef<PanelRecorder | null>(null);
  const [recording, setRecording] = useState<{ seconds: number } | null>(null);
  const snapsRef = useRef(snaps);
  snapsRef.current = snaps;
  const modelRef = useRef<ModelId | null>(null);
  // The digit drawn on the pad (what a respawned worker is sent again), the ids of drawings (every change
  // is a new id; 'embedded' answers older than the last Clear are dropped), and where each run puts it.
  const drawn = useRef<{ id: number; pixels: Float32Array } | null>(null);
  const digitIds = useRef({ last: 0, cleared: 0 });
  const [digit, setDigit] = useState<{ id: number; runs: Partial<Record<RunId, DigitEmbedding>> } | null>(null);
  modelRef.current = model?.id ?? null;

  // One worker per mount (StrictMode mounts twice in development: the first is terminated).
  useEffect(() => {
    setPhase({ kind: 'loading', loaded: 0, total: 0 });
    setSnaps({});
    const resuming = resume.current;
    /** Resume training once, on this worker's first 'ready' (a later one, after a probe-size reset, must not). */
    let resumeTraining = resuming?.train ?? false;
    resume.current = null;
    let lastBeat = performance.now();
    let busyMs = 0;
    let stopped = false;
    /** Crash, hang or lost GPU: respawn the worker from the last checkpoint (at most 3 times a minute). */
    const respawn = (what: string) => {
      if (stopped) return;
      stopped = true;
      const now = Date.now();
      faults.current = [...faults.current.filter((t) => now - t < 60_000), now];
      const cp = checkpoint.current;
      if (faults.current.length > 3) {
        setTraining(false);
        setPhase({ kind: 'error', message: `${what} Flock stopped retrying after repeated failures.` });
        return;
      }
      const at = cp ? Math.max(0, ...Object.values(cp.runs).map((r) => r?.step ?? 0)) : 0;
      setNotices((n) => [...n, `${what} Restarted the worker${cp ? ` and resumed every run from its checkpoint at step ${at}` : ''}.`]);
      resume.current = { checkpoint: cp, train: wantTraining.current };
      retry();
    };
    const onMessage = (m: FromWorker) => {
      if (m.session !== session.current) return; // stale: from before a reset
      switch (m.type) {
        case 'heartbeat':
          lastBeat = performance.now();
          busyMs = m.busyMs;
          break;
        case 'checkpoint':
          checkpoint.current = m.checkpoint;
          break;
        case 'fault':
          respawn(m.kind === 'device-lost' ? `The GPU device was lost (${m.message}).` : `The training worker failed (${m.message}).`);
          break;
        case 'rolledback':
          setNotices((n) => [...n, `Rolled back to step ${m.step}.`]);
          break;
        case 'saved':
          download(new Blob([m.json], { type: 'application/json' }), `${m.name}.json`);
          download(new Blob([m.weights], { type: 'application/octet-stream' }), `${m.name}.weights.bin`);
          break;
        case 'loaded': {
          const p = paramsRef.current;
          const now = runSetup(m.run, configOf(p)).lambda;
          const note = m.lambda !== now ? ` It was saved with λ = ${m.lambda}; this panel goes on with λ = ${now}.` : '';
          setNotices((n) => [...n, `Loaded ${m.file} into “${runTitle(m.run, p)}”: resumed at step ${m.step}.${note}`]);
          break;
        }
        case 'progress':
          setPhase({ kind: 'loading', loaded: m.loaded, total: m.total });
          break;
        case 'ready':
          probeLabels.current = m.probeLabels;
          setReady({ backend: m.backend, adapter: m.adapter, software: m.software, fallbackReason: m.fallbackReason, probeLabels: m.probeLabels, probeImages: m.probeImages, centerLoss: m.centerLoss, replay: m.replay });
          setModel({ id: m.model, reason: m.modelReason });
          setPhase({ kind: 'ready' });
          if (resumeTraining) c.send({ type: 'train' });
          resumeTraining = false;
          if (drawn.current && !m.replay) c.send({ type: 'embed', ...drawn.current }); // a respawned worker
          break;
        case 'embedded': {
          if (!drawn.current || m.id <= digitIds.current.cleared) break;
          const runs = m.runs;
          setDigit((d) => (d && d.id > m.id ? d : { id: m.id, runs }));
          break;
        }
        case 'status':
          setTraining(m.training);
          setModel({ id: m.model, reason: m.modelReason });
          break;
        case 'snapshot': {
          const tight = histories.record(m.run, m.metrics, m.points, probeLabels.current);
          if (m.run === 'softmax' || m.run === 'center') {
            contrastLog.record(m.run, m.metrics.step, { accuracy: m.metrics.accuracy, compactness: tight }, performance.now());
          }
          setSnaps((s) => ({ ...s, [m.run]: { metrics: m.metrics, points: m.points, centers: m.centers, predictions: m.predictions, numTensors: m.numTensors, probeEvery: m.probeEvery, compactness: tight } }));
          break;
        }
        case 'error':
          if (m.fatal) setPhase({ kind: 'error', message: m.message, file: m.file });
          else setNotices((n) => [...n, m.message]);
          break;
      }
    };
    const replaying = paramsRef.current.replay === 'on';
    const c = new TrainerClient(onMessage, (message) => respawn(`The training worker crashed (${message}).`), replaying);
    client.current = c;
    c.send({
      type: 'init', session: session.current, dataBase: new URL('./', window.location.href).href,
      backend: paramsRef.current.backend, config: configOf(paramsRef.current), resume: resuming?.checkpoint ?? undefined,
      replay: replaying ? AUTO_PRESET.gpu : undefined,
    });
    // Hang watchdog: armed once a step has been timed; allows several times the longest step.
    const watchdog = setInterval(() => {
      if (busyMs > 0 && performance.now() - lastBeat > Math.max(10_000, 4 * busyMs)) respawn('The training worker stopped responding.');
    }, 1000);
    if (import.meta.env.MODE === 'e2e') {
      (window as unknown as { __flockDebug?: (a: 'lose-device' | 'crash' | 'hang' | 'poison', run?: RunId) => void }).__flockDebug = (action, run) => c.send({ type: 'debug', action, run });
    }
    return () => {
      stopped = true;
      clearInterval(watchdog);
      c.terminate();
      client.current = null;
    };
  }, [attempt, params.replay]); // eslint-disable-line react-hooks/exhaustive-deps

  // Keep the URL in step with the parameters (replaceState: slider drags do not flood history).
  useEffect(() => {
    const q = toQuery(params, window.location.search);
    if (q !== window.location.search) window.history.replaceState(null, '', `${window.location.pathname}${q}${window.location.hash}`);
  }, [params]);

  const send = useCallback((m: Parameters<TrainerClient['send']>[0]) => client.current?.send(m), []);

  /** The pad's 28×28 image changed (null: cleared): the worker embeds it for every run. */
  const onDigit = useCallback((pixels: Float32Array | null) => {
    const id = ++digitIds.current.last;
    drawn.current = pixels ? { id, pixels } : null;
    if (!pixels) { digitIds.current.cleared = id; setDigit(null); }
    send({ type: 'embed', id, pixels });
  }, [send]);

  /** The furthest step any panel shows (for file names and captions). */
  const latestStep = () => Math.max(0, ...Object.values(snapsRef.current).map((x) => x?.metrics.step ?? 0));
  /** Each shown panel's plot as an image, captioned by `caption(title, λ, metrics)`. */
  const panelImages = (caption: (title: string, lambda: number, m: RunMetrics | undefined) => string, scale?: number, animated?: boolean) => {
    const p = paramsRef.current;
    const config = configOf(p);
    return activeRuns(config).flatMap((run) => {
      const s = scatterRefs.current.get(run)?.current;
      const m = snapsRef.current[run]?.metrics;
      return s ? [s.toImage(caption(runTitle(run, p), m?.lambda ?? runSetup(run, config).lambda, m), scale, animated)] : [];
    });
  };

  /** Record: the panels as they animate, into one WebM; Stop downloads it. */
  const toggleRecording = useCallback(() => {
    const r = recorder.current;
    if (r) {
      recorder.current = null;
      setRecording(null);
      const step = latestStep();
      r.stop().then((blob) => download(blob, `flock-step${step}.webm`), (e: Error) => setNotices((n) => [...n, `The recording failed: ${e.message}.`]));
      return;
    }
    try {
      recorder.current = new PanelRecorder({
        frames: () => panelImages((title, lambda, m) => `${title} · step ${m?.step ?? 0} · λ ${lambda}`, 1, true),
      });
      setRecording({ seconds: 0 });
    } catch (e) {
      setNotices((n) => [...n, `Recording could not start: ${e instanceof Error ? e.message : e}.`]);
    }
  }, []);
  /** "Save all panels": one PNG of every panel, captioned with the shared parameters and the step. */
  const saveAllPanels = useCallback(() => {
    const p = paramsRef.current;
    const frames = panelImages((title, lambda, m) => `${title} · λ ${lambda} · accuracy ${m ? (m.accuracy * 100).toFixed(1) : '–'}%`);
    const step = latestStep();
    try {
      canvasToPng(composePanels(frames, settingsCaption(p, modelRef.current, step))).then((b) => download(b, `flock-panels-step${step}.png`), () => {});
    } catch (e) {
      setNotices((n) => [...n, `The image could not be made: ${e instanceof Error ? e.message : e}.`]);
    }
  }, []);
  /** "Save figure": every panel in one row under the shared caption, as a PNG or an SVG with vector points. */
  const saveFigure = useCallback((format: 'png' | 'svg') => {
    const p = paramsRef.current;
    const step = latestStep();
    const caption = settingsCaption(p, modelRef.current, step);
    const name = `flock-figure-step${step}.${format}`;
    try {
      if (format === 'png') {
        const frames = panelImages((title) => title);
        canvasToPng(composePanels(frames, caption, frames.length)).then((b) => download(b, name), () => {});
        return;
      }
      const panels = activeRuns(configOf(p)).flatMap((run) => {
        const snap = snapsRef.current[run];
        const domain = scatterRefs.current.get(run)?.current?.getDomain() ?? fitEmbedding(snap?.points ?? null, snap?.centers ?? null);
        return snap && domain ? [{ title: runTitle(run, p), points: snap.points, labels: probeLabels.current, centers: snap.centers, domain }] : [];
      });
      if (!panels.length) throw new Error('there is no plot to save yet');
      download(new Blob([figureSvg(panels, { caption, colors: CLASS_COLORS })], { type: 'image/svg+xml' }), name);
    } catch (e) {
      setNotices((n) => [...n, `The figure could not be made: ${e instanceof Error ? e.message : e}.`]);
    }
  }, []);

  // While recording: a clock on the button, a "leave the page?" prompt, and a clean stop when the page goes away.
  useEffect(() => {
    if (!recording) return;
    const clock = setInterval(() => { if (recorder.current) setRecording({ seconds: Math.floor(recorder.current.seconds) }); }, 1000);
    const beforeUnload = (e: BeforeUnloadEvent) => { e.preventDefault(); e.returnValue = ''; };
    const pageHide = () => { void recorder.current?.stop(); recorder.current = null; };
    window.addEventListener('beforeunload', beforeUnload);
    window.addEventListener('pagehide', pageHide);
    return () => { clearInterval(clock); window.removeEventListener('beforeunload', beforeUnload); window.removeEventListener('pagehide', pageHide); };
  }, [recording !== null]); // eslint-disable-line react-hooks/exhaustive-deps

  const reset = useCallback((p: Params) => {
    session.current++;
    checkpoint.current = null;
    wantTraining.current = false;
    histories.clear();
    contrastLog.clear();
    setSnaps({});
    setDigit(null); // the worker embeds the drawing again after the new runs' first snapshot
    setTraining(false);
    send({ type: 'reset', session: session.current, config: configOf(p) });
  }, [send, histories, contrastLog]);

  /** Live parameters reach the worker as messages and apply on the next step. */
  const change = useCallback((patch: Partial<Params>) => {
    const next = { ...paramsRef.current, ...patch };
    if (patch.replay !== undefined && patch.replay !== paramsRef.current.replay) {
      // Recorded run ↔ live training: another worker (the effect above spawns it), a fresh session.
      session.current++;
      checkpoint.current = null;
      wantTraining.current = false;
      histories.clear();
      contrastLog.clear();
      setSnaps({});
      setDigit(null);
      drawn.current = null; // the pad is hidden during a replay, and starts empty again after it
      setReady(null);
      setTraining(false);
      setParams(next);
      return;
    }
    setParams(next);
    const config = configOf(next);
    const live: Partial<Pick<RunConfig, LiveKey>> = {};
    for (const k of LIVE_KEYS) if (patch[k] !== undefined) (live as Record<string, unknown>)[k] = config[k];
    if (Object.keys(live).length) send({ type: 'set', patch: live });
    if (RESTART_KEYS.some((k) => patch[k] !== undefined)) reset(next);
  }, [send, reset, histories, contrastLog]);

  const controls = {
    params,
    training,
    disabled: phase.kind !== 'ready',
    onChange: change,
    onTrain: () => {
      wantTraining.current = !training;
      // Time-to-picture is wall-clock of training in this tab: a replayed recording has none.
      if (!training && !ready?.replay) contrastLog.startClock(performance.now());
      send({ type: training ? 'pause' : 'train' });
    },
    onStep: () => send({ type: 'step' }),
    onReset: () => reset(paramsRef.current),
    onPortPreset: () => change({ update: 'seed', optimizer: 'sgd', lr: PORT_HYPER.lr, lambda: PORT_HYPER.lambda, alpha: PORT_HYPER.alpha }),
    recording: recordingSupported() ? { active: recording !== null, seconds: recording?.seconds ?? 0 } : null,
    onRecord: toggleRecording,
    onSaveAll: saveAllPanels,
    sheet: narrow ? { open: sheetOpen, onToggle: () => setSheetOpen((o) => !o) } : null,
  };
  useShortcuts({ enabled: !controls.disabled, training, train: controls.onTrain, step: controls.onStep, reset: controls.onReset });

  const runs = activeRuns(configOf(params));
  const grid = params.runs.length >= 2;
  const figure = params.view === 'figure';
  const phone = narrow && !figure;
  // In the λ grid, each panel's compactness relative to the λ = 0 panel (when the grid has one).
  const gridBaseline = grid ? runs.find((r) => runSetup(r, configOf(params)).lambda === 0) ?? null : null;
  const ratioTo = (run: RunId, base: RunId | null): number | null => {
    const a = snaps[run]?.compactness;
    const b = base ? snaps[base]?.compactness : undefined;
    return base && run !== base && a !== undefined && b !== undefined ? a / b : null;
  };
  // One step axis for every chart, and with shared axes one domain (the union) for every plot.
  const xMax = Math.max(0, ...runs.map((r) => snaps[r]?.metrics.step ?? 0));
  const sharedDomain = useMemo(
    () => (params.axes === 'shared' ? unionDomain(runs.map((r) => fitEmbedding(snaps[r]?.points ?? null, snaps[r]?.centers ?? null))) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [params.axes, snaps, runs.join()],
  );

  return (
    <div className="app" style={figure ? ({ '--cols': runs.length } as CSSProperties) : undefined}>
      <header className="top">
        <h1>Flock <span className="sub">center loss, live</span></h1>
        <p className="backend" data-testid="backend">
          {ready?.replay ? (
            <>Recorded run: <strong>PyTorch {ready.replay.torch}</strong>, not training in this tab</>
          ) : (
            <>
              Backend: <strong>{ready ? BACKEND_LABEL[ready.backend] : '…'}</strong>
              {ready ? <span className="adapter"> · {ready.adapter}{ready.software && ready.backend === 'webgpu' ? ' (software GPU)' : ''}</span> : null}
            </>
          )}
          {model ? <span> · model <strong>{PRESETS[model.id].label}</strong></span> : null}
          {ready && !ready.replay ? <span data-testid="center-loss-impl"> · center loss: {ready.centerLoss === 'wgsl' ? 'WGSL kernel' : 'composed ops'}</span> : null}
        </p>
        <Toolbar theme={theme.pref} onTheme={theme.setPref} figure={figure} onFigure={(on) => change({ view: on ? 'figure' : 'app' })} />
      </header>

      {ready?.replay ? (
        <ReplayBanner info={ready.replay} model={PRESETS[AUTO_PRESET.gpu]} />
      ) : ready && ready.software && params.model === 'auto' ? (
        <PictureNeedsGpu preset={PRESETS[AUTO_PRESET.gpu]} backend={BACKEND_LABEL[ready.backend]} onWatch={() => change({ replay: 'on' })} />
      ) : null}
      {ready?.replay ? null : ready && ready.backend !== 'webgpu' && params.backend === ready.backend ? (
        <div className="banner info" role="status" data-testid="fallback-banner">
          Training on <strong>{BACKEND_LABEL[ready.backend]}</strong>, as the URL asks (<code>backend={ready.backend}</code>).
        </div>
      ) : ready && ready.backend !== 'webgpu' ? (
        <div className="banner warn" role="status" data-testid="fallback-banner">
          WebGPU is not available{ready.fallbackReason ? ` (${ready.fallbackReason})` : ''}. Training runs on{' '}
          <strong>{BACKEND_LABEL[ready.backend]}</strong> instead, which is slower for the larger models.
        </div>
      ) : null}
      {model?.reason && !ready?.replay ? <div className="banner info" role="note">{model.reason}</div> : null}
      {notices.length ? (
        <div className="banner warn" role="alert" data-testid="notices">
          <ul>{notices.map((n, i) => <li key={i}>{n}</li>)}</ul>
          <button type="button" onClick={() => setNotices([])}>Dismiss</button>
        </div>
      ) : null}

      {phase.kind === 'loading' ? (
        <div className="loading">
          <label htmlFor="load-progress">Loading MNIST… {formatMB(phase.loaded)} / {phase.total ? formatMB(phase.total) : '?'}</label>
          <progress id="load-progress" aria-label="Loading MNIST" max={phase.total || 1} value={phase.loaded} />
          <button type="button" onClick={() => { client.current?.terminate(); setPhase({ kind: 'error', message: 'Loading was cancelled. Press Retry to start again.' }); }}>
            Cancel
          </button>
        </div>
      ) : null}
      {phase.kind === 'error' ? (
        <div className="banner error" role="alert" data-testid="error">
          <p><strong>{phase.file ? `Could not load ${phase.file}.` : 'Something went wrong.'}</strong> {phase.message}</p>
          <button type="button" onClick={retry}>Retry</button>
        </div>
      ) : null}

      {ready?.replay ? (
        <ReplayControls
          info={ready.replay} playing={training} disabled={controls.disabled} onPlay={controls.onTrain} onStep={controls.onStep}
          onReset={controls.onReset} onSaveAll={saveAllPanels} onLive={() => change({ replay: 'off' })}
        />
      ) : (
        <Controls {...controls} />
      )}

      {!grid && !figure && phase.kind === 'ready' ? (
        <ContrastReadout log={contrastLog} rev={contrastLog.rev} xMax={xMax} preset={model ? PRESETS[model.id] : null} />
      ) : null}

      {phone ? <ClassLegend highlight={highlight} onChange={setHighlight} /> : null}
      <div className={figure || phone ? 'workspace stacked' : 'workspace'}>
      <main className={figure ? 'panels figure' : phone ? 'panels phone' : grid ? 'panels grid' : 'panels'} data-testid="panels">
        {runs.map((run) => (
          <Panel
            key={run}
            run={run}
            title={runTitle(run, params)}
            rule={runSetup(run, configOf(params)).lambda === 0 && run !== 'center' && !ruleOfRun(run) ? null : RULE_NAMES[runSetup(run, configOf(params)).update]}
            snapshot={snaps[run] ?? null}
            labels={ready?.probeLabels ?? null}
            highlight={highlight}
            onLegendClick={setHighlight}
            onRollback={() => send({ type: 'rollback', run })}
            onSave={(name) => send({ type: 'save', run, name })}
            onLoad={(files) => send({ type: 'load', run, files })}
            scatterRef={scatterRef(run)}
            setup={runSetup(run, configOf(params))}
            params={params}
            model={model?.id ?? null}
            history={histories.get(run)}
            historyRev={histories.get(run).rev}
            xMax={xMax}
            images={ready?.probeImages ?? null}
            domain={sharedDomain}
            dark={theme.dark}
            layout={figure ? 'figure' : phone ? 'phone' : grid ? 'compact' : 'full'}
            ratioToBaseline={grid ? ratioTo(run, gridBaseline) : null}
            digit={digit?.runs[run] ?? null}
          />
        ))}
      </main>
      {ready && !ready.replay && phase.kind === 'ready' ? <DrawPad onDigit={onDigit} /> : null}
      </div>
      {figure ? null : (
        <Diagnostics rows={runs.map((run) => ({ run, title: runTitle(run, params), snapshot: snaps[run] ?? null }))}
          batch={model ? params.batch || PRESETS[model.id].batch : null} />
      )}
      {figure ? (
        <FigureCaption
          caption={settingsCaption(params, model?.id ?? null, xMax)} highlight={highlight} onLegendClick={setHighlight}
          disabled={!runs.some((r) => snaps[r])} onSavePng={() => saveFigure('png')} onSaveSvg={() => saveFigure('svg')}
        />
      ) : null}
      <footer className="foot">
        <About />
        <p>
          Every run starts from the same weights and sees the same batches; runs differ only in λ (and, when compared, the center update rule).
          Center loss (Wen et al., ECCV 2016): L<sub>C</sub> = Σ‖x<sub>i</sub> − c<sub>y<sub>i</sub></sub>‖²/(2B), centers move by Eq. 4.
          {' '}{PARAMS.alpha.label} applies to every run's centers.
        </p>
      </footer>
    </div>
  );
}

function formatMB(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
