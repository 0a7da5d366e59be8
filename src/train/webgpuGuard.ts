/**
 * The guard shared by Flock's WGSL kernels (centerLossWebgpu.ts, convKernelsWebgpu.ts). WebGPU
 * reports shader and pipeline errors asynchronously and tfjs only logs them (outputs silently stay
 * zero), so the first run of every distinct program key is wrapped in a validation error scope; an
 * error poisons that key and is logged. What a poisoned key means is the caller's choice: the
 * center-loss kernels throw on the next call (`runChecked`), the conv kernels go back to tfjs' own
 * kernel (`usable` before running, see conv/registry.ts). DOM-free: runs in the training worker.
 *
 * One guard per kernel family, created by the module that registers that family's kernels: tfjs'
 * kernel registry is global, so the kernel functions registered there close over that one instance.
 */
import type * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

export type ProgramUniforms = Array<{ type: string; data: number[] }>;

export class WebgpuGuard {
  /** Keys whose first run has been dispatched under an error scope. */
  private readonly scoped = new Set<string>();
  private readonly poisoned = new Map<string, Error>();

  /** `family` names the kernels in error messages ('conv', 'center-loss'). */
  constructor(private readonly family: string) {}

  /** The error of a failed validation of `key` (a program key, or what a start-up check ran). */
  error(key: string, message: string): Error {
    return new Error(`Flock ${this.family} WGSL program '${key}' failed WebGPU validation: ${message}`);
  }

  /** True while none of the programs' keys is poisoned (read before running: tfjs rewrites shaderKey). */
  usable(...programs: WebGPUProgram[]): boolean {
    return programs.every((p) => !this.poisoned.has(p.shaderKey));
  }

  /**
   * Runs a program, the first run of `key` (by default the program's shaderKey, read before tfjs
   * rewrites it) under a validation error scope whose error poisons `key`.
   */
  run(
    backend: WebGPUBackend, program: WebGPUProgram, inputs: tf.TensorInfo[], dtype: tf.DataType = 'float32',
    uniforms?: ProgramUniforms, key = program.shaderKey,
  ): tf.TensorInfo {
    if (this.scoped.has(key)) return backend.runWebGPUProgram(program, inputs, dtype, uniforms);
    this.scoped.add(key);
    const device = backend.device;
    device.pushErrorScope('validation');
    try {
      return backend.runWebGPUProgram(program, inputs, dtype, uniforms);
    } finally {
      device.popErrorScope().then((err) => {
        if (err) {
          const e = this.error(key, err.message);
          this.poisoned.set(key, e);
          console.error(e);
        }
      }, (e: unknown) => console.error(this.error(key, String(e))));
    }
  }

  /** `run`, but throws the recorded error if `key` is poisoned. */
  runChecked(
    backend: WebGPUBackend, program: WebGPUProgram, inputs: tf.TensorInfo[], dtype: tf.DataType,
    uniforms: ProgramUniforms | undefined, key: string,
  ): tf.TensorInfo {
    const bad = this.poisoned.get(key);
    if (bad) throw bad;
    return this.run(backend, program, inputs, dtype, uniforms, key);
  }
}
