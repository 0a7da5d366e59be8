/**
 * Traces a 28×28 MNIST digit as pen strokes, the way a person could draw it on the pad: every run of
 * dark pixels in a row becomes one short horizontal stroke (a dot for a single pixel), scaled by
 * `cell` pad pixels per MNIST pixel. Used by the draw-pad spec and the preprocessing unit tests.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

export type Pt = { x: number; y: number };

export function traceDigit(img: ArrayLike<number>, cell: number, threshold = 128): Pt[][] {
  const strokes: Pt[][] = [];
  for (let r = 0; r < 28; r++) {
    let c = 0;
    while (c < 28) {
      if (img[r * 28 + c] < threshold) { c++; continue; }
      const start = c;
      while (c < 28 && img[r * 28 + c] >= threshold) c++;
      const y = (r + 0.5) * cell;
      const a = { x: (start + 0.5) * cell, y }, b = { x: (c - 0.5) * cell, y };
      strokes.push(start === c - 1 ? [a] : [a, b]);
    }
  }
  return strokes;
}

/** The MNIST test set from public/data (images 0–255 and labels). */
export function mnistTestSet(): { images: Uint8Array; labels: Uint8Array } {
  const dir = resolve(import.meta.dirname, '../public/data');
  const images = new Uint8Array(gunzipSync(readFileSync(resolve(dir, 't10k-images-idx3-ubyte.gz')))).subarray(16);
  const labels = new Uint8Array(gunzipSync(readFileSync(resolve(dir, 't10k-labels-idx1-ubyte.gz')))).subarray(8);
  return { images, labels };
}
