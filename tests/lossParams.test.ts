/** The loss family in the page's state: the `loss`, s, m, δ, lr_R and `losses` parameters, the runs they make, titles, compactness. */
import { describe, expect, it } from 'vitest';
import { defaults, lossDefaults, parseQuery, stopsOf, toQuery } from '../src/state/params';
import { activeRuns, angularRun, lossesOn, runConfig, runLoss } from '../src/state/runs';
import { compactness } from '../src/train/metrics';
import { RunHistories } from '../src/ui/history';
import { runTitle, ruleLabel } from '../src/ui/runTitles';
import { settingsCaption } from '../src/ui/caption';
import { toggleLoss } from '../src/ui/Controls';
import type { RunMetrics } from '../src/worker/protocol';

const cfg = (q: string) => runConfig(parseQuery(q).params);

describe('the loss parameters', () => {
  it('loss= takes the loss’s own defaults for λ, α, s, m, δ, lr_R (presets.json "losses"), and writes only what differs', () => {
    const { params, notices } = parseQuery('?loss=cosface');
    expect(notices).toEqual([]);
    expect(params).toMatchObject({ loss: 'cosface', s: 10, m: 0.1 });
    expect(parseQuery('?loss=arcface').params.m).toBe(0.2);
    expect(parseQuery('?loss=contrastive-center').params).toMatchObject({ lambda: 1, alpha: 100, delta: 1 });
    expect(parseQuery('?loss=ring').params).toMatchObject({ lambda: 0.1, ringLr: 1 });
    expect(toQuery(parseQuery('?loss=ring').params)).toBe('?loss=ring');
    const p = { ...parseQuery('?loss=ring').params, lambda: 0.3 };
    expect(toQuery(p)).toBe('?lambda=0.3&loss=ring');
    expect(parseQuery(toQuery(p)).params).toEqual(p);
    expect(lossDefaults('center')).toMatchObject({ lambda: defaults().lambda, alpha: defaults().alpha });
  });

  it('bad loss, s and m are replaced or clamped with a notice; CosFace’s m stays ≤ 0.19, ArcFace’s may be larger', () => {
    const bad = parseQuery('?loss=triplet&s=abc&m=-1');
    expect(bad.params).toMatchObject({ loss: 'center', s: 10, m: 0 });
    expect(bad.notices).toHaveLength(3);
    expect(bad.notices[0]).toMatch(/“loss” must be one of center, contrastive-center, ring, normface, cosface, arcface; using center/);
    expect(bad.notices[1]).toMatch(/“s” is not a number; using 10/);
    expect(bad.notices[2]).toMatch(/“m” is outside 0–0\.6; using 0/);
    const cos = parseQuery('?loss=cosface&m=0.3&s=100');
    expect(cos.params).toMatchObject({ m: 0.19, s: 64 });
    expect(cos.notices.join(' ')).toMatch(/“s” is outside 1–64 for CosFace; using 64.*“m” is outside 0–0\.19 for CosFace; using 0\.19/);
    expect(parseQuery('?loss=arcface&m=0.3').params.m).toBe(0.3);
    expect(parseQuery('?loss=arcface&m=0.3').notices).toEqual([]);
    // λ keeps center loss's range and message; ring loss's range is its own.
    expect(parseQuery('?lambda=5').notices[0]).toMatch(/“lambda” is outside 0–1; using 1/);
    expect(parseQuery('?loss=ring&lambda=5').params.lambda).toBe(5);
    expect(parseQuery('?loss=contrastive-center&alpha=5000').notices[0]).toMatch(/outside 0–1000 for contrastive-center; using 1000/);
  });

  it('slider stops stay in the loss’s range and include its default', () => {
    expect(Math.max(...stopsOf('m', 'cosface'))).toBe(0.19);
    expect(stopsOf('m', 'cosface')).toContain(0.1);
    expect(Math.max(...stopsOf('lambda', 'center'))).toBe(1);
    expect(stopsOf('lambda', 'ring')).toContain(10);
    expect(stopsOf('alpha', 'contrastive-center')).toContain(100);
  });
});

