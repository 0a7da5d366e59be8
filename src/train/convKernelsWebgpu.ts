/**
 * The kernels of a CNN training step in WGSL for the tfjs WebGPU backend, replacing tfjs' own
 * programs where a profile of the `conv` and `small` presets on SwiftShader showed them dominating
 * (README "Performance"; bench/conv.mjs). DOM-free: runs in the training worker.
 *
 * Registered over tfjs' own 'webgpu' kernels under the same names (Conv2D, Conv2DBackpropFilter,
 * Conv2DBackpropInput, Add, Sum) plus a wrapped Prelu gradient; each registered function runs our
 * program while `setConvKernels(true)` (the default) and the shape is one we handle (NHWC, stride 1,
 * dilation 1, float32; a bias add a[…, C] + b[C]; a sum over leading axes; a single PReLU slope),
 * and tfjs' own kernel function otherwise, so the switch works at run time (the worker reads it from
 * the page URL, ?kernels=tfjs). The first run of each program is wrapped in a WebGPU validation error
 * scope; a program that fails is poisoned and that shape goes back to tfjs' kernel (webgpuGuard.ts,
 * shared with centerLossWebgpu.ts, which throws instead); `validateConvKernels()` checks every
 * program against tfjs' kernels at start-up and the worker switches ours off if anything disagrees.
 *
 * Where the parts are: conv/plan.ts (shapes, tuning, work plans), conv/programsFilterGrad.ts (the
 * filter gradient and chunk sum), conv/programsDirect.ts (forward conv and input gradient),
 * conv/programsElementwise.ts (bias add, leading-axes sum, PReLU gradient), conv/kernels.ts (when
 * each applies), conv/registry.ts (registration, switch, fallback); this file is the API.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { GPU_TUNING, SOFTWARE_TUNING, planFilterGrad, type ConvShape, type FilterGradPlan, type FilterGradTuning } from './conv/plan';
import { ConvKernelRegistry } from './conv/registry';

export { CONV_KERNELS, KERNEL_PRELU_GRAD, type ConvKernelName } from './conv/registry';
export { presetConvLayers, type ConvShape, type FilterGradPlan, type FilterGradTuning } from './conv/plan';

/** The conv kernels' state. One per page/worker: tfjs' kernel registry, which it fills, is global too. */
const kernels = new ConvKernelRegistry();

/** Calls that went to tfjs' kernel because ours were off or poisoned, and to ours (for tests). */
export const convKernelCalls = kernels.calls;

/** Chooses the filter-gradient tuning for a software (true) or hardware adapter. */
export function tuneConvKernels(software: boolean): void { kernels.tuning = software ? SOFTWARE_TUNING : GPU_TUNING; }
/** Test/benchmark hook: override parts of the current tuning (null: back to the hardware tuning). */
export function setFilterGradTuning(t: Partial<FilterGradTuning> | null): void { kernels.tuning = t ? { ...kernels.tuning, ...t } : GPU_TUNING; }
/** The filter-gradient plan of a shape under the current tuning. */
export function filterGradPlan(s: ConvShape): FilterGradPlan { return planFilterGrad(s, kernels.tuning); }

/**
 * Registers our kernels over tfjs' own for 'webgpu' (idempotent; call after the webgpu backend is
 * registered, i.e. after importing '@tensorflow/tfjs-backend-webgpu'). tfjs' functions are kept
 * and used when ours are off.
 */
export function registerConvKernels(): void { kernels.register(); }

/** The Conv2DBackpropFilter kernel on the current backend (tfjs exports no op for it), stride 1. */
export function conv2dFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], pad: 'same' | 'valid' = 'same'): tf.Tensor4D {
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [1, 1], pad, dataFormat: 'NHWC', filterShape } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/** Our kernels on (true) or tfjs' own (false). Takes effect at the next call. */
export function setConvKernels(on: boolean): void { kernels.enabled = on; }
export function convKernelsOn(): boolean { return kernels.active; }

