/**
 * Shapes, tuning constants and work plans of Flock's WGSL convolution kernels (programs*.ts;
 * registered by convKernelsWebgpu.ts). Pure functions of the shape and the tuning: no GPU needed
 * (tests/convKernels.test.ts checks the plans in Node).
 */
import * as tf from '@tensorflow/tfjs';

/** Invocations per workgroup of the filter-gradient pass 1 (power of two). */
export const FILTER_WG = 64;
/** Weights per invocation: input channels × output channels of a tile (at most). */
const FILTER_RT = 4;
const FILTER_CT = 4;
/** Pass 1 aims at this many workgroups (split of the B·OH output rows), … */
const TARGET_WORKGROUPS = 2048;
/** … but gives every invocation at least this many output rows (of OW pixels each). */
const MIN_ROWS = 2;
export const ELEMENTWISE_WG = 64;
/** Direct convolution: output pixels (along a row) × output channels per invocation. */
export const DIRECT_PX = 4;
export const DIRECT_CT = 4;
export const DIRECT_WG = 64;
/** Longest run of input channels summed serially into one partial by the direct convolution. */
export const CIN_PARTIAL = 32;

/** A stride-1 NHWC convolution: x[B,H,W,CI] ⊛ w[KH,KW,CI,CO] → [B,OH,OW,CO], padding PT (top), PL (left). */
export interface ConvShape {
  B: number; H: number; W: number; CI: number; KH: number; KW: number; CO: number;
  OH: number; OW: number; PT: number; PL: number;
}

export function shapeKey(s: ConvShape): string {
  return [s.B, s.H, s.W, s.CI, s.KH, s.KW, s.CO, s.OH, s.OW, s.PT, s.PL].join('x');
}

/** The shape of a conv op's attributes if our kernels handle it (NHWC, stride 1, dilation 1, 'same'/'valid'/number padding), else null. */
export function convShapeOf(xShape: number[], filterShape: number[], attrs: tf.NamedAttrMap): ConvShape | null {
  const { strides, pad, dataFormat, dimRoundingMode, dilations } = attrs as unknown as {
    strides: number | [number, number]; pad: 'same' | 'valid' | number; dataFormat?: string; dimRoundingMode?: 'floor' | 'round' | 'ceil';
    dilations?: number | [number, number];
  };
  if (dataFormat && dataFormat !== 'NHWC') return null;
  if (dilations != null && !(dilations === 1 || (Array.isArray(dilations) && dilations[0] === 1 && dilations[1] === 1))) return null;
  if (typeof pad !== 'string' && typeof pad !== 'number') return null; // explicit per-side padding: tfjs' kernel
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  if (info.strideHeight !== 1 || info.strideWidth !== 1) return null; // stride 1 only (every preset): tfjs' kernel otherwise
  if (info.outHeight !== info.inHeight - info.filterHeight + 1 + info.padInfo.top + info.padInfo.bottom) return null;
  if (info.outWidth !== info.inWidth - info.filterWidth + 1 + info.padInfo.left + info.padInfo.right) return null;
  return {
    B: info.batchSize, H: info.inHeight, W: info.inWidth, CI: info.inChannels, KH: info.filterHeight, KW: info.filterWidth,
    CO: info.outChannels, OH: info.outHeight, OW: info.outWidth, PT: info.padInfo.top, PL: info.padInfo.left,
  };
}

/** The filter-gradient plan: tile sizes, chunks of rows, dispatch sizes (also reported by the harness). */
export interface FilterGradPlan {
  rt: number; ct: number; rowBlocks: number; colBlocks: number; tiles: number;
  /** invocations per workgroup that split a tile's rows (reduced in workgroup memory), tiles per workgroup */
  split: number; tilesPerGroup: number;
  /** output rows b·OH + oh, and how many each workgroup reduces */
  rows: number; chunks: number; chunkRows: number;
  /** serial loop of one invocation: rows × OW pixels, each RT·CT multiply-adds */
  rowsPerInvocation: number; serialSteps: number;
  workgroups: number; invocations: number; dispatches: number;
}

