/** The UI side of the worker protocol: spawns the module worker (training, or replaying a recording) and types its messages. */
import { convKernelsFromUrl, type FromWorker, type ToWorker } from './protocol';

export class TrainerClient {
  private readonly worker: Worker;

  /** `replay`: start the replay worker (plays a recorded run) instead of the training worker. */
  constructor(onMessage: (m: FromWorker) => void, onCrash: (message: string) => void, replay = false) {
    // Two literal `new Worker(new URL(...))` expressions, so the bundler emits each worker as its own chunk.
    this.worker = replay
      ? new Worker(new URL('./replay.ts', import.meta.url), { type: 'module', name: 'flock-replay' })
      : new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'flock-trainer' });
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
    this.worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      onCrash(e.message || 'the training worker failed to start');
    };
    this.worker.onmessageerror = () => onCrash('a message from the training worker could not be read');
  }

  send(m: ToWorker): void {
    // The page URL's ?kernels= flag rides along with init (the worker cannot see the page URL).
    if (m.type === 'init' && m.kernels === undefined) m = { ...m, kernels: convKernelsFromUrl(globalThis.location?.search ?? '') };
    this.worker.postMessage(m);
  }

  terminate(): void {
    this.worker.terminate();
  }
}
