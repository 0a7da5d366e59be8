/**
 * A run saved to disk in TensorFlow.js's own format (model.json + weights.bin, as written by
 * tf.io.browserDownloads and read by tf.io.browserFiles): one named tensor per layer, the
 * optimiser's buffers, the class centers; the step, the data cursor, the loss with its parameters,
 * ring loss's radius R, a cosine head's batch-norm statistics and the hyper-parameters in
 * `userDefinedMetadata`. Loading it back resumes the run exactly. Version 1 files (before the loss family)
 * are center-loss runs; a cosine head saved by version 2 had a PReLU embedding and is refused (its weights
 * mean another network). DOM-free (worker and Node).
 */
import * as tf from '@tensorflow/tfjs';
import type { BatcherState } from '../data/batcher';
import { CENTER_RULES, type CenterUpdateRule } from './centerLoss';
import { layerShapes } from './model';
import { EMBED_DIM, NUM_CLASSES, PRESETS, type ModelId } from './presets';
import type { OptimizerId, RunCheckpoint } from './trainer';
import { LOSS_IDS, LOSS_NAMES, isCosineHead, type LossId } from './losses/ids';

export const SAVE_FORMAT = 'flock-run';
export const SAVE_VERSION = 3;
/** The versions this Flock reads (1: center loss only, no loss fields; 3: a cosine head's batch-norm statistics). */
const READS = [1, 2, 3];
/** The tensor holding a cosine head's batch-norm running mean and variance ([2, EMBED_DIM]). */
const EMBED_STATS = 'embedding/stats';

export interface SavedRunMeta {
  version: number;
  /** The panel it came from ('softmax', 'center', 'grid2', …): informative only. */
  run: string;
  model: ModelId;
  seed: number;
  lambda: number;
  alpha: number;
  update: CenterUpdateRule;
  lr: number;
  batch: number;
  accuracy: number;
  /** The loss and its parameters (version 2; version 1 files are center loss, without these). */
  loss?: LossId;
  s?: number;
  m?: number;
  delta?: number;
  ringLr?: number;
}

export interface SavedRun { meta: SavedRunMeta; checkpoint: RunCheckpoint; cursor: BatcherState }

/** The bookkeeping part of the metadata (everything but the tensors). */
interface Stored extends SavedRunMeta { step: number; adamSteps: number; optimizer: OptimizerId; cursor: BatcherState; radius?: number }

export class SaveFileError extends Error {}

