/**
 * The replay worker: plays a recorded run (public/recordings/<model>.json, made by the PyTorch
 * reference with the app's math) through the same protocol as the training worker, so the same panels,
 * charts, contrast readout and exports show it. It trains nothing and loads no TensorFlow.js; it loads
 * MNIST only for the probe digits' pixels (tooltips). Train plays the frames, Pause stops, Step shows
 * the next frame, Reset returns to step 0. Controls that would change training do not apply to a recording.
 */
import { loadMnist } from '../data/load';
import { DataError } from '../data/idx';
import { decodeRecording, type Recording } from '../data/recording';
import type { ModelId } from '../train/presets';
import type { FromWorker, RunId, ToWorker } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

/** Frames shown per second while playing (a 1,500-step recording of ~70 frames plays in ~20 s at ≤ 0 speed limit). */
const FRAMES_PER_SECOND = 4;

function post(m: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(m, transfer);
}

/** The player's state: one object, created by 'init'. */
class Player {
  frame = 0;
  playing = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private session: number, private readonly rec: Recording, private readonly modelId: ModelId) {}

  /** Posts every run's state at the current frame. */
  show(): void {
    const f = this.rec.frames[this.frame];
    const prev = this.rec.frames[Math.max(0, this.frame - 1)];
    for (const id of ['softmax', 'center'] as const satisfies readonly RunId[]) {
      const r = f.runs[id];
      const points = r.points.slice();
      const centers = r.centers.slice();
      const predictions = r.predictions.slice();
      post({
        type: 'snapshot', session: this.session, run: id,
        metrics: {
          step: f.step, softmaxLoss: r.softmaxLoss, centerLoss: r.centerLoss, lambda: this.rec.lambdas[id],
          alpha: this.rec.settings.alpha, accuracy: r.accuracy,
          stepsPerSec: this.playing ? (f.step - prev.step) * FRAMES_PER_SECOND : 0, diverged: false,
        },
        points, centers, predictions, numTensors: 0, probeEvery: Math.max(1, f.step - prev.step),
      }, [points.buffer, centers.buffer, predictions.buffer]);
    }
  }

  status(): void {
    post({ type: 'status', session: this.session, training: this.playing, model: this.modelId });
  }

  play(): void {
    if (this.playing) return;
    if (this.frame >= this.rec.frames.length - 1) { this.frame = 0; this.show(); }
    this.playing = true;
    this.status();
    this.schedule();
  }

  pause(): void {
    this.playing = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.status();
  }

  step(): void {
    if (this.frame < this.rec.frames.length - 1) { this.frame++; this.show(); }
  }

  reset(session: number): void {
    this.pause();
    this.session = session;
    this.frame = 0;
    this.status();
    this.show();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      if (!this.playing) return;
      this.step();
      if (this.frame >= this.rec.frames.length - 1) this.pause(); // the end of the recording
      else this.schedule();
    }, 1000 / FRAMES_PER_SECOND);
  }
}

/** Fetches and decodes the recording of `model` next to the data folder. */
async function fetchRecording(base: string, model: string): Promise<Recording> {
  const name = `recordings/${model}.json`;
  let res: Response;
  try {
    res = await fetch(new URL(name, base).href);
  } catch (e) {
    throw new DataError(`${name}: download failed (${e instanceof Error ? e.message : e})`, name);
  }
  if (!res.ok) throw new DataError(`${name}: HTTP ${res.status} ${res.statusText}`.trimEnd(), name);
  let json: unknown;
  try {
    json = JSON.parse(await res.text());
  } catch (e) {
    throw new DataError(`${name}: not valid JSON (${e instanceof Error ? e.message : e})`, name);
  }
  return decodeRecording(json, name);
}

/** The worker's one object: the player once 'init' has loaded the recording, and the message queue. */
class ReplayHost {
  private player: Player | null = null;
  private session = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor() {
    setInterval(() => post({ type: 'heartbeat', session: this.session, busyMs: 0 }), 1000);
  }

  /** Messages are handled in order; a failure is reported like the training worker's. */
  handle(m: ToWorker): void {
    this.chain = this.chain.then(async () => {
      switch (m.type) {
        case 'init': return this.init(m);
        case 'train': return this.player?.play();
        case 'pause': return this.player?.pause();
        case 'step': return this.player?.step();
        case 'reset': this.session = m.session; return this.player?.reset(m.session);
        case 'save': case 'load': case 'rollback':
          post({ type: 'refused', session: this.session, id: m.id, request: m.type, reason: 'no-run', message: 'This is a recorded run: there are no weights to save, load or roll back. Train live to do that.' });
          return;
        case 'embed': // the UI hides the draw pad during a replay; this answers anything that sends one anyway
          if (m.pixels) post({ type: 'error', session: this.session, fatal: false, message: 'A recorded run cannot embed new digits: its weights were not recorded. Train live to draw a digit.' });
          return;
        default: return; // 'set' and test hooks: a recording cannot change
      }
    }).catch((err: unknown) => {
      post({ type: 'error', session: this.session, message: err instanceof Error ? err.message : String(err), file: err instanceof DataError ? err.file : undefined, fatal: !this.player });
    });
  }

  private async init(m: Extract<ToWorker, { type: 'init' }>): Promise<void> {
    this.session = m.session;
    const model = m.replay;
    if (!model) throw new Error('the replay worker was started without a recording to play');
    const [rec, data] = await Promise.all([
      fetchRecording(m.dataBase, model),
      loadMnist(m.dataBase, (p) => post({ type: 'progress', session: this.session, file: p.file, loaded: p.overallLoaded, total: p.overallTotal })),
    ]);
    if (rec.model !== model) throw new DataError(`recordings/${model}.json holds a recording of "${rec.model}", not of ${model}`, `recordings/${model}.json`);
    const n = rec.probe.length;
    const probeImages = new Uint8Array(n * 784);
    const probeLabels = new Uint8Array(n);
    rec.probe.forEach((k, i) => {
      probeImages.set(data.testImages.subarray(k * 784, (k + 1) * 784), i * 784);
      probeLabels[i] = data.testLabels[k];
    });
    this.player = new Player(this.session, rec, model);
    const last = rec.frames[rec.frames.length - 1].step;
    post({
      type: 'ready', session: this.session, backend: 'cpu', adapter: 'recorded run', software: true, model,
      probeLabels, probeImages, centerLoss: 'composed',
      replay: { madeBy: rec.madeBy, torch: rec.torch, date: rec.date, settings: rec.settings, steps: last, frames: rec.frames.length },
    }, [probeImages.buffer, probeLabels.buffer]);
    this.player.status();
    this.player.show();
  }
}

const host = new ReplayHost();
self.onmessage = (e: MessageEvent<ToWorker>) => host.handle(e.data);
