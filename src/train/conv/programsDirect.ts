/**
 * The forward convolution (Conv2D) and the input gradient (Conv2DBackpropInput) in WGSL for the
 * tfjs WebGPU backend: one direct-convolution program. Registered by convKernelsWebgpu.ts.
 *
 * Conv2D and Conv2DBackpropInput (tfjs: a tiled matmul whose 32-wide tiles are mostly padding at
 *   4–32 channels, and index arithmetic per element): a direct convolution, one invocation per
 *   (b, oh, 4 output columns, 4 output channels), 16 accumulators, a serial loop over KH·KW·Cin with
 *   4 + 4 loads per 16 multiply-adds, no workgroup memory; the input gradient is the same program on
 *   dy with the filter flipped and transposed (padding KH−1−pt). Partial sums per kh (per (kh, kw)
 *   from Cin = 16) keep the float32 result close to a float64 reference.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { CIN_PARTIAL, DIRECT_CT, DIRECT_PX, DIRECT_WG, shapeKey, type ConvShape } from './plan';

/**
 * Direct stride-1 convolution, used for the forward conv (mode 'forward': x[B,H,W,CI] ⊛ w → [B,OH,OW,CO])
 * and the input gradient (mode 'input': dy[B,OH,OW,CO] ⊛ flipped, transposed w → dx[B,H,W,CI], i.e.
 * padding KH−1−PT). One invocation per (b, oh, PX consecutive output columns, CT consecutive output
 * channels): PX·CT accumulators in registers, a serial loop over KH·KW·Cin with PX + CT loads and
 * PX·CT multiply-adds per step; no workgroup memory, no barriers. The output channel block varies
 * fastest across invocations, so neighbouring invocations read the same input pixels.
 */
export class DirectConvProgram implements WebGPUProgram {
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

