/**
 * The loss-geometry layer (spokes, margin wedges, ring radius, unit circle) and the unit-circle
 * view: the math in Node, and that the screen, the PNG export and the figure SVG draw the same marks.
 */
import { describe, expect, it } from 'vitest';
import {
  directionAngles, drawGeometry, geometryMarks, marginBands, marginHalfWidth, radiusLabel, type LossGeometry,
} from '../src/ui/scatter/geometryLayer';
import { CIRCLE_BAND, CIRCLE_EXTENT, circleDomain, toUnitCircle, viewLayers, type GeometryView } from '../src/ui/scatter/circleView';
import { drawPoints, groupByClass, INTERLEAVE, type Mapping } from '../src/ui/scatter/pointLayer';
import { drawCenters, centerMarks } from '../src/ui/scatter/centerLayer';
import { drawPlotImage } from '../src/ui/scatter/render';
import { CLASS_COLORS, GEOMETRY, LIGHT_THEME } from '../src/ui/scatter/style';
import { Viewport } from '../src/ui/scatter/viewport';
import { figureSvg } from '../src/ui/figure/figureSvg';
import type { Domain } from '../src/ui/scatter/geometry';
import type { LossId } from '../src/train/losses/ids';
import { recorder } from './canvasRecorder';


const TAU = 2 * Math.PI;
const deg = (d: number) => (d * Math.PI) / 180;

/** K unit directions at `angles` (radians), row k = class k. */
function dirs(angles: readonly number[]): Float32Array {
  return new Float32Array(angles.flatMap((a) => [Math.cos(a), Math.sin(a)]));
}

/** Ten classes, evenly spaced but in a scrambled class order (so sorting by angle matters). */
const SCRAMBLED = [3, 7, 0, 5, 9, 1, 6, 2, 8, 4];
const evenAngles = SCRAMBLED.map((slot) => -Math.PI + 0.1 + (slot * TAU) / 10);

function geom(loss: LossId, m: number | null, extra: Partial<LossGeometry> = {}): LossGeometry {
  return { loss, radius: null, classDirections: dirs(evenAngles), s: 10, m, ...extra };
}

/** A y-up map of [-1.5, 1.5]² onto 300×300 px. */
const MAP: Mapping = { ax: 100, bx: 150, ay: -100, by: 150 };

