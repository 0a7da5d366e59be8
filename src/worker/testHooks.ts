/**
 * Test hooks of the training worker (the 'debug' message), loaded only in the e2e build: worker.ts
 * imports this module dynamically inside `import.meta.env.MODE === 'e2e'`, so `vite build` leaves
 * it out of the bundle users download.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { WorkerHost } from './host';
import type { ToWorker } from './protocol';

export function runTestHook(host: WorkerHost, m: Extract<ToWorker, { type: 'debug' }>): void {
  switch (m.action) {
    case 'lose-device':
      (tf.backend() as WebGPUBackend).device?.destroy();
      break;
    case 'crash':
      setTimeout(() => { throw new Error('test hook: the worker crashed'); });
      break;
    case 'poison':
      host.queue.enqueue(() => { // makes one run's weights NaN, as a diverging run would
        const v = host.session?.slots.get(m.run ?? 'center')?.run.net.vars[0];
        if (v) tf.tidy(() => v.assign(tf.fill(v.shape, NaN)));
      });
      break;
    case 'hang': {
      const end = Date.now() + 600_000;
      while (Date.now() < end) { /* busy */ }
      break;
    }
  }
}