describe('compare losses', () => {
  it('losses= gives softmax only first, then one run per loss (table order); 1 entry is off, over 5 keeps 5, with notices', () => {
    expect(activeRuns(cfg('?losses=arcface,center,ring'))).toEqual(['softmax', 'loss-center', 'loss-ring', 'loss-arcface']);
    const one = parseQuery('?losses=ring');
    expect(one.params.losses).toEqual([]);
    expect(one.notices[0]).toMatch(/“losses” needs 2 to 5 entries; it is off/);
    const six = parseQuery('?losses=center,contrastive-center,ring,normface,cosface,arcface');
    expect(six.params.losses).toHaveLength(5);
    expect(six.notices[0]).toMatch(/more than 5/);
    expect(activeRuns(runConfig(six.params))).toHaveLength(6);
  });

  it('the λ grid and the rule comparison win over compare losses (as the grid wins over rules)', () => {
    expect(lossesOn(cfg('?losses=ring,arcface'))).toBe(true);
    expect(activeRuns(cfg('?losses=ring,arcface&grid=0,1'))).toEqual(['grid0', 'grid1']);
    expect(activeRuns(cfg('?losses=ring,arcface&compare=eq4,seed'))).toEqual(['softmax', 'rule-eq4', 'rule-seed']);
  });

  it('the selected loss trains with the page’s values, the other compared losses with their defaults', () => {
    const c = cfg('?loss=arcface&s=20&m=0.3&losses=cosface,arcface,ring');
    expect(runLoss('loss-arcface', c)).toMatchObject({ loss: 'arcface', s: 20, m: 0.3, lambda: 0 });
    expect(runLoss('loss-cosface', c)).toMatchObject({ loss: 'cosface', s: 10, m: 0.1 });
    expect(runLoss('loss-ring', c)).toMatchObject({ loss: 'ring', lambda: 0.1, ringLr: 1 });
    expect(runLoss('softmax', c)).toMatchObject({ loss: 'center', lambda: 0, alpha: 0.5 });
    expect(runLoss('center', cfg('?loss=ring&lambda=2'))).toMatchObject({ loss: 'ring', lambda: 2 });
  });

  it('checkboxes: the first check compares with the selected loss, fewer than two turn it off, at most five', () => {
    expect(toggleLoss([], 'center', 'arcface', true)).toEqual(['center', 'arcface']);
    expect(toggleLoss(['center', 'arcface'], 'center', 'center', false)).toEqual([]);
    expect(toggleLoss(['center', 'contrastive-center', 'ring', 'normface', 'cosface'], 'center', 'arcface', true)).toHaveLength(5);
  });
});

describe('titles and captions name the loss', () => {
  it('the second panel and each compared loss', () => {
    expect(runTitle('center', cfg(''))).toBe('Softmax + center loss');
    expect(runTitle('center', cfg('?loss=arcface'))).toBe('Softmax + ArcFace (s 10, m 0.2)');
    expect(runTitle('center', cfg('?loss=ring'))).toBe('Softmax + ring loss (λ 0.1)');
    expect(runTitle('center', cfg('?loss=contrastive-center'))).toBe('Softmax + contrastive-center loss (λ 1, δ 1)');
    expect(runTitle('loss-normface', cfg('?losses=normface,center'))).toBe('Softmax + NormFace (s 10)');
    expect(runTitle('loss-center', cfg('?losses=normface,center'))).toBe('Softmax + center loss');
    expect(ruleLabel('center', cfg('?loss=arcface'))).toBeNull();
    expect(ruleLabel('loss-center', cfg('?losses=normface,center'))).toBe(ruleLabel('center', cfg('')));
    expect(settingsCaption(parseQuery('?loss=cosface&seed=3').params, 'tiny', 5)).toMatch(/^Flock · .+ · Adam lr 0\.01 · CosFace \(s 10, m 0\.1\) · seed 3 · step 5$/);
  });
});

describe('compactness of the cosine heads is angular (one rule, applied where the history records it)', () => {
  // Two classes on rays at 0 and 90 degrees, at very different radii: tight in angle, spread in length.
  const points = Float32Array.from([1, 0, 10, 0, 0, 1, 0, 10, 3, 0.01, 0.01, 5]);
  const labels = Uint8Array.from([0, 0, 1, 1, 0, 1]);
  const metrics: RunMetrics = { step: 1, softmaxLoss: 1, centerLoss: 0, lambda: 0, alpha: 0.5, accuracy: 0.5, stepsPerSec: 0, diverged: false };

  it('angular compactness is the compactness of x/‖x‖', () => {
    const unit = Float64Array.from(points);
    for (let i = 0; i < unit.length; i += 2) { const r = Math.hypot(unit[i], unit[i + 1]); unit[i] /= r; unit[i + 1] /= r; }
    expect(compactness(points, labels, 2, true)).toBeCloseTo(compactness(unit, labels, 2), 12);
    expect(compactness(points, labels, 2, true)).toBeLessThan(0.05);
    expect(compactness(points, labels, 2)).toBeGreaterThan(0.3);
  });

  it('which runs are angular: a cosine head, and the softmax-only run paired with one; not center loss, not softmax among several losses', () => {
    expect(angularRun('center', cfg('?loss=arcface'))).toBe(true);
    expect(angularRun('softmax', cfg('?loss=arcface'))).toBe(true);
    expect(angularRun('softmax', cfg(''))).toBe(false);
    expect(angularRun('center', cfg('?loss=ring'))).toBe(false);
    const many = cfg('?losses=center,normface');
    expect([angularRun('softmax', many), angularRun('loss-center', many), angularRun('loss-normface', many)]).toEqual([false, false, true]);
    expect(angularRun('grid1', cfg('?loss=arcface&grid=0,1'))).toBe(false);
  });

  it('the history records angular compactness when asked', () => {
    const h = new RunHistories();
    expect(h.record('a', metrics, points, labels, true)).toBeCloseTo(compactness(points, labels, 10, true), 12);
    expect(h.record('b', metrics, points, labels)).toBeCloseTo(compactness(points, labels), 12);
    expect(h.get('a').entries[0].compactness).not.toBeCloseTo(h.get('b').entries[0].compactness, 3);
  });
});
