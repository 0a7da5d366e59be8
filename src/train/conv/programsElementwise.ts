/**
 * The elementwise programs around a conv layer in WGSL for the tfjs WebGPU backend. Registered by
 * convKernelsWebgpu.ts.
 *
 * Add (bias, a[…, C] + b[C]), Sum (over leading axes, e.g. the bias gradient Σ over B·H·W) and the
 *   PReLU gradient (tfjs composes Greater, Select ×2, Multiply ×2, ZerosLike, Sum): flat elementwise
 *   programs without the broadcast index arithmetic, and a two-pass column sum.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { ELEMENTWISE_WG } from './plan';

/** Bias add of a conv layer: a[…, C] + b[C] (tfjs' broadcasting binary program is slow on SwiftShader). */
export class BiasAddProgram implements WebGPUProgram {
  variableNames = ['a', 'b'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [ELEMENTWISE_WG, 1, 1];
  size = true;
  constructor(shape: number[], private readonly channels: number) {
    this.outputShape = shape;
    this.dispatch = [Math.ceil(shape.reduce((p, q) => p * q, 1) / ELEMENTWISE_WG), 1, 1];
    this.shaderKey = `flockBiasAdd_${channels}`;
  }
  getUserCode(): string {
    return `
    fn main(index : i32) {
      if (index < uniforms.size) { result[index] = a[index] + b[index % ${this.channels}]; }
    }`;
  }
}

/**
 * Sum over the leading axes, x viewed as [R, C] → partial[S, C] (S chunks of rows; S = 1 writes the
 * final shape): one invocation per (chunk, column), a serial loop over its R/S rows; neighbouring
 * invocations read neighbouring columns. Used for bias gradients (Σ over B·H·W) and the PReLU slope's
 * gradient (Σ over everything, C = 1); the chunks are summed by ChunkSumProgram (programsFilterGrad.ts).
 */
export class LeadingSumProgram implements WebGPUProgram {
  variableNames = ['x'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [ELEMENTWISE_WG, 1, 1];
  size = true;
  constructor(outputShape: number[], private readonly rows: number, private readonly cols: number, private readonly chunkRows: number) {
    this.outputShape = outputShape;
    this.dispatch = [Math.ceil(outputShape.reduce((p, q) => p * q, 1) / ELEMENTWISE_WG), 1, 1];
    this.shaderKey = `flockLeadingSum_${rows}_${cols}_${chunkRows}`;
  }
  getUserCode(): string {
    return `
    fn main(index : i32) {
      if (index < uniforms.size) {
        let c = index % ${this.cols};
        let s = index / ${this.cols};
        let r1 = min(${this.rows}, (s + 1) * ${this.chunkRows});
        var acc = 0.0;
        for (var r = s * ${this.chunkRows}; r < r1; r = r + 1) { acc = acc + x[r * ${this.cols} + c]; }
        result[index] = acc;
      }
    }`;
  }
}

/**
 * PReLU gradient with one slope (tfjs composes Greater, two Select, two Multiply, ZerosLike and Sum):
 * mode 'x': dy where x > 0, else α·dy; mode 'alpha': the terms of ∂/∂α, 0 where x > 0, else dy·x.
 */
export class PreluGradProgram implements WebGPUProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [ELEMENTWISE_WG, 1, 1];
  size = true;
  constructor(shape: number[], private readonly mode: 'x' | 'alpha') {
    // Every binding must be read, or the 'auto' layout drops it: mode 'alpha' takes no α.
    this.variableNames = mode === 'x' ? ['x', 'alpha', 'dy'] : ['x', 'dy'];
    this.outputShape = shape;
    this.dispatch = [Math.ceil(shape.reduce((p, q) => p * q, 1) / ELEMENTWISE_WG), 1, 1];
    this.shaderKey = `flockPreluGrad_${mode}`;
  }
  getUserCode(): string {
    const v = this.mode === 'x' ? 'select(alpha[0] * dy[index], dy[index], x[index] > 0.0)' : 'select(dy[index] * x[index], 0.0, x[index] > 0.0)';
    return `
    fn main(index : i32) {
      if (index < uniforms.size) { result[index] = ${v}; }
    }`;
  }
}