describe('margin band (half-width about the bisector of two neighbouring spokes)', () => {
  it('ArcFace: m/2, capped at half the gap', () => {
    expect(marginHalfWidth('arcface', 0.5, deg(36))).toBeCloseTo(0.25, 12);
    expect(marginHalfWidth('arcface', 0.5, 0.3)).toBeCloseTo(0.15, 12);
    // at the band's edge θ + m = Δ − θ: the margin is met exactly
    const delta = deg(50), h = marginHalfWidth('arcface', 0.3, delta), theta = delta / 2 - h;
    expect(theta + 0.3).toBeCloseTo(delta - theta, 12);
  });

  it('CosFace: at the band edge cos θ − m = cos(Δ − θ); the whole gap once m ≥ 1 − cos Δ', () => {
    for (const [m, d] of [[0.18, 36], [0.1, 36], [0.15, 80], [0.01, 10]] as const) {
      const delta = deg(d), h = marginHalfWidth('cosface', m, delta), theta = delta / 2 - h;
      expect(h).toBeGreaterThan(0);
      expect(h).toBeLessThan(delta / 2);
      expect(Math.cos(theta) - m).toBeCloseTo(Math.cos(delta - theta), 10);
    }
    expect(marginHalfWidth('cosface', 0.1, deg(36))).toBeCloseTo(Math.asin(0.1 / (2 * Math.sin(deg(18)))), 12);
    expect(marginHalfWidth('cosface', 1 - Math.cos(deg(10)), deg(10))).toBeCloseTo(deg(5), 12);
    expect(marginHalfWidth('cosface', 0.2, deg(36))).toBeCloseTo(deg(18), 12); // 0.2 > 1 − cos 36° ≈ 0.191
  });

  it('no band for NormFace, other losses, a zero / missing margin or coincident spokes', () => {
    expect(marginHalfWidth('normface', 0.3, 1)).toBe(0);
    expect(marginHalfWidth('center', 0.3, 1)).toBe(0);
    expect(marginHalfWidth('arcface', 0, 1)).toBe(0);
    expect(marginHalfWidth('cosface', null, 1)).toBe(0);
    expect(marginHalfWidth('arcface', 0.3, 0)).toBe(0);
  });

  it('one band per gap between angular neighbours, about its bisector, wrap-around included', () => {
    const bands = marginBands(geom('arcface', 0.3));
    expect(bands).toHaveLength(10);
    const sorted = directionAngles(geom('arcface', 0.3).classDirections);
    expect(sorted.map((d) => d.k)).toEqual([2, 5, 7, 0, 9, 3, 6, 1, 8, 4]);
    for (const [i, b] of bands.entries()) {
      const a = sorted[i], n = sorted[(i + 1) % 10];
      expect(b.between).toEqual([a.k, n.k]);
      expect(b.to - b.from).toBeCloseTo(0.3, 6);
      const mid = (b.from + b.to) / 2;
      // the bisector is equally far (in angle) from both neighbours
      const dA = Math.acos(Math.cos(mid - a.angle)), dN = Math.acos(Math.cos(n.angle - mid));
      expect(dA).toBeCloseTo(deg(18), 5);
      expect(dN).toBeCloseTo(deg(18), 5);
    }
    expect(marginBands(geom('normface', 0))).toEqual([]);
    expect(marginBands({ ...geom('arcface', 0.3), classDirections: dirs([0]) })).toEqual([]);
  });

  it('skips non-finite and zero directions', () => {
    const d = dirs([0, 1, 2]);
    d[2] = NaN;
    const z = new Float32Array([1, 0, 0, 0, 0, 1]);
    expect(directionAngles(d).map((x) => x.k)).toEqual([0, 2]);
    expect(directionAngles(z).map((x) => x.k)).toEqual([0, 2]);
  });
});

