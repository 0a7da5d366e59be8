/**
 * The rules of fault recovery, pure: how many respawns a minute are allowed, when a silent worker
 * counts as hung, and which step a respawned worker resumes from.
 */
import type { Checkpoint } from '../../worker/protocol';

/** At most this many respawns within a minute; one more stops retrying. */
export const MAX_FAULTS_PER_MINUTE = 3;

/** Records a fault at `now` (ms) in the recent fault times; `exhausted` once the budget is spent. */
export function recordFault(times: readonly number[], now: number): { times: number[]; exhausted: boolean } {
  const recent = [...times.filter((t) => now - t < 60_000), now];
  return { times: recent, exhausted: recent.length > MAX_FAULTS_PER_MINUTE };
}

/**
 * Hang watchdog: armed once a step has been timed (`busyMs` > 0, the worker's moving average of one training round);
 * a worker silent for several times that, and at least 10 s, is hung.
 */
export function isHung(sinceBeatMs: number, busyMs: number): boolean {
  return busyMs > 0 && sinceBeatMs > Math.max(10_000, 4 * busyMs);
}

/** The furthest step of any run in a checkpoint (0 without one). */
export function checkpointStep(cp: Checkpoint | null): number {
  return cp ? Math.max(0, ...Object.values(cp.runs).map((r) => r?.step ?? 0)) : 0;
}
