/**
 * The training worker: owns TensorFlow.js (WebGPU backend, else the best fallback), the MNIST data,
 * the runs (2–6 of them: see activeRuns) and their optimisers. The UI thread never runs tensor code;
 * it sends ToWorker messages and receives FromWorker ones.
 *
 * This file only dispatches messages to the worker's one state object (host.ts) and beats the
 * heartbeat. Every run of a session starts from the same weights and centers (same seed) and trains
 * on the same batches in the same order (src/train/recipe.ts); their steps interleave one for one.
 * Every `probeEvery` rounds (adaptive, probeSchedule.ts) every run embeds the fixed probe set and
 * the embeddings are transferred to the UI.
 */
import { WorkerHost } from './host';
import type { ToWorker } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

/** How often the worker says it is alive. */
const HEARTBEAT_MS = 1000;

function main(): void {
  const host = new WorkerHost((m, transfer) => self.postMessage(m, transfer));
  // busyMs: the moving average of one training round (probing excluded); the UI's hang watchdog allows several times it.
  setInterval(() => host.out.toPage({ type: 'heartbeat', busyMs: host.roundMs }), HEARTBEAT_MS);
  self.onmessage = (e: MessageEvent<ToWorker>) => {
    const m = e.data;
    if (m.type !== 'debug') host.handle(m);
    else if (import.meta.env.MODE === 'e2e') void import('./testHooks').then(({ runTestHook }) => runTestHook(host, m));
  };
}

main();