describe('geometryMarks', () => {
  it('circle view: a spoke per class from the origin to GEOMETRY.circleSpoke along ŵ_k, in its colour; the unit circle', () => {
    const g = geom('cosface', 0.1);
    const mk = geometryMarks(g, 'circle', null, CLASS_COLORS, MAP, 300, 300)!;
    expect(mk.cx).toBe(150);
    expect(mk.cy).toBe(150);
    expect(mk.unitCircle).toBe(100);
    expect(mk.spokes.map((s) => s.k)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const s of mk.spokes) {
      const a = evenAngles[s.k];
      expect(s.x).toBeCloseTo(150 + 100 * GEOMETRY.circleSpoke * Math.cos(a), 4);
      expect(s.y).toBeCloseTo(150 - 100 * GEOMETRY.circleSpoke * Math.sin(a), 4);
      expect(s.color).toBe(CLASS_COLORS[s.k]);
      expect(s.faded).toBe(false);
    }
    expect(mk.ring).toBeNull();
  });

  it('plane view: spokes reach the far corner of the plot; no unit circle; the highlight fades the other spokes', () => {
    const mk = geometryMarks(geom('arcface', 0.3), 'plane', 4, CLASS_COLORS, MAP, 300, 300)!;
    expect(mk.unitCircle).toBeNull();
    for (const s of mk.spokes) {
      expect(Math.hypot(s.x - 150, s.y - 150)).toBeCloseTo(150 * Math.SQRT2, 3);
      expect(s.faded).toBe(s.k !== 4);
    }
    // an off-centre origin: the reach is to the farthest corner
    const off = geometryMarks(geom('arcface', 0.3), 'plane', null, CLASS_COLORS, { ax: 100, bx: 50, ay: -100, by: 250 }, 300, 300)!;
    expect(Math.hypot(off.spokes[0].x - 50, off.spokes[0].y - 250)).toBeCloseTo(Math.hypot(250, 250), 3);
  });

  it('wedges: canvas angles whose middle points along the data bisector, of width 2h, for a y-up and a y-down map', () => {
    const g = geom('arcface', 0.4);
    const bands = marginBands(g);
    for (const map of [MAP, { ax: 100, bx: 150, ay: 100, by: 150 }]) {
      const mk = geometryMarks(g, 'circle', null, CLASS_COLORS, map, 300, 300)!;
      expect(mk.wedges).toHaveLength(10);
      for (const [i, w] of mk.wedges.entries()) {
        expect(w.between).toEqual(bands[i].between);
        expect(w.end - w.start).toBeCloseTo(0.4, 6);
        expect(w.r).toBeCloseTo(100 * GEOMETRY.circleSpoke, 6);
        const mid = (w.start + w.end) / 2, bis = (bands[i].from + bands[i].to) / 2;
        expect(mk.cx + Math.cos(mid)).toBeCloseTo(map.bx + Math.sign(map.ax) * Math.cos(bis), 6);
        expect(mk.cy + Math.sin(mid)).toBeCloseTo(map.by + Math.sign(map.ay) * Math.sin(bis), 6);
      }
    }
    expect(geometryMarks(geom('normface', 0), 'circle', null, CLASS_COLORS, MAP, 300, 300)!.wedges).toEqual([]);
  });

  it('ring loss: a circle of radius R about the origin, labelled; no spokes', () => {
    const mk = geometryMarks(geom('ring', null, { radius: 3.2, s: null }), 'plane', null, CLASS_COLORS, { ax: 50, bx: 10, ay: -50, by: 20 }, 300, 300)!;
    expect(mk.ring!.r).toBeCloseTo(160, 9);
    expect(mk.ring!.label).toBe('R = 3.2');
    expect(mk.ring!.x).toBeCloseTo(10 + 160 * Math.SQRT1_2 + GEOMETRY.labelDx, 6);
    expect(mk.ring!.y).toBeCloseTo(20 - 160 * Math.SQRT1_2 + GEOMETRY.labelDy, 6);
    expect(mk.spokes).toEqual([]);
    expect(mk.wedges).toEqual([]);
    expect(geometryMarks(geom('ring', null, { radius: null }), 'plane', null, CLASS_COLORS, MAP, 300, 300)!.ring).toBeNull();
    expect(geometryMarks(geom('ring', null, { radius: NaN }), 'plane', null, CLASS_COLORS, MAP, 300, 300)!.ring).toBeNull();
    expect(geometryMarks(geom('center', null, { radius: 2 }), 'plane', null, CLASS_COLORS, MAP, 300, 300)!.ring).toBeNull();
    expect(radiusLabel(12.34)).toBe('R = 12.3');
    expect(radiusLabel(0.853)).toBe('R = 0.85');
  });

  it('nothing without geometry in the plane, or in an empty plot area', () => {
    expect(geometryMarks(null, 'plane', null, CLASS_COLORS, MAP, 300, 300)).toBeNull();
    expect(geometryMarks(geom('arcface', 0.3), 'circle', null, CLASS_COLORS, MAP, 0, 300)).toBeNull();
    expect(geometryMarks(null, 'circle', null, CLASS_COLORS, MAP, 300, 300)!.unitCircle).toBe(100);
    const rec = recorder();
    drawGeometry(rec.ctx, null, LIGHT_THEME);
    expect(rec.calls).toEqual([]);
  });
});

