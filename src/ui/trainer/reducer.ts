/**
 * The page's view of the worker's session as a pure reducer: the stream messages the worker posts
 * (progress, ready, status, snapshots, embeddings, errors) and what the page itself does to the
 * session (a new worker, a reset, a stop, notices).
 */
import type { FromWorker } from '../../worker/protocol';
import type { TrainerState } from '../session';

type Message<T extends FromWorker['type']> = Extract<FromWorker, { type: T }>;

export type TrainerAction =
  | Message<'progress' | 'ready' | 'status' | 'embedded' | 'error'>
  /** A snapshot with its compactness, computed once by whoever records the history. */
  | (Message<'snapshot'> & { compactness: number })
  /** A new worker is starting: loading again, no panel data yet. */
  | { type: 'spawned' }
  /** A new session (reset, or the switch between training and a recording): the runs start over. */
  | { type: 'new-session'; dropReady: boolean }
  /** The worker is gone for good (cancelled, or too many faults): an error with a Retry button. */
  | { type: 'stopped'; message: string }
  | { type: 'notice'; message: string }
  | { type: 'dismiss-notices' }
  | { type: 'digit-cleared' };

export function initialTrainerState(notices: string[]): TrainerState {
  return { phase: { kind: 'loading', loaded: 0, total: 0 }, ready: null, training: false, model: null, snaps: {}, digit: null, notices };
}

export function trainerReducer(s: TrainerState, a: TrainerAction): TrainerState {
  switch (a.type) {
    case 'progress':
      return { ...s, phase: { kind: 'loading', loaded: a.loaded, total: a.total } };
    case 'ready': {
      const { type: _t, session: _s, model, modelReason, ...ready } = a;
      return { ...s, ready, model: { id: model, reason: modelReason }, phase: { kind: 'ready' } };
    }
    case 'status':
      return { ...s, training: a.training, model: { id: a.model, reason: a.modelReason } };
    case 'snapshot': {
      const { type: _t, session: _s, run, ...snap } = a;
      return { ...s, snaps: { ...s.snaps, [run]: snap } };
    }
    case 'embedded':
      // Answers can overtake each other: a newer drawing's stays.
      return s.digit && s.digit.id > a.id ? s : { ...s, digit: { id: a.id, runs: a.runs } };
    case 'error':
      return a.fatal
        ? { ...s, phase: { kind: 'error', message: a.message, file: a.file } }
        : { ...s, notices: [...s.notices, a.message] };
    case 'spawned':
      return { ...s, phase: { kind: 'loading', loaded: 0, total: 0 }, snaps: {} };
    case 'new-session':
      // The worker embeds the drawing again after the new runs' first snapshot.
      return { ...s, snaps: {}, digit: null, training: false, ready: a.dropReady ? null : s.ready };
    case 'stopped':
      return { ...s, training: false, phase: { kind: 'error', message: a.message } };
    case 'notice':
      return { ...s, notices: [...s.notices, a.message] };
    case 'dismiss-notices':
      return { ...s, notices: [] };
    case 'digit-cleared':
      return { ...s, digit: null };
  }
}
