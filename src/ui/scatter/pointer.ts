/**
 * Pointer and keyboard input of the scatter: mouse hover shows the tooltip, a tap or click pins it
 * (or clears it on empty space), arrows pan, + / − zoom, 0 resets, Escape hides the tooltip.
 * Panning and wheel zoom themselves are d3-zoom's, on the same capture rect.
 */

/** Hit radius around a point, in CSS px (touch gets a bigger target). */
const HIT_MOUSE = 8;
const HIT_TOUCH = 18;
/** A press that moves less than this (px) and lasts less than TAP_MS is a tap / click. */
const TAP_PX = 6;
const TAP_MS = 600;
/** Keyboard pan step (px) and zoom factor. */
const PAN_PX = 40;
const ZOOM_STEP = 1.25;

export interface PointerTarget {
  /** The hovered point and whether it is pinned, or null. */
  hovered(): { index: number; pinned: boolean } | null;
  /** Nearest point within `radius` px of (x, y) in plot-area pixels. */
  hitTest(x: number, y: number, radius: number): number | null;
  setHover(index: number | null, pinned?: boolean): void;
  pan(dx: number, dy: number): void;
  zoomBy(k: number): void;
  resetZoom(): void;
}

export class PointerInput {
  private press: { x: number; y: number; t: number; id: number } | null = null;

  constructor(private readonly rect: SVGRectElement, private readonly keys: HTMLElement, private readonly target: PointerTarget) {
    rect.addEventListener('pointermove', this.onMove);
    rect.addEventListener('pointerdown', this.onDown);
    rect.addEventListener('pointerup', this.onUp);
    rect.addEventListener('pointerleave', this.onLeave);
    keys.addEventListener('keydown', this.onKey);
  }

  destroy(): void {
    this.rect.removeEventListener('pointermove', this.onMove);
    this.rect.removeEventListener('pointerdown', this.onDown);
    this.rect.removeEventListener('pointerup', this.onUp);
    this.rect.removeEventListener('pointerleave', this.onLeave);
    this.keys.removeEventListener('keydown', this.onKey);
  }

  private local(e: PointerEvent): { x: number; y: number } {
    const r = this.rect.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private readonly onMove = (e: PointerEvent): void => {
    const t = this.target;
    if (e.pointerType !== 'mouse' || t.hovered()?.pinned) return; // touch and pen use taps
    if (e.buttons) { t.setHover(null); return; } // panning
    const p = this.local(e);
    const i = t.hitTest(p.x, p.y, HIT_MOUSE);
    if (i !== (t.hovered()?.index ?? null)) t.setHover(i);
  };

  private readonly onDown = (e: PointerEvent): void => {
    this.press = { ...this.local(e), t: e.timeStamp, id: e.pointerId };
  };

  private readonly onUp = (e: PointerEvent): void => {
    const d = this.press;
    this.press = null;
    if (!d || d.id !== e.pointerId) return;
    const p = this.local(e);
    if (Math.hypot(p.x - d.x, p.y - d.y) > TAP_PX || e.timeStamp - d.t > TAP_MS) return;
    const i = this.target.hitTest(p.x, p.y, e.pointerType === 'mouse' ? HIT_MOUSE : HIT_TOUCH);
    this.target.setHover(i, i != null);
  };

  private readonly onLeave = (e: PointerEvent): void => {
    if (e.pointerType === 'mouse' && !this.target.hovered()?.pinned) this.target.setHover(null);
  };

  private readonly onKey = (e: KeyboardEvent): void => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = this.target;
    switch (e.key) {
      case 'ArrowLeft': t.pan(PAN_PX, 0); break;
      case 'ArrowRight': t.pan(-PAN_PX, 0); break;
      case 'ArrowUp': t.pan(0, PAN_PX); break;
      case 'ArrowDown': t.pan(0, -PAN_PX); break;
      case '+': case '=': t.zoomBy(ZOOM_STEP); break;
      case '-': case '_': t.zoomBy(1 / ZOOM_STEP); break;
      case '0': t.resetZoom(); break;
      case 'Escape':
        if (!t.hovered()) return;
        t.setHover(null);
        break;
      default: return;
    }
    e.preventDefault();
  };
}
