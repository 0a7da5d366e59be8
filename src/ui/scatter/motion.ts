/**
 * How long the scatter's transitions last, one value read by its point tweens, viewport and axes:
 * TRANSITION_MS, 0 under prefers-reduced-motion, and 0 while the frame budget has switched them off.
 * DOM-free.
 */
export interface Motion { readonly duration: number }

export const TRANSITION_MS = 400;

export interface FrameBudgetOptions {
  /** How many frame intervals of running transitions are judged together. */
  window: number;
  /**
   * A frame interval is late above this (60 Hz gives 16.7 ms; a missed frame 33 ms) and above
   * `latePeriods` × the window's median interval (a display at 30 Hz is steady, not late).
   */
  lateMs: number;
  latePeriods: number;
  /** Transitions stop when at least this share of the window's frames came late. */
  lateShare: number;
  /** How long they stay off before one is tried again. */
  pauseMs: number;
}

export const FRAME_BUDGET: FrameBudgetOptions = { window: 30, lateMs: 25, latePeriods: 1.5, lateShare: 0.25, pauseMs: 30_000 };

/**
 * Whether the page can afford transitions. A transition redraws the panel at every frame; where the 2-D
 * canvas is rasterised on the CPU and training takes the cores (a software GPU such as SwiftShader),
 * those frames come late and the whole page stutters. The budget watches the intervals between frames
 * drawn while a transition runs (the animation frames' own timestamps): when a quarter of the last 30
 * were late, transitions stop (each snapshot is drawn where it lands, as under reduced motion) for 30 s,
 * then one is tried again.
 */
export class FrameBudget {
  private last = NaN;
  private readonly intervals: number[] = [];
  private offUntil = -Infinity;

  constructor(private readonly opts: FrameBudgetOptions = FRAME_BUDGET) {}

  /** A frame drawn at `now`; `animating`: a transition was running. Only consecutive animated frames are timed. */
  frame(now: number, animating: boolean): void {
    if (!animating) {
      this.last = NaN;
      return;
    }
    if (Number.isFinite(this.last)) {
      const o = this.opts, iv = this.intervals;
      iv.push(now - this.last);
      if (iv.length > o.window) iv.shift();
      if (iv.length === o.window) {
        const sorted = [...iv].sort((a, b) => a - b);
        const limit = Math.max(o.lateMs, o.latePeriods * sorted[Math.floor(o.window / 2)]);
        if (iv.filter((v) => v > limit).length >= o.lateShare * o.window) {
          this.offUntil = now + o.pauseMs;
          iv.length = 0;
          this.last = NaN;
          return;
        }
      }
    }
    this.last = now;
  }

  /** Whether a transition may start at `now`. */
  allows(now: number): boolean {
    return now >= this.offUntil;
  }
}
