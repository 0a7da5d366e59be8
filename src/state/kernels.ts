/** Convolution kernels on WebGPU: Flock's WGSL (src/train/convKernelsWebgpu.ts) or tfjs' own. */
export type ConvKernelChoice = 'flock' | 'tfjs';

/** The page URL's `kernels` flag (a developer switch for comparisons, not a control): 'tfjs' or the default 'flock'. */
export function convKernelsFromUrl(search: string): ConvKernelChoice {
  return new URLSearchParams(search).get('kernels') === 'tfjs' ? 'tfjs' : 'flock';
}

/** The page URL's `warmup` flag (a developer switch for the benchmark's first-frame table): `warmup=0` skips the WebGPU pipeline warm-up. */
export function pipelineWarmupFromUrl(search: string): boolean {
  return new URLSearchParams(search).get('warmup') !== '0';
}
