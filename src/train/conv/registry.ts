/**
 * The registration of Flock's conv kernels over tfjs' own 'webgpu' kernels, and the on/off switch.
 * Each registered function runs our kernel (kernels.ts) while the switch is on and the call is one
 * we handle, and tfjs' own kernel function otherwise (counted in `calls`), so the switch works at
 * run time. The PReLU gradient is wrapped the same way: our two elementwise programs and the
 * leading-axes sum for a single slope while on, tfjs' own composition otherwise.
 *
 * All of it is one object's state (the switch, the tuning, tfjs' replaced functions, the guard);
 * convKernelsWebgpu.ts creates the one instance, since tfjs' kernel registry it writes into is global.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { WebgpuGuard } from '../webgpuGuard';
import { biasAddAttempt, directAttempt, filterGradAttempt, sumAttempt, type Attempt, type ConvKernelContext } from './kernels';
import { GPU_TUNING, type FilterGradTuning } from './plan';
import { PreluGradProgram } from './programsElementwise';

export const CONV_KERNELS = ['Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'Add', 'Sum'] as const;
export type ConvKernelName = (typeof CONV_KERNELS)[number];
export const KERNEL_PRELU_GRAD = 'FlockPreluGrad';

const ATTEMPTS: Record<ConvKernelName, Attempt> = {
  Conv2DBackpropFilter: filterGradAttempt,
  Conv2D: directAttempt('forward'),
  Conv2DBackpropInput: directAttempt('input'),
  Add: biasAddAttempt,
  Sum: sumAttempt,
};

export class ConvKernelRegistry implements ConvKernelContext {
  readonly guard = new WebgpuGuard('conv');
  /** Calls that went to our kernels, and to tfjs' because ours were off, poisoned or not applicable. */
  readonly calls = { flock: 0, tfjs: 0 };
  /** Our kernels on (true) or tfjs' own (false); read at every call. */
  enabled = true;
  tuning: FilterGradTuning = GPU_TUNING;
  private readonly original = new Map<ConvKernelName, tf.KernelFunc>();
  private tfjsPreluGrad: tf.GradConfig | undefined;

  /** True once registered and while switched on. */
  get active(): boolean { return this.enabled && this.original.size > 0; }

  /** The registered function: our `attempt` while on, tfjs' kernel where it is off or gives null. */
  private wrap(name: ConvKernelName): tf.KernelFunc {
    const attempt = ATTEMPTS[name];
    return (args) => {
      const out = this.enabled ? attempt(args, this) : null;
      if (out) { this.calls.flock++; return out; }
      this.calls.tfjs++;
      return this.original.get(name)!(args);
    };
  }

  private readonly preluGradKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, alpha, dy } = inputs as { x: tf.TensorInfo; alpha: tf.TensorInfo; dy: tf.TensorInfo };
    const mode = (attrs as { mode: 'x' | 'alpha' }).mode;
    return this.guard.run(backend as WebGPUBackend, new PreluGradProgram(x.shape, mode), mode === 'x' ? [x, alpha, dy] : [x, dy]);
  };

  /**
   * The PReLU gradient on WebGPU while our kernels are on and the slope is a single value (Flock's
   * models): two elementwise dispatches and the leading-axes sum; tfjs' own composition otherwise.
   */
  private readonly preluGrad: tf.GradConfig = {
    kernelName: 'Prelu',
    inputsToSave: ['x', 'alpha'],
    gradFunc: (dy, saved, attrs) => {
      const [x, alpha] = saved;
      const d = dy as tf.Tensor;
      if (!(this.enabled && tf.getBackend() === 'webgpu' && alpha.size === 1 && x.dtype === 'float32' && tf.util.arraysEqual(x.shape, d.shape))) {
        return this.tfjsPreluGrad!.gradFunc(dy, saved, attrs);
      }
      this.calls.flock++;
      return {
        x: () => tf.engine().runKernel(KERNEL_PRELU_GRAD, { x, alpha, dy: d }, { mode: 'x' }) as tf.Tensor,
        alpha: () => tf.reshape(tf.sum(tf.engine().runKernel(KERNEL_PRELU_GRAD, { x, alpha, dy: d }, { mode: 'alpha' }) as tf.Tensor), alpha.shape),
      };
    },
  };

  /**
   * Registers our kernels over tfjs' own for 'webgpu' (idempotent; call after the webgpu backend is
   * registered, i.e. after importing '@tensorflow/tfjs-backend-webgpu'). tfjs' functions are kept
   * and used when ours are off.
   */
  register(): void {
    for (const name of CONV_KERNELS) {
      if (this.original.has(name)) continue;
      const theirs = tf.getKernel(name, 'webgpu');
      if (!theirs) throw new Error(`tfjs has no '${name}' kernel for webgpu to replace`);
      this.original.set(name, theirs.kernelFunc);
      tf.unregisterKernel(name, 'webgpu');
      tf.registerKernel({ kernelName: name, backendName: 'webgpu', kernelFunc: this.wrap(name) });
    }
    if (!tf.getKernel(KERNEL_PRELU_GRAD, 'webgpu')) tf.registerKernel({ kernelName: KERNEL_PRELU_GRAD, backendName: 'webgpu', kernelFunc: this.preluGradKernel });
    if (!this.tfjsPreluGrad) {
      this.tfjsPreluGrad = tf.getGradient('Prelu');
      if (!this.tfjsPreluGrad) throw new Error('tfjs has no Prelu gradient to wrap');
      tf.registerGradient(this.preluGrad);
    }
  }
}