/** Builds the artifacts and the model.json/weights.bin pair; `name` is the weights file's base name. */
export async function encodeRun(saved: SavedRun, name: string): Promise<{ json: tf.io.ModelJSON; weights: ArrayBuffer }> {
  const { meta, checkpoint: cp, cursor } = saved;
  const tensors: tf.NamedTensorMap = {};
  let at = 0;
  for (const l of layerShapes(PRESETS[meta.model])) {
    const n = l.shape.reduce((a, b) => a * b, 1);
    tensors[l.name] = tf.tensor(cp.weights.subarray(at, at + n), l.shape);
    at += n;
  }
  if (at !== cp.weights.length) throw new SaveFileError(`the weights do not fit ${PRESETS[meta.model].label}`);
  tensors['centers'] = tf.tensor2d(cp.centers, [NUM_CLASSES, EMBED_DIM]);
  tensors['optimizer/first'] = tf.tensor1d(cp.first);
  tensors['optimizer/second'] = tf.tensor1d(cp.second);
  if (cp.centerVelocity) tensors['centers/velocity'] = tf.tensor2d(cp.centerVelocity, [NUM_CLASSES, EMBED_DIM]);
  if (cp.embedStats) tensors[EMBED_STATS] = tf.tensor2d(cp.embedStats, [2, EMBED_DIM]);
  try {
    const { data, specs } = await tf.io.encodeWeights(tensors);
    const stored: Stored = { ...meta, step: cp.step, adamSteps: cp.adamSteps, optimizer: cp.optimizer, cursor };
    if (cp.radius !== undefined) stored.radius = cp.radius;
    const json: tf.io.ModelJSON = {
      modelTopology: { flock: { format: SAVE_FORMAT, model: meta.model, layers: layerShapes(PRESETS[meta.model]).map((l) => l.name) } },
      format: SAVE_FORMAT,
      generatedBy: 'Flock',
      convertedBy: null,
      weightsManifest: [{ paths: [`./${name}.weights.bin`], weights: specs }],
      userDefinedMetadata: { flock: stored as unknown as Record<string, unknown> } as unknown as Record<string, object>,
    };
    return { json, weights: data as ArrayBuffer };
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/**
 * The artifacts of a model.json (already parsed) and its one weights file, as tf.io.browserFiles
 * would load them, but without its rule that the file keep the name model.json gives it: a
 * browser renames a second download of the same name ("… (1).bin").
 */
export async function artifactsFromJson(json: tf.io.ModelJSON, weights: ArrayBuffer): Promise<tf.io.ModelArtifacts> {
  if (!json || typeof json !== 'object' || !Array.isArray(json.weightsManifest) || json.weightsManifest.length !== 1) {
    throw new SaveFileError('model.json does not list exactly one weights file');
  }
  return tf.io.getModelArtifactsForJSON(json, async (manifest) => [manifest.flatMap((g) => g.weights), weights]);
}

const isInt = (v: unknown, min = 0): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Reads loaded artifacts back into a run's state; every problem becomes a SaveFileError in plain words. */
export async function decodeRun(artifacts: tf.io.ModelArtifacts): Promise<SavedRun> {
  if (artifacts.format !== SAVE_FORMAT) {
    throw new SaveFileError(`this is not a Flock run file (format ${JSON.stringify(artifacts.format ?? null)}, expected "${SAVE_FORMAT}")`);
  }
  const s = (artifacts.userDefinedMetadata as { flock?: Partial<Stored> } | undefined)?.flock;
  if (!s || typeof s !== 'object') throw new SaveFileError('the file has no Flock metadata');
  if (!READS.includes(s.version as number)) throw new SaveFileError(`the file is version ${String(s.version)}; this Flock reads versions ${READS.slice(0, -1).join(', ')} and ${READS.at(-1)}`);
  if (typeof s.model !== 'string' || !Object.hasOwn(PRESETS, s.model)) throw new SaveFileError(`unknown model ${JSON.stringify(s.model)}`);
  if (!isInt(s.step) || !isInt(s.adamSteps) || !isInt(s.seed) || !isInt(s.batch, 1) || !s.cursor || !isInt(s.cursor.epoch) || !isInt(s.cursor.offset)) {
    throw new SaveFileError('the step, seed, batch or data cursor in the file is missing or invalid');
  }
  if (s.optimizer !== 'sgd' && s.optimizer !== 'adam') throw new SaveFileError('the optimizer in the file is unknown');
  // 'autograd' (a rule of older versions, matching no source) is read as the KaiyangZhou rule: only metadata.
  if ((s.update as string) === 'autograd') s.update = 'kaiyang';
  if (!(CENTER_RULES as readonly unknown[]).includes(s.update)) throw new SaveFileError('the center update rule in the file is unknown');
  if (![s.lambda, s.alpha, s.lr, s.accuracy].every(isNum)) throw new SaveFileError('λ, α, the learning rate or the accuracy in the file is invalid');
  const loss = s.loss ?? 'center';
  if (!(LOSS_IDS as readonly unknown[]).includes(loss)) throw new SaveFileError(`the loss ${JSON.stringify(loss)} in the file is unknown`);
  const lossValues = { s: s.s, m: s.m, delta: s.delta, ringLr: s.ringLr };
  if (!Object.values(lossValues).every((v) => v === undefined || isNum(v)) || !(s.radius === undefined || isNum(s.radius))) {
    throw new SaveFileError('s, m, δ, lr_R or the radius R in the file is invalid');
  }
  if (!artifacts.weightSpecs || !artifacts.weightData) throw new SaveFileError('the file has no weights');
  const model = s.model as ModelId;
  let tensors: tf.NamedTensorMap;
  try {
    // tidy: if decoding throws half-way, the tensors made so far are disposed too.
    tensors = tf.tidy(() => tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!));
  } catch (e) {
    throw new SaveFileError(`the weights file does not match model.json (${e instanceof Error ? e.message : e})`);
  }
  try {
    const read = async (name: string, shape: number[]): Promise<Float32Array> => {
      const t = tensors[name];
      if (!t) throw new SaveFileError(`the weights file has no tensor "${name}"`);
      if (t.dtype !== 'float32' || t.shape.join() !== shape.join()) {
        throw new SaveFileError(`"${name}" has shape [${t.shape}] (${t.dtype}); ${PRESETS[model].label} needs [${shape}]`);
      }
      const v = Float32Array.from((await t.data()) as Float32Array);
      if (!v.every(Number.isFinite)) throw new SaveFileError(`"${name}" holds NaN or infinite values`);
      return v;
    };
    const layers = layerShapes(PRESETS[model]);
    const parts = await Promise.all(layers.map((l) => read(l.name, l.shape)));
    const weights = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { weights.set(p, at); at += p.length; }
    const first = await read('optimizer/first', [weights.length]);
    const second = await read('optimizer/second', [weights.length]);
    const centers = await read('centers', [NUM_CLASSES, EMBED_DIM]);
    const centerVelocity = tensors['centers/velocity'] ? await read('centers/velocity', [NUM_CLASSES, EMBED_DIM]) : undefined;
    const loss = (s.loss ?? 'center') as LossId;
    if (isCosineHead(loss) && !tensors[EMBED_STATS]) {
      throw new SaveFileError(`this ${LOSS_NAMES[loss]} run was saved by an earlier Flock, whose cosine heads ended the embedding in PReLU (now batch norm), so its weights do not fit; train it again`);
    }
    const embedStats = isCosineHead(loss) ? await read(EMBED_STATS, [2, EMBED_DIM]) : undefined;
    if (embedStats && !embedStats.subarray(EMBED_DIM).every((v) => v >= 0)) throw new SaveFileError(`"${EMBED_STATS}" holds a negative variance`);
    const meta: SavedRunMeta = {
      version: s.version as number, run: String(s.run ?? ''), model, seed: s.seed, lambda: s.lambda!, alpha: s.alpha!,
      update: s.update as CenterUpdateRule, lr: s.lr!, batch: s.batch, accuracy: s.accuracy!,
      ...Object.fromEntries(Object.entries({ loss: s.loss, ...lossValues }).filter(([, v]) => v !== undefined)),
    };
    const checkpoint: RunCheckpoint = { step: s.step, weights, first, second, adamSteps: s.adamSteps, optimizer: s.optimizer, centers, centerVelocity };
    if (s.radius !== undefined) checkpoint.radius = s.radius;
    if (embedStats) checkpoint.embedStats = embedStats;
    return {
      meta,
      checkpoint,
      cursor: { epoch: s.cursor.epoch, offset: s.cursor.offset },
    };
  } finally {
    tf.dispose(Object.values(tensors));
  }
}
