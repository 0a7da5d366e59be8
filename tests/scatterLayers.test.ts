import { describe, expect, it } from 'vitest';
import { centerMarks, drawCenters } from '../src/ui/scatter/centerLayer';
import { drawPoints, groupByClass, INTERLEAVE, layoutPoints, UNLABELED, type DotSink } from '../src/ui/scatter/pointLayer';
import { drawPlotImage } from '../src/ui/scatter/render';
import { plotTicks } from '../src/ui/scatter/axes';
import { CLASS_COLORS, LIGHT_THEME, pointRadius, POINT_ALPHA, POINT_FADED } from '../src/ui/scatter/style';
import { scalesOf, Viewport } from '../src/ui/scatter/viewport';
import { figureSvg } from '../src/ui/figure/figureSvg';
import type { Domain } from '../src/ui/scatter/geometry';
import { shallowEqual } from '../src/ui/ImperativeView';
import { recorder, type Call } from './canvasRecorder';


/** n points on a spiral, labels 0..9 in turn, a few unlabeled and a few NaN. */
function data(n: number) {
  const points = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const a = i * 0.37, r = 0.2 + (i % 97) / 40;
    points[2 * i] = r * Math.cos(a);
    points[2 * i + 1] = r * Math.sin(a) * 0.7;
  }
  points[10] = NaN;
  const labels = new Uint8Array(n - 3).map((_, i) => i % 10); // the last three have no label
  const centers = new Float32Array(20).map((_, i) => Math.sin(i) * 1.5);
  return { points, labels, centers };
}

/** What the screen draws for these props: the Viewport's mapping after it fitted `fit`, then the layers. */
function screen(p: ReturnType<typeof data>, w: number, h: number, fit: Domain, highlight: number | null) {
  const vp = new Viewport({ duration: 0 });
  vp.resize(w, h);
  vp.setFit(fit, false);
  vp.frame(0);
  const map = vp.mapping(0);
  const rec = recorder();
  const groups = groupByClass(p.labels, p.points.length >> 1);
  drawPoints(rec.ctx, { points: p.points, groups, colors: CLASS_COLORS, fg: LIGHT_THEME.fg, highlight, map, chunks: INTERLEAVE });
  drawCenters(rec.ctx, centerMarks(p.centers, highlight, CLASS_COLORS, map, w, h), LIGHT_THEME);
  return { calls: rec.calls, domain: vp.visibleDomain(0) };
}

/** What the PNG export draws inside the plot area (between the clip and its restore). */
function exported(p: ReturnType<typeof data>, w: number, h: number, domain: Domain, highlight: number | null): Call[] {
  const rec = recorder();
  drawPlotImage(rec.ctx, {
    width: w, height: h, domain, ...p, colors: CLASS_COLORS, highlight, theme: LIGHT_THEME, caption: 'c', scale: 1,
  });
  const start = rec.calls.findIndex((c) => c[0] === 'clip') + 1;
  const end = rec.calls.map((c) => c[0]).lastIndexOf('restore');
  return rec.calls.slice(start, end);
}

describe('the export draws with the screen layers', () => {
  for (const [n, hl] of [[2000, null], [2000, 3], [5000, 7], [8000, null]] as const) {
    it(`${n} points, highlight ${hl}: the same canvas calls (positions, colours, alpha, radius, order)`, () => {
      const p = data(n);
      const s = screen(p, 360, 300, { x: [-3, 3], y: [-2, 2] }, hl);
      const e = exported(p, 360, 300, s.domain, hl);
      expect(e.length).toBeGreaterThan(n);
      expect(e).toEqual(s.calls);
      // and those are the screen's alpha and radius
      const alphas = new Set(e.filter((c) => c[0] === 'globalAlpha=').map((c) => c[1]));
      expect(alphas.has(hl == null ? POINT_ALPHA : POINT_FADED)).toBe(true);
      const radii = new Set(e.filter((c) => c[0] === 'arc' && c[3] !== 6).map((c) => c[3]));
      expect([...radii]).toEqual([pointRadius(n)]);
    });
  }

  it('the PNG ticks follow the screen rule (one per 80 px across, per 60 px down)', () => {
    const p = data(100);
    const domain: Domain = { x: [-3, 3], y: [-2, 2] };
    const rec = recorder();
    drawPlotImage(rec.ctx, { width: 480, height: 200, domain, ...p, colors: CLASS_COLORS, highlight: null, theme: LIGHT_THEME, caption: 'c', scale: 1 });
    const t = plotTicks(scalesOf(domain, 480, 200), 480, 200);
    expect(plotTicks(scalesOf(domain, 480, 200), 480, 480).y.values).not.toEqual(t.y.values); // the rule tells width from height here
    const beforeClip = rec.calls.slice(0, rec.calls.findIndex((c) => c[0] === 'clip'));
    const labels = beforeClip.filter((c) => c[0] === 'fillText').map((c) => c[1]);
    expect(labels).toEqual(['c', ...t.x.values.map(t.x.format), ...t.y.values.map(t.y.format)]);
  });

  it('the figure SVG has the screen radius, alpha per class, highlight and tick rule', () => {
    const p = data(5000);
    const domain: Domain = { x: [-3, 3], y: [-3, 3] };
    const svg = figureSvg([{ title: 't', ...p, domain, highlight: 4 }], { caption: 'c', colors: CLASS_COLORS, size: 300 });
    const paths = [...svg.matchAll(/data-class="(-?\d+)" data-points="\d+" d="[^"]*" fill="none" stroke="[^"]*" stroke-opacity="([\d.]+)" stroke-width="([\d.]+)"/g)];
    expect(paths.map((m) => Number(m[1]))).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9, -1, 4]); // highlighted class last (on top)
    for (const m of paths) {
      expect(Number(m[3])).toBeCloseTo(2 * pointRadius(5000));
      expect(Number(m[2])).toBe(m[1] === '4' ? 1 : POINT_FADED);
    }
    const t = plotTicks(scalesOf(domain, 300, 300), 300, 300);
    expect(svg.match(/text-anchor="middle">/g)!.length).toBe(t.x.values.length);
    expect(svg.match(/text-anchor="end">/g)!.length).toBe(t.y.values.length);
    expect(svg.match(/<g opacity="0.25"><circle class="center"/g)).toHaveLength(9);
  });
});

