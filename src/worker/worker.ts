/**
 * The training worker: owns TensorFlow.js (WebGPU backend, else the best fallback), the MNIST data,
 * both runs ("softmax" with λ = 0 and "center" with the user's λ) and their optimisers.
 * The UI thread never runs tensor code; it sends ToWorker messages and receives FromWorker ones.
 *
 * Both runs start from the same weights and centers (same seed) and train on the same batches in
 * the same order; their steps interleave one for one. Every `probeEvery` steps (adaptive, so that
 * probing costs at most ~20% of the time) both runs embed the fixed probe set and the embeddings
 * are transferred to the UI.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { loadMnist, type Mnist } from '../data/load';
import { Batcher, gatherImages, gatherLabels, gaussian, mulberry32, stratifiedProbe } from '../data/batcher';
import { DataError } from '../data/idx';
import { initialWeights } from '../train/model';
import { Run } from '../train/trainer';
import { AUTO_PRESET, PRESETS, NUM_CLASSES, EMBED_DIM, type ModelId } from '../train/presets';
import { centerLossFor, validateCenterLossKernels } from '../train/centerLossWebgpu';
import { tuneWebgpu } from '../train/webgpuTuning';
import { registerConvKernels, setConvKernels, tuneConvKernels, validateConvKernels } from '../train/convKernelsWebgpu';
import { precompilePipelines } from '../train/warmup';
import { composedCenterLoss, type CenterLossOps } from '../train/centerLoss';
import { SAVE_VERSION, SaveFileError, artifactsFromJson, decodeRun, encodeRun } from '../train/savefile';
import { embedDigit } from '../train/embedDigit';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { BackendName, Checkpoint, ConvKernelChoice, FromWorker, RunConfig, RunId, RunResume, ToWorker } from './protocol';
import { activeRuns, runSetup } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

const PROBE_SEED = 2016;
/** Probing may take at most this share of the time. */
const PROBE_BUDGET = 0.2;
/** Do not stream snapshots faster than the UI can animate them. */
const MIN_SNAPSHOT_MS = 120;
/** Keep a checkpoint of every run (in the worker and mirrored to the UI) at most this often. */
const CHECKPOINT_MS = 5000;

/**
 * `session`: the session the current runs belong to; every message about them carries it.
 * `requested`: the newest session the UI asked for. They differ while a reset waits behind the
 * step in flight: what the old runs still produce then is dropped here, and is never tagged with
 * the new session (the UI would show it as the new session's).
 */
let session = 0;
let requested = 0;
let deviceLost = false;
let backend: BackendName = 'cpu';
let software = false;
let data: Mnist | null = null;
let probeX: tf.Tensor2D | null = null;
let probeLabels = new Uint8Array(0);
let probeIdx: Int32Array = new Int32Array(0);
let config: RunConfig | null = null;
let lossOps: CenterLossOps = composedCenterLoss;
/** Which convolution kernels WebGPU runs (undefined on other backends). */
let convKernels: ConvKernelChoice | undefined;
let model: ModelId = 'tiny';
let modelReason: string | undefined;
let runs: Partial<Record<RunId, Run>> | null = null;
let ids: RunId[] = [];
/** One data cursor per run (same seed → same batch order); runs at the same cursor share the batch. */
let batchers: Partial<Record<RunId, Batcher>> = {};
/** The last checkpoint of each run taken while it was finite: where a fault or a rollback resumes. */
let good: Partial<Record<RunId, RunResume>> = {};
let lastCheckpoint = 0;
let diverged: Partial<Record<RunId, boolean>> = {};
let lastLosses: Partial<Record<RunId, [number, number]>> = {};
let lastAccuracy: Partial<Record<RunId, number>> = {};
/** The digit drawn on the pad (re-embedded after every snapshot), and whether an embedding of it is queued. */
let drawing: { id: number; pixels: Float32Array } | null = null;
let embedQueued = false;
/** What 'ready' reports besides the probe set (kept, since a probe-size reset posts 'ready' again). */
let readyInfo: { adapter: string; fallbackReason?: string } = { adapter: '' };

let training = false;
let pendingSteps = 0;
let ticking = false;
let stepsSinceProbe = 0;
let probeEvery = 1;
let pairMs = 0; // EMA of one interleaved pair of steps
let probeMs = 0; // EMA of probing both runs
/** When the last snapshot was taken and each run's step then (for its own steps/s). */
let lastSnapshot = { time: 0, steps: {} as Partial<Record<RunId, number>> };

