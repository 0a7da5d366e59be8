/** Convolution kernels on WebGPU: Flock's WGSL (src/train/convKernelsWebgpu.ts) or tfjs' own. */
export type ConvKernelChoice = 'flock' | 'tfjs';

/** The page URL's `kernels` flag (a developer switch for comparisons, not a control): 'tfjs' or the default 'flock'. */
export function convKernelsFromUrl(search: string): ConvKernelChoice {
  return new URLSearchParams(search).get('kernels') === 'tfjs' ? 'tfjs' : 'flock';
}
