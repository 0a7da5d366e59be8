/**
 * The training worker's one state object: what lives as long as the worker (backend, data, kernels,
 * probe set, the drawn digit, the queue and the loop) and the current TrainingSession, which every
 * 'reset' replaces. worker.ts creates one and hands it every message.
 */
import { loadMnist } from '../data/load';
import { DataError } from '../data/idx';
import { PRESETS } from '../train/presets';
import { precompilePipelines } from '../train/warmup';
import { embedDigit } from '../train/embedDigit';
import { setUpKernels, startBackend } from './backend';
import type { BackendChoice } from './backendChoice';
import { TrainingLoop, WorkQueue } from './loop';
import { Outbox } from './outbox';
import { ProbeSet } from './probeSet';
import { answer } from './requests';
import { TrainingSession, batchFor, chooseModel, hyperOf, type ModelChoice, type SessionEnv } from './session';
import type { ConvKernelChoice, FromWorker, LiveKey, RunConfig, ToWorker, WorkerRequest } from './protocol';

type Init = Extract<ToWorker, { type: 'init' }>;

/** What 'ready' reports besides the probe set (kept: a probe-size reset posts 'ready' again). */
interface Started { choice: BackendChoice; env: SessionEnv; convKernels?: ConvKernelChoice }

export class WorkerHost {
  readonly out: Outbox;
  readonly queue: WorkQueue;
  readonly loop: TrainingLoop;
  session: TrainingSession | null = null;
  private started: Started | null = null;
  private probe: ProbeSet | null = null;
  /** The config the UI asked for last ('init', 'reset', then live patches): the next session's. */
  private latestConfig: RunConfig | null = null;
  /** The model 'status' reports before the first session exists. */
  private modelChoice: ModelChoice = { model: 'tiny' };
  /** The GPU device was lost: ops fail from now on, and the 'fault' message already says so. */
  private deviceLost = false;
  /** The digit drawn on the pad (re-embedded after every snapshot), and whether an embedding of it is queued. */
  private drawing: { id: number; pixels: Float32Array } | null = null;
  private embedQueued = false;

  constructor(post: (m: FromWorker, transfer: Transferable[]) => void) {
    this.out = new Outbox(post);
    this.queue = new WorkQueue((e) => this.failed(e));
    this.loop = new TrainingLoop(this.queue, {
      hasRuns: () => this.session !== null,
      round: (single) => this.round(single),
      speed: () => this.session?.config.speed ?? 0,
      stopped: () => this.status(),
    });
  }

  /** A moving average of one training round, for the heartbeat (0 until one is timed). */
  get roundMs(): number {
    return this.session?.schedule.roundMs ?? 0;
  }

  handle(m: Exclude<ToWorker, { type: 'debug' }>): void {
    switch (m.type) {
      case 'init':
        this.out.requested(m.session);
        this.latestConfig = m.config;
        this.queue.enqueue(() => this.init(m));
        break;
      case 'train': this.loop.start(); this.status(); break;
      case 'pause':
        this.loop.pause();
        this.status();
        this.queue.enqueue(() => this.snapshot());
        break;
      case 'step': this.loop.step(); break;
      case 'reset':
        this.loop.stop();
        this.out.requested(m.session);
        this.latestConfig = m.config;
        this.queue.enqueue(() => this.reset(m.session));
        break;
      case 'set': this.set(m.patch); break;
      case 'embed': this.embed(m.id, m.pixels); break;
      case 'save': case 'load': case 'rollback': this.request(m); break;
    }
  }

  status(): void {
    const { model, modelReason } = this.session ?? this.modelChoice;
    this.out.aboutRuns({ type: 'status', training: this.loop.training, model, modelReason });
  }

  /** Probes every run and posts the snapshots; the drawn digit follows. */
  snapshot(): Promise<void> {
    return this.session && this.probe ? this.session.snapshot(this.probe, this.out, () => this.embedDrawing()) : Promise.resolve();
  }

  private failed(e: unknown): void {
    if (this.deviceLost) return; // ops fail after a lost device; the 'fault' message already says what happened
    this.loop.pause();
    const file = e instanceof DataError ? e.file : undefined;
    this.out.aboutRuns({ type: 'error', message: e instanceof Error ? e.message : String(e), file, fatal: !this.session });
    this.status();
  }

