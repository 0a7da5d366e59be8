/**
 * Starts a TensorFlow.js backend (trying them in `backendOrder`; backendChoice.ts decides from the
 * attempts) and, on WebGPU, Flock's kernels: the center-loss WGSL kernels and the convolution
 * kernels, each self-checked once and replaced by the composed/tfjs ops if the check fails.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { composedCenterLoss, type CenterLossOps } from '../train/centerLoss';
import { centerLossFor, validateCenterLossKernels } from '../train/centerLossWebgpu';
import { registerConvKernels, setConvKernels, tuneConvKernels, validateConvKernels } from '../train/convKernelsWebgpu';
import { tuneWebgpu } from '../train/webgpuTuning';
import { backendOrder, chooseBackend, type AdapterFacts, type BackendAttempt, type BackendChoice } from './backendChoice';
import type { BackendName, ConvKernelChoice } from './protocol';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function tryBackend(b: BackendName): Promise<BackendAttempt> {
  let adapter: AdapterFacts | undefined;
  if (b === 'webgpu') {
    const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
    if (!gpu) return { backend: b, outcome: 'no-webgpu' };
    const a = await gpu.requestAdapter().catch(() => null);
    if (!a) return { backend: b, outcome: 'no-adapter' };
    const info = (a as GPUAdapter & { info?: GPUAdapterInfo }).info;
    adapter = { vendor: info?.vendor, architecture: info?.architecture, description: info?.description, isFallbackAdapter: (a as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter };
  }
  try {
    if (!(await tf.setBackend(b))) return { backend: b, outcome: 'refused' };
    await tf.ready();
    return { backend: b, outcome: 'started', adapter };
  } catch (e) {
    return { backend: b, outcome: 'failed', error: message(e) };
  }
}

/** Starts the first backend of the preference order that works. */
export async function startBackend(pref: 'auto' | BackendName): Promise<BackendChoice> {
  const attempts: BackendAttempt[] = [];
  for (const b of backendOrder(pref)) {
    const a = await tryBackend(b);
    attempts.push(a);
    if (a.outcome === 'started') break;
  }
  return chooseBackend(pref, attempts);
}

/** The kernels in use, and the conv self-check still running (await it before the first step). */
export interface Kernels { lossOps: CenterLossOps; convKernels?: ConvKernelChoice; convCheck: Promise<void> }

/**
 * Sets up the kernels for the started backend. `notice` hears a non-fatal fallback (a self-check that
 * failed); `deviceLost` hears the WebGPU device's loss (tfjs has no handling of it).
 */
export async function setUpKernels(
  choice: BackendChoice, kernels: ConvKernelChoice | undefined, notice: (message: string) => void, deviceLost: (message: string) => void,
): Promise<Kernels> {
  let convKernels: ConvKernelChoice | undefined;
  if (choice.backend === 'webgpu') {
    void (tf.backend() as WebGPUBackend).device.lost.then((info) => deviceLost(info.message || `reason: ${info.reason}`));
    tuneWebgpu(choice.software);
    registerConvKernels();
    tuneConvKernels(choice.software);
    convKernels = kernels === 'tfjs' ? 'tfjs' : 'flock';
    setConvKernels(convKernels === 'flock');
  }
  let lossOps = centerLossFor(choice.backend);
  if (lossOps.id === 'wgsl') {
    try {
      await validateCenterLossKernels();
    } catch (e) {
      lossOps = composedCenterLoss;
      notice(`The WebGPU center-loss kernel failed its self-check, so composed ops are used instead (${message(e)}).`);
    }
  }
  const result: Kernels = { lossOps, convKernels, convCheck: Promise.resolve() };
  // The conv kernels' self-check (after the center-loss one: WebGPU error scopes are a stack) compiles
  // its programs while the data downloads; awaited before the first step.
  if (convKernels === 'flock') {
    result.convCheck = validateConvKernels().catch((e: unknown) => {
      result.convKernels = 'tfjs';
      setConvKernels(false);
      notice(`The WebGPU convolution kernels failed their self-check, so tfjs' own are used instead (${message(e)}).`);
    });
  }
  return result;
}
