/** File exports: CSV of a panel's embeddings, a saved run's pair of files, and the download plumbing. */

/** `index,label,predicted,x,y`, one row per probe point (non-finite coordinates left empty). */
export function embeddingsCsv(points: Float32Array, labels: ArrayLike<number>, predictions: ArrayLike<number> | null): string {
  const n = points.length >> 1;
  const num = (v: number) => (Number.isFinite(v) ? String(v) : '');
  const rows = ['index,label,predicted,x,y'];
  for (let i = 0; i < n; i++) {
    const p = predictions && i < predictions.length ? String(predictions[i]) : '';
    rows.push(`${i},${i < labels.length ? labels[i] : ''},${p},${num(points[2 * i])},${num(points[2 * i + 1])}`);
  }
  return rows.join('\n') + '\n';
}

/** Save a blob under `name` through a temporary object URL. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function canvasToPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('could not encode the image'))), 'image/png'));
}

/** A saved run's pair of files: `<name>.json` and `<name>.weights.bin`. */
export function downloadSavedRun(saved: { name: string; json: string; weights: ArrayBuffer }): void {
  download(new Blob([saved.json], { type: 'application/json' }), `${saved.name}.json`);
  download(new Blob([saved.weights], { type: 'application/octet-stream' }), `${saved.name}.weights.bin`);
}