describe('unit-circle view', () => {
  const pts = new Float32Array([3, 4, -0.5, 0, 0, 0, NaN, 1, 0, -10, 1, 1, 6, 8]);

  it('keeps each direction, spreads radii over the band by norm rank, drops points without a direction', () => {
    const u = toUnitCircle(pts);
    const norms = [5, 0.5, 0, NaN, 10, Math.SQRT2, 10];
    // finite non-zero norms sorted: 0.5 (rank 0), √2 (1), 5 (2), 10 and 10 (tied: ranks 3 and 4 → 3.5)
    const rank: Record<number, number> = { 0: 2, 1: 0, 4: 3.5, 5: 1, 6: 3.5 };
    for (let i = 0; i < 7; i++) {
      const x = u[2 * i], y = u[2 * i + 1];
      if (!(norms[i] > 0)) {
        expect(Number.isNaN(x) && Number.isNaN(y)).toBe(true);
        continue;
      }
      expect(Math.atan2(y, x)).toBeCloseTo(Math.atan2(pts[2 * i + 1], pts[2 * i]), 6);
      expect(Math.hypot(x, y)).toBeCloseTo(1 + CIRCLE_BAND * ((2 * rank[i]) / 4 - 1), 6);
    }
  });

  it('band 0 gives x/‖x‖ exactly; one point sits on the circle', () => {
    const u = toUnitCircle(pts, 0);
    for (const i of [0, 1, 4, 5, 6]) expect(Math.hypot(u[2 * i], u[2 * i + 1])).toBeCloseTo(1, 6);
    expect(u[0]).toBeCloseTo(0.6, 6);
    expect(u[1]).toBeCloseTo(0.8, 6);
    const one = toUnitCircle(new Float32Array([0, -2]));
    expect([one[0], one[1]]).toEqual([0, -1]);
  });

  it('the circle view shows no centers; the plane shows them only for the losses that have them', () => {
    const c = new Float32Array([1, 2]);
    expect(viewLayers('circle', pts, c, null).centers).toBeNull();
    expect(viewLayers('circle', pts, c, null).points).toEqual(toUnitCircle(pts));
    expect(viewLayers('plane', pts, c, null)).toEqual({ points: pts, centers: c });
    expect(viewLayers('plane', pts, c, geom('center', null)).centers).toBe(c);
    expect(viewLayers('plane', pts, c, geom('contrastive-center', null)).centers).toBe(c);
    for (const loss of ['ring', 'normface', 'cosface', 'arcface'] as const) expect(viewLayers('plane', pts, c, geom(loss, 0.1)).centers).toBeNull();
    expect(circleDomain()).toEqual({ x: [-CIRCLE_EXTENT, CIRCLE_EXTENT], y: [-CIRCLE_EXTENT, CIRCLE_EXTENT] });
  });
});

/** n points around the circle, labels 0..9. */
function data(n: number) {
  const points = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const a = evenAngles[i % 10] + 0.2 * Math.sin(i), r = 0.5 + (i % 13) / 5;
    points[2 * i] = r * Math.cos(a);
    points[2 * i + 1] = r * Math.sin(a);
  }
  return { points, labels: new Uint8Array(n).map((_, i) => i % 10), centers: new Float32Array(20).map((_, i) => Math.cos(i)) };
}

/** What the screen's canvas gets: the Viewport's mapping, then the geometry, point and center layers (as Scatter.draw). */
function screen(view: GeometryView, g: LossGeometry, w: number, h: number, fit: Domain, hl: number | null) {
  const raw = data(600);
  const shown = viewLayers(view, raw.points, raw.centers, g);
  const vp = new Viewport({ duration: 0 });
  vp.resize(w, h);
  vp.setFit(view === 'circle' ? circleDomain() : fit, false);
  vp.frame(0);
  const map = vp.mapping(0);
  const rec = recorder();
  drawGeometry(rec.ctx, geometryMarks(g, view, hl, CLASS_COLORS, map, w, h), LIGHT_THEME);
  drawPoints(rec.ctx, { points: shown.points!, groups: groupByClass(raw.labels, 600), colors: CLASS_COLORS, fg: LIGHT_THEME.fg, highlight: hl, map, chunks: INTERLEAVE });
  drawCenters(rec.ctx, centerMarks(shown.centers, hl, CLASS_COLORS, map, w, h), LIGHT_THEME);
  return { calls: rec.calls, domain: vp.visibleDomain(0), shown, labels: raw.labels };
}

