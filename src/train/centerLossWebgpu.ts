/**
 * Center loss as hand-written WGSL kernels for the tfjs WebGPU backend (the `CenterLossOps` with
 * id 'wgsl'); `composedCenterLoss` in centerLoss.ts is the reference it must match and the fallback
 * on every other backend. DOM-free: it runs inside the training worker.
 *
 * Kernels (all registered for backendName 'webgpu', run through `backend.runWebGPUProgram`):
 *
 *   FlockCenterLossForward  x[B,D], y[B], c[K,D] → L_C = Σ_i ‖x_i − c_{y_i}‖² / (2B), shape []   (1 dispatch)
 *   FlockCenterLossGrad     x, y, c, dy → dy·(x − c_y)/B, [B,D]                                 (1 dispatch)
 *   FlockCenterUpdate       x, y, c → mode 'perCount' | 'sum' | 'delta' → [K,D]                 (1 dispatch)
 *
 * The forward writes the scalar directly and the backward recomputes x − c_y together with the dy
 * multiply: a training step costs 1 + 1 + 1 = 3 dispatches, the minimum for three separate output
 * tensors (loss, grad, new centers). The test pages add variants of these programs (a 'fused'
 * forward that also emits the gradient, a 'counts' update) in e2e/harness/centerLossVariants.ts,
 * through the program classes and `runCenterLossProgram` exported here.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { centerStep, composedCenterLoss, type CenterLossOps } from './centerLoss';
import { WebgpuGuard, type ProgramUniforms } from './webgpuGuard';

export const KERNEL_FORWARD = 'FlockCenterLossForward';
export const KERNEL_GRAD = 'FlockCenterLossGrad';
export const KERNEL_UPDATE = 'FlockCenterUpdate';

/** Invocations in the single workgroup of the forward kernel (power of two, ≤ 256 = WebGPU default limit). */
export const FORWARD_WG = 256;
/** Invocations per class workgroup of the update kernel (power of two). */
const UPDATE_WG = 64;
/** Largest feature dimension the update kernel supports (workgroup memory: UPDATE_WG·(D+1)·4 bytes ≤ 16 KiB). */
export const MAX_WGSL_DIM = 32;
/** Elementwise kernels (gradient). */
export const ELEMENTWISE_WG = 64;

/** 'perCount': c − coef·S/(1+n) (rules eq4, seed); 'sum': c − coef·S (rule kaiyang); 'delta': Δc (rule caffe). */
export type UpdateMode = 'perCount' | 'sum' | 'delta';

export type { ProgramUniforms };

// ---------------------------------------------------------------------------------------------
// Programs. The header that tfjs generates (makeShader in webgpu_program.js) declares
//   result (binding 0, the output), one `var<storage, read>` array per variableNames entry
//   (float32 → array<f32>, int32 → array<i32>), and `uniforms` holding every input's shape/strides,
//   outShape/outShapeStrides, `size` (when size: true) and then our `uniforms` string.
// With a flat dispatchLayout ({x:[0]}) our code must define `fn main(index : i32)`; the private
// copies `localId` / `workgroupId` of the builtins are available. Because those are module-scope
// *private* variables, WGSL's uniformity analysis treats anything derived from them as
// non-uniform: no `return` before a workgroupBarrier(), guards only wrap loads and stores.
// A program object is single-use: runWebGPUProgram rewrites `shaderKey` (it appends ranks/dtypes).
// ---------------------------------------------------------------------------------------------

/** The tree reduction over `buf` (WG slots per lane) shared by both reducing kernels. */
export function treeReduceSnippet(buf: string, wg: number, lanes: number): string {
  // Invariant before each round: slots [0, 2s) of every lane hold partial sums whose total is the
  // lane's sum. Invocation t < s adds slot t + s into slot t, halving the live range; the barrier
  // after each round makes those writes visible before the next round reads them. After log2(WG)
  // rounds slot 0 holds the sum. `s` only depends on constants, so the loop (and the barrier
  // inside it) is in uniform control flow; only the add is guarded by the invocation id.
  const adds = Array.from({ length: lanes }, (_, l) =>
    `${buf}[${l * wg}u + lid] = ${buf}[${l * wg}u + lid] + ${buf}[${l * wg}u + lid + s];`).join('\n          ');
  return `
      for (var s = ${wg / 2}u; s > 0u; s = s >> 1u) {
        if (lid < s) {
          ${adds}
        }
        workgroupBarrier();
      }`;
}

