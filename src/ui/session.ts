/**
 * What the UI knows about the worker's session, as types derived from the protocol's messages
 * (so a field added to a message reaches the UI's state without being written twice).
 */
import type { FromWorker } from '../worker/protocol';
import type { RunId } from '../state/runs';
import type { ModelId } from '../train/presets';
import type { DigitEmbedding } from '../train/embedDigit';

type Message<T extends FromWorker['type']> = Extract<FromWorker, { type: T }>;

/** A run's latest snapshot, plus its compactness (computed once, when it arrives). */
export type Snapshot = Omit<Message<'snapshot'>, 'type' | 'session' | 'run'> & { compactness?: number };

/** The worker is ready: its backend, the probe set, and, in a replay, what is being replayed. */
export type Ready = Omit<Message<'ready'>, 'type' | 'session' | 'model' | 'modelReason'>;

/** The model the worker trains, and why it was picked when it chose ('auto'). */
export type ModelInfo = { id: ModelId; reason?: string };

/** Where the drawn digit `id` lands in every run. */
export type DigitState = { id: number; runs: Partial<Record<RunId, DigitEmbedding>> };

export type Phase =
  | { kind: 'loading'; loaded: number; total: number }
  | { kind: 'ready' }
  | { kind: 'error'; message: string; file?: string };

/** Everything the page shows about the worker's session. */
export interface TrainerState {
  phase: Phase;
  ready: Ready | null;
  training: boolean;
  model: ModelInfo | null;
  snaps: Partial<Record<RunId, Snapshot>>;
  digit: DigitState | null;
  /** Sentences for the user (worker errors, refusals, restarts), until dismissed. */
  notices: string[];
}
