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
 * scope; a program that fails is poisoned and that shape goes back to tfjs' kernel (the guard of
 * centerLossWebgpu.ts, falling back instead of throwing); `validateConvKernels()` checks every
 * program against tfjs' kernels at start-up and the worker switches ours off if anything disagrees.
 *
 * Conv2DBackpropFilter (tfjs 4.22: Conv2DDerFilterProgram, one invocation per weight looping serially
 * over B·OH·OW — 200 invocations with loops of 100k for `small`'s first layer at batch 128): an
 * im2col-style product dW[M = KH·KW·Cin, N = Cout] = A[M, P]·dy[P, N] over P = B·OH·OW, with
 * A[(kh,kw,ci), (b,oh,ow)] = x[b, oh−pt+kh, ow−pl+kw, ci] (0 outside) never stored:
 *   pass 1: a tile is RT = 4 consecutive input channels at one (kh, kw) × CT = 4 consecutive output
 *     channels (16 accumulators in registers); per output pixel 4 + 4 loads and 16 multiply-adds. The
 *     output rows q = b·OH + oh of a chunk are split over `split` invocations of a workgroup
 *     (reduced in workgroup memory, log2(split) barriers at the end) and over chunks (workgroups);
 *     an invocation walks a row with linear addresses over the valid columns only (one integer
 *     division per row, no bounds test per pixel).
 *   pass 2 (only with several chunks): one invocation per weight sums the chunk partials.
 *   Tuning (`tuneConvKernels`): on hardware adapters up to 64 invocations share a tile's rows and
 *   chunks are added until there are ≥ 2048 workgroups; on SwiftShader, where a workgroup runs on one
 *   CPU core and workgroup memory and barriers cost more than they save, split = 1 and a few chunks.
 * Conv2D and Conv2DBackpropInput (tfjs: a tiled matmul whose 32-wide tiles are mostly padding at
 *   4–32 channels, and index arithmetic per element): a direct convolution, one invocation per
 *   (b, oh, 4 output columns, 4 output channels), 16 accumulators, a serial loop over KH·KW·Cin with
 *   4 + 4 loads per 16 multiply-adds, no workgroup memory; the input gradient is the same program on
 *   dy with the filter flipped and transposed (padding KH−1−pt). Partial sums per kh (per (kh, kw)
 *   from Cin = 16) keep the float32 result close to a float64 reference.
 * Add (bias, a[…, C] + b[C]), Sum (over leading axes, e.g. the bias gradient Σ over B·H·W) and the
 *   PReLU gradient (tfjs composes Greater, Select ×2, Multiply ×2, ZerosLike, Sum): flat elementwise
 *   programs without the broadcast index arithmetic, and a two-pass column sum.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

export const CONV_KERNELS = ['Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'Add', 'Sum'] as const;
export type ConvKernelName = (typeof CONV_KERNELS)[number];

/** Invocations per workgroup of the filter-gradient pass 1 (power of two). */
const FILTER_WG = 64;
/** Weights per invocation: input channels × output channels of a tile (at most). */
const FILTER_RT = 4;
const FILTER_CT = 4;
/** Pass 1 aims at this many workgroups (split of the B·OH output rows), … */
const TARGET_WORKGROUPS = 2048;
/** … but gives every invocation at least this many output rows (of OW pixels each). */
const MIN_ROWS = 2;
const ELEMENTWISE_WG = 64;
/** Direct convolution: output pixels (along a row) × output channels per invocation. */
const DIRECT_PX = 4;
const DIRECT_CT = 4;
const DIRECT_WG = 64;
/** Longest run of input channels summed serially into one partial by the direct convolution. */
const CIN_PARTIAL = 32;

interface ConvShape {
  B: number; H: number; W: number; CI: number; KH: number; KW: number; CO: number;
  OH: number; OW: number; PT: number; PL: number;
}

function shapeKey(s: ConvShape): string {
  return [s.B, s.H, s.W, s.CI, s.KH, s.KW, s.CO, s.OH, s.OW, s.PT, s.PL].join('x');
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
const GPU_TUNING: FilterGradTuning = { split: null, targetWorkgroups: TARGET_WORKGROUPS, minRows: MIN_ROWS };
const SOFTWARE_TUNING: FilterGradTuning = { split: 1, targetWorkgroups: 32, minRows: 16 };
let tuning: FilterGradTuning = GPU_TUNING;
/** Chooses the filter-gradient tuning for a software (true) or hardware adapter. */
export function tuneConvKernels(software: boolean): void { tuning = software ? SOFTWARE_TUNING : GPU_TUNING; }
/** Test/benchmark hook: override parts of the current tuning (null: back to the hardware tuning). */
export function setFilterGradTuning(t: Partial<FilterGradTuning> | null): void { tuning = t ? { ...tuning, ...t } : GPU_TUNING; }

export function filterGradPlan(s: ConvShape): FilterGradPlan {
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

/** Flat workgroup index, robust to tfjs reshaping a large 1-D dispatch into 2-D/3-D. */
const FLAT_WORKGROUP = 'i32((workgroupId.z * numWorkgroups.y + workgroupId.y) * numWorkgroups.x + workgroupId.x)';

/**
 * Filter gradient, pass 1. Workgroup g = chunk·TILES + tile; invocation t of it takes the output rows
 * q = start+t, start+t+WG, … of its chunk, and for each row runs along the valid output columns
 * with linear addresses (one integer division per row, no bounds test per pixel): stride 1 only.
 */
class FilterGradPartialProgram implements WebGPUProgram {
  variableNames = ['x', 'dy'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [FILTER_WG, 1, 1];
  constructor(private readonly s: ConvShape, private readonly plan: FilterGradPlan) {
    const n = s.KH * s.KW * s.CI * s.CO;
    this.outputShape = plan.chunks > 1 ? [plan.chunks, n] : [s.KH, s.KW, s.CI, s.CO];
    this.dispatch = [Math.ceil(plan.tiles / plan.tilesPerGroup) * plan.chunks, 1, 1];
    this.shaderKey = `flockConvFilterGrad_${shapeKey(s)}_${plan.rt}x${plan.ct}_s${plan.split}_r${plan.chunkRows}_wg${FILTER_WG}`;
  }
  getUserCode(): string {
    const { s, plan } = this;
    const { rt, ct } = plan;
    const lanes = rt * ct;
    const rr = [...Array(rt).keys()];
    const cc = [...Array(ct).keys()];
    const decl = rr.flatMap((r) => cc.map((c) => `var a${r}_${c} = 0.0;`)).join('\n      ');
    // Loads guarded per channel only where a tile can stick out of CI / CO.
    const xl = rr.map((r) => (s.CI % rt === 0
      ? `let x${r} = x[xa + ${r}];`
      : `var x${r} = 0.0; if (ci0 + ${r} < CI) { x${r} = x[xa + ${r}]; }`)).join('\n            ');
    const dl = cc.map((c) => (s.CO % ct === 0
      ? `let d${c} = dy[da + ${c}];`
      : `var d${c} = 0.0; if (co0 + ${c} < CO) { d${c} = dy[da + ${c}]; }`)).join('\n            ');
    // Per-row partial sums t (added into a after each row): shorter serial sums.
    const fma = rr.flatMap((r) => cc.map((c) => `t${r}_${c} = fma(x${r}, d${c}, t${r}_${c});`)).join('\n            ');
    const tdecl = rr.flatMap((r) => cc.map((c) => `var t${r}_${c} = 0.0;`)).join('\n          ');
    const tadd = rr.flatMap((r) => cc.map((c) => `a${r}_${c} = a${r}_${c} + t${r}_${c};`)).join('\n          ');
    const store = rr.flatMap((r) => cc.map((c) => `red[${(r * ct + c) * FILTER_WG}u + lid] = a${r}_${c};`)).join('\n      ');
    const adds = Array.from({ length: lanes }, (_, l) => `red[${l * FILTER_WG}u + lid] = red[${l * FILTER_WG}u + lid] + red[${l * FILTER_WG}u + lid + h];`).join('\n          ');
    const split = plan.split;
    const groups = Math.ceil(plan.tiles / plan.tilesPerGroup);
    // split = 1: every invocation owns its tile's rows of the chunk, no workgroup memory, no barrier.
    const reduce = split === 1 ? '' : `
      ${store}
      workgroupBarrier();
      for (var h = ${split / 2}u; h > 0u; h = h >> 1u) {
        if (j < h) {
          ${adds}
        }
        workgroupBarrier();
      }`;
    const write = split === 1
      ? rr.flatMap((r) => cc.map((c) => `if (ci0 + ${r} < CI && co0 + ${c} < CO) { result[base + ${r * s.CO + c}] = a${r}_${c}; }`)).join('\n        ')
      : `if (j == 0u) {
          for (var l = 0; l < ${lanes}; l = l + 1) {
            let r = l / CT;
            let c = l - r * CT;
            if (ci0 + r < CI && co0 + c < CO) { result[base + r * CO + c] = red[u32(l) * u32(WG) + lid]; }
          }
        }`;
    return `
    const H = ${s.H}; const W = ${s.W}; const CI = ${s.CI}; const CO = ${s.CO};
    const KW = ${s.KW}; const OH = ${s.OH}; const OW = ${s.OW}; const PT = ${s.PT}; const PL = ${s.PL};
    const CHUNK = ${plan.chunkRows}; const TILES = ${plan.tiles}; const GROUPS = ${groups};
    const RB = ${plan.rowBlocks}; const CB = ${plan.colBlocks}; const RT = ${rt}; const CT = ${ct};
    const WG = ${FILTER_WG}; const SPLIT = ${split}u;
    ${split === 1 ? '' : `var<workgroup> red : array<f32, ${lanes * FILTER_WG}>;`}

    fn main(index : i32) {
      let g = ${FLAT_WORKGROUP};
      let lid = localId.x;
      let j = lid % SPLIT;                         // which share of the rows
      let chunk = g / GROUPS;                      // ≥ the number of chunks only in padding workgroups
      let tile = (g - chunk * GROUPS) * ${plan.tilesPerGroup} + i32(lid / SPLIT);
      let live = tile < TILES && chunk < ${plan.chunks};
      let cb = tile % CB;
      let rest = tile / CB;
      let rb = rest % RB;
      let kk = min(rest / RB, ${s.KH * s.KW - 1});  // kh·KW + kw
      let kh = kk / KW;
      let kw = kk - kh * KW;
      let ci0 = rb * RT;
      let co0 = cb * CT;
      // Output columns whose input column ow − PL + kw is inside the image.
      let owLo = max(0, PL - kw);
      let owHi = min(OW, W + PL - kw);
      ${decl}
      // The row count from the uniforms (= the baked B·OH): a shader that reads no uniform loses the
      // uniform binding from its 'auto' layout, and tfjs' bind group would no longer match.
      var qEnd = min(uniforms.dyShape.x * OH, (chunk + 1) * CHUNK);
      if (!live) { qEnd = 0; }
      for (var q = chunk * CHUNK + i32(j); q < qEnd; q = q + i32(SPLIT)) {
        let b = q / OH;
        let ih = q - b * OH - PT + kh;
        if (ih >= 0 && ih < H) {
          ${tdecl}
          var xa = ((b * H + ih) * W + owLo - PL + kw) * CI + ci0;
          var da = (q * OW + owLo) * CO + co0;
          for (var ow = owLo; ow < owHi; ow = ow + 1) {
            ${xl}
            ${dl}
            ${fma}
            xa = xa + CI;
            da = da + CO;
          }
          ${tadd}
        }
      }
      ${reduce}
      if (live) {
        let base = chunk * ${s.KH * s.KW * s.CI * s.CO} + (kk * CI + ci0) * CO + co0;
        ${write}
      }
    }`;
  }
}

/**
 * Direct stride-1 convolution, used for the forward conv (mode 'forward': x[B,H,W,CI] ⊛ w → [B,OH,OW,CO])
 * and the input gradient (mode 'input': dy[B,OH,OW,CO] ⊛ flipped, transposed w → dx[B,H,W,CI], i.e.
 * padding KH−1−PT). One invocation per (b, oh, PX consecutive output columns, CT consecutive output
 * channels): PX·CT accumulators in registers, a serial loop over KH·KW·Cin with PX + CT loads and
 * PX·CT multiply-adds per step; no workgroup memory, no barriers. The output channel block varies
 * fastest across invocations, so neighbouring invocations read the same input pixels.
 */
class DirectConvProgram implements WebGPUProgram {
  variableNames = ['x', 'w'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [DIRECT_WG, 1, 1];
  /** in: input channels summed over; out: channels produced; ih = oh − pad + kh over an IN_H × IN_W image */
  private readonly d: { inH: number; inW: number; cin: number; cout: number; outH: number; outW: number; padT: number; padL: number };
  readonly invocations: number;
  constructor(private readonly s: ConvShape, private readonly mode: 'forward' | 'input') {
    this.d = mode === 'forward'
      ? { inH: s.H, inW: s.W, cin: s.CI, cout: s.CO, outH: s.OH, outW: s.OW, padT: s.PT, padL: s.PL }
      : { inH: s.OH, inW: s.OW, cin: s.CO, cout: s.CI, outH: s.H, outW: s.W, padT: s.KH - 1 - s.PT, padL: s.KW - 1 - s.PL };
    const { outH, outW, cout } = this.d;
    this.outputShape = [s.B, outH, outW, cout];
    this.invocations = s.B * outH * Math.ceil(outW / DIRECT_PX) * Math.ceil(cout / Math.min(DIRECT_CT, cout));
    this.dispatch = [Math.ceil(this.invocations / DIRECT_WG), 1, 1];
    this.shaderKey = `flockConvDirect_${mode}_${shapeKey(s)}_${DIRECT_PX}x${DIRECT_CT}_wg${DIRECT_WG}`;
  }
  getUserCode(): string {
    const { s, d } = this;
    const px = [...Array(DIRECT_PX).keys()];
    const ct = Math.min(DIRECT_CT, d.cout);
    const cc = [...Array(ct).keys()];
    const cb = Math.ceil(d.cout / ct);
    const owb = Math.ceil(d.outW / DIRECT_PX);
    // Weight index of (kh, kw, cin, cout) in w[KH, KW, CI, CO].
    const wIndex = this.mode === 'forward'
      ? (c: string) => `wb + ci * COUT + co0 + ${c}`                 // w[kh, kw, ci, co0 + c]
      : (c: string) => `wb + (co0 + ${c}) * CIN + ci`;               // w[KH−1−kh, KW−1−kw, co0 + c, ci]
    const wBase = this.mode === 'forward'
      ? '(kh * KW + kw) * CIN * COUT'
      : '((KH - 1 - kh) * KW + (KW - 1 - kw)) * COUT * CIN';
    const coutTail = d.cout % ct !== 0;
    const decl = px.flatMap((p) => cc.map((c) => `var a${p}_${c} = 0.0;`)).join('\n      ');
    const xaddr = px.map((p) => `let v${p} = iw0 + ${p} >= 0 && iw0 + ${p} < IN_W;
            let xa${p} = select(0, rowBase + (iw0 + ${p}) * CIN, v${p});
            let m${p} = select(0.0, 1.0, v${p});`).join('\n            ');
    const xl = px.map((p) => `let x${p} = x[xa${p} + ci] * m${p};`).join('\n              ');
    const wl = cc.map((c) => (coutTail
      ? `var w${c} = 0.0; if (co0 + ${c} < COUT) { w${c} = w[${wIndex(String(c))}]; }`
      : `let w${c} = w[${wIndex(String(c))}];`)).join('\n              ');
    // Partial sums for accuracy (the serial float32 sum of KH·KW·Cin products drifts from the float64
    // reference as Cin grows): from Cin = 16, t sums ≤ CIN_PARTIAL channels of one (kh, kw) and u one
    // kh's t's; below, t sums one kh's products.
    const perKw = d.cin >= 16;
    const fma = px.flatMap((p) => cc.map((c) => `t${p}_${c} = fma(x${p}, w${c}, t${p}_${c});`)).join('\n              ');
    const declOf = (v: string) => px.flatMap((p) => cc.map((c) => `var ${v}${p}_${c} = 0.0;`)).join('\n            ');
    const addOf = (to: string, from: string) => px.flatMap((p) => cc.map((c) => `${to}${p}_${c} = ${to}${p}_${c} + ${from}${p}_${c};`)).join('\n            ');
    const khDecl = perKw ? declOf('u') : declOf('t');
    const kwDecl = perKw ? declOf('t') : '';
    const kwAdd = perKw ? addOf('u', 't') : '';
    const khAdd = perKw ? addOf('a', 'u') : addOf('a', 't');
    const store = px.flatMap((p) => cc.map((c) => `if (ow0 + ${p} < OUT_W${coutTail ? ` && co0 + ${c} < COUT` : ''}) { result[ob + ${p} * COUT + ${c}] = a${p}_${c}; }`)).join('\n        ');
    return `
    const IN_H = ${d.inH}; const IN_W = ${d.inW}; const CIN = ${d.cin}; const COUT = ${d.cout};
    const OUT_H = ${d.outH}; const OUT_W = ${d.outW}; const PAD_T = ${d.padT}; const PAD_L = ${d.padL};
    const KH = ${s.KH}; const KW = ${s.KW}; const CB = ${cb}; const OWB = ${owb}; const CT = ${ct};

    fn main(index : i32) {
      // Batch size from the uniforms (keeps the uniform binding in the 'auto' layout).
      if (index < uniforms.xShape.x * OUT_H * OWB * CB) {
        let cbi = index % CB;
        let t = index / CB;
        let owbi = t % OWB;
        let t2 = t / OWB;
        let oh = t2 % OUT_H;
        let b = t2 / OUT_H;
        let co0 = cbi * CT;
        let ow0 = owbi * ${DIRECT_PX};
        ${decl}
        for (var kh = 0; kh < KH; kh = kh + 1) {
          let ih = oh - PAD_T + kh;
          if (ih >= 0 && ih < IN_H) {
            ${khDecl}
            let rowBase = (b * IN_H + ih) * IN_W * CIN;
            for (var kw = 0; kw < KW; kw = kw + 1) {
              let iw0 = ow0 - PAD_L + kw;
              ${xaddr}
              let wb = ${wBase};
              ${perKw ? `for (var c0 = 0; c0 < CIN; c0 = c0 + ${CIN_PARTIAL}) {
              ${kwDecl}
              for (var ci = c0; ci < min(c0 + ${CIN_PARTIAL}, CIN); ci = ci + 1) {` : 'for (var ci = 0; ci < CIN; ci = ci + 1) {'}
              ${xl}
              ${wl}
              ${fma}
              }
              ${perKw ? `${kwAdd}
              }` : ''}
            }
            ${khAdd}
          }
        }
        let ob = ((b * OUT_H + oh) * OUT_W + ow0) * COUT + co0;
        ${store}
      }
    }`;
  }
}

/** Sums the S chunk partials of each weight: [S, n] → [KH, KW, CI, CO]. */
class ChunkSumProgram implements WebGPUProgram {
  variableNames = ['part'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0, 1, 2, 3] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [ELEMENTWISE_WG, 1, 1];
  size = true;
  constructor(filterShape: number[], private readonly chunks: number) {
    this.outputShape = filterShape;
    const n = filterShape.reduce((a, b) => a * b, 1);
    this.dispatch = [Math.ceil(n / ELEMENTWISE_WG), 1, 1];
    this.shaderKey = `flockConvChunkSum_${chunks}`;
  }
  getUserCode(): string {
    return `
    fn main(index : i32) {
      if (index < uniforms.size) {
        var acc = 0.0;
        for (var s = 0; s < ${this.chunks}; s = s + 1) {
          acc = acc + part[s * uniforms.size + index];
        }
        result[index] = acc;
      }
    }`;
  }
}

/** Bias add of a conv layer: a[…, C] + b[C] (tfjs' broadcasting binary program is slow on SwiftShader). */
class BiasAddProgram implements WebGPUProgram {
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
 * gradient (Σ over everything, C = 1); the chunks are summed by ChunkSumProgram.
 */
class LeadingSumProgram implements WebGPUProgram {
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
class PreluGradProgram implements WebGPUProgram {
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

// ---------------------------------------------------------------------------------------------
// Guard: the first run of each program is wrapped in a validation error scope; an error poisons
// that program key and later calls use tfjs' own kernel.
// ---------------------------------------------------------------------------------------------

const scopedOnce = new Set<string>();
const poisoned = new Map<string, Error>();
let enabled = true;
const original = new Map<string, tf.KernelFunc>();
/** Calls that went to tfjs' kernel because ours were off or poisoned, and to ours (for tests). */
export const convKernelCalls = { flock: 0, tfjs: 0 };

function runGuarded(backend: WebGPUBackend, program: WebGPUProgram, inputs: tf.TensorInfo[]): tf.TensorInfo {
  const key = program.shaderKey;
  if (scopedOnce.has(key)) return backend.runWebGPUProgram(program, inputs, 'float32');
  scopedOnce.add(key);
  const device = backend.device;
  device.pushErrorScope('validation');
  try {
    return backend.runWebGPUProgram(program, inputs, 'float32');
  } finally {
    device.popErrorScope().then((err) => {
      if (err) {
        const e = new Error(`Flock conv WGSL program '${key}' failed WebGPU validation: ${err.message}`);
        poisoned.set(key, e);
        console.error(e);
      }
    }, (e: unknown) => console.error(new Error(`Flock conv WGSL program '${key}': ${String(e)}`)));
  }
}

function convShapeOf(xShape: number[], filterShape: number[], attrs: tf.NamedAttrMap): ConvShape | null {
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

function filterGrad(b: WebGPUBackend, x: tf.TensorInfo, dy: tf.TensorInfo, s: ConvShape, filterShape: number[]): tf.TensorInfo | null {
  const plan = filterGradPlan(s);
  const p1 = new FilterGradPartialProgram(s, plan);
  if (poisoned.has(p1.shaderKey)) return null;
  const sum = plan.chunks > 1 ? new ChunkSumProgram(filterShape, plan.chunks) : null;
  if (sum && poisoned.has(sum.shaderKey)) return null;
  const part = runGuarded(b, p1, [x, dy]);
  if (!sum) return part;
  const out = runGuarded(b, sum, [part]);
  b.disposeData(part.dataId);
  return out;
}

const filterKernel: tf.KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const filterShape = (attrs as { filterShape: number[] }).filterShape;
  if (enabled && x.dtype === 'float32' && dy.dtype === 'float32' && x.shape.length === 4) {
    const s = convShapeOf(x.shape, filterShape, attrs!);
    if (s) {
      const out = filterGrad(backend as WebGPUBackend, x, dy, s, filterShape);
      if (out) { convKernelCalls.flock++; return out; }
    }
  }
  convKernelCalls.tfjs++;
  return original.get('Conv2DBackpropFilter')!(args);
};

function direct(name: ConvKernelName, mode: 'forward' | 'input'): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const a = inputs as Record<string, tf.TensorInfo>;
    const src = mode === 'forward' ? a.x : a.dy;
    const filter = a.filter;
    if (enabled && src.dtype === 'float32' && filter.dtype === 'float32' && src.shape.length === 4 && filter.shape.length === 4) {
      const xShape = mode === 'forward' ? src.shape : (attrs as { inputShape: number[] }).inputShape;
      const s = convShapeOf(xShape, filter.shape, attrs!);
      if (s && (mode === 'forward' || (src.shape[1] === s.OH && src.shape[2] === s.OW && src.shape[3] === s.CO))) {
        const program = new DirectConvProgram(s, mode);
        if (!poisoned.has(program.shaderKey)) {
          convKernelCalls.flock++;
          return runGuarded(backend as WebGPUBackend, program, [src, filter]);
        }
      }
    }
    convKernelCalls.tfjs++;
    return original.get(name)!(args);
  };
}

const addKernel: tf.KernelFunc = (args) => {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  if (enabled && a.dtype === 'float32' && b.dtype === 'float32') {
    const [big, bias] = b.shape.length === 1 && a.shape.length >= 2 ? [a, b] : a.shape.length === 1 && b.shape.length >= 2 ? [b, a] : [null, null];
    if (big && bias && bias.shape[0] === big.shape[big.shape.length - 1] && bias.shape[0] > 1) {
      const program = new BiasAddProgram(big.shape, bias.shape[0]);
      if (!poisoned.has(program.shaderKey)) {
        convKernelCalls.flock++;
        return runGuarded(args.backend as WebGPUBackend, program, [big, bias]);
      }
    }
  }
  convKernelCalls.tfjs++;
  return original.get('Add')!(args);
};

/** Sum over leading axes [0, k) of a float32 tensor in two passes; null where it does not apply. */
function leadingSum(backend: WebGPUBackend, x: tf.TensorInfo, k: number, outShape: number[]): tf.TensorInfo | null {
  const rows = x.shape.slice(0, k).reduce((p, q) => p * q, 1);
  const cols = x.shape.slice(k).reduce((p, q) => p * q, 1);
  if (rows < 1 || cols < 1) return null;
  const sw = tuning === SOFTWARE_TUNING;
  const target = sw ? 32 : 8192;
  const minRows = sw ? 256 : 32;
  const chunks0 = Math.max(1, Math.min(Math.ceil(target / cols), Math.floor(rows / minRows)));
  const chunkRows = Math.ceil(rows / chunks0);
  const chunks = Math.ceil(rows / chunkRows);
  const p1 = new LeadingSumProgram(chunks > 1 ? [chunks, cols] : outShape, rows, cols, chunkRows);
  const p2 = chunks > 1 ? new ChunkSumProgram(outShape, chunks) : null;
  if (poisoned.has(p1.shaderKey) || (p2 && poisoned.has(p2.shaderKey))) return null;
  const part = runGuarded(backend, p1, [x]);
  if (!p2) return part;
  const out = runGuarded(backend, p2, [part]);
  backend.disposeData(part.dataId);
  return out;
}

const sumKernel: tf.KernelFunc = (args) => {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
  if (enabled && x.dtype === 'float32' && x.shape.length >= 1) {
    const axes = tf.util.parseAxisParam(axis, x.shape).slice().sort((p, q) => p - q);
    const k = axes.length;
    if (k >= 1 && axes.every((v, i) => v === i)) {
      const rest = x.shape.slice(k);
      const outShape = keepDims ? [...axes.map(() => 1), ...rest] : rest;
      const out = leadingSum(args.backend as WebGPUBackend, x, k, outShape);
      if (out) { convKernelCalls.flock++; return out; }
    }
  }
  convKernelCalls.tfjs++;
  return original.get('Sum')!(args);
};

export const KERNEL_PRELU_GRAD = 'FlockPreluGrad';
const preluGradKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, alpha, dy } = inputs as { x: tf.TensorInfo; alpha: tf.TensorInfo; dy: tf.TensorInfo };
  const mode = (attrs as { mode: 'x' | 'alpha' }).mode;
  return runGuarded(backend as WebGPUBackend, new PreluGradProgram(x.shape, mode), mode === 'x' ? [x, alpha, dy] : [x, dy]);
};

let tfjsPreluGrad: tf.GradConfig | undefined;
/**
 * The PReLU gradient on WebGPU while our kernels are on and the slope is a single value (Flock's
 * models): two elementwise dispatches and the leading-axes sum; tfjs' own composition otherwise.
 */
const preluGrad: tf.GradConfig = {
  kernelName: 'Prelu',
  inputsToSave: ['x', 'alpha'],
  gradFunc: (dy, saved, attrs) => {
    const [x, alpha] = saved;
    const d = dy as tf.Tensor;
    if (!(enabled && tf.getBackend() === 'webgpu' && alpha.size === 1 && x.dtype === 'float32' && tf.util.arraysEqual(x.shape, d.shape))) {
      return tfjsPreluGrad!.gradFunc(dy, saved, attrs);
    }
    convKernelCalls.flock++;
    return {
      x: () => tf.engine().runKernel(KERNEL_PRELU_GRAD, { x, alpha, dy: d }, { mode: 'x' }) as tf.Tensor,
      alpha: () => tf.reshape(tf.sum(tf.engine().runKernel(KERNEL_PRELU_GRAD, { x, alpha, dy: d }, { mode: 'alpha' }) as tf.Tensor), alpha.shape),
    };
  },
};

const OURS: Record<ConvKernelName, tf.KernelFunc> = {
  Conv2DBackpropFilter: filterKernel,
  Conv2D: direct('Conv2D', 'forward'),
  Conv2DBackpropInput: direct('Conv2DBackpropInput', 'input'),
  Add: addKernel,
  Sum: sumKernel,
};

/**
 * Registers our kernels over tfjs' own for 'webgpu' (idempotent; call after the webgpu backend is
 * registered, i.e. after importing '@tensorflow/tfjs-backend-webgpu'). tfjs' functions are kept
 * and used when ours are off.
 */
export function registerConvKernels(): void {
  for (const name of CONV_KERNELS) {
    if (original.has(name)) continue;
    const theirs = tf.getKernel(name, 'webgpu');
    if (!theirs) throw new Error(`tfjs has no '${name}' kernel for webgpu to replace`);
    original.set(name, theirs.kernelFunc);
    tf.unregisterKernel(name, 'webgpu');
    tf.registerKernel({ kernelName: name, backendName: 'webgpu', kernelFunc: OURS[name] });
  }
  if (!tf.getKernel(KERNEL_PRELU_GRAD, 'webgpu')) tf.registerKernel({ kernelName: KERNEL_PRELU_GRAD, backendName: 'webgpu', kernelFunc: preluGradKernel });
  if (!tfjsPreluGrad) {
    tfjsPreluGrad = tf.getGradient('Prelu');
    if (!tfjsPreluGrad) throw new Error('tfjs has no Prelu gradient to wrap');
    tf.registerGradient(preluGrad);
  }
}

/** The Conv2DBackpropFilter kernel on the current backend (tfjs exports no op for it), stride 1. */
export function conv2dFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], pad: 'same' | 'valid' = 'same'): tf.Tensor4D {
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [1, 1], pad, dataFormat: 'NHWC', filterShape } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/** Our kernels on (true) or tfjs' own (false). Takes effect at the next call. */
export function setConvKernels(on: boolean): void { enabled = on; }
export function convKernelsOn(): boolean { return enabled && original.size > 0; }

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

/**
 * Start-up check (backend must be 'webgpu'): each of our kernels against tfjs' own on small shapes,
 * under a validation error scope. Throws on an error or a mismatch (relative 1e-3: a smoke test
 * against silently-zero outputs; the precision test is the e2e spec against the CPU backend).
 */
export async function validateConvKernels(): Promise<void> {
  if (tf.getBackend() !== 'webgpu') throw new Error(`validateConvKernels: backend is '${tf.getBackend()}', not webgpu`);
  registerConvKernels();
  const device = (tf.backend() as WebGPUBackend).device;
  const was = enabled;
  const cases = [{ x: [3, 9, 7, 3], filter: [5, 5, 3, 6] }, { x: [2, 6, 6, 1], filter: [5, 5, 1, 4] }];
  try {
    for (const c of cases) {
      const n = (sh: number[]) => sh.reduce((a, b) => a * b, 1);
      const xs = tf.tensor4d(Float32Array.from({ length: n(c.x) }, (_, i) => Math.sin(i * 1.3)), c.x as [number, number, number, number]);
      const dyShape = [c.x[0], c.x[1], c.x[2], c.filter[3]] as [number, number, number, number];
      const dys = tf.tensor4d(Float32Array.from({ length: n(dyShape) }, (_, i) => Math.cos(i * 0.7)), dyShape);
      const ws = tf.tensor4d(Float32Array.from({ length: n(c.filter) }, (_, i) => Math.sin(i * 0.37)), c.filter as [number, number, number, number]);
      const all = (on: boolean): tf.Tensor[] => {
        enabled = on;
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
      enabled = was;
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
    enabled = was;
  }
}