  private async init(m: Init): Promise<void> {
    this.out.caughtUp(m.session);
    const notice = (message: string) => this.out.aboutRuns({ type: 'error', fatal: false, message });
    const choice = await startBackend(m.backend);
    const kernels = await setUpKernels(choice, m.kernels, notice, (message) => {
      this.deviceLost = true;
      this.loop.pause();
      this.out.toPage({ type: 'fault', kind: 'device-lost', message });
    });
    // WebGPU: compile the probe's pipelines while the data downloads (they would otherwise compile one
    // after another before the first embedding frame). The training step's compile on first use.
    let warm: Promise<unknown> = Promise.resolve();
    if (choice.backend === 'webgpu') {
      this.modelChoice = chooseModel(m.config.model, choice.backend, choice.software);
      const model = this.modelChoice.model;
      const preset = PRESETS[model];
      const chunk = preset.stages.length ? 100 : 500;
      // After the conv self-check: until it resolves, a pipeline the warm-up shares with another tfjs
      // call is still a promise in tfjs' cache, and that call would throw.
      if (m.warmup !== false) warm = kernels.convCheck.then(() => precompilePipelines(preset, batchFor(m.config, model), chunk, hyperOf('center', m.config, model), kernels.lossOps))
        .catch((e: unknown) => console.warn(`pipeline warm-up failed (the pipelines compile on first use instead): ${e instanceof Error ? e.message : e}`));
    }
    const data = await loadMnist(m.dataBase, (p) => this.out.toPage({ type: 'progress', file: p.file, loaded: p.overallLoaded, total: p.overallTotal }));
    await kernels.convCheck;
    await warm;
    const env: SessionEnv = { data, lossOps: kernels.lossOps, backend: choice.backend, software: choice.software };
    this.started = { choice, env, convKernels: kernels.convKernels };
    const config = this.latestConfig ?? m.config;
    this.probe = new ProbeSet(data, config.probe);
    this.session = new TrainingSession(env, config, m.session);
    this.session.resume(m.resume);
    this.ready();
    await this.snapshot();
    this.status();
  }

  /** Tells the UI what it trains on and sends the probe digits (labels and pixels, transferred). */
  private ready(): void {
    const { choice, env, convKernels } = this.started!;
    const { model, modelReason } = this.session!;
    const { labels, images } = this.probe!.forPage();
    this.out.toPage({
      // What the UI needs whatever session it is in (the probe set is rebuilt and re-sent when its size changes).
      type: 'ready', backend: choice.backend, adapter: choice.adapter, software: choice.software, fallbackReason: choice.reason,
      model, modelReason, probeLabels: labels, centerLoss: env.lossOps.id, convKernels, probeImages: images,
    }, [images.buffer, labels.buffer]);
  }

  /** Rebuilds the runs for the config asked for last (and the probe set if its size changed). */
  private async reset(session: number): Promise<void> {
    this.out.caughtUp(session);
    if (!this.started || !this.latestConfig) return;
    const config = this.latestConfig;
    const probeChanged = config.probe !== this.probe?.size;
    if (probeChanged) {
      this.probe?.dispose();
      this.probe = new ProbeSet(this.started.env.data, config.probe);
    }
    this.session?.dispose();
    this.session = new TrainingSession(this.started.env, config, session);
    if (probeChanged) this.ready();
    this.status();
    await this.snapshot();
  }

  /** Live settings: take effect on the next step of each run; no restart. */
  private set(patch: Partial<Pick<RunConfig, LiveKey>>): void {
    if (this.latestConfig) this.latestConfig = { ...this.latestConfig, ...patch };
    this.session?.set(patch);
  }

  /** One round of the loop, then a snapshot when due (always after a single step); true once every run diverged. */
  private async round(single: boolean): Promise<boolean> {
    const s = this.session!;
    await s.round();
    const allDiverged = s.allDiverged;
    if (single || s.schedule.due(performance.now()) || allDiverged) await this.snapshot();
    return allDiverged;
  }

  private request(m: WorkerRequest): void {
    this.queue.enqueue(async () => {
      const { reply, transfer, changed } = await answer(m, this.session);
      this.out.toPage(reply, transfer);
      if (!changed) return;
      await this.snapshot();
      this.loop.tick(); // a rolled-back run trains on if training is on
    });
  }

  /** Only the newest drawing matters: one embedding queued at a time, reading `drawing` when it runs. */
  private embed(id: number, pixels: Float32Array | null): void {
    this.drawing = pixels ? { id, pixels } : null;
    if (this.drawing && !this.embedQueued) {
      this.embedQueued = true;
      this.queue.enqueue(async () => { this.embedQueued = false; await this.embedDrawing(); });
    }
  }

  /** Embeds the drawn digit with every live run's current weights and posts where each run puts it. */
  private async embedDrawing(): Promise<void> {
    const d = this.drawing;
    const s = this.session;
    if (!d || !s || this.out.resetWaiting) return;
    const live = [...s.slots].filter(([, slot]) => !slot.diverged);
    const results = await Promise.all(live.map(async ([id, slot]) => [id, await embedDigit(slot.run, d.pixels)] as const));
    if (this.out.resetWaiting || this.drawing?.id !== d.id) return; // reset, cleared or redrawn meanwhile
    this.out.aboutRuns({ type: 'embedded', id: d.id, runs: Object.fromEntries(results) });
  }
}
