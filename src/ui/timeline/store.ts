/**
 * The timeline: every snapshot of every run, kept so the page can show any earlier step (pure, no DOM).
 *
 * Memory budget: TIMELINE_BUDGET_BYTES = 40 MiB for all runs together, counted by `frameBytes` (the
 * frame's typed arrays plus a fixed FRAME_OVERHEAD for its metrics and object headers). A snapshot of
 * 2,000 probe points is ≈ 18 KB, so two runs keep every snapshot of ≈ 1,100 steps before anything is
 * dropped. Past the budget the older half of each run's frames is thinned to every other frame (the
 * first frame and the latest are never dropped), again until the total fits: recent steps stay dense,
 * older ones get sparser. Every run is thinned in the same pass, so runs whose snapshots share their
 * steps keep the same steps.
 *
 * Frames are the snapshots themselves (their arrays are shared with the page, not copied).
 */
import type { Snapshot } from '../session';

/** What the timeline keeps at most, over all runs. */
export const TIMELINE_BUDGET_BYTES = 40 * 2 ** 20;
/** Bytes counted per frame besides its arrays: the metrics object and the frame's object headers. */
export const FRAME_OVERHEAD = 256;

export type Frame = Snapshot;

export function frameBytes(f: Frame): number {
  return f.points.byteLength + f.centers.byteLength + f.predictions.byteLength + FRAME_OVERHEAD;
}

/** The index of the last item whose step (`stepOf`) is ≤ `step` in `items` (sorted by step), or −1. */
export function indexAtOrBefore<T>(items: readonly T[], step: number, stepOf: (t: T) => number): number {
  let lo = 0, hi = items.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (stepOf(items[mid]) <= step) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}

const frameStep = (f: Frame) => f.metrics.step;

export class Timeline {
  private readonly runs = new Map<string, Frame[]>();
  /** Bytes kept now (frameBytes summed over every kept frame). */
  bytes = 0;
  /** Changes with every change. */
  rev = 0;
  /** Changes when the timeline is cleared (a new session). */
  generation = 0;
  private stepsCache: { rev: number; steps: number[] } | null = null;

  constructor(readonly budget = TIMELINE_BUDGET_BYTES) {}

  /**
   * Keep `frame` as run `run`'s latest. A step at or before the run's latest (a rollback, a loaded
   * run, a worker resumed from a checkpoint) drops that run's frames from that step on first.
   */
  append(run: string, frame: Frame): void {
    let frames = this.runs.get(run);
    if (!frames) this.runs.set(run, (frames = []));
    while (frames.length && frames[frames.length - 1].metrics.step >= frame.metrics.step) this.bytes -= frameBytes(frames.pop()!);
    frames.push(frame);
    this.bytes += frameBytes(frame);
    while (this.bytes > this.budget && this.thin()) { /* again until it fits */ }
    this.rev++;
  }

  /** One pass: every run's older half thinned to every other frame. False when nothing could go. */
  private thin(): boolean {
    let dropped = false;
    for (const frames of this.runs.values()) {
      const half = frames.length >> 1;
      if (half < 2) continue;
      let w = 1;
      for (let r = 1; r < frames.length; r++) {
        if (r < half && r % 2 === 1) {
          this.bytes -= frameBytes(frames[r]);
          dropped = true;
        } else frames[w++] = frames[r];
      }
      frames.length = w;
    }
    return dropped;
  }

  /** Run `run`'s kept frames, oldest first. */
  frames(run: string): readonly Frame[] {
    return this.runs.get(run) ?? [];
  }

  /** Run `run`'s frame shown at `step`: its last frame at or before `step`, or null if it has none that early. */
  at(run: string, step: number): Frame | null {
    const frames = this.frames(run);
    const i = indexAtOrBefore(frames, step, frameStep);
    return i < 0 ? null : frames[i];
  }

  /** Every kept step of any run, ascending, without repeats. */
  steps(): readonly number[] {
    if (this.stepsCache?.rev === this.rev) return this.stepsCache.steps;
    const all = new Set<number>();
    for (const frames of this.runs.values()) for (const f of frames) all.add(f.metrics.step);
    const steps = [...all].sort((a, b) => a - b);
    this.stepsCache = { rev: this.rev, steps };
    return steps;
  }

  /** Frames kept, over all runs. */
  get count(): number {
    let n = 0;
    for (const frames of this.runs.values()) n += frames.length;
    return n;
  }

  clear(): void {
    this.runs.clear();
    this.bytes = 0;
    this.generation++;
    this.rev++;
  }
}
