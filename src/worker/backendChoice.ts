/**
 * Which TensorFlow.js backend the worker trains on, decided from what was tried: a pure function
 * (no navigator, no tf) so the wording and the fallback rules are unit-tested. backend.ts does the
 * trying, in `backendOrder`, and stops at the first backend that starts.
 */
import type { BackendName } from './protocol';

/** What the WebGPU adapter says about itself (GPUAdapterInfo, plus `isFallbackAdapter`). */
export interface AdapterFacts {
  vendor?: string;
  architecture?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

/** One backend tried, and how it went. */
export type BackendAttempt =
  | { backend: BackendName; outcome: 'started'; adapter?: AdapterFacts }
  | { backend: 'webgpu'; outcome: 'no-webgpu' | 'no-adapter' }
  | { backend: BackendName; outcome: 'refused' }
  | { backend: BackendName; outcome: 'failed'; error: string };

export interface BackendChoice {
  backend: BackendName;
  /** True where training runs on the CPU: the CPU backend, or WebGPU on a software adapter (SwiftShader, a fallback adapter). */
  software: boolean;
  /** The adapter's vendor/architecture/description on WebGPU, else the backend's name. */
  adapter: string;
  /** Why the page is not on WebGPU (undefined on WebGPU). */
  reason?: string;
}

const ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'cpu'];

/** The backends to try, in order: the preferred one first, then the others best first. */
export function backendOrder(pref: 'auto' | BackendName): BackendName[] {
  return pref === 'auto' ? [...ORDER] : [pref, ...ORDER.filter((b) => b !== pref)];
}

/** A software WebGPU adapter: SwiftShader, or one the browser marks as a fallback. */
export function isSoftwareAdapter(a: AdapterFacts): boolean {
  return a.architecture === 'swiftshader' || /swiftshader/i.test(a.description ?? '') || Boolean(a.isFallbackAdapter);
}

function adapterName(a: AdapterFacts): string {
  return [a.vendor, a.architecture, a.description].filter(Boolean).join(' ') || 'unknown adapter';
}

/** Why an attempt did not give a backend (user-facing wording). */
function failure(a: Exclude<BackendAttempt, { outcome: 'started' }>): string {
  switch (a.outcome) {
    case 'no-webgpu': return 'this browser does not expose WebGPU';
    case 'no-adapter': return 'WebGPU found no usable GPU adapter';
    case 'refused': return `the ${a.backend} backend failed to start`;
    case 'failed': return `the ${a.backend} backend failed: ${a.error}`;
  }
}

/**
 * The outcome of trying backends for preference `pref`: the first one that started, whether it is
 * software, its adapter, and why it is not WebGPU. Throws when none started.
 */
export function chooseBackend(pref: 'auto' | BackendName, attempts: readonly BackendAttempt[]): BackendChoice {
  const reasons: string[] = [];
  for (const a of attempts) {
    if (a.outcome !== 'started') { reasons.push(failure(a)); continue; }
    const backend = a.backend;
    if (backend === 'webgpu') {
      const adapter = a.adapter ?? {};
      return { backend, software: isSoftwareAdapter(adapter), adapter: adapterName(adapter) };
    }
    const joined = reasons.join('; ') || undefined;
    const reason = pref !== 'auto' && pref !== backend ? `${pref} was asked for but is unavailable (${joined})` : joined;
    return { backend, software: backend === 'cpu', adapter: backend, reason };
  }
  throw new Error(`no TensorFlow.js backend could start: ${reasons.join('; ')}`);
}
