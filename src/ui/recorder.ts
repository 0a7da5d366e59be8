/**
 * Records the animated panels as a WebM video: every frame, each panel's plot (points where they
 * are mid-transition, centers, axes, caption) is drawn into one composite canvas, whose
 * `captureStream` feeds a MediaRecorder. The live counterpart of the reference port's GIFs.
 */

export interface RecorderSource {
  /** One image per panel, in display order (Scatter.toImage with animated positions). */
  frames: () => HTMLCanvasElement[];
}

const MIME_CANDIDATES = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'];

export function recordingSupported(): boolean {
  return typeof MediaRecorder !== 'undefined' && typeof HTMLCanvasElement !== 'undefined' &&
    typeof HTMLCanvasElement.prototype.captureStream === 'function' && MIME_CANDIDATES.some((m) => MediaRecorder.isTypeSupported(m));
}

/** Draws panel images into a grid of `cols` columns of `tile`-sized cells, starting at y = `top`. */
function drawTiles(ctx: CanvasRenderingContext2D, frames: HTMLCanvasElement[], cols: number, tile: { w: number; h: number }, top: number): void {
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, top, cols * tile.w, Math.ceil(frames.length / cols) * tile.h);
  frames.forEach((f, i) => ctx.drawImage(f, (i % cols) * tile.w, top + Math.floor(i / cols) * tile.h, tile.w, tile.h));
}

/** One still of every panel (`cols` per row: up to three by default) under a caption line: "Save all panels", "Save figure". */
export function composePanels(frames: HTMLCanvasElement[], caption: string, cols = Math.min(frames.length, 3)): HTMLCanvasElement {
  if (!frames.length) throw new Error('there is no plot to save yet');
  const tile = { w: frames[0].width, h: frames[0].height };
  const band = Math.round(tile.h * 0.06);
  const canvas = document.createElement('canvas');
  canvas.width = cols * tile.w;
  canvas.height = band + Math.ceil(frames.length / cols) * tile.h;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser cannot draw the image');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, band);
  ctx.fillStyle = '#1d2330';
  ctx.font = `600 ${Math.round(band * 0.5)}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  ctx.fillText(caption, band * 0.4, band / 2, canvas.width - band * 0.8);
  drawTiles(ctx, frames, cols, tile, band);
  return canvas;
}

export class PanelRecorder {
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly recorder: MediaRecorder;
  private readonly stream: MediaStream;
  private readonly chunks: Blob[] = [];
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly cols: number;
  private readonly tiles: number;
  private readonly tile: { w: number; h: number };
  readonly startedAt = performance.now();
  private stopped: Promise<Blob> | null = null;

  constructor(private readonly source: RecorderSource, fps = 15) {
    const first = source.frames();
    if (!first.length) throw new Error('there is no plot to record yet');
    this.tiles = first.length;
    this.cols = Math.min(first.length, 3);
    const rows = Math.ceil(first.length / this.cols);
    // Fixed size for the whole video (tiles are scaled into it): even numbers, as encoders like.
    const even = (v: number) => Math.max(2, Math.round(v / 2) * 2);
    this.tile = { w: even(first[0].width), h: even(first[0].height) };
    this.canvas = document.createElement('canvas');
    this.canvas.width = this.tile.w * this.cols;
    this.canvas.height = this.tile.h * rows;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) throw new Error('this browser cannot draw the video frames');
    this.ctx = ctx;
    this.draw(first);
    this.stream = this.canvas.captureStream(fps);
    const mimeType = MIME_CANDIDATES.find((m) => MediaRecorder.isTypeSupported(m));
    this.recorder = new MediaRecorder(this.stream, { mimeType, videoBitsPerSecond: 4_000_000 });
    this.recorder.ondataavailable = (e) => { if (e.data.size) this.chunks.push(e.data); };
    this.recorder.start(1000);
    this.timer = setInterval(() => this.draw(this.source.frames()), 1000 / fps);
  }

  private draw(frames: HTMLCanvasElement[]): void {
    // The layout is fixed when recording starts; panels added later (another grid) are left out.
    drawTiles(this.ctx, frames.slice(0, this.tiles), this.cols, this.tile, 0);
  }

  get seconds(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  /** Ends the recording; resolves with the WebM (idempotent). */
  stop(): Promise<Blob> {
    if (this.stopped) return this.stopped;
    clearInterval(this.timer);
    this.stopped = new Promise<Blob>((resolve, reject) => {
      this.recorder.onstop = () => {
        this.stream.getTracks().forEach((t) => t.stop());
        resolve(new Blob(this.chunks, { type: this.recorder.mimeType || 'video/webm' }));
      };
      this.recorder.onerror = () => reject(new Error('the browser stopped the recording'));
      if (this.recorder.state === 'inactive') this.recorder.onstop(new Event('stop'));
      else this.recorder.stop();
    });
    return this.stopped;
  }
}
