/**
 * Variants of the WGSL center-loss kernels that only the test pages use (kept out of the app's
 * bundle): built from src/train/centerLossWebgpu.ts's programs and its error-scoped launcher.
 *
 *   FlockCenterLossForwardFused  x, y, c → [B·D + 1] = ((x − c_y)/B flattened, L_C)        (1 dispatch)
 *   FlockCenterLossGradPacked    packed[B·D+1], dy → dy·packed[0:B·D], [B,D]               (1 dispatch)
 *   FlockCenterCounts            x, y, c → n_j, [K]                                         (1 dispatch)
 *
 * Why the fused forward exists (to measure it): a tfjs WebGPU program has exactly one output buffer,
 * and tfjs has no zero-copy slice on WebGPU (Slice is its own dispatch). The fused forward computes
 * the loss and the Eq. 3 gradient in one dispatch, but then the scalar loss must be sliced out
 * (+1 dispatch) and the backward pass still needs one dispatch to multiply by dy, so a training step
 * costs 1 + 1 + 1 + 1 (centers) = 4 dispatches against the app's 3. Both give the same numbers.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { CenterLossOps } from '../../src/train/centerLoss';
import {
  ELEMENTWISE_WG, ForwardProgram, UpdateProgram, createWgslCenterLoss, dims, runCenterLossProgram, runUpdateProgram,
  validateCenterLossKernels, type SelfCheckPair,
} from '../../src/train/centerLossWebgpu';

const KERNEL_FORWARD_FUSED = 'FlockCenterLossForwardFused';
const KERNEL_GRAD_PACKED = 'FlockCenterLossGradPacked';
const KERNEL_COUNTS = 'FlockCenterCounts';

/** The forward that also stores (x − c_y)/B per element, the loss last: output [B·D + 1]. */
class FusedForwardProgram extends ForwardProgram {
  constructor(batch: number, dim: number) {
    super('fused');
    this.outputShape = [batch * dim + 1];
  }
  protected override perElement(): string {
    return 'result[e] = diff / fB;';
  }
  protected override lossIndex(): string {
    return 'n';
  }
}

/** Backward from the fused forward's output: dy · packed[0 : B·D]. */
class PackedGradProgram implements WebGPUProgram {
  variableNames = ['g', 'dy'];
  outputShape: number[];
  shaderKey = `flockCenterLossGrad_packed_wg${ELEMENTWISE_WG}`;
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [ELEMENTWISE_WG, 1, 1];
  size = true;
  constructor(batch: number, dim: number) {
    this.outputShape = [batch, dim];
    this.dispatch = [Math.ceil((batch * dim) / ELEMENTWISE_WG), 1, 1];
  }
  getUserCode(): string {
    return `
    fn main(index : i32) {
      if (index < uniforms.size) {
        result[index] = dy[0] * g[index];
      }
    }`;
  }
}

/** The update kernel's reduction, writing n_j: output [K]. */
class CountsProgram extends UpdateProgram {
  constructor(classes: number, dim: number) {
    super(classes, dim, 'counts');
    this.outputShape = [classes];
  }
  protected override write(): string {
    return 'if (d == 0) { result[j] = count; }';
  }
}

function registerVariants(): void {
  const kernels: Array<[string, tf.KernelFunc]> = [
    [KERNEL_FORWARD_FUSED, ({ inputs, backend }) => {
      const { x, y, c } = inputs as { x: tf.TensorInfo; y: tf.TensorInfo; c: tf.TensorInfo };
      const { B, D } = dims(x, y, c);
      return runCenterLossProgram(backend as WebGPUBackend, new FusedForwardProgram(B, D), [x, y, c], 'float32');
    }],
    [KERNEL_GRAD_PACKED, ({ inputs, backend, attrs }) => {
      const { g, dy } = inputs as { g: tf.TensorInfo; dy: tf.TensorInfo };
      const B = attrs?.batch as number;
      const D = attrs?.dim as number;
      if (g.shape.length !== 1 || g.shape[0] !== B * D + 1) throw new Error(`center loss grad: packed shape ${g.shape}`);
      return runCenterLossProgram(backend as WebGPUBackend, new PackedGradProgram(B, D), [g, dy], 'float32');
    }],
    [KERNEL_COUNTS, ({ inputs, backend }) => runUpdateProgram(inputs, backend, 0, (K, D) => new CountsProgram(K, D))],
  ];
  for (const [kernelName, kernelFunc] of kernels) {
    if (!tf.getKernel(kernelName, 'webgpu')) tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc });
  }
}

/** n_j per class from the WGSL update kernel's reduction, [K]. */
export function wgslClassCounts(y: tf.Tensor1D, x: tf.Tensor2D, c: tf.Tensor2D): tf.Tensor1D {
  registerVariants();
  return tf.engine().runKernel(KERNEL_COUNTS, { x, y, c }, {}) as tf.Tensor1D;
}

/** The app's WGSL ops with the fused forward (4 dispatches per training step). Backend must be 'webgpu'. */
export function createFusedWgslCenterLoss(): CenterLossOps {
  registerVariants();
  const app = createWgslCenterLoss();
  return {
    ...app,
    loss(x, y, c) {
      const f = tf.customGrad<tf.Scalar>((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
        const xIn = args[0] as tf.Tensor;
        const save = args[1] as tf.GradSaveFunc;
        const [B, D] = xIn.shape as [number, number];
        const packed = tf.engine().runKernel(KERNEL_FORWARD_FUSED, { x: xIn, y, c }, {}) as tf.Tensor1D;
        save([packed]); // kept (cloned) only when a gradient tape is recording
        const value = tf.reshape(tf.slice(packed, [B * D], [1]), []) as tf.Scalar;
        return {
          value,
          gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
            tf.engine().runKernel(KERNEL_GRAD_PACKED, { g: saved[0], dy }, { batch: B, dim: D }) as tf.Tensor,
        };
      });
      return f(x) as tf.Scalar;
    },
  };
}

/** The app's self-check plus the variants': the fused ops against composed ops, and the counts (class 1 absent). */
export function validateAllCenterLossKernels(dimsToCheck: number[]): Promise<void> {
  const fused = createFusedWgslCenterLoss();
  return validateCenterLossKernels(dimsToCheck, (x, y, c, results, want): SelfCheckPair[] => [
    ...results(fused).map((t, i): SelfCheckPair => [`fused#${i}`, t, want[i]]),
    ['counts', wgslClassCounts(y, x, c), tf.tensor1d([2, 0, 3])],
  ]);
}
