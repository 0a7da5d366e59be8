/**
 * Test hooks, compiled in only for `vite build --mode e2e` (import.meta.env.MODE is replaced at
 * build time, so production bundles drop this code): window.__flockScatter[run] is that panel's
 * Scatter, whose screenPosition(i) / getDomain() / settled() the e2e specs read; window.__flockDebug
 * forces a fault in the worker (a lost device, a crash, a hang, a poisoned run).
 */
import type { ScatterTestApi } from './scatter/Scatter';
import type { ToWorker } from '../worker/protocol';
import type { RunId } from '../state/runs';

type DebugAction = Extract<ToWorker, { type: 'debug' }>['action'];

declare global {
  interface Window {
    __flockScatter?: Record<string, ScatterTestApi>;
    __flockDebug?: (action: DebugAction, run?: RunId) => void;
  }
}

/** Register a scatter under `id`; returns the unregister function. */
export function exposeScatter(id: string | undefined, s: ScatterTestApi | null): () => void {
  if (import.meta.env.MODE !== 'e2e' || !id || !s) return () => {};
  const reg = (window.__flockScatter ??= {});
  reg[id] = s;
  return () => {
    if (reg[id] === s) delete reg[id];
  };
}

/** Let the specs force faults through this worker (`send` posts to it); returns the unregister function. */
export function exposeWorkerDebug(send: (m: Extract<ToWorker, { type: 'debug' }>) => void): () => void {
  if (import.meta.env.MODE !== 'e2e') return () => {};
  const hook = (action: DebugAction, run?: RunId) => send({ type: 'debug', action, run });
  window.__flockDebug = hook;
  return () => {
    if (window.__flockDebug === hook) delete window.__flockDebug;
  };
}