describe('point layer', () => {
  const rec = (): DotSink & { log: string[] } => {
    const log: string[] = [];
    return { log, begin: (c, _col, a) => log.push(`${c}@${a}`), dot: (x, y) => log.push(`${x},${y}`), end: () => log.push('end') };
  };
  const id = { ax: 1, bx: 0, ay: 1, by: 0 };

  it('groups by class with unlabeled points last', () => {
    const g = groupByClass(new Uint8Array([2, 0, 2]), 4);
    expect(Array.from(g.order)).toEqual([1, 0, 2, 3]);
    expect(g.starts[0]).toBe(0);
    expect(g.starts[1]).toBe(1);
    expect(g.starts[3]).toBe(3);
    expect(g.starts[UNLABELED + 1] - g.starts[UNLABELED]).toBe(1);
  });

  it('interleaves classes in chunks, skips non-finite points, draws the highlight last and opaque', () => {
    const points = new Float32Array([0, 0, 1, 1, 2, 2, NaN, 3, 4, 4, 5, 5]);
    const labels = new Uint8Array([0, 0, 1, 1, 0, 1]);
    const s = rec();
    const n = layoutPoints(s, { points, groups: groupByClass(labels, 6), colors: CLASS_COLORS, fg: '#000', highlight: null, map: id, chunks: 2 });
    expect(n).toBe(5);
    expect(s.log.join(' ')).toBe('0@0.6 0,0 end 1@0.6 2,2 end 0@0.6 1,1 4,4 end 1@0.6 5,5 end');
    const h = rec();
    layoutPoints(h, { points, groups: groupByClass(labels, 6), colors: CLASS_COLORS, fg: '#000', highlight: 0, map: id, chunks: 1 });
    expect(h.log.join(' ')).toBe('1@0.08 2,2 5,5 end 0@1 0,0 1,1 4,4 end');
  });
});

describe('Viewport', () => {
  const fit: Domain = { x: [-2, 2], y: [-1, 1] };
  const sized = () => {
    const v = new Viewport({ duration: 400 });
    v.resize(400, 200);
    v.setFit(fit, false);
    expect(v.frame(0)).toBe('jump');
    return v;
  };

  it('fits the domain at the plot aspect, and keeps it under small changes', () => {
    const v = sized();
    expect(v.visibleDomain(0)).toEqual({ x: [-2, 2], y: [-1, 1] });
    v.setFit({ x: [-1.9, 1.9], y: [-0.9, 0.9] }, false);
    expect(v.frame(1)).toBeNull();
    v.setFit({ x: [-4, 4], y: [-2, 2] }, false);
    expect(v.frame(2)).toBe('animate');
    expect(v.settled(100)).toBe(false);
    expect(v.visibleDomain(1000)).toEqual({ x: [-4, 4], y: [-2, 2] });
  });

  it('transformFor(d) shows d; reset goes back to the fit', () => {
    const v = sized();
    const want: Domain = { x: [0, 1], y: [-0.25, 0.25] };
    const t = v.transformFor(want)!;
    v.markZoomed();
    v.zoomTo(t, false, 0);
    const d = v.visibleDomain(0);
    for (const [a, b] of [[d.x, want.x], [d.y, want.y]]) { expect(a[0]).toBeCloseTo(b[0], 9); expect(a[1]).toBeCloseTo(b[1], 9); }
    expect(v.userZoomed).toBe(true);
    v.setFit({ x: [-8, 8], y: [-4, 4] }, false); // zoomed: no auto-fit
    expect(v.frame(1)).toBe('jump');
    expect(v.visibleDomain(1).x[1]).toBeCloseTo(1, 9);
    v.reset(2);
    expect(v.userZoomed).toBe(false);
    expect(v.frame(2)).toBe('animate');
    expect(v.visibleDomain(2000)).toEqual({ x: [-8, 8], y: [-4, 4] });
  });

  it('keeps data units per pixel when resized while zoomed', () => {
    const v = sized();
    v.markZoomed();
    v.resize(800, 200);
    expect(v.visibleDomain(0)).toEqual({ x: [-4, 4], y: [-1, 1] });
  });
});

describe('ImperativeView props comparison', () => {
  it('is shallow: same values → equal, a changed, added or removed key → not', () => {
    const pts = new Float32Array(2), f = () => {};
    expect(shallowEqual({ a: pts, f, n: NaN }, { a: pts, f, n: NaN })).toBe(true);
    expect(shallowEqual({ a: pts }, { a: new Float32Array(2) })).toBe(false);
    expect(shallowEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(shallowEqual({ a: 1, b: undefined }, { a: 1, c: undefined })).toBe(false);
  });
});
