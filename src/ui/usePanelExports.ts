/**
 * Exports of every panel at once: "Save all panels" (one PNG), "Save figure" (PNG or SVG) and the
 * video recorder (Record → Stop downloads a WebM). Each panel's plot registers itself through
 * `scatterRef(run)`; the recorder's frames read the latest panels on every tick. `snaps` are the
 * snapshots the panels show (scrubbed back on the timeline: that step's), so every export is of what
 * is on screen.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RunMetrics } from '../worker/protocol';
import type { RunId } from '../state/runs';
import type { Params } from '../state/params';
import type { ModelId } from '../train/presets';
import type { Snapshot } from './session';
import type { Scatter } from './scatter/Scatter';
import { fitEmbedding } from './scatter/geometry';
import { CLASS_COLORS } from './scatter/ScatterView';
import { canvasToPng, download } from './exports';
import { PanelRecorder, composePanels, recordingSupported } from './recorder';
import { settingsCaption } from './caption';
import { figureSvg } from './figure/figureSvg';

/** The panels on screen, as the exports read them. */
export interface PanelsView {
  params: Params;
  model: ModelId | null;
  /** The shown runs in order, with their titles and λ (before their first snapshot). */
  runs: readonly { run: RunId; title: string; lambda: number }[];
  snaps: Partial<Record<RunId, Snapshot>>;
  labels: Uint8Array | null;
}

const why = (e: unknown) => (e instanceof Error ? e.message : String(e));
/** The furthest step any panel shows (for file names and captions). */
const latestStep = (snaps: PanelsView['snaps']) => Math.max(0, ...Object.values(snaps).map((x) => x?.metrics.step ?? 0));

export function usePanelExports(view: PanelsView, notify: (message: string) => void) {
  // The recorder draws frames after this render: it reads the panels through this ref.
  const latest = useRef(view);
  useEffect(() => {
    latest.current = view;
  });
  const scatters = useRef(new Map<RunId, { current: Scatter | null }>());
  const recorder = useRef<PanelRecorder | null>(null);
  const [recording, setRecording] = useState<{ seconds: number } | null>(null);

  /** Where the panel of `run` puts its plot instance (stable per run). */
  const scatterRef = useCallback((run: RunId) => {
    let r = scatters.current.get(run);
    if (!r) scatters.current.set(run, (r = { current: null }));
    return r;
  }, []);

  /** Each shown panel's plot as an image, captioned by `caption(title, λ, metrics)`. */
  const panelImages = useCallback((caption: (title: string, lambda: number, m: RunMetrics | undefined) => string, scale?: number, animated?: boolean) => {
    const { runs, snaps } = latest.current;
    return runs.flatMap(({ run, title, lambda }) => {
      const s = scatters.current.get(run)?.current;
      const m = snaps[run]?.metrics;
      return s ? [s.toImage(caption(title, m?.lambda ?? lambda, m), scale, animated)] : [];
    });
  }, []);

  /** Stop the recording, if one runs, and download it. */
  const stopRecording = useCallback(() => {
    const r = recorder.current;
    if (!r) return;
    recorder.current = null;
    setRecording(null);
    const step = latestStep(latest.current.snaps);
    r.stop().then((blob) => download(blob, `flock-step${step}.webm`), (e: Error) => notify(`The recording failed: ${e.message}.`));
  }, [notify]);

  /** Record: the panels as they animate, into one WebM; Stop downloads it. */
  const toggleRecording = useCallback(() => {
    if (recorder.current) {
      stopRecording();
      return;
    }
    try {
      recorder.current = new PanelRecorder({
        frames: () => panelImages((title, lambda, m) => `${title} · step ${m?.step ?? 0} · λ ${lambda}`, 1, true),
      });
      setRecording({ seconds: 0 });
    } catch (e) {
      notify(`Recording could not start: ${why(e)}.`);
    }
  }, [notify, panelImages, stopRecording]);

  /** "Save all panels": one PNG of every panel, captioned with the shared parameters and the step. */
  const saveAllPanels = useCallback(() => {
    const { params, model } = latest.current;
    const frames = panelImages((title, lambda, m) => `${title} · λ ${lambda} · accuracy ${m ? (m.accuracy * 100).toFixed(1) : '–'}%`);
    const step = latestStep(latest.current.snaps);
    try {
      canvasToPng(composePanels(frames, settingsCaption(params, model, step))).then((b) => download(b, `flock-panels-step${step}.png`), () => {});
    } catch (e) {
      notify(`The image could not be made: ${why(e)}.`);
    }
  }, [notify, panelImages]);

  /** "Save figure": every panel in one row under the shared caption, as a PNG or an SVG with vector points. */
  const saveFigure = useCallback((format: 'png' | 'svg') => {
    const { params, model, runs, snaps, labels } = latest.current;
    const step = latestStep(latest.current.snaps);
    const caption = settingsCaption(params, model, step);
    const name = `flock-figure-step${step}.${format}`;
    try {
      if (format === 'png') {
        const frames = panelImages((title) => title);
        canvasToPng(composePanels(frames, caption, frames.length)).then((b) => download(b, name), () => {});
        return;
      }
      const panels = runs.flatMap(({ run, title }) => {
        const snap = snaps[run];
        const domain = scatters.current.get(run)?.current?.getDomain() ?? fitEmbedding(snap?.points ?? null, snap?.centers ?? null);
        const view = scatters.current.get(run)?.current?.geometryView ?? 'plane';
        return snap && domain ? [{ title, points: snap.points, labels, centers: snap.centers, domain, geometry: snap.geometry ?? null, view }] : [];
      });
      if (!panels.length) throw new Error('there is no plot to save yet');
      download(new Blob([figureSvg(panels, { caption, colors: CLASS_COLORS })], { type: 'image/svg+xml' }), name);
    } catch (e) {
      notify(`The figure could not be made: ${why(e)}.`);
    }
  }, [notify, panelImages]);

  // While recording: a clock on the button, a "leave the page?" prompt, and a clean stop when the page goes away.
  const active = recording !== null;
  useEffect(() => {
    if (!active) return;
    const clock = setInterval(() => { if (recorder.current) setRecording({ seconds: Math.floor(recorder.current.seconds) }); }, 1000);
    const beforeUnload = (e: BeforeUnloadEvent) => { e.preventDefault(); e.returnValue = ''; };
    const pageHide = () => { void recorder.current?.stop(); recorder.current = null; };
    window.addEventListener('beforeunload', beforeUnload);
    window.addEventListener('pagehide', pageHide);
    return () => { clearInterval(clock); window.removeEventListener('beforeunload', beforeUnload); window.removeEventListener('pagehide', pageHide); };
  }, [active]);

  return {
    scatterRef,
    /** The Record button's state; null where the browser cannot record. */
    recording: recordingSupported() ? { active, seconds: recording?.seconds ?? 0 } : null,
    toggleRecording, stopRecording, saveAllPanels, saveFigure,
  };
}