/**
 * Forward: one workgroup of FORWARD_WG invocations (dispatch [1,1,1]). Invocation t strides over
 * the flattened B·D elements e = t, t+WG, …, computes diff = x[e] − c[y[e/D]][e%D], accumulates
 * diff² privately (a variant may also store per-element values: `perElement`); then the WG partial sums are
 * tree-reduced in workgroup memory and invocation 0 writes Σ/(2B). One workgroup keeps the whole
 * reduction inside one dispatch (WGSL has no float atomics and workgroups cannot synchronise);
 * it is O(B·D/WG) per invocation, i.e. a handful of iterations for the batches used here.
 */
export class ForwardProgram implements WebGPUProgram {
  variableNames = ['x', 'y', 'c'];
  outputShape: number[] = [];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number] = [1, 1, 1];
  workgroupSize: [number, number, number] = [FORWARD_WG, 1, 1];
  constructor(variant = 'loss') {
    this.shaderKey = `flockCenterLossForward_${variant}_wg${FORWARD_WG}`;
  }
  /** WGSL run for every element once `e`, `diff` and `fB` are known (none for the loss alone). */
  protected perElement(): string {
    return '';
  }
  /** Where in `result` the loss goes. */
  protected lossIndex(): string {
    return '0';
  }
  getUserCode(): string {
    return `
    var<workgroup> partial : array<f32, ${FORWARD_WG}>;

    fn main(index : i32) {
      let B = uniforms.xShape.x;
      let D = uniforms.xShape.y;
      let K = uniforms.cShape.x;
      let n = B * D;
      let lid = localId.x;
      let fB = f32(B);
      var acc = 0.0;
      for (var e = i32(lid); e < n; e = e + ${FORWARD_WG}) {
        let i = e / D;
        let d = e - i * D;
        let k = y[i];
        var center = 0.0;
        if (k >= 0 && k < K) {            // out-of-range labels read no memory (center 0)
          center = c[k * D + d];
        }
        let diff = x[e] - center;
        acc = acc + diff * diff;
        ${this.perElement()}
      }
      partial[lid] = acc;
      workgroupBarrier();
      ${treeReduceSnippet('partial', FORWARD_WG, 1)}
      if (lid == 0u) {
        result[${this.lossIndex()}] = partial[0] / (2.0 * fB);
      }
    }`;
  }
}

