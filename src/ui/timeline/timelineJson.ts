/**
 * "Export timeline (JSON)": every kept frame of every shown run, as the pieces of one JSON document
 * (a Blob is made of the pieces, so a timeline of tens of MB never becomes one string). Points and
 * centers are [x, y] pairs and numbers are written as "Export embeddings" writes them, so a frame of
 * the timeline equals the panel's export at that step.
 */
import type { Timeline, Frame } from './store';

export interface TimelineMeta {
  model: string | null;
  seed: number;
  /** The shown runs in order, with their titles. */
  runs: readonly { run: string; title: string }[];
  /** The probe labels, in probe order. */
  labels: ArrayLike<number> | null;
}

/** [x, y] pairs of a row-major [N×2] array. */
export function xyPairs(a: Float32Array): [number, number][] {
  return Array.from({ length: a.length >> 1 }, (_, i) => [a[2 * i], a[2 * i + 1]]);
}

function frameJson(f: Frame): string {
  return JSON.stringify({
    step: f.metrics.step,
    metrics: f.metrics,
    compactness: f.compactness ?? null,
    points: xyPairs(f.points),
    centers: xyPairs(f.centers),
    predictions: Array.from(f.predictions),
  });
}

/** The document's pieces, in order: `{ format, model, seed, labels, runs: [{ run, title, frames: [...] }] }`. */
export function timelineJsonParts(t: Timeline, meta: TimelineMeta): string[] {
  const head = { format: 'flock-timeline', version: 1, model: meta.model, seed: meta.seed, labels: meta.labels ? Array.from(meta.labels) : null };
  const parts = [JSON.stringify(head).slice(0, -1), ',"runs":['];
  meta.runs.forEach(({ run, title }, i) => {
    parts.push(`${i ? ',' : ''}{"run":${JSON.stringify(run)},"title":${JSON.stringify(title)},"frames":[`);
    t.frames(run).forEach((f, j) => parts.push(j ? `,${frameJson(f)}` : frameJson(f)));
    parts.push(']}');
  });
  parts.push(']}');
  return parts;
}
