/**
 * When the worker probes (embeds the probe set and posts a snapshot): every `probeEvery` rounds,
 * adapted so that probing costs at most PROBE_BUDGET of the time, and never faster than the UI
 * animates (MIN_SNAPSHOT_MS). Also each run's steps/s between snapshots. Times are passed in (ms,
 * performance.now()), so the rules are plain arithmetic.
 */

/** Probing may take at most this share of the time. */
export const PROBE_BUDGET = 0.2;
/** Do not stream snapshots faster than the UI can animate them. */
export const MIN_SNAPSHOT_MS = 120;
/** The most rounds between two snapshots. */
const MAX_PROBE_EVERY = 500;

export class ProbeSchedule {
  /** Rounds between snapshots right now. */
  probeEvery = 1;
  /** Moving average of one training round (a step of every run), probing excluded; 0 until one is timed. */
  roundMs = 0;
  /** Moving average of one probe (every run's embedding, posted). */
  private probeMs = 0;
  private roundsSinceProbe = 0;
  /** When the last snapshot started, and each run's step then (for its own steps/s). */
  private last: { time: number; steps: Map<string, number> };

  constructor(now: number, steps: ReadonlyMap<string, number>) {
    this.last = { time: now, steps: new Map(steps) };
  }

  /** A round took `ms`. */
  roundDone(ms: number): void {
    this.roundMs = this.roundMs ? 0.8 * this.roundMs + 0.2 * ms : ms;
    this.roundsSinceProbe++;
  }

  /** Whether a snapshot is due at `now`. */
  due(now: number): boolean {
    return this.roundsSinceProbe >= this.probeEvery && now - this.last.time >= MIN_SNAPSHOT_MS;
  }

  /** A run's steps/s since the last snapshot (0 when unknown: its step jumped, or no time passed). */
  rate(run: string, step: number, now: number): number {
    const before = this.last.steps.get(run);
    const elapsed = now - this.last.time;
    return before !== undefined && elapsed > 0 && step > before ? ((step - before) * 1000) / elapsed : 0;
  }

  /** Run `run` jumped to another step (restored): no rate for it until the next window. */
  forget(run: string): void {
    this.last.steps.delete(run);
  }

  /**
   * A snapshot that started at `start` took `ms`: adapts `probeEvery` and starts the next window
   * (from the start of this snapshot, so steps/s includes the probing) with each run's step now.
   */
  probed(start: number, ms: number, steps: ReadonlyMap<string, number>): void {
    this.probeMs = this.probeMs ? 0.7 * this.probeMs + 0.3 * ms : ms;
    if (this.roundMs > 0) this.probeEvery = Math.max(1, Math.min(MAX_PROBE_EVERY, Math.ceil(this.probeMs / (PROBE_BUDGET * this.roundMs))));
    this.roundsSinceProbe = 0;
    this.last = { time: start, steps: new Map(steps) };
  }
}
