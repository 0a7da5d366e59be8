/**
 * One training session: the runs one 'init' or 'reset' built, their config and model. Each run has a
 * slot (run, data cursor, last good checkpoint, diverged, last losses, last probe accuracy); the
 * session trains them a round at a time, probes them into snapshots, checkpoints them, and puts a run
 * back to a checkpoint. A reset builds a new session; nothing carries over but the probe set.
 */
import * as tf from '@tensorflow/tfjs';
import type { Mnist } from '../data/load';
import type { CenterLossOps } from '../train/centerLoss';
import { AUTO_PRESET, PRESETS, type ModelId } from '../train/presets';
import { runStart, seededBatcher, seededRuns, trainRound, type SeededRun } from '../train/recipe';
import type { RunHyper } from '../train/trainer';
import type { Outbox } from './outbox';
import { ProbeSchedule } from './probeSchedule';
import type { ProbeSet } from './probeSet';
import { activeRuns, resolvedBatch, resolvedLr, runLoss, type RunConfig, type RunId } from '../state/runs';
import type { BackendName, Checkpoint, LiveKey, RunResume } from './protocol';

/** Keep a checkpoint of every run (in the worker and mirrored to the UI) at most this often. */
const CHECKPOINT_MS = 5000;

/** A run and what the worker keeps about it. */
export interface RunSlot extends SeededRun {
  /** The last checkpoint taken while the run was finite: where a fault or a rollback resumes. */
  lastGood?: RunResume;
  /** Loss or weights went NaN/Inf: the run stops stepping. */
  diverged: boolean;
  /** [softmax CE, raw L_C] of its last batch. */
  losses: [number, number];
  /** Probe accuracy at the last snapshot (0..1). */
  accuracy?: number;
}

/** The model a config trains, and why when 'auto' did not pick the GPU default. */
export interface ModelChoice { model: ModelId; modelReason?: string }

/** presets.json "auto": the preset with the shortest expected time-to-picture on a real GPU, else the one that trains on a CPU. */
export function chooseModel(choice: RunConfig['model'], backend: BackendName, software: boolean): ModelChoice {
  if (choice !== 'auto') return { model: choice };
  if (backend === 'webgpu' && !software) return { model: AUTO_PRESET.gpu };
  const gpu = PRESETS[AUTO_PRESET.gpu].label;
  const here = PRESETS[AUTO_PRESET.software].label;
  return {
    model: AUTO_PRESET.software,
    modelReason: backend === 'webgpu'
      ? `The GPU is emulated in software (SwiftShader), where the ${gpu} takes half a minute per step, so the ${here} is the default.`
      : `Running on ${backend.toUpperCase()} instead of WebGPU, so the ${here} is the default; pick the ${gpu} if this machine is fast.`,
  };
}

/** The batch size in force for `model` (0 stands for the preset's). */
export function batchFor(c: RunConfig, model: ModelId): number {
  return resolvedBatch(c, PRESETS[model]);
}

/** A run's hyper-parameters under config `c`: shared optimiser settings plus its own loss, λ, α, s, m, δ, lr_R and update rule. */
export function hyperOf(id: RunId, c: RunConfig, model: ModelId): RunHyper {
  // The preset's lr warm-up applies to Adam (as in the PyTorch reference); the port's SGD settings have none.
  const warmupSteps = c.optimizer === 'adam' ? PRESETS[model].warmupSteps : 0;
  return { optimizer: c.optimizer, lr: resolvedLr(c, PRESETS[model]), warmupSteps, ...runLoss(id, c) };
}

/** What a session needs from the worker: the data, the loss kernels, the backend it runs on. */
export interface SessionEnv { data: Mnist; lossOps: CenterLossOps; backend: BackendName; software: boolean }

export class TrainingSession {
  readonly slots: Map<RunId, RunSlot>;
  readonly model: ModelId;
  readonly modelReason?: string;
  readonly schedule: ProbeSchedule;
  private lastCheckpoint = 0;

  /** Builds every run of `config` from its seed: same weights, same centers, same batch order. */
  constructor(private readonly env: SessionEnv, public config: RunConfig, readonly session: number) {
    ({ model: this.model, modelReason: this.modelReason } = chooseModel(config.model, env.backend, env.software));
    const ids = activeRuns(config);
    const runs = seededRuns(ids, {
      start: runStart(PRESETS[this.model], config.seed), batch: batchFor(config, this.model), trainSize: env.data.trainLabels.length,
      ops: env.lossOps, hyper: (id) => hyperOf(id, config, this.model), name: (id) => `s${session}/${id}`,
    });
    this.slots = new Map(ids.map((id) => [id, { ...runs.get(id)!, diverged: false, losses: [NaN, NaN] }]));
    this.schedule = new ProbeSchedule(performance.now(), new Map(ids.map((id) => [id, 0])));
  }

  get ids(): RunId[] {
    return [...this.slots.keys()];
  }

