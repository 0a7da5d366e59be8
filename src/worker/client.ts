/** The UI side of the worker protocol: spawns the module worker and types its messages. */
import type { FromWorker, ToWorker } from './protocol';

export class TrainerClient {
  private readonly worker: Worker;

  constructor(onMessage: (m: FromWorker) => void, onCrash: (message: string) => void) {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'flock-trainer' });
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
    this.worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      onCrash(e.message || 'the training worker failed to start');
    };
    this.worker.onmessageerror = () => onCrash('a message from the training worker could not be read');
  }

  send(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  terminate(): void {
    this.worker.terminate();
  }
}
