/**
 * Seeded randomness, epoch batching, the probe subset and pixel normalisation. Pure functions,
 * no DOM and no TensorFlow: everything here is reproducible from its seed.
 */

/** MNIST pixel mean and standard deviation (of v/255 over the training set). */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;
/** Pixels per image (28 × 28). */
export const IMAGE_SIZE = 784;

/** Mulberry32: a small, fast 32-bit PRNG. Returns uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples from a uniform source (Box–Muller; the second value is cached). */
export function gaussian(rand: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = 1 - rand(); // (0, 1], so the log is finite
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** Mixes a seed with an epoch number into a fresh 32-bit seed (so epochs are independent streams). */
function epochSeed(seed: number, epoch: number): number {
  let h = (seed >>> 0) ^ Math.imul(epoch + 1, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A seeded Fisher–Yates permutation of 0..n-1. */
function permutation(n: number, seed: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const rand = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** Where a Batcher is: the epoch and the position of the next batch within its permutation. */
export interface BatcherState {
  epoch: number;
  offset: number;
}

/**
 * Shuffled mini-batches over n examples. Each epoch uses its own permutation, derived from
 * (seed, epoch), so the sequence is reproducible and can be resumed from `state`. Every batch
 * holds exactly `batch` indices: the last partial batch of an epoch is dropped, never mixed
 * with the next epoch.
 */
export class Batcher {
  private perm: Int32Array;
  private _epoch = 0;
  private offset = 0;

  constructor(
    readonly n: number,
    readonly batch: number,
    readonly seed: number,
  ) {
    if (!Number.isInteger(n) || !Number.isInteger(batch) || batch < 1 || batch > n) {
      throw new RangeError(`Batcher: need 1 ≤ batch ≤ n (got batch ${batch}, n ${n})`);
    }
    this.perm = permutation(n, epochSeed(seed, 0));
  }

  /** Resumes a batcher exactly at `state` (as returned by `state` of one with the same args). */
  static from(n: number, batch: number, seed: number, state: BatcherState): Batcher {
    const b = new Batcher(n, batch, seed);
    if (!Number.isInteger(state.epoch) || state.epoch < 0 || !Number.isInteger(state.offset) || state.offset < 0) {
      throw new RangeError(`Batcher.from: invalid state ${JSON.stringify(state)}`);
    }
    b._epoch = state.epoch;
    b.offset = state.offset;
    if (state.epoch !== 0) b.perm = permutation(n, epochSeed(seed, state.epoch));
    b.rollOver();
    return b;
  }

  /** The current epoch (0-based): the one the next batch comes from. */
  get epoch(): number {
    return this._epoch;
  }

  /** The cursor of the next batch, to be saved and passed to `Batcher.from`. */
  get state(): BatcherState {
    return { epoch: this._epoch, offset: this.offset };
  }

  /** The indices of the next batch (a fresh array of length `batch`). */
  next(): Int32Array {
    const out = this.perm.slice(this.offset, this.offset + this.batch);
    this.offset += this.batch;
    this.rollOver();
    return out;
  }

  /** Starts the next epoch once the current one has no full batch left. */
  private rollOver(): void {
    if (this.offset + this.batch <= this.n) return;
    this._epoch++;
    this.offset = 0;
    this.perm = permutation(this.n, epochSeed(this.seed, this._epoch));
  }
}

/**
 * A fixed, seeded, class-stratified subset of `size` indices: ⌊size/classes⌋ per class, the
 * remainder going one each to the lowest classes. Sorted by class, then by index within a class.
 * Throws if a class has too few examples.
 */
export function stratifiedProbe(labels: Uint8Array, size: number, seed: number, classes = 10): Int32Array {
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (c < classes) byClass[c].push(i);
  }
  const available = byClass.reduce((n, p) => n + p.length, 0);
  if (size > available) throw new RangeError(`stratifiedProbe: ${available} examples, need ${size}`);
  // Equal shares; a class with too few examples gives all it has and the rest goes to the others in turn.
  const want = byClass.map(() => 0);
  let left = size;
  while (left > 0) {
    const open = byClass.map((_, c) => c).filter((c) => want[c] < byClass[c].length);
    const share = Math.floor(left / open.length);
    if (share === 0) { for (const c of open.slice(0, left)) want[c]++; break; }
    for (const c of open) {
      const take = Math.min(share, byClass[c].length - want[c]);
      want[c] += take;
      left -= take;
    }
  }
  const rand = mulberry32(seed);
  const out = new Int32Array(size);
  let k = 0;
  for (let c = 0; c < classes; c++) {
    const pool = byClass[c];
    // Partial Fisher–Yates: the first `want` slots become a uniform sample without replacement.
    for (let i = 0; i < want[c]; i++) {
      const j = i + Math.floor(rand() * (pool.length - i));
      const t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
    }
    const chosen = pool.slice(0, want[c]).sort((a, b) => a - b);
    out.set(chosen, k);
    k += want[c];
  }
  return out;
}

/** Normalised value of each of the 256 possible pixel bytes. */
const PIXEL_LUT = Float32Array.from({ length: 256 }, (_, v) => (v / 255 - MNIST_MEAN) / MNIST_STD);

/**
 * Gathers images `idx` as normalised floats, (v/255 − MNIST_MEAN)/MNIST_STD, row-major
 * [idx.length × 784]. Writes into `out` when given (it must be at least that long).
 */
export function gatherImages(images: Uint8Array, idx: Int32Array, out?: Float32Array): Float32Array {
  const need = idx.length * IMAGE_SIZE;
  if (out && out.length < need) throw new RangeError(`gatherImages: out has ${out.length} floats, need ${need}`);
  const dst = out ?? new Float32Array(need);
  const count = Math.floor(images.length / IMAGE_SIZE);
  for (let r = 0; r < idx.length; r++) {
    const i = idx[r];
    if (i < 0 || i >= count) throw new RangeError(`gatherImages: index ${i} out of range 0..${count - 1}`);
    const src = i * IMAGE_SIZE;
    const o = r * IMAGE_SIZE;
    for (let p = 0; p < IMAGE_SIZE; p++) dst[o + p] = PIXEL_LUT[images[src + p]];
  }
  return dst;
}

/** Gathers labels `idx` as int32 (the dtype tf.oneHot expects). */
export function gatherLabels(labels: Uint8Array, idx: Int32Array): Int32Array {
  const out = new Int32Array(idx.length);
  for (let r = 0; r < idx.length; r++) {
    const i = idx[r];
    if (i < 0 || i >= labels.length) throw new RangeError(`gatherLabels: index ${i} out of range 0..${labels.length - 1}`);
    out[r] = labels[i];
  }
  return out;
}
