/** Pure metrics on streamed embeddings (no tfjs: the UI uses them too). */
const NUM_CLASSES = 10;

/** The points scaled to unit length (x/‖x‖; a point at the origin stays there). */
export function normalised(points: ArrayLike<number>): Float64Array {
  const out = new Float64Array(points.length);
  for (let i = 0; i + 1 < points.length; i += 2) {
    const r = Math.hypot(points[i], points[i + 1]);
    if (r > 0) { out[i] = points[i] / r; out[i + 1] = points[i + 1] / r; }
  }
  return out;
}

/**
 * Mean distance of points to their class center ÷ mean distance between class centers (lower = tighter).
 * `angular`: of the normalised features x/‖x‖ instead (what a cosine head's logits see: the angle only).
 */
export function compactness(points: ArrayLike<number>, labels: ArrayLike<number>, classes = NUM_CLASSES, angular = false): number {
  if (angular) points = normalised(points);
  const n = labels.length;
  const sum = new Float64Array(classes * 2);
  const cnt = new Float64Array(classes);
  for (let i = 0; i < n; i++) {
    const k = labels[i];
    sum[2 * k] += points[2 * i];
    sum[2 * k + 1] += points[2 * i + 1];
    cnt[k]++;
  }
  const c = Array.from({ length: classes }, (_, k) => [sum[2 * k] / cnt[k], sum[2 * k + 1] / cnt[k]]);
  let within = 0;
  for (let i = 0; i < n; i++) {
    const [cx, cy] = c[labels[i]];
    within += Math.hypot(points[2 * i] - cx, points[2 * i + 1] - cy);
  }
  within /= n;
  let between = 0;
  let pairs = 0;
  for (let a = 0; a < classes; a++) {
    for (let b = a + 1; b < classes; b++) {
      if (!cnt[a] || !cnt[b]) continue;
      between += Math.hypot(c[a][0] - c[b][0], c[a][1] - c[b][1]);
      pairs++;
    }
  }
  between /= pairs || 1;
  return within / (between || Number.EPSILON);
}