  get allDiverged(): boolean {
    return [...this.slots.values()].every((s) => s.diverged);
  }

  /** Applies live settings (λ, α, lr, update rule, optimiser, speed): each run's next step uses them. */
  set(patch: Partial<Pick<RunConfig, LiveKey>>): void {
    this.config = { ...this.config, ...patch };
    for (const [id, s] of this.slots) s.run.hyper = { ...s.run.hyper, ...hyperOf(id, this.config, this.model) };
  }

  /** One round: a step of every live run (runs at the same data cursor share the batch). */
  async round(): Promise<void> {
    const t0 = performance.now();
    const live = [...this.slots.values()].filter((s) => !s.diverged);
    const losses = await trainRound(live, this.env.data);
    live.forEach((s, i) => {
      s.losses = losses[i];
      if (!losses[i].every(Number.isFinite)) s.diverged = true;
    });
    this.schedule.roundDone(performance.now() - t0);
  }

  /** Puts one run back to a checkpoint (weights, optimiser, centers, step, data cursor). */
  restore(id: RunId, cp: RunResume): void {
    const s = this.slots.get(id)!;
    s.run.restore(cp);
    s.batcher = seededBatcher(this.env.data.trainLabels.length, batchFor(this.config, this.model), this.config.seed, cp.cursor);
    s.diverged = false;
    s.losses = [NaN, NaN];
    this.schedule.forget(id); // its step jumped: no rate until the next window
  }

  /** Restores every run a checkpoint of the same model holds, and keeps it as that run's last good state. */
  resume(cp: Checkpoint | undefined): void {
    if (!cp || cp.model !== this.model) return;
    for (const [id, s] of this.slots) {
      const r = cp.runs[id];
      if (r) { this.restore(id, r); s.lastGood = r; }
    }
  }

  /**
   * Probes every run, then posts one snapshot per run (so the panels always show the same step), then
   * `after` (the drawn digit follows with the same weights), then a checkpoint when one is due.
   * Stops without posting when a reset is waiting.
   */
  async snapshot(probe: ProbeSet, out: Outbox, after: () => Promise<void>): Promise<void> {
    const t0 = performance.now();
    const cancelled = () => out.resetWaiting; // a reset is waiting: drop this snapshot rather than finish it
    const chunk = PRESETS[this.model].stages.length ? 100 : 500; // probe digits per dispatch (fewer for the CNNs)
    const results = await Promise.all(this.ids.map(async (id) => {
      const run = this.slots.get(id)!.run;
      const [p, { centers, ...geometry }] = await Promise.all([run.probe(probe.x, probe.labels, chunk, cancelled), run.geometry()]);
      return { id, probe: p, centers, geometry };
    }));
    if (cancelled() || results.some((r) => !r.probe)) return;
    const numTensors = tf.memory().numTensors;
    for (const { id, probe: p, centers, geometry } of results) {
      const s = this.slots.get(id)!;
      const { points, predictions, accuracy } = p!;
      s.diverged = s.diverged || !points.every(Number.isFinite);
      s.accuracy = accuracy;
      out.aboutRuns({
        type: 'snapshot', run: id,
        metrics: {
          step: s.run.step, softmaxLoss: s.losses[0], centerLoss: s.losses[1],
          lambda: s.run.hyper.lambda, alpha: s.run.hyper.alpha, accuracy,
          stepsPerSec: s.diverged ? 0 : this.schedule.rate(id, s.run.step, t0), diverged: s.diverged,
        },
        points, centers, predictions, numTensors, probeEvery: this.schedule.probeEvery, geometry,
      }, [points.buffer, centers.buffer, predictions.buffer, geometry.classDirections.buffer]);
    }
    await after();
    this.schedule.probed(t0, performance.now() - t0, new Map(this.ids.map((id) => [id, this.slots.get(id)!.run.step])));
    if (performance.now() - this.lastCheckpoint >= CHECKPOINT_MS) out.aboutRuns({ type: 'checkpoint', checkpoint: await this.checkpoint() });
  }

  /** Reads every finite run's full state and keeps it as that run's last good state; the result mirrors them all. */
  async checkpoint(): Promise<Checkpoint> {
    for (const s of this.slots.values()) {
      if (s.diverged) continue;
      const cp = await s.run.checkpoint();
      if (![cp.weights, cp.centers, cp.embedStats ?? []].every((a) => a.every(Number.isFinite))) { s.diverged = true; continue; }
      s.lastGood = { ...cp, cursor: s.batcher.state };
    }
    this.lastCheckpoint = performance.now();
    const runs = Object.fromEntries([...this.slots].flatMap(([id, s]) => (s.lastGood ? [[id, s.lastGood]] : [])));
    // Structured clone copies the arrays, so the worker keeps its own.
    return { config: this.config, model: this.model, runs };
  }

  dispose(): void {
    for (const s of this.slots.values()) s.run.dispose();
  }
}
