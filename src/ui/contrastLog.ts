/**
 * The contrast between the softmax-only run and the center-loss run over steps, fed from the snapshot
 * stream (pure, no DOM), and when the picture formed. Both runs' snapshots of one step arrive
 * together (the worker probes every run, then posts them all), so an entry is made once both sides
 * of a step are known.
 */
import { contrast, type Contrast, type RunStanding } from '../train/picture';
import { thinOut } from './history';

export interface ContrastEntry extends Contrast {
  step: number;
  softmax: RunStanding;
  center: RunStanding;
}

export interface Formed {
  step: number;
  /** Wall-clock from pressing Train to the snapshot that showed it; null if Train was never pressed (Step only). */
  ms: number | null;
}

export class ContrastLog {
  readonly entries: ContrastEntry[] = [];
  generation = 0;
  rev = 0;
  /** The first step at which the picture formed in this session (it stays, even if a later step loses it). */
  formed: Formed | null = null;
  private pending: { step: number; softmax?: RunStanding; center?: RunStanding } | null = null;
  private trainPressedAt: number | null = null;

  /** Train was pressed at `now` (ms): the clock of time-to-picture starts at the first press of a session. */
  startClock(now: number): void {
    this.trainPressedAt ??= now;
  }

  /** One run's standing at a step; `side` is which of the two it is. Returns the entry once both are in. */
  record(side: 'softmax' | 'center', step: number, standing: RunStanding, now: number): ContrastEntry | null {
    if (!this.pending || this.pending.step !== step) this.pending = { step };
    this.pending[side] = standing;
    const { softmax, center } = this.pending;
    if (!softmax || !center) return null;
    this.pending = null;
    const e = this.entries;
    // Steps only grow within a session; an earlier step means a rollback or a loaded run.
    if (e.length && e[e.length - 1].step >= step) {
      while (e.length && e[e.length - 1].step >= step) e.pop();
      this.generation++;
    }
    const entry = { step, softmax, center, ...contrast(softmax, center) };
    e.push(entry);
    if (thinOut(e)) this.generation++;
    if (entry.formed && !this.formed) {
      this.formed = { step, ms: this.trainPressedAt === null ? null : now - this.trainPressedAt };
    }
    this.rev++;
    return entry;
  }

  get latest(): ContrastEntry | null {
    return this.entries.length ? this.entries[this.entries.length - 1] : null;
  }

  clear(): void {
    this.entries.length = 0;
    this.formed = null;
    this.pending = null;
    this.trainPressedAt = null;
    this.generation++;
    this.rev++;
  }
}
