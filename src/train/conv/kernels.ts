/**
 * Flock's side of each replaced conv kernel: checks that the call is one our programs handle (NHWC,
 * stride 1, dilation 1, float32; a bias add a[…, C] + b[C]; a sum over leading axes) and that none
 * of its programs is poisoned, then runs them under the guard. Each returns null where tfjs' own
 * kernel must run instead; convKernelsWebgpu.ts registers them and does that fallback.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { WebgpuGuard } from '../webgpuGuard';
import { SOFTWARE_TUNING, convShapeOf, planFilterGrad, planLeadingSum, type ConvShape, type FilterGradTuning } from './plan';
import { ChunkSumProgram, FilterGradPartialProgram } from './programsFilterGrad';
import { DirectConvProgram } from './programsDirect';
import { BiasAddProgram, LeadingSumProgram } from './programsElementwise';

/** What the kernels read from their registry: the guard of the conv family and the current tuning. */
export interface ConvKernelContext { readonly guard: WebgpuGuard; readonly tuning: FilterGradTuning }

/** Our kernel for one call, or null: tfjs' kernel runs. */
export type Attempt = (args: Parameters<tf.KernelFunc>[0], ctx: ConvKernelContext) => tf.TensorInfo | null;

/** Pass 1 of the filter gradient and, with several chunks, the chunk sum. */
function filterGrad(ctx: ConvKernelContext, b: WebGPUBackend, x: tf.TensorInfo, dy: tf.TensorInfo, s: ConvShape, filterShape: number[]): tf.TensorInfo | null {
  const plan = planFilterGrad(s, ctx.tuning);
  const p1 = new FilterGradPartialProgram(s, plan);
  const sum = plan.chunks > 1 ? new ChunkSumProgram(filterShape, plan.chunks) : null;
  if (!ctx.guard.usable(p1, ...(sum ? [sum] : []))) return null;
  const part = ctx.guard.run(b, p1, [x, dy]);
  if (!sum) return part;
  const out = ctx.guard.run(b, sum, [part]);
  b.disposeData(part.dataId);
  return out;
}

export const filterGradAttempt: Attempt = ({ inputs, backend, attrs }, ctx) => {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const filterShape = (attrs as { filterShape: number[] }).filterShape;
  if (x.dtype !== 'float32' || dy.dtype !== 'float32' || x.shape.length !== 4) return null;
  const s = convShapeOf(x.shape, filterShape, attrs!);
  return s && filterGrad(ctx, backend as WebGPUBackend, x, dy, s, filterShape);
};

/** Conv2D (mode 'forward', inputs x, filter) or Conv2DBackpropInput (mode 'input', inputs dy, filter). */
export function directAttempt(mode: 'forward' | 'input'): Attempt {
  return ({ inputs, backend, attrs }, ctx) => {
    const a = inputs as Record<string, tf.TensorInfo>;
    const src = mode === 'forward' ? a.x : a.dy;
    const filter = a.filter;
    if (src.dtype !== 'float32' || filter.dtype !== 'float32' || src.shape.length !== 4 || filter.shape.length !== 4) return null;
    const xShape = mode === 'forward' ? src.shape : (attrs as { inputShape: number[] }).inputShape;
    const s = convShapeOf(xShape, filter.shape, attrs!);
    if (!s || !(mode === 'forward' || (src.shape[1] === s.OH && src.shape[2] === s.OW && src.shape[3] === s.CO))) return null;
    const program = new DirectConvProgram(s, mode);
    return ctx.guard.usable(program) ? ctx.guard.run(backend as WebGPUBackend, program, [src, filter]) : null;
  };
}

/** Add where one operand is a bias vector b[C] of the other's last axis (C > 1). */
export const biasAddAttempt: Attempt = ({ inputs, backend }, ctx) => {
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const [big, bias] = b.shape.length === 1 && a.shape.length >= 2 ? [a, b] : a.shape.length === 1 && b.shape.length >= 2 ? [b, a] : [null, null];
  if (!big || !bias || bias.shape[0] !== big.shape[big.shape.length - 1] || bias.shape[0] <= 1) return null;
  const program = new BiasAddProgram(big.shape, bias.shape[0]);
  return ctx.guard.usable(program) ? ctx.guard.run(backend as WebGPUBackend, program, [big, bias]) : null;
};

/** Sum over leading axes [0, k) of a float32 tensor in two passes; null where it does not apply. */
function leadingSum(ctx: ConvKernelContext, backend: WebGPUBackend, x: tf.TensorInfo, k: number, outShape: number[]): tf.TensorInfo | null {
  const rows = x.shape.slice(0, k).reduce((p, q) => p * q, 1);
  const cols = x.shape.slice(k).reduce((p, q) => p * q, 1);
  if (rows < 1 || cols < 1) return null;
  const { chunks, chunkRows } = planLeadingSum(rows, cols, ctx.tuning === SOFTWARE_TUNING);
  const p1 = new LeadingSumProgram(chunks > 1 ? [chunks, cols] : outShape, rows, cols, chunkRows);
  const p2 = chunks > 1 ? new ChunkSumProgram(outShape, chunks) : null;
  if (!ctx.guard.usable(p1, ...(p2 ? [p2] : []))) return null;
  const part = ctx.guard.run(backend, p1, [x]);
  if (!p2) return part;
  const out = ctx.guard.run(backend, p2, [part]);
  backend.disposeData(part.dataId);
  return out;
}

export const sumAttempt: Attempt = ({ inputs, backend, attrs }, ctx) => {
  const { x } = inputs as { x: tf.TensorInfo };
  const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
  if (x.dtype !== 'float32' || x.shape.length < 1) return null;
  const axes = tf.util.parseAxisParam(axis, x.shape).slice().sort((p, q) => p - q);
  const k = axes.length;
  if (k < 1 || !axes.every((v, i) => v === i)) return null;
  const rest = x.shape.slice(k);
  const outShape = keepDims ? [...axes.map(() => 1), ...rest] : rest;
  return leadingSum(ctx, backend as WebGPUBackend, x, k, outShape);
};
