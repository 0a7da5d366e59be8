/**
 * Per-run metric history, accumulated from the snapshot stream (pure, no DOM). The charts read it
 * incrementally: `rev` changes on every change, `generation` only when entries were dropped or
 * rewritten (a reset, a rollback to an earlier step, or compaction), which makes a chart replay.
 */
import type { RunMetrics } from '../worker/protocol';
import { compactness } from '../train/metrics';

export interface HistoryEntry {
  step: number;
  softmaxLoss: number;
  /** Raw L_C and λ·L_C. */
  centerRaw: number;
  centerWeighted: number;
  accuracy: number;
  compactness: number;
}

/** Beyond this many entries a log keeps every other one (the charts decimate on their own too). */
const MAX_ENTRIES = 20_000;

/** Bounds a growing log: past MAX_ENTRIES keeps every other entry and the newest. True if it thinned. */
export function thinOut<E>(e: E[]): boolean {
  if (e.length <= MAX_ENTRIES) return false;
  const last = e[e.length - 1];
  let w = 0;
  for (let r = 0; r < e.length; r += 2) e[w++] = e[r];
  e.length = w;
  if (e[w - 1] !== last) e.push(last);
  return true;
}

export class RunHistory {
  readonly entries: HistoryEntry[] = [];
  generation = 0;
  rev = 0;

  push(m: RunMetrics, compactness: number): void {
    const e = this.entries;
    // Steps only grow within a session; an earlier step means a rollback: drop what came after it.
    if (e.length && e[e.length - 1].step >= m.step) {
      while (e.length && e[e.length - 1].step >= m.step) e.pop();
      this.generation++;
    }
    e.push({
      step: m.step,
      softmaxLoss: m.softmaxLoss,
      centerRaw: m.centerLoss,
      centerWeighted: m.lambda * m.centerLoss,
      accuracy: m.accuracy,
      compactness,
    });
    if (thinOut(e)) this.generation++;
    this.rev++;
  }

  clear(): void {
    if (!this.entries.length) return;
    this.entries.length = 0;
    this.generation++;
    this.rev++;
  }
}

/** One RunHistory per run, fed from the snapshot stream. */
export class RunHistories {
  private readonly map = new Map<string, RunHistory>();

  get(run: string): RunHistory {
    let h = this.map.get(run);
    if (!h) this.map.set(run, (h = new RunHistory()));
    return h;
  }

  /**
   * Append a snapshot's metrics; returns its compactness (computed once here, NaN without labels): of
   * x/‖x‖ when `angular` (state/runs.ts angularRun: cosine heads and the run they are compared with).
   */
  record(run: string, m: RunMetrics, points: Float32Array, labels: Uint8Array | null, angular = false): number {
    const tight = labels && labels.length * 2 <= points.length ? compactness(points, labels, undefined, angular) : NaN;
    this.get(run).push(m, tight);
    return tight;
  }

  clear(): void {
    for (const h of this.map.values()) h.clear();
  }
}
