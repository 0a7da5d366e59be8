/** Animated [N×2] point set: from → to over `duration` ms with cubic-out easing. No DOM. */
import { easeCubicOut } from 'd3';
import { lerpPoints } from './geometry';
import type { Motion } from './motion';

export class PointTween {
  private from: Float32Array | null = null;
  private to: Float32Array | null = null;
  private buf: Float32Array | null = null;
  private start = 0;
  private running = false;

  constructor(private readonly motion: Motion) {}

  /** Where the points are going (the last set value). */
  get target(): Float32Array | null {
    return this.to;
  }

  active(now: number): boolean {
    return this.running && now - this.start < this.motion.duration;
  }

  set(next: Float32Array | null, now: number): void {
    if (!next) {
      this.from = this.to = this.buf = null;
      this.running = false;
      return;
    }
    if (this.to && this.motion.duration > 0) {
      // Start from wherever the points are now (mid-transition included).
      const cur = this.valueAt(now);
      if (cur === this.buf) this.buf = null; // `from` keeps that buffer; lerp into a fresh one
      this.from = cur;
      this.running = true;
    } else {
      this.from = null;
      this.running = false;
    }
    this.to = next;
    this.start = now;
  }

  /** Positions at time `now`; the target itself once settled (read-only for the caller). */
  valueAt(now: number): Float32Array | null {
    if (!this.to) return null;
    if (!this.running) return this.to;
    // Motion switched off mid-transition: the target at once.
    const t = this.motion.duration > 0 ? (now - this.start) / this.motion.duration : 1;
    if (t >= 1) {
      this.running = false;
      this.from = null;
      return this.to;
    }
    this.buf = lerpPoints(this.from, this.to, easeCubicOut(t > 0 ? t : 0), this.buf ?? undefined);
    return this.buf;
  }
}