/** Backward: one invocation per element of the [B,D] gradient; dy is the upstream scalar. */
class GradProgram implements WebGPUProgram {
  variableNames = ['x', 'y', 'c', 'dy'];
  outputShape: number[];
  shaderKey = `flockCenterLossGrad_inputs_wg${ELEMENTWISE_WG}`;
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
        let D = uniforms.xShape.y;
        let K = uniforms.cShape.x;
        let i = index / D;
        let d = index - i * D;
        let k = y[i];
        var center = 0.0;
        if (k >= 0 && k < K) {
          center = c[k * D + d];
        }
        result[index] = dy[0] * ((x[index] - center) / f32(uniforms.xShape.x));
      }
    }`;
  }
}

/**
 * Center update: one workgroup per class (dispatch [K,1,1]), UPDATE_WG invocations each. Workgroup
 * j reads c_j once; invocation t strides over the batch i = t, t+WG, … and, for samples with
 * y_i = j, accumulates (c_j − x_i) (D lanes) and a count n_j in private memory. The WG partial
 * sums of all D+1 lanes go to workgroup memory laid out lane-major (lane l, slot t at l·WG + t)
 * and are tree-reduced together (treeReduceSnippet). Then invocations d < D write component d:
 *   perCount: c_j − coef·S_j/(1+n_j)  (eq4: coef = α; seed port: coef = α/B)
 *   sum:      c_j − coef·S_j          (KaiyangZhou: coef = 2α/B)
 *   delta:    S_j/(1+n_j)             (Eq. 4; the caffe-face rule's momentum step is composed ops)
 * (a variant may write something else from S_j and n_j: `write`)
 * coef is computed on the host in float64 (stepCoef) like the composed path, then rounded to f32.
 * Every rule is thus one update dispatch, except 'caffe' (1 + a few elementwise ops).
 * Classes absent from the batch keep c_j (Δc = 0). D is baked into the WGSL (shaderKey has it).
 */
export class UpdateProgram implements WebGPUProgram {
  variableNames = ['x', 'y', 'c'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [UPDATE_WG, 1, 1];
  uniforms = 'coef : f32,';
  constructor(classes: number, protected readonly dim: number, private readonly mode: string) {
    this.outputShape = [classes, dim];
    this.dispatch = [classes, 1, 1];
    this.shaderKey = `flockCenterUpdate_${mode}_d${dim}_wg${UPDATE_WG}`;
  }
  /** The WGSL that writes component d of class j from the reduced sums S_j (`red`) and n_j (`count`). */
  protected write(): string {
    switch (this.mode as UpdateMode) {
      case 'perCount': return `result[j * DIM + d] = cj[d] - uniforms.coef * (red[u32(d) * WG + 0u] / (1.0 + count));`;
      case 'sum': return `result[j * DIM + d] = cj[d] - uniforms.coef * red[u32(d) * WG + 0u];`;
      case 'delta': return `result[j * DIM + d] = red[u32(d) * WG + 0u] / (1.0 + count);`;
    }
  }
  getUserCode(): string {
    const D = this.dim;
    const lanes = D + 1;
    const write = this.write();
    return `
    const DIM : i32 = ${D};
    const WG : u32 = ${UPDATE_WG}u;
    var<workgroup> red : array<f32, ${UPDATE_WG * lanes}>;

    fn main(index : i32) {
      let B = uniforms.xShape.x;
      let K = uniforms.cShape.x;
      let j = i32(workgroupId.x);
      let lid = localId.x;
      let valid = j < K;                  // guard (dispatch is exactly K, but never trust it)
      var cj : array<f32, ${D}>;
      var acc : array<f32, ${D}>;
      var cnt = 0.0;
      if (valid) {
        for (var d = 0; d < DIM; d = d + 1) { cj[d] = c[j * DIM + d]; }
      }
      for (var i = i32(lid); i < B; i = i + i32(WG)) {
        if (valid && y[i] == j) {
          cnt = cnt + 1.0;
          for (var d = 0; d < DIM; d = d + 1) { acc[d] = acc[d] + (cj[d] - x[i * DIM + d]); }
        }
      }
      for (var d = 0; d < DIM; d = d + 1) { red[u32(d) * WG + lid] = acc[d]; }
      red[${D}u * WG + lid] = cnt;
      workgroupBarrier();
      ${treeReduceSnippet('red', UPDATE_WG, lanes)}
      let count = red[${D}u * WG + 0u];
      if (valid) {
        for (var d = i32(lid); d < DIM; d = d + i32(WG)) {
          ${write}
        }
      }
    }`;
  }
}

/**
 * The center-loss kernels' state: the guard (webgpuGuard.ts; a poisoned program throws at its next
 * call) and the WGSL ops `centerLossFor` hands out. One per page/worker, like tfjs' kernel registry
 * the kernels are registered in.
 */
const family = { guard: new WebgpuGuard('center-loss'), ops: null as CenterLossOps | null };

/**
 * Runs a center-loss program, the first run of each program (and input ranks) under a validation
 * error scope; after a validation error, that program throws at its next call.
 */
export function runCenterLossProgram(
  backend: WebGPUBackend, program: WebGPUProgram, inputs: tf.TensorInfo[], dtype: tf.DataType,
  uniforms?: ProgramUniforms,
): tf.TensorInfo {
  const key = program.shaderKey + '|' + inputs.map((t) => t.shape.length).join(','); // before tfjs rewrites it
  return family.guard.runChecked(backend, program, inputs, dtype, uniforms, key);
}

/** Checks x [B,D], y [B], c [K,D] (float32, int32, float32) and returns the sizes. */
export function dims(x: tf.TensorInfo, y: tf.TensorInfo, c: tf.TensorInfo): { B: number; D: number; K: number } {
  if (x.shape.length !== 2 || y.shape.length !== 1 || c.shape.length !== 2) {
    throw new Error(`center loss: want x [B,D], y [B], c [K,D]; got ${x.shape}, ${y.shape}, ${c.shape}`);
  }
  const [B, D] = x.shape;
  const [K, Dc] = c.shape;
  if (y.shape[0] !== B || Dc !== D) throw new Error(`center loss: shapes disagree: x ${x.shape}, y ${y.shape}, c ${c.shape}`);
  if (x.dtype !== 'float32' || c.dtype !== 'float32' || y.dtype !== 'int32') {
    throw new Error(`center loss: want float32 x/c and int32 y; got ${x.dtype}, ${y.dtype}, ${c.dtype}`);
  }
  if (B < 1 || K < 1 || D < 1) throw new Error(`center loss: empty input (B=${B}, K=${K}, D=${D})`);
  return { B, D, K };
}

const forwardKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const { x, y, c } = inputs as { x: tf.TensorInfo; y: tf.TensorInfo; c: tf.TensorInfo };
  dims(x, y, c);
  return runCenterLossProgram(backend as WebGPUBackend, new ForwardProgram(), [x, y, c], 'float32');
};

const gradKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const { x, y, c, dy } = inputs as { x: tf.TensorInfo; y: tf.TensorInfo; c: tf.TensorInfo; dy: tf.TensorInfo };
  const { B, D } = dims(x, y, c);
  return runCenterLossProgram(backend as WebGPUBackend, new GradProgram(B, D), [x, y, c, dy], 'float32');
};

/** The update kernel's checks and launch; `program` builds the variant for (K, D). */
export function runUpdateProgram(
  inputs: tf.NamedTensorInfoMap, backend: unknown, coef: number, program: (K: number, D: number) => UpdateProgram,
): tf.TensorInfo {
  const { x, y, c } = inputs as { x: tf.TensorInfo; y: tf.TensorInfo; c: tf.TensorInfo };
  const { D, K } = dims(x, y, c);
  if (D > MAX_WGSL_DIM) throw new Error(`center loss WGSL: D=${D} > ${MAX_WGSL_DIM} is not supported; use composedCenterLoss`);
  return runCenterLossProgram(backend as WebGPUBackend, program(K, D), [x, y, c], 'float32', [{ type: 'float32', data: [coef] }]);
}

const updateKernel: tf.KernelFunc = ({ inputs, backend, attrs }) =>
  runUpdateProgram(inputs, backend, (attrs?.coef ?? 0) as number, (K, D) => new UpdateProgram(K, D, attrs?.mode as UpdateMode));

/** Registers the three kernels for the 'webgpu' backend. Idempotent. */
export function registerCenterLossKernels(): void {
  const configs: Array<[string, tf.KernelFunc]> = [
    [KERNEL_FORWARD, forwardKernel], [KERNEL_GRAD, gradKernel], [KERNEL_UPDATE, updateKernel],
  ];
  for (const [kernelName, kernelFunc] of configs) {
    if (!tf.getKernel(kernelName, 'webgpu')) tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc });
  }
}

/** The WGSL implementation. Only valid while the active backend is 'webgpu'. */
export function createWgslCenterLoss(): CenterLossOps {
  registerCenterLossKernels();
  const update = (x: tf.Tensor, y: tf.Tensor, c: tf.Tensor, mode: UpdateMode, coef: number) =>
    tf.engine().runKernel(KERNEL_UPDATE, { x, y, c }, { mode, coef }) as tf.Tensor;

  return {
    id: 'wgsl',
    loss(x, y, c) {
      const f = tf.customGrad<tf.Scalar>((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
        const xIn = args[0] as tf.Tensor;
        const save = args[1] as tf.GradSaveFunc;
        save([xIn, y, c]);
        const value = tf.engine().runKernel(KERNEL_FORWARD, { x: xIn, y, c }) as tf.Scalar;
        return {
          value,
          gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
            tf.engine().runKernel(KERNEL_GRAD, { x: saved[0], y: saved[1], c: saved[2], dy }) as tf.Tensor,
        };
      });
      return f(x) as tf.Scalar;
    },
    deltaC(x, y, c) {
      return update(x, y, c, 'delta', 0) as tf.Tensor2D;
    },
    scaledStep(x, y, c, coef, perCount) {
      return update(x, y, c, perCount ? 'perCount' : 'sum', coef) as tf.Tensor2D;
    },
  };
}

/** The WGSL implementation on 'webgpu', `composedCenterLoss` on every other backend. */
export function centerLossFor(backendName: string): CenterLossOps {
  if (backendName !== 'webgpu') return composedCenterLoss;
  family.ops ??= createWgslCenterLoss();
  return family.ops;
}

/** A named result of the WGSL ops and what composed ops give for it. */
export type SelfCheckPair = [name: string, got: tf.Tensor, want: tf.Tensor];

/**
 * Runs every kernel once for each feature dimension in `dimsToCheck` (on the current backend, which
 * must be 'webgpu') inside a WebGPU validation error scope, waits for the results, and throws if
 * WebGPU reported an error or the results disagree with `composedCenterLoss` (relative 1e-3: a smoke
 * test against silently-zero outputs, not the precision test). `more` adds variants' results to
 * check (the test pages' kernels): given the inputs, the function that runs every op of an
 * implementation, and composed ops' results of it.
 */
export async function validateCenterLossKernels(
  dimsToCheck: number[] = [2],
  more: (x: tf.Tensor2D, y: tf.Tensor1D, c: tf.Tensor2D, results: (ops: CenterLossOps) => tf.Tensor[], want: tf.Tensor[]) => SelfCheckPair[] = () => [],
): Promise<void> {
  if (tf.getBackend() !== 'webgpu') throw new Error(`validateCenterLossKernels: backend is '${tf.getBackend()}', not webgpu`);
  registerCenterLossKernels();
  const device = (tf.backend() as WebGPUBackend).device;
  const wgsl = createWgslCenterLoss();
  const ref = composedCenterLoss;
  for (const D of dimsToCheck) {
    const B = 5;
    const K = 3;
    device.pushErrorScope('validation');
    const pairs = tf.tidy(() => {
      const x = tf.tensor2d(Array.from({ length: B * D }, (_, i) => Math.sin(i + 1) * 2), [B, D]);
      const y = tf.tensor1d([0, 2, 0, 2, 2], 'int32'); // class 1 absent
      const c = tf.tensor2d(Array.from({ length: K * D }, (_, i) => Math.cos(i) * 0.5), [K, D]);
      const dy = tf.scalar(0.7);
      const both = (ops: CenterLossOps): tf.Tensor[] => {
        const { value, grad } = tf.valueAndGrad((xx: tf.Tensor) => ops.loss(xx as tf.Tensor2D, y, c))(x, dy);
        const v0 = tf.fill([K, D], 0.01) as tf.Tensor2D;
        const step = (rule: 'eq4' | 'seed' | 'kaiyang' | 'caffe') =>
          centerStep(ops, x, y, c, { rule, alpha: 0.5, lambda: 0.1, lr: 0.3, momentum: 0.9 }, v0).centers;
        return [value, grad, ops.deltaC(x, y, c), step('eq4'), step('seed'), step('kaiyang'), step('caffe')];
      };
      const want = both(ref);
      const out: SelfCheckPair[] = both(wgsl).map((t, i) => [`split#${i}`, t, want[i]]);
      return [...out, ...more(x, y, c, both, want)];
    });
    const values = await Promise.all(pairs.map(([, a, b]) => Promise.all([a.data(), b.data()])));
    const err = await device.popErrorScope();
    tf.dispose(pairs.flatMap(([, a, b]) => [a, b]));
    if (err) throw family.guard.error(`D=${D}`, err.message);
    values.forEach(([a, b], i) => {
      for (let k = 0; k < b.length; k++) {
        if (!(Math.abs(a[k] - b[k]) <= 1e-3 * Math.max(1, Math.abs(b[k])))) {
          throw new Error(`Flock center-loss WGSL self-check failed (D=${D}, ${pairs[i][0]}[${k}]: ${a[k]} vs ${b[k]})`);
        }
      }
    });
  }
}
