/**
 * The worker's lifecycle in one hook: spawning it (training or replaying), sessions and resets,
 * fault recovery (respawn from the last checkpoint, a hang watchdog, a budget of faults a minute),
 * and the session state the page draws, reduced from the worker's streams. Requests (save, load,
 * rollback) are promises; the runs' metric histories and the timeline (every snapshot, for scrubbing
 * back) are fed here from the snapshot stream.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { RequestRefused, TrainerClient, spawnWorker, type StreamMessage } from '../../worker/client';
import type { Checkpoint } from '../../worker/protocol';
import type { BackendName } from '../../state/table';
import { angularRun, type RunConfig } from '../../state/runs';
import { AUTO_PRESET } from '../../train/presets';
import { RunHistories } from '../history';
import { ContrastLog } from '../contrastLog';
import { Timeline } from '../timeline/store';
import { downloadSavedRun } from '../exports';
import { exposeWorkerDebug } from '../testHooks';
import { initialTrainerState, trainerReducer } from './reducer';
import { checkpointStep, isHung, recordFault } from './recovery';
import { runRequests, type Request } from './requests';

export interface TrainerOptions {
  /** The runs' config: what a new worker starts with (later changes go by `send` and `reset`). */
  config: RunConfig;
  backend: 'auto' | BackendName;
  /** Play the recorded run instead of training: another worker (changing it spawns that one). */
  replay: boolean;
  /** Notices to show from the start (URL values that were corrected). */
  initialNotices: string[];
}

