/**
 * Recorded runs: a training of both runs made by the PyTorch reference with the app's math
 * (bench/reference/record.py), shipped as public/recordings/<model>.json and replayed through the
 * same panels where a CNN cannot train fast enough (software GPUs, fallbacks). This file decodes and
 * validates one; anything malformed is a DataError that says what is wrong. Pure: no DOM, no tfjs.
 */
import { DataError } from './idx';

export const RECORDING_FORMAT = 'flock-recording';
export const RECORDING_VERSION = 1;
const NUM_CLASSES = 10;
const TEST_SET_SIZE = 10_000;

export interface RecordedRunState {
  /** [N×2] probe embeddings, row-major, in probe order. */
  points: Float32Array;
  /** [K×2] class centers. */
  centers: Float32Array;
  /** [N] predicted class per probe digit. */
  predictions: Uint8Array;
  accuracy: number;
  softmaxLoss: number;
  centerLoss: number;
}

export interface RecordedFrame {
  step: number;
  runs: { softmax: RecordedRunState; center: RecordedRunState };
}

export interface Recording {
  model: string;
  madeBy: string;
  torch: string;
  date: string;
  settings: { optimizer: string; lr: number; lambda: number; alpha: number; batch: number; seed: number; update: string; weightDecay: number; warmupSteps: number };
  /** Test-set indices of the probe digits, in probe order. */
  probe: Int32Array;
  lambdas: { softmax: number; center: number };
  frames: RecordedFrame[];
}

/** Base64 → bytes (atob exists in workers, browsers and Node ≥ 16). */
function bytesOf(b64: unknown, what: string, fail: (m: string) => never): Uint8Array {
  if (typeof b64 !== 'string') fail(`${what} is not base64 text`);
  let bin: string;
  try {
    bin = atob(b64 as string);
  } catch {
    return fail(`${what} is not valid base64`);
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Decodes and checks a parsed recording file; `name` is used in the error messages. */
export function decodeRecording(json: unknown, name: string): Recording {
  const fail = (m: string): never => { throw new DataError(`${name}: ${m}`, name); };
  const doc = json as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object' || doc.format !== RECORDING_FORMAT) fail(`not a Flock recording (format is not "${RECORDING_FORMAT}")`);
  if (doc!.version !== RECORDING_VERSION) fail(`recording version ${String(doc!.version)} is not supported (expected ${RECORDING_VERSION})`);
  const d = doc!;
  const settings = d.settings as Recording['settings'] | undefined;
  if (!settings || !isNum(settings.lambda) || !isNum(settings.alpha) || !isNum(settings.lr) || !isNum(settings.seed)) fail('its settings are missing or not numbers');
  const probeRaw = d.probe;
  if (!Array.isArray(probeRaw) || probeRaw.length === 0 || !probeRaw.every((i) => Number.isInteger(i) && i >= 0 && i < TEST_SET_SIZE)) {
    fail(`its probe is not a list of test-set indices (0–${TEST_SET_SIZE - 1})`);
  }
  const probe = Int32Array.from(probeRaw as number[]);
  const n = probe.length;
  const runsRaw = d.runs as { id?: unknown; lambda?: unknown }[] | undefined;
  const lambdaOf = (id: string) => runsRaw?.find((r) => r.id === id)?.lambda;
  const softL = lambdaOf('softmax');
  const centerL = lambdaOf('center');
  if (!isNum(softL) || !isNum(centerL)) fail('it does not hold a "softmax" and a "center" run with their λ');
  const framesRaw = d.frames;
  if (!Array.isArray(framesRaw) || framesRaw.length === 0) fail('it has no frames');

  const runState = (r: unknown, where: string): RecordedRunState => {
    const o = r as Record<string, unknown> | undefined;
    if (!o || typeof o !== 'object') fail(`${where} is missing`);
    const scale = o!.scale;
    if (!isNum(scale) || scale < 0) fail(`${where}: scale is not a non-negative number`);
    const packed = bytesOf(o!.points, `${where}: points`, fail);
    if (packed.length !== n * 2 * 2) fail(`${where}: points hold ${packed.length} bytes, expected ${n * 4} (${n} digits × 2 int16)`);
    const q = new DataView(packed.buffer);
    const points = new Float32Array(n * 2);
    for (let i = 0; i < n * 2; i++) points[i] = (q.getInt16(2 * i, true) / 32767) * (scale as number);
    const predictions = bytesOf(o!.predictions, `${where}: predictions`, fail);
    if (predictions.length !== n || predictions.some((c) => c >= NUM_CLASSES)) fail(`${where}: predictions are not ${n} classes 0–9`);
    const centers = o!.centers;
    if (!Array.isArray(centers) || centers.length !== NUM_CLASSES * 2 || !centers.every(isNum)) fail(`${where}: centers are not ${NUM_CLASSES * 2} numbers`);
    const accuracy = o!.accuracy;
    if (!isNum(accuracy) || accuracy < 0 || accuracy > 1) fail(`${where}: accuracy is not in 0–1`);
    const loss = (v: unknown) => (isNum(v) ? v : NaN);
    return { points, centers: Float32Array.from(centers as number[]), predictions, accuracy: accuracy as number, softmaxLoss: loss(o!.softmaxLoss), centerLoss: loss(o!.centerLoss) };
  };

  let last = -1;
  const frames = (framesRaw as unknown[]).map((f, k) => {
    const o = f as { step?: unknown; runs?: Record<string, unknown> } | null;
    const step = o?.step;
    if (!Number.isInteger(step) || (step as number) <= last) fail(`frame ${k}: its step is not a whole number after ${last}`);
    last = step as number;
    return { step: step as number, runs: { softmax: runState(o!.runs?.softmax, `frame ${k} (step ${step}) softmax`), center: runState(o!.runs?.center, `frame ${k} (step ${step}) center`) } };
  });
  return {
    model: String(d.model ?? ''), madeBy: String(d.madeBy ?? ''), torch: String(d.torch ?? ''), date: String(d.date ?? ''),
    settings: settings!, probe, lambdas: { softmax: softL as number, center: centerL as number }, frames,
  };
}
