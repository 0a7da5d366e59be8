/**
 * The filter gradient (Conv2DBackpropFilter) in WGSL for the tfjs WebGPU backend, and the chunk sum
 * it shares with the leading-axes sum (programsElementwise.ts). Registered by convKernelsWebgpu.ts.
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
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { ELEMENTWISE_WG, FILTER_WG, shapeKey, type ConvShape, type FilterGradPlan } from './plan';

/** Flat workgroup index, robust to tfjs reshaping a large 1-D dispatch into 2-D/3-D. */
const FLAT_WORKGROUP = 'i32((workgroupId.z * numWorkgroups.y + workgroupId.y) * numWorkgroups.x + workgroupId.x)';

/**
 * Filter gradient, pass 1. Workgroup g = chunk·TILES + tile; invocation t of it takes the output rows
 * q = start+t, start+t+WG, … of its chunk, and for each row runs along the valid output columns
 * with linear addresses (one integer division per row, no bounds test per pixel): stride 1 only.
 */
export class FilterGradPartialProgram implements WebGPUProgram {
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

/** Sums the S chunk partials of each weight: [S, n] → [KH, KW, CI, CO]. */
export class ChunkSumProgram implements WebGPUProgram {
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