export function useTrainer({ config, backend, replay, initialNotices }: TrainerOptions) {
  const [state, dispatch] = useReducer(trainerReducer, initialNotices, initialTrainerState);
  const [attempt, retry] = useReducer((n: number) => n + 1, 0);
  // Metric history per run (charts) and the softmax vs center-loss contrast; cleared with every session.
  const [histories] = useState(() => new RunHistories());
  const [contrastLog] = useState(() => new ContrastLog());
  const [timeline] = useState(() => new Timeline());
  const client = useRef<TrainerClient | null>(null);
  /** Bumped by every reset: the worker tags its messages with it, and older ones are dropped. */
  const session = useRef(0);
  /** What a worker spawned later starts with. */
  const start = useRef({ config, backend });
  useEffect(() => {
    start.current = { config, backend };
  });
  // Fault recovery: the latest checkpoint mirrored from the worker, and what a respawned worker resumes.
  const checkpoint = useRef<Checkpoint | null>(null);
  const resume = useRef<{ checkpoint: Checkpoint | null; train: boolean } | null>(null);
  /** Whether the user wants training to run (Train pressed, not paused): a respawned worker resumes it. */
  const wantTraining = useRef(false);
  const faults = useRef<number[]>([]);
  // The digit drawn on the pad (what a respawned worker is sent again), and the ids of drawings (every
  // change is a new id; 'embedded' answers older than the last Clear are dropped).
  const drawn = useRef<{ id: number; pixels: Float32Array } | null>(null);
  const digitIds = useRef({ last: 0, cleared: 0 });

  // One worker per attempt (StrictMode mounts twice in development: the first is terminated).
  useEffect(() => {
    dispatch({ type: 'spawned' });
    const resuming = resume.current;
    /** Resume training once, on this worker's first 'ready' (a later one, after a probe-size reset, must not). */
    let resumeTraining = resuming?.train ?? false;
    resume.current = null;
    let lastBeat = performance.now();
    let busyMs = 0;
    let stopped = false;
    let labels: Uint8Array | null = null;
    /** Crash, hang or lost GPU: respawn the worker from the last checkpoint, within the fault budget. */
    const respawn = (what: string) => {
      if (stopped) return;
      stopped = true;
      const fault = recordFault(faults.current, Date.now());
      faults.current = fault.times;
      if (fault.exhausted) {
        c.dropPending('stopped');
        dispatch({ type: 'stopped', message: `${what} Flock stopped retrying after repeated failures.` });
        return;
      }
      const cp = checkpoint.current;
      dispatch({ type: 'notice', message: `${what} Restarted the worker${cp ? ` and resumed every run from its checkpoint at step ${checkpointStep(cp)}` : ''}.` });
      resume.current = { checkpoint: cp, train: wantTraining.current };
      retry();
    };
    const onMessage = (m: StreamMessage) => {
      if (m.session !== session.current) return; // stale: from before a reset
      switch (m.type) {
        case 'heartbeat':
          lastBeat = performance.now();
          busyMs = m.busyMs;
          return;
        case 'checkpoint':
          checkpoint.current = m.checkpoint;
          return;
        case 'fault':
          respawn(m.kind === 'device-lost' ? `The GPU device was lost (${m.message}).` : `The training worker failed (${m.message}).`);
          return;
        case 'ready':
          labels = m.probeLabels;
          dispatch(m);
          if (resumeTraining) c.send({ type: 'train' });
          resumeTraining = false;
          if (drawn.current && !m.replay) c.send({ type: 'embed', ...drawn.current }); // a respawned worker
          return;
        case 'snapshot': {
          const compactness = histories.record(m.run, m.metrics, m.points, labels, angularRun(m.run, start.current.config));
          if (m.run === 'softmax' || m.run === 'center') {
            contrastLog.record(m.run, m.metrics.step, { accuracy: m.metrics.accuracy, compactness }, performance.now());
          }
          // A recording has its own frame controls: only live training keeps a timeline.
          if (!replay) {
            const { type: _t, session: _s, run, ...snap } = m;
            timeline.append(run, { ...snap, compactness });
          }
          dispatch({ ...m, compactness });
          return;
        }
        case 'embedded':
          if (drawn.current && m.id > digitIds.current.cleared) dispatch(m);
          return;
        default:
          dispatch(m);
      }
    };
    const c = new TrainerClient(spawnWorker(replay), onMessage, (message) => respawn(`The training worker crashed (${message}).`));
    client.current = c;
    c.send({
      type: 'init', session: session.current, dataBase: new URL('./', window.location.href).href,
      backend: start.current.backend, config: start.current.config, resume: resuming?.checkpoint ?? undefined,
      replay: replay ? AUTO_PRESET.gpu : undefined,
    });
    const watchdog = setInterval(() => {
      if (isHung(performance.now() - lastBeat, busyMs)) respawn('The training worker stopped responding.');
    }, 1000);
    const unexpose = exposeWorkerDebug((m) => c.send(m));
    return () => {
      stopped = true;
      clearInterval(watchdog);
      unexpose();
      c.terminate();
      client.current = null;
    };
  }, [attempt, replay, histories, contrastLog, timeline]);

  const send = useCallback((m: Parameters<TrainerClient['send']>[0]) => client.current?.send(m), []);
  const request = useCallback<Request>(
    (m) => client.current?.request(m) ?? Promise.reject(new RequestRefused(m.type, 'stopped', 'The training worker is not running.')),
    [],
  );
  const notify = useCallback((message: string) => dispatch({ type: 'notice', message }), []);
  const dismissNotices = useCallback(() => dispatch({ type: 'dismiss-notices' }), []);

  /** A new session: the runs start over (their pending requests are dropped, their histories cleared). */
  const newSession = useCallback((dropReady: boolean) => {
    session.current++;
    checkpoint.current = null;
    wantTraining.current = false;
    histories.clear();
    contrastLog.clear();
    timeline.clear();
    client.current?.dropPending('reset');
    dispatch({ type: 'new-session', dropReady });
  }, [histories, contrastLog, timeline]);

  /** Rebuild the runs with `config` (a restart parameter changed, or Reset). */
  const reset = useCallback((next: RunConfig) => {
    newSession(false);
    send({ type: 'reset', session: session.current, config: next });
  }, [newSession, send]);

  /** Recorded run ↔ live training: the caller flips `replay`, which spawns the other worker. */
  const switchWorker = useCallback(() => {
    newSession(true);
    drawn.current = null; // the pad is hidden during a replay, and starts empty again after it
  }, [newSession]);

  const replaying = Boolean(state.ready?.replay);
  /** Train or pause; a respawned worker resumes what was asked last. */
  const train = useCallback((on: boolean) => {
    wantTraining.current = on;
    // Time-to-picture is wall-clock of training in this tab: a replayed recording has none.
    if (on && !replaying) contrastLog.startClock(performance.now());
    send({ type: on ? 'train' : 'pause' });
  }, [replaying, contrastLog, send]);

  /** The pad's 28×28 image changed (null: cleared): the worker embeds it for every run. */
  const drawDigit = useCallback((pixels: Float32Array | null) => {
    const id = ++digitIds.current.last;
    drawn.current = pixels ? { id, pixels } : null;
    if (!pixels) {
      digitIds.current.cleared = id;
      dispatch({ type: 'digit-cleared' });
    }
    send({ type: 'embed', id, pixels });
  }, [send]);

  /** Stop loading: the worker is terminated; Retry spawns a new one. */
  const cancel = useCallback(() => {
    client.current?.terminate();
    dispatch({ type: 'stopped', message: 'Loading was cancelled. Press Retry to start again.' });
  }, []);

  const runs = useMemo(() => runRequests(request, notify, () => start.current.config, downloadSavedRun), [request, notify]);

  return { ...state, histories, contrastLog, timeline, send, request, notify, dismissNotices, reset, switchWorker, train, drawDigit, retry, cancel, runs };
}
