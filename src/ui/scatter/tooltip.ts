/**
 * The point tooltip of the scatter plot: the probe digit (28×28 pixels drawn 3× with no
 * smoothing), its label, the predicted class and its distance to its class center. Plain DOM,
 * owned by Scatter; it never takes pointer events, so hovering continues through it.
 */
export interface PointInfo {
  index: number;
  label: number | null;
  predicted: number | null;
  /** Distance to the learned center of its label, or NaN. */
  distance: number;
  /** side×side grey levels (0–255), or null. */
  image: Uint8Array | null;
  side: number;
}

const SCALE = 3;

/** What the tooltip shows for point `i` (null when there is no such point). */
export function pointInfo(
  i: number,
  points: Float32Array | null,
  labels: Uint8Array | null,
  centers: Float32Array | null,
  predictions: Uint8Array | null,
  images: Uint8Array | null,
): PointInfo | null {
  if (!points || !(i >= 0) || 2 * i + 1 >= points.length) return null;
  const label = labels && i < labels.length ? labels[i] : null;
  const distance = label != null && centers && 2 * label + 1 < centers.length
    ? Math.hypot(points[2 * i] - centers[2 * label], points[2 * i + 1] - centers[2 * label + 1])
    : NaN;
  const n = points.length >> 1;
  const side = images && n > 0 ? Math.round(Math.sqrt(images.length / n)) : 0;
  return {
    index: i,
    label,
    predicted: predictions && i < predictions.length ? predictions[i] : null,
    distance,
    image: images && side > 0 ? images.subarray(i * side * side, (i + 1) * side * side) : null,
    side,
  };
}

export class PointTooltip {
  readonly el: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly text: HTMLDivElement;

  constructor(doc: Document) {
    this.el = doc.createElement('div');
    this.el.className = 'scatter-tooltip';
    this.el.setAttribute('role', 'tooltip');
    this.el.dataset.testid = 'point-tooltip';
    this.el.hidden = true;
    this.canvas = doc.createElement('canvas');
    this.canvas.className = 'scatter-tooltip-digit';
    this.canvas.setAttribute('aria-hidden', 'true');
    this.text = doc.createElement('div');
    this.text.className = 'scatter-tooltip-text';
    this.el.append(this.canvas, this.text);
  }

  get visible(): boolean {
    return !this.el.hidden;
  }

  show(p: PointInfo): void {
    const name = (c: number | null) => (c == null ? '?' : String(c));
    const dist = Number.isFinite(p.distance) ? p.distance.toFixed(2) : '–';
    this.text.textContent = `label ${name(p.label)} · predicted ${name(p.predicted)} · distance ${dist}`;
    this.el.classList.toggle('wrong', p.label != null && p.predicted != null && p.label !== p.predicted);
    const d = this.el.dataset;
    d.index = String(p.index);
    d.label = name(p.label);
    d.predicted = name(p.predicted);
    this.drawDigit(p.image, p.side);
    this.el.hidden = false;
  }

  hide(): void {
    this.el.hidden = true;
  }

  /**
   * Put the tooltip next to (x, y) — coordinates inside the scatter root — flipping to the other
   * side when it would leave [0, maxX] × [0, maxY].
   */
  place(x: number, y: number, maxX: number, maxY: number): void {
    const w = this.el.offsetWidth, h = this.el.offsetHeight, gap = 12;
    let left = x + gap, top = y + gap;
    if (left + w > maxX) left = x - gap - w;
    if (top + h > maxY) top = y - gap - h;
    this.el.style.left = `${Math.max(0, left)}px`;
    this.el.style.top = `${Math.max(0, top)}px`;
  }

  private drawDigit(img: Uint8Array | null, side: number): void {
    const c = this.canvas;
    if (!img || !(side > 0)) {
      c.hidden = true;
      return;
    }
    c.hidden = false;
    if (c.width !== side) { c.width = side; c.height = side; }
    c.style.width = c.style.height = `${side * SCALE}px`;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    const data = ctx.createImageData(side, side);
    for (let i = 0; i < side * side; i++) {
      const v = img[i];
      data.data[4 * i] = data.data[4 * i + 1] = data.data[4 * i + 2] = v;
      data.data[4 * i + 3] = 255;
    }
    ctx.putImageData(data, 0, 0);
  }
}