describe('screen, PNG export and figure draw the same geometry', () => {
  const cases: [string, GeometryView, LossGeometry, number | null][] = [
    ['ArcFace, circle view', 'circle', geom('arcface', 0.3), null],
    ['CosFace, plane, highlight 2', 'plane', geom('cosface', 0.2), 2],
    ['NormFace, circle view', 'circle', geom('normface', 0), 5],
    ['ring loss, plane', 'plane', geom('ring', null, { radius: 1.7 }), null],
  ];
  for (const [name, view, g, hl] of cases) {
    it(`${name}: the same canvas calls on screen and in the PNG`, () => {
      const s = screen(view, g, 360, 300, { x: [-3, 3], y: [-3, 3] }, hl);
      const rec = recorder();
      drawPlotImage(rec.ctx, {
        width: 360, height: 300, domain: s.domain, points: s.shown.points, labels: s.labels, centers: s.shown.centers,
        colors: CLASS_COLORS, highlight: hl, geometry: g, view, theme: LIGHT_THEME, caption: 'c', scale: 1,
      });
      const start = rec.calls.findIndex((c) => c[0] === 'clip') + 1;
      const end = rec.calls.map((c) => c[0]).lastIndexOf('restore');
      const e = rec.calls.slice(start, end);
      expect(e).toEqual(s.calls);
      const strokes = e.filter((c) => c[0] === 'lineTo').length;
      expect(strokes).toBe(g.loss === 'ring' ? 0 : 10);
      expect(e.some((c) => c[0] === 'strokeText' && c[1] === 'R = 1.7')).toBe(g.loss === 'ring');
    });
  }

  it('the figure SVG: ten spokes along ŵ_k, the wedges, the unit circle; the ring and its label', () => {
    const raw = data(600);
    const domain = circleDomain();
    const g = geom('arcface', 0.3);
    const svg = figureSvg([{ title: 'ArcFace', ...raw, domain, geometry: g, view: 'circle', highlight: 7 }], { caption: 'c', colors: CLASS_COLORS, size: 300 });
    const spokes = [...svg.matchAll(/<line class="spoke" data-class="(\d)" x1="([\d.-]+)" y1="([\d.-]+)" x2="([\d.-]+)" y2="([\d.-]+)" stroke="([^"]+)"[^>]*?( stroke-opacity="[\d.]+")?\/>/g)];
    expect(spokes).toHaveLength(10);
    const k = 300 / (2 * CIRCLE_EXTENT);
    for (const m of spokes) {
      const c = Number(m[1]), a = evenAngles[c];
      expect(Number(m[2])).toBeCloseTo(150, 1);
      expect(Number(m[3])).toBeCloseTo(150, 1);
      expect(Number(m[4])).toBeCloseTo(150 + k * GEOMETRY.circleSpoke * Math.cos(a), 0);
      expect(Number(m[5])).toBeCloseTo(150 - k * GEOMETRY.circleSpoke * Math.sin(a), 0);
      expect(m[6]).toBe(CLASS_COLORS[c]);
      expect(Boolean(m[7])).toBe(c !== 7);
    }
    expect(svg.match(/class="margin-wedge"/g)).toHaveLength(10);
    expect(svg.match(/class="unit-circle"[^>]*r="([\d.]+)"/)![1]).toBe(k.toFixed(1));
    expect(svg).not.toContain('class="center"'); // the circle view shows the spokes, not centers
    // the points are drawn on the circle: every dot within the band of radius k
    const dots = [...svg.matchAll(/M([\d.-]+) ([\d.-]+)h0/g)];
    expect(dots).toHaveLength(600);
    for (const d of dots) expect(Math.abs(Math.hypot(Number(d[1]) - 150, Number(d[2]) - 150) / k - 1)).toBeLessThan(CIRCLE_BAND + 0.01);

    const plane = figureSvg([{ title: 'ArcFace', ...raw, domain, geometry: g, view: 'plane' }], { caption: 'c', colors: CLASS_COLORS, size: 300 });
    expect(plane.match(/class="spoke"/g)).toHaveLength(10);
    expect(plane).not.toContain('unit-circle');

    const ring = figureSvg([{ title: 'ring', ...raw, domain: { x: [-3, 3], y: [-3, 3] }, geometry: geom('ring', null, { radius: 2.5 }) }], { caption: 'c', colors: CLASS_COLORS, size: 300 });
    expect(ring.match(/class="ring-radius" cx="150.0" cy="150.0" r="([\d.]+)"/)![1]).toBe('125.0');
    expect(ring).toContain('>R = 2.5</text>');
    expect(ring).not.toContain('class="spoke"');

    const centerLoss = figureSvg([{ title: 'center', ...raw, domain }], { caption: 'c', colors: CLASS_COLORS, size: 300 });
    expect(centerLoss).not.toContain('class="geometry"');
    expect(centerLoss.match(/class="center"/g)).toHaveLength(10);
  });
});