/**
 * Start-up check (backend must be 'webgpu'): each of our kernels against tfjs' own on small shapes,
 * under a validation error scope. Throws on an error or a mismatch (relative 1e-3: a smoke test
 * against silently-zero outputs; the precision test is the e2e spec against the CPU backend).
 */
export async function validateConvKernels(): Promise<void> {
  if (tf.getBackend() !== 'webgpu') throw new Error(`validateConvKernels: backend is '${tf.getBackend()}', not webgpu`);
  registerConvKernels();
  const device = (tf.backend() as WebGPUBackend).device;
  const was = kernels.enabled;
  const cases = [{ x: [3, 9, 7, 3], filter: [5, 5, 3, 6] }, { x: [2, 6, 6, 1], filter: [5, 5, 1, 4] }];
  try {
    for (const c of cases) {
      const n = (sh: number[]) => sh.reduce((a, b) => a * b, 1);
      const xs = tf.tensor4d(Float32Array.from({ length: n(c.x) }, (_, i) => Math.sin(i * 1.3)), c.x as [number, number, number, number]);
      const dyShape = [c.x[0], c.x[1], c.x[2], c.filter[3]] as [number, number, number, number];
      const dys = tf.tensor4d(Float32Array.from({ length: n(dyShape) }, (_, i) => Math.cos(i * 0.7)), dyShape);
      const ws = tf.tensor4d(Float32Array.from({ length: n(c.filter) }, (_, i) => Math.sin(i * 0.37)), c.filter as [number, number, number, number]);
      const all = (on: boolean): tf.Tensor[] => {
        kernels.enabled = on;
        return [
          conv2dFilterGrad(xs, dys, c.filter),
          tf.conv2d(xs, ws, 1, 'same'),
          tf.tidy(() => tf.grad((v: tf.Tensor) => tf.conv2d(v as tf.Tensor4D, ws, 1, 'same'))(xs, dys)),
          // A whole layer as the models use it: bias add, PReLU, and their gradients (Add, Sum, PReLU gradient).
          ...tf.tidy(() => {
            const bias = tf.tensor1d(Array.from({ length: c.filter[3] }, (_, i) => Math.cos(i * 2.1)));
            const f = (v: tf.Tensor, bb: tf.Tensor, a: tf.Tensor) =>
              tf.sum(tf.mul(tf.prelu(tf.add(tf.conv2d(v as tf.Tensor4D, ws, 1, 'same'), bb), a), dys));
            const { value, grads } = tf.valueAndGrads(f)([xs, bias, tf.scalar(0.25)]);
            return [value, ...grads];
          }),
        ];
      };
      device.pushErrorScope('validation');
      // Both sets are dispatched synchronously and the switch restored before any await, so other
      // work interleaved with this check (e.g. a data download's callbacks) never sees it flipped.
      const ours = all(true);
      const theirs = all(false);
      kernels.enabled = was;
      const values = await Promise.all([...ours, ...theirs].map((t) => t.data()));
      const err = await device.popErrorScope();
      tf.dispose([xs, dys, ws, ...ours, ...theirs]);
      if (err) throw new Error(`Flock conv WGSL kernels failed WebGPU validation: ${err.message}`);
      ['Conv2DBackpropFilter', 'Conv2D', 'Conv2DBackpropInput', 'layer value', 'layer dx', 'layer db', 'layer dα'].forEach((name, i) => {
        const a = values[i];
        const b = values[i + ours.length];
        for (let k = 0; k < b.length; k++) {
          if (!(Math.abs(a[k] - b[k]) <= 1e-3 * Math.max(1, Math.abs(b[k])))) {
            throw new Error(`Flock conv WGSL self-check failed (${JSON.stringify(c)}, ${name}[${k}]: ${a[k]} vs ${b[k]})`);
          }
        }
      });
    }
  } finally {
    kernels.enabled = was;
  }
}