/**
 * How the filter gradient is split. 'gpu' (hardware adapters): rows of a tile shared by up to 64
 * invocations of a workgroup and reduced in workgroup memory, and chunks of rows over ≥ 2048
 * workgroups. 'software' (SwiftShader: a workgroup runs on one CPU core, and workgroup memory and
 * barriers cost more than they save): one invocation per tile and chunk (no workgroup memory) and a
 * few chunks with long rows, reduced by the chunk-sum pass.
 */
export interface FilterGradTuning { split: number | null; targetWorkgroups: number; minRows: number }
export const GPU_TUNING: FilterGradTuning = { split: null, targetWorkgroups: TARGET_WORKGROUPS, minRows: MIN_ROWS };
/** The software tuning (compared by identity: an overridden tuning counts as a hardware one). */
export const SOFTWARE_TUNING: FilterGradTuning = { split: 1, targetWorkgroups: 32, minRows: 16 };

export function planFilterGrad(s: ConvShape, tuning: FilterGradTuning): FilterGradPlan {
  const rt = Math.min(FILTER_RT, s.CI);
  const ct = Math.min(FILTER_CT, s.CO);
  const rowBlocks = Math.ceil(s.CI / rt);
  const colBlocks = Math.ceil(s.CO / ct);
  const tiles = s.KH * s.KW * rowBlocks * colBlocks;
  const rows = s.B * s.OH;
  // Rows of a tile are split over `split` invocations of a workgroup (each ≥ MIN_ROWS rows), the
  // rest of the workgroup takes other tiles; then over chunks (workgroups) while there are too few
  // workgroups for a large GPU.
  let split = FILTER_WG;
  while (split > 1 && rows / split < tuning.minRows) split >>= 1;
  if (tuning.split) split = tuning.split;
  const tilesPerGroup = FILTER_WG / split;
  const groups = Math.ceil(tiles / tilesPerGroup);
  const maxChunks = Math.max(1, Math.floor(rows / (split * tuning.minRows)));
  const want = Math.min(maxChunks, Math.max(1, Math.ceil(tuning.targetWorkgroups / groups)));
  const chunkRows = Math.ceil(rows / want);
  const chunks = Math.ceil(rows / chunkRows);
  const n = s.KH * s.KW * s.CI * s.CO;
  const rowsPerInvocation = Math.ceil(chunkRows / split);
  return {
    rt, ct, rowBlocks, colBlocks, tiles, split, tilesPerGroup, rows, chunks, chunkRows, rowsPerInvocation, serialSteps: rowsPerInvocation * s.OW,
    workgroups: groups * chunks + (chunks > 1 ? Math.ceil(n / ELEMENTWISE_WG) : 0),
    invocations: groups * chunks * FILTER_WG + (chunks > 1 ? n : 0),
    dispatches: chunks > 1 ? 2 : 1,
  };
}

/**
 * Chunks of the leading-axes sum of x viewed as [rows, cols]: a few long chunks on a software adapter,
 * up to 8192 (chunk, column) invocations of ≥ 32 rows on a hardware one.
 */
export function planLeadingSum(rows: number, cols: number, software: boolean): { chunks: number; chunkRows: number } {
  const target = software ? 32 : 8192;
  const minRows = software ? 256 : 32;
  const chunks0 = Math.max(1, Math.min(Math.ceil(target / cols), Math.floor(rows / minRows)));
  const chunkRows = Math.ceil(rows / chunks0);
  return { chunks: Math.ceil(rows / chunkRows), chunkRows };
}

/** The conv layer shapes of a preset's stages (5×5, pad 2, stride 1, 2×2 pool after each stage). */
export function presetConvLayers(stages: readonly number[], batch: number): Array<{ x: number[]; filter: number[] }> {
  const out: Array<{ x: number[]; filter: number[] }> = [];
  let cin = 1;
  let side = 28;
  for (const cout of stages) {
    for (let k = 0; k < 2; k++) {
      out.push({ x: [batch, side, side, cin], filter: [5, 5, cin, cout] });
      cin = cout;
    }
    side = Math.floor(side / 2);
  }
  return out;
}
