/**
 * tfjs-webgpu settings for the adapter the worker got. DOM-free; call after tf.setBackend('webgpu').
 *
 * Matrix products on a software adapter (SwiftShader): for small outputs tfjs picks
 * MatMulReduceProgram (≤ 128 outputs: one 256-thread workgroup per output, reduced through
 * workgroup memory with barriers) or MatMulSmallOutputSizeProgram. SwiftShader runs a workgroup's
 * invocations on a CPU core and pays heavily for each barrier, so those "more workgroups" programs
 * are the slowest on it: in the tiny preset's step, [64,32]×[32,2] took ~125 ms and [64,2]×[2,10]ᵀ
 * ~90 ms, 86 % of the GPU time of a training step. The tiled MatMulPackedProgram computes the same
 * products (same math; the summation order within a dot product may differ in the last bits) at
 * about a fifth of the cost there. Real GPUs keep tfjs's own choice, which is tuned for them.
 */
import * as tf from '@tensorflow/tfjs';
import { webgpu_util } from '@tensorflow/tfjs-backend-webgpu';

/** tfjs's default for WEBGPU_MATMUL_PROGRAM_TYPE: choose per shape. */
const MATMUL_AUTO = -1;

/** Sets the WebGPU backend's flags for a software (`true`) or hardware adapter. */
export function tuneWebgpu(software: boolean): void {
  tf.env().set('WEBGPU_MATMUL_PROGRAM_TYPE', software ? webgpu_util.MatMulProgramType.MatMulPackedProgram : MATMUL_AUTO);
}
