import { describe, expect, it } from 'vitest';
import { FrameBudget, FRAME_BUDGET } from '../src/ui/scatter/motion';

/** Feeds `n` animated frames `gap` ms apart from `t`; returns the time of the last. */
function frames(b: FrameBudget, t: number, n: number, gap: number): number {
  for (let i = 0; i < n; i++) b.frame((t += gap), true);
  return t;
}

describe('the frame budget (whether the scatter can afford its transitions)', () => {
  it('keeps transitions at 60 frames/s, with the odd late frame', () => {
    const b = new FrameBudget();
    let t = 0;
    for (let round = 0; round < 20; round++) {
      t = frames(b, t, 20, 16.7);
      t = frames(b, t, 1, 40); // one late frame in 21: under a quarter
    }
    expect(b.allows(t)).toBe(true);
  });

  it('switches them off when a quarter of the last 30 animated frames came late, for 30 s, then tries again', () => {
    const b = new FrameBudget();
    let t = 1000;
    for (let i = 0; i < 40 && b.allows(t); i++) t = frames(b, t, 1, i % 4 === 0 ? 33.4 : 16.7);
    expect(b.allows(t)).toBe(false);
    expect(b.allows(t + FRAME_BUDGET.pauseMs - 1)).toBe(false);
    expect(b.allows(t + FRAME_BUDGET.pauseMs)).toBe(true);
  });

  it('keeps them on a steady 30 frames/s display (late means late for this display)', () => {
    const b = new FrameBudget();
    const t = frames(b, 0, 200, 33.3);
    expect(b.allows(t)).toBe(true);
  });

  it('does not time the gap across frames drawn without a transition (an idle page draws rarely)', () => {
    const b = new FrameBudget();
    let t = 0;
    for (let i = 0; i < 40; i++) {
      t = frames(b, t, 3, 16.7); // a snapshot's short transition
      b.frame((t += 2000), false); // a redraw seconds later, nothing animating
    }
    expect(b.allows(t)).toBe(true);
  });
});