function post(m: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(m, transfer);
}

/** Serialises all work that touches tensors: a step in flight always finishes before a reset. */
let chain: Promise<unknown> = Promise.resolve();
function enqueue(fn: () => Promise<void> | void): void {
  chain = chain.then(fn).catch((e: unknown) => {
    if (deviceLost) return; // ops fail after a lost device; the 'fault' message already says what happened
    training = false;
    const file = e instanceof DataError ? e.file : undefined;
    post({ type: 'error', session, message: e instanceof Error ? e.message : String(e), file, fatal: !runs });
    postStatus();
  });
}

function postStatus(): void {
  post({ type: 'status', session, training, model, modelReason });
}

async function pickBackend(pref: 'auto' | BackendName): Promise<{ adapter: string; reason?: string }> {
  const order: BackendName[] = ['webgpu', 'webgl', 'cpu'];
  const tryOrder = pref === 'auto' ? order : [pref, ...order.filter((b) => b !== pref)];
  const reasons: string[] = [];
  for (const b of tryOrder) {
    let adapter = '';
    if (b === 'webgpu') {
      const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
      if (!gpu) { reasons.push('this browser does not expose WebGPU'); continue; }
      const a = await gpu.requestAdapter().catch(() => null);
      if (!a) { reasons.push('WebGPU found no usable GPU adapter'); continue; }
      const info: GPUAdapterInfo = (a as GPUAdapter & { info?: GPUAdapterInfo }).info ?? { vendor: '', architecture: '', description: '', device: '' } as GPUAdapterInfo;
      software = info.architecture === 'swiftshader' || /swiftshader/i.test(info.description) ||
        Boolean((a as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter);
      adapter = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter';
    }
    try {
      if (await tf.setBackend(b)) {
        await tf.ready();
        backend = b;
        if (b !== 'webgpu') software = b === 'cpu';
        const why = reasons.join('; ') || undefined;
        const reason = pref !== 'auto' && pref !== b ? `${pref} was asked for but is unavailable (${why})` : why;
        return { adapter: adapter || b, reason };
      }
      reasons.push(`the ${b} backend failed to start`);
    } catch (e) {
      reasons.push(`the ${b} backend failed: ${e instanceof Error ? e.message : e}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could start: ${reasons.join('; ')}`);
}

function resolveModel(choice: RunConfig['model']): void {
  if (choice !== 'auto') { model = choice; modelReason = undefined; return; }
  // presets.json "auto": the preset with the shortest expected time-to-picture on a real GPU, else the one that trains on a CPU.
  if (backend === 'webgpu' && !software) { model = AUTO_PRESET.gpu; modelReason = undefined; return; }
  model = AUTO_PRESET.software;
  const gpu = PRESETS[AUTO_PRESET.gpu].label;
  const here = PRESETS[AUTO_PRESET.software].label;
  modelReason = backend === 'webgpu'
    ? `The GPU is emulated in software (SwiftShader), where the ${gpu} takes half a minute per step, so the ${here} is the default.`
    : `Running on ${backend.toUpperCase()} instead of WebGPU, so the ${here} is the default; pick the ${gpu} if this machine is fast.`;
}

/** The learning rate in force: 0 stands for the model preset's default. */
function lrFor(lr: number): number {
  return lr > 0 ? lr : PRESETS[model].lr;
}

/** A run's hyper-parameters under config `c`: shared optimiser settings plus its own λ and update rule. */
function hyperOf(id: RunId, c: RunConfig) {
  // The preset's lr warm-up applies to Adam (as in the PyTorch reference); the port's SGD settings have none.
  const warmupSteps = c.optimizer === 'adam' ? PRESETS[model].warmupSteps : 0;
  return { optimizer: c.optimizer, lr: lrFor(c.lr), alpha: c.alpha, warmupSteps, ...runSetup(id, c) };
}

/** Probe digits embedded per dispatch (fewer for the CNNs). */
function probeChunk(): number {
  return PRESETS[model].stages.length ? 100 : 500;
}

/** The batch size in force: 0 stands for the model preset's. */
function batchFor(c: RunConfig): number {
  return c.batch > 0 ? c.batch : PRESETS[model].batch;
}

/** Draws the probe set (stratified test digits) for a size; the UI gets its labels and pixels with 'ready'. */
function buildProbe(size: number): void {
  probeX?.dispose();
  probeIdx = stratifiedProbe(data!.testLabels, size, PROBE_SEED);
  probeLabels = Uint8Array.from(gatherLabels(data!.testLabels, probeIdx));
  probeX = tf.tensor2d(gatherImages(data!.testImages, probeIdx), [probeIdx.length, 784]);
}

/** (Re)creates both runs from the seed: same weights, same centers, same batch order. */
function buildRuns(c: RunConfig): void {
  if (runs) Object.values(runs).forEach((r) => r?.dispose());
  resolveModel(c.model);
  const preset = PRESETS[model];
  const weights = initialWeights(preset, c.seed);
  const g = gaussian(mulberry32(c.seed ^ 0x5bd1e995));
  const centers0 = Float32Array.from({ length: NUM_CLASSES * EMBED_DIM }, g);
  const ops = lossOps;
  const prefix = `s${session}`;
  ids = activeRuns(c);
  // Every run starts from the same weights and centers; only λ (and the update rule) tell them apart.
  runs = Object.fromEntries(ids.map((id) => [id, new Run(`${prefix}/${id}`, preset, weights, centers0, hyperOf(id, c), ops)]));
  batchers = Object.fromEntries(ids.map((id) => [id, new Batcher(data!.trainLabels.length, batchFor(c), c.seed)]));
  good = {};
  lastCheckpoint = 0;
  diverged = {};
  lastLosses = {};
  lastAccuracy = {};
  stepsSinceProbe = 0;
  probeEvery = 1;
  pairMs = 0;
  probeMs = 0;
  lastSnapshot = { time: performance.now(), steps: Object.fromEntries(ids.map((id) => [id, 0])) };
}

async function init(m: Extract<ToWorker, { type: 'init' }>): Promise<void> {
  session = requested = m.session;
  const { adapter, reason } = await pickBackend(m.backend);
  convKernels = undefined;
  let convCheck: Promise<void> = Promise.resolve();
  if (backend === 'webgpu') {
    watchDevice();
    tuneWebgpu(software);
    registerConvKernels();
    tuneConvKernels(software);
    convKernels = m.kernels === 'tfjs' ? 'tfjs' : 'flock';
    setConvKernels(convKernels === 'flock');
  }
  lossOps = centerLossFor(backend);
  if (lossOps.id === 'wgsl') {
    try {
      await validateCenterLossKernels();
    } catch (e) {
      lossOps = composedCenterLoss;
      post({ type: 'error', session, fatal: false, message: `The WebGPU center-loss kernel failed its self-check, so composed ops are used instead (${e instanceof Error ? e.message : e}).` });
    }
  }
  // The conv kernels' self-check (after the center-loss one: WebGPU error scopes are a stack) compiles
  // its programs while the data downloads; awaited before the first step.
  if (convKernels === 'flock') {
    convCheck = validateConvKernels().catch((e: unknown) => {
      convKernels = 'tfjs';
      setConvKernels(false);
      post({ type: 'error', session, fatal: false, message: `The WebGPU convolution kernels failed their self-check, so tfjs' own are used instead (${e instanceof Error ? e.message : e}).` });
    });
  }
  // WebGPU: compile the probe's pipelines while the data downloads (they would otherwise compile one
  // after another before the first embedding frame). The training step's compile on first use.
  let warm: Promise<unknown> = Promise.resolve();
  if (backend === 'webgpu') {
    resolveModel(m.config.model);
    // After the conv self-check: until it resolves, a pipeline the warm-up shares with another tfjs
    // call is still a promise in tfjs' cache, and that call would throw.
    const preset = PRESETS[model];
    const hyper = hyperOf('center', m.config);
    warm = convCheck.then(() => precompilePipelines(preset, batchFor(m.config), probeChunk(), hyper, lossOps))
      .catch((e: unknown) => console.warn(`pipeline warm-up failed (the pipelines compile on first use instead): ${e instanceof Error ? e.message : e}`));
  }
  data = await loadMnist(m.dataBase, (p) => post({ type: 'progress', session: requested, file: p.file, loaded: p.overallLoaded, total: p.overallTotal }));
  await convCheck;
  await warm;
  config = m.config;
  buildProbe(config.probe);
  buildRuns(config);
  const resumed = m.resume && m.resume.model === model ? m.resume : undefined;
  if (resumed) {
    for (const id of ids) {
      const cp = resumed.runs[id];
      if (cp) { restoreRun(id, cp); good[id] = cp; }
    }
  }
  readyInfo = { adapter, fallbackReason: backend === 'webgpu' ? undefined : reason };
  postReady();
  await snapshot();
  postStatus();
}

/** Tells the UI what it trains on and sends the probe digits (labels and pixels, transferred). */
function postReady(): void {
  const probeImages = new Uint8Array(probeIdx.length * 784);
  probeIdx.forEach((k, i) => probeImages.set(data!.testImages.subarray(k * 784, (k + 1) * 784), i * 784));
  const labelsCopy = probeLabels.slice();
  post({
    // What the UI needs whatever session it is in (the probe set is rebuilt and re-sent when its size changes).
    type: 'ready', session: requested, backend, adapter: readyInfo.adapter, software, fallbackReason: readyInfo.fallbackReason,
    model, modelReason, probeLabels: labelsCopy, probeSize: probeIdx.length, centerLoss: lossOps.id, convKernels, probeImages,
  }, [probeImages.buffer, labelsCopy.buffer]);
}

/** The backend has no device-loss handling: report it, and the UI respawns the worker from the last checkpoint. */
function watchDevice(): void {
  const device = (tf.backend() as WebGPUBackend).device;
  void device.lost.then((info) => {
    deviceLost = true;
    training = false;
    post({ type: 'fault', session: requested, kind: 'device-lost', message: info.message || `reason: ${info.reason}` });
  });
}

/** One step of every live run, interleaved; runs at the same data cursor share one uploaded batch. */
async function trainPair(): Promise<void> {
  if (!runs || !data) return;
  const t0 = performance.now();
  const live = ids.filter((id) => !diverged[id]);
  const groups = new Map<string, RunId[]>();
  for (const id of live) {
    const { epoch, offset } = batchers[id]!.state;
    const key = `${epoch}:${offset}`;
    groups.set(key, [...(groups.get(key) ?? []), id]);
  }
  const tensors: tf.Tensor[] = [];
  const parts: { id: RunId; t: tf.Tensor1D }[] = [];
  for (const group of groups.values()) {
    const epoch = batchers[group[0]]!.epoch;
    const idx = batchers[group[0]]!.next();
    group.slice(1).forEach((id) => batchers[id]!.next());
    const x = tf.tensor2d(gatherImages(data.trainImages, idx), [idx.length, 784]);
    const y = tf.tensor1d(gatherLabels(data.trainLabels, idx), 'int32');
    tensors.push(x, y);
    for (const id of group) parts.push({ id, t: runs[id]!.trainStep(x, y, epoch) });
  }
  const values = await Promise.all(parts.map((p) => p.t.data()));
  tf.dispose([...tensors, ...parts.map((p) => p.t)]);
  parts.forEach(({ id }, i) => {
    const [ce, lc] = values[i];
    lastLosses[id] = [ce, lc];
    if (!Number.isFinite(ce) || !Number.isFinite(lc)) diverged[id] = true;
  });
  const dt = performance.now() - t0;
  pairMs = pairMs ? 0.8 * pairMs + 0.2 * dt : dt;
  stepsSinceProbe++;
}

/** Reads every finite run's full state; keeps it as that run's last good state and mirrors it to the UI. */
async function checkpoint(): Promise<void> {
  if (!runs || !config) return;
  for (const id of ids) {
    if (diverged[id]) continue;
    const cp = await runs[id]!.checkpoint();
    if (!cp.weights.every(Number.isFinite) || !cp.centers.every(Number.isFinite)) { diverged[id] = true; continue; }
    good[id] = { ...cp, cursor: batchers[id]!.state };
  }
  lastCheckpoint = performance.now();
  const c: Checkpoint = { config, model, runs: good };
  // Structured clone copies the arrays, so the worker keeps its own.
  post({ type: 'checkpoint', session, checkpoint: c, step: Math.max(0, ...Object.values(good).map((g) => g?.step ?? 0)) });
}

/** Puts one run back to its last good state (weights, optimiser, centers, step, data cursor). */
function restoreRun(id: RunId, cp: RunResume): void {
  runs![id]!.restore(cp);
  batchers[id] = Batcher.from(data!.trainLabels.length, batchFor(config!), config!.seed, cp.cursor);
  diverged[id] = false;
  lastLosses[id] = [NaN, NaN];
  delete lastSnapshot.steps[id]; // its step jumped: no rate until the next window
}

/** Resumes run `id` from a model.json + weights.bin pair, whatever the browser named the files. */
async function loadRun(id: RunId, files: File[]): Promise<void> {
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
  const cp = { ...saved.checkpoint, cursor: saved.cursor };
  restoreRun(id, cp);
  good[id] = cp;
  post({ type: 'loaded', session, run: id, step: cp.step, file: jsonFile.name, lambda: saved.meta.lambda });
  await snapshot();
}

/** Embeds the drawn digit with every run's current weights and posts where each run puts it. */
async function embedDrawing(): Promise<void> {
  const d = drawing;
  if (!d || !runs || requested !== session) return;
  const live = ids.filter((id) => runs![id] && !diverged[id]);
  const results = await Promise.all(live.map(async (id) => [id, await embedDigit(runs![id]!, d.pixels)] as const));
  if (requested !== session || drawing?.id !== d.id) return; // reset, cleared or redrawn meanwhile
  post({ type: 'embedded', session, id: d.id, runs: Object.fromEntries(results) });
}

async function snapshot(): Promise<void> {
  if (!runs || !probeX) return;
  const t0 = performance.now();
  const elapsed = t0 - lastSnapshot.time;
  /** Each run's own steps/s since the last snapshot (runs step one for one, but a diverged run stops). */
  const rateOf = (id: RunId) => {
    const before = lastSnapshot.steps[id];
    const now = runs![id]!.step;
    return before !== undefined && elapsed > 0 && now > before ? ((now - before) * 1000) / elapsed : 0;
  };
  // Probe every run first, then post them all, so the panels always show the same step.
  const cancelled = () => requested !== session; // a reset is waiting: drop this snapshot rather than finish it
  const results = await Promise.all(ids.map(async (id) => {
    const run = runs![id]!;
    const [probe, centers] = await Promise.all([run.probe(probeX!, probeLabels, probeChunk(), cancelled), run.centersData()]);
    return { id, run, probe: probe!, centers };
  }));
  if (cancelled() || results.some((r) => !r.probe)) return;
  const numTensors = tf.memory().numTensors;
  for (const { id, run, probe, centers } of results) {
    const bad = diverged[id] || !probe.points.every(Number.isFinite);
    diverged[id] = bad;
    lastAccuracy[id] = probe.accuracy;
    post({
      type: 'snapshot', session, run: id,
      metrics: {
        step: run.step, softmaxLoss: lastLosses[id]?.[0] ?? NaN, centerLoss: lastLosses[id]?.[1] ?? NaN,
        lambda: run.hyper.lambda, alpha: run.hyper.alpha, accuracy: probe.accuracy,
        stepsPerSec: bad ? 0 : rateOf(id), diverged: bad,
      },
      points: probe.points, centers, predictions: probe.predictions, numTensors, probeEvery,
    }, [probe.points.buffer, centers.buffer, probe.predictions.buffer]);
  }
  // The drawn digit follows the runs: embedded with the same weights as the probe points just posted.
  await embedDrawing();
  const dt = performance.now() - t0;
  probeMs = probeMs ? 0.7 * probeMs + 0.3 * dt : dt;
  if (pairMs > 0) probeEvery = Math.max(1, Math.min(500, Math.ceil(probeMs / (PROBE_BUDGET * pairMs))));
  stepsSinceProbe = 0;
  // Windows run from the start of one snapshot to the start of the next: steps/s includes the probing.
  lastSnapshot = { time: t0, steps: Object.fromEntries(ids.map((id) => [id, runs![id]!.step])) };
  if (performance.now() - lastCheckpoint >= CHECKPOINT_MS) await checkpoint();
}

/** The training loop: one pair of steps per task, yielding to the message queue in between. */
function tick(): void {
  if (ticking || !runs || (!training && pendingSteps === 0)) return;
  ticking = true;
  let wait = 0;
  enqueue(async () => {
    try {
      const roundStart = performance.now();
      const manual = pendingSteps > 0 && !training;
      if (manual) pendingSteps--;
      await trainPair();
      const due = stepsSinceProbe >= probeEvery && performance.now() - lastSnapshot.time >= MIN_SNAPSHOT_MS;
      const allDiverged = ids.every((id) => diverged[id]);
      if (manual || due || allDiverged) await snapshot();
      if (allDiverged && training) { training = false; postStatus(); }
      // The speed limit: one round (a step of every run) at most every 1/speed seconds.
      const speed = config?.speed ?? 0;
      if (training && speed > 0) wait = Math.max(0, 1000 / speed - (performance.now() - roundStart));
    } finally {
      ticking = false;
    }
    setTimeout(tick, wait);
  });
}

setInterval(() => post({ type: 'heartbeat', session: requested, busyMs: pairMs }), 1000);

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'init':
      enqueue(() => init(m));
      break;
    case 'train':
      training = true;
      postStatus();
      tick();
      break;
    case 'pause':
      training = false;
      postStatus();
      enqueue(snapshot);
      break;
    case 'step':
      pendingSteps++;
      tick();
      break;
    case 'reset':
      training = false;
      pendingSteps = 0;
      requested = m.session;
      config = m.config;
      enqueue(async () => {
        session = m.session;
        if (!data) return;
        const probeChanged = m.config.probe !== probeIdx.length;
        if (probeChanged) buildProbe(m.config.probe);
        buildRuns(m.config);
        if (probeChanged) postReady();
        postStatus();
        await snapshot();
      });
      break;
    case 'rollback': {
      const id = m.run;
      enqueue(async () => {
        const cp = good[id];
        if (!runs?.[id] || !cp) {
          post({ type: 'error', session, fatal: false, message: 'There is no good checkpoint of this run to roll back to yet; press Reset.' });
          return;
        }
        restoreRun(id, cp);
        post({ type: 'rolledback', session, run: id, step: cp.step });
        await snapshot();
        tick();
      });
      break;
    }
    case 'save': {
      const { run: id, name } = m;
      enqueue(async () => {
        const run = runs?.[id];
        if (!run || !config) return;
        const checkpoint = await run.checkpoint();
        const meta = {
          version: SAVE_VERSION, run: id, model, seed: config.seed, lambda: run.hyper.lambda, alpha: run.hyper.alpha,
          update: run.hyper.update, lr: run.hyper.lr, batch: batchFor(config), accuracy: lastAccuracy[id] ?? 0,
        };
        const { json, weights } = await encodeRun({ meta, checkpoint, cursor: batchers[id]!.state }, name);
        post({ type: 'saved', session, run: id, name, json: JSON.stringify(json), weights }, [weights]);
      });
      break;
    }
    case 'load': {
      const { run: id, files } = m;
      enqueue(async () => {
        if (!runs?.[id] || !config) return;
        try {
          await loadRun(id, files);
        } catch (e) {
          const why = e instanceof SaveFileError ? e.message : `it could not be read (${e instanceof Error ? e.message : e})`;
          post({ type: 'error', session, fatal: false, message: `Could not load the run: ${why}. Nothing was changed.` });
        }
      });
      break;
    }
    case 'embed':
      // Only the newest drawing matters: one embedding queued at a time, reading `drawing` when it runs.
      drawing = m.pixels ? { id: m.id, pixels: m.pixels } : null;
      if (drawing && !embedQueued) {
        embedQueued = true;
        enqueue(async () => { embedQueued = false; await embedDrawing(); });
      }
      break;
    case 'debug':
      if (import.meta.env.MODE !== 'e2e') break; // test hooks exist only in the e2e build
      if (m.action === 'lose-device') (tf.backend() as WebGPUBackend).device?.destroy();
      if (m.action === 'crash') setTimeout(() => { throw new Error('test hook: the worker crashed'); });
      if (m.action === 'poison') enqueue(() => { // makes one run's weights NaN, as a diverging run would
        const v = runs?.[m.run ?? 'center']?.net.vars[0];
        if (v) tf.tidy(() => v.assign(tf.fill(v.shape, NaN)));
      });
      if (m.action === 'hang') { const end = Date.now() + 600_000; while (Date.now() < end) { /* busy */ } }
      break;
    case 'set': {
      // Takes effect on the next step of each run; no restart.
      if (!config) break;
      config = { ...config, ...m.patch };
      if (!runs) break;
      for (const id of ids) runs[id]!.hyper = { ...runs[id]!.hyper, ...hyperOf(id, config) };
      break;
    }
  }
};
