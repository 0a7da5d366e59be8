/**
 * Test hooks, compiled in only for `vite build --mode e2e` (import.meta.env.MODE is replaced at
 * build time, so production bundles drop this code): window.__flockScatter[run] is that panel's
 * Scatter, whose screenPosition(i) / getDomain() / settled() the e2e specs read.
 */
import type { Scatter } from './scatter/Scatter';

declare global {
  interface Window {
    __flockScatter?: Record<string, Scatter>;
  }
}

/** Register a scatter under `id`; returns the unregister function. */
export function exposeScatter(id: string | undefined, s: Scatter): () => void {
  if (import.meta.env.MODE !== 'e2e' || !id) return () => {};
  const reg = (window.__flockScatter ??= {});
  reg[id] = s;
  return () => {
    if (reg[id] === s) delete reg[id];
  };
}
