/**
 * A run to and from the files the user saves and picks: a TensorFlow.js model.json + weights.bin
 * pair (src/train/savefile.ts has the format). Encoding reads the run's full state; decoding checks
 * the pair and the model, and throws SaveFileError with a user-facing sentence when it does not fit.
 */
import type * as tf from '@tensorflow/tfjs';
import { SAVE_VERSION, SaveFileError, artifactsFromJson, decodeRun, encodeRun } from '../train/savefile';
import { PRESETS, type ModelId } from '../train/presets';
import { lossParams, type Run } from '../train/trainer';
import { LOSS_NAMES, LOSS_PARAMS, type LossId } from '../train/losses/ids';
import type { BatcherState } from '../data/batcher';
import type { RunId, RunResume, SavedParams } from './protocol';

/** What is saved besides the run's state. */
export interface SaveContext { id: RunId; model: ModelId; seed: number; batch: number; accuracy: number; cursor: BatcherState }

/** The pair for run `run` as the page downloads it: `<name>.json` (text) and `<name>.weights.bin`. */
export async function encodeSave(run: Run, c: SaveContext, name: string): Promise<{ json: string; weights: ArrayBuffer }> {
  const checkpoint = await run.checkpoint();
  const h = run.hyper;
  const p = lossParams(h);
  const meta = {
    version: SAVE_VERSION, run: c.id, model: c.model, seed: c.seed, lambda: h.lambda, alpha: h.alpha,
    update: h.update, lr: h.lr, batch: c.batch, accuracy: c.accuracy,
    loss: h.loss ?? 'center', s: p.s, m: p.m, delta: p.delta, ringLr: p.ringLr,
  };
  const { json, weights } = await encodeRun({ meta, checkpoint, cursor: c.cursor }, name);
  return { json: JSON.stringify(json), weights };
}

/** A saved run read back: where it resumes, which file it came from, the values it was saved with of the parameters its loss reads. */
export interface OpenedSave { resume: RunResume; file: string; params: SavedParams }

/**
 * Reads a model.json + weights.bin pair, whatever the browser named the files, for a panel training
 * `model` with `loss`. A run of another model or another loss is refused (nothing changes): the weights
 * of another loss mean another classifier (a cosine head has no bias) and another learned state.
 */
export async function openSave(files: readonly File[], model: ModelId, loss: LossId = 'center'): Promise<OpenedSave> {
  const jsonFile = files.find((f) => f.name.endsWith('.json'));
  const binFile = files.find((f) => f !== jsonFile);
  if (!jsonFile || !binFile || files.length !== 2) {
    throw new SaveFileError('pick both files of a saved run: the .json and its .weights.bin');
  }
  let manifest: tf.io.ModelJSON;
  try {
    manifest = JSON.parse(await jsonFile.text()) as tf.io.ModelJSON;
  } catch {
    throw new SaveFileError(`${jsonFile.name} is not valid JSON`);
  }
  const saved = await decodeRun(await artifactsFromJson(manifest, await binFile.arrayBuffer()));
  if (saved.meta.model !== model) {
    throw new SaveFileError(`${jsonFile.name} holds a ${PRESETS[saved.meta.model].label} run, and this page trains ${PRESETS[model].label}; choose that model first`);
  }
  const saidLoss = saved.meta.loss ?? 'center';
  if (saidLoss !== loss) {
    throw new SaveFileError(`${jsonFile.name} is a run of ${LOSS_NAMES[saidLoss]}, and this panel trains ${loss === 'center' ? 'softmax only or center loss' : LOSS_NAMES[loss]}; load it into a panel of that loss`);
  }
  // Files of version 1 (center loss only) carry λ and α alone; a parameter a file lacks is not compared.
  const params: SavedParams = Object.fromEntries(
    LOSS_PARAMS[loss].filter((k) => typeof saved.meta[k] === 'number').map((k) => [k, saved.meta[k]]));
  return { resume: { ...saved.checkpoint, cursor: saved.cursor }, file: jsonFile.name, params };
}
