/** Types of webgpu-probe.mjs (see there). */

export interface WebGPUProbe {
  available: boolean;
  /** Why not, where not available. */
  reason: string;
  /** Vendor, architecture, description of the adapter, where available. */
  adapter?: string;
  /** Browser version as Playwright reports it. */
  version: string;
}

export const WEBGPU_ENV: 'FLOCK_WEBGPU';
export function probeWebGPU(executablePath: string, options?: { args?: string[]; timeoutMs?: number }): Promise<WebGPUProbe>;
export function describeWebGPU(r: WebGPUProbe): string;
export function webgpuToEnv(r: WebGPUProbe): string;
export function webgpuFromEnv(env?: Record<string, string | undefined>): { available: boolean; reason: string };
export function checkBrowser(path: string, source: string): Promise<{ ok: boolean; lines: string[]; env?: string }>;
