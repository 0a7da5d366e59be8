import { describe, expect, it } from 'vitest';
import { LAMBDA_STOPS, PARAMS, defaults, nearestLambdaStop, parseGrid, parseQuery, toQuery } from '../src/state/params';
import { activeRuns, runSetup } from '../src/state/runs';

describe('parameter table', () => {
  it('defaults come from the table', () => {
    const d = defaults();
    expect(d.lambda).toBe(PARAMS.lambda.default);
    expect(d.alpha).toBe(0.5);
    expect(d.model).toBe('auto');
    expect(parseQuery('').notices).toEqual([]);
  });

  it('parses valid values', () => {
    const { params, notices } = parseQuery('?lambda=0.01&alpha=0.25&model=tiny&seed=42&update=seed&optimizer=sgd&lr=0.001&rules=kaiyang,eq4');
    expect(notices).toEqual([]);
    expect(params).toMatchObject({ lambda: 0.01, alpha: 0.25, model: 'tiny', seed: 42, update: 'seed', optimizer: 'sgd', lr: 0.001 });
    expect(params.compare).toEqual(['eq4', 'kaiyang']); // table order
  });

  it('reads the center rules of older versions with a notice: update=autograd, rules=both / one', () => {
    const old = parseQuery('?update=autograd&rules=both');
    expect(old.params.update).toBe('kaiyang');
    expect(old.params.compare).toEqual(['eq4', 'seed']);
    expect(old.notices).toHaveLength(2);
    expect(old.notices[0]).toMatch(/“update”.*autograd.*removed.*KaiyangZhou/);
    expect(old.notices[1]).toMatch(/“rules”.*both/);
    expect(parseQuery('?rules=one')).toEqual({ params: defaults(), notices: [] });
    const bad = parseQuery('?rules=eq4,bogus,seed,eq4');
    expect(bad.params.compare).toEqual(['eq4', 'seed']);
    expect(bad.notices.join(' ')).toMatch(/“rules”.*"bogus".*dropped/);
    expect(toQuery({ ...defaults(), compare: ['seed', 'caffe'] })).toBe('?compare=seed%2Ccaffe');
    expect(parseQuery(toQuery({ ...defaults(), compare: ['seed', 'caffe'] })).params.compare).toEqual(['seed', 'caffe']);
  });

  it('clamps out-of-range numbers and defaults garbage, with a notice for each', () => {
    const { params, notices } = parseQuery('?lambda=abc&alpha=-3&model=%3Cscript%3E&seed=1.5&lr=1e9&update=&backend=vulkan');
    expect(params.lambda).toBe(PARAMS.lambda.default);
    expect(params.alpha).toBe(0);
    expect(params.model).toBe('auto');
    expect(params.seed).toBe(2);
    expect(params.lr).toBe(1);
    expect(params.update).toBe('eq4');
    expect(params.backend).toBe('auto');
    expect(notices).toHaveLength(7);
    expect(notices.join(' ')).toMatch(/lambda.*not a number/);
    expect(notices.join(' ')).toMatch(/alpha.*outside 0–1/);
    expect(notices.join(' ')).not.toContain('<script>');
  });

  it('rejects Infinity and hex tricks, ignores unknown and prototype-looking names', () => {
    const { params, notices } = parseQuery('?lambda=Infinity&alpha=0x1&__proto__=1&constructor=2&foo=bar');
    expect(params.lambda).toBe(PARAMS.lambda.default);
    expect(params.alpha).toBe(1); // Number('0x1') is 1: in range, kept
    expect(notices).toHaveLength(1);
    expect(Object.keys(params).sort()).toEqual(Object.keys(PARAMS).sort());
  });

  it('serialises only non-default values and keeps foreign parameters', () => {
    const p = { ...defaults(), lambda: 0.01, model: 'tiny' as const };
    const q = toQuery(p, '?utm=x&lambda=1');
    const back = new URLSearchParams(q);
    expect(back.get('lambda')).toBe('0.01');
    expect(back.get('model')).toBe('tiny');
    expect(back.get('alpha')).toBeNull();
    expect(back.get('utm')).toBe('x');
    expect(parseQuery(q).params).toEqual(p);
    expect(toQuery(defaults())).toBe('');
  });

  it('λ stops include 0 and the paper values, nearest stop is found', () => {
    for (const v of [0, 0.003, 0.01, 0.1, 1]) expect(LAMBDA_STOPS).toContain(v);
    expect(LAMBDA_STOPS[nearestLambdaStop(0.011)]).toBe(0.01);
    expect(LAMBDA_STOPS[nearestLambdaStop(0)]).toBe(0);
    expect(LAMBDA_STOPS[nearestLambdaStop(0.9)]).toBe(1);
  });
});

describe('λ grid and the other numeric parameters', () => {
  it('parses a λ list, clamps entries, drops garbage and says so', () => {
    expect(parseQuery('?runs=0,0.003,0.01,0.1,1').params.grid).toEqual([0, 0.003, 0.01, 0.1, 1]);
    const { params, notices } = parseQuery('?runs=1,2,x');
    expect(params.grid).toEqual([1, 1]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/runs.*2 is outside 0–1.*"x" is not a number/);
  });

  it('turns the grid off with fewer than 2 values, keeps the first 6 of more', () => {
    const one = parseQuery('?runs=0.1,abc');
    expect(one.params.grid).toEqual([]);
    expect(one.notices.join()).toMatch(/needs 2 to 6/);
    const many = parseQuery('?runs=0,0.1,0.2,0.3,0.4,0.5,0.6,0.7');
    expect(many.params.grid).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(many.notices.join()).toMatch(/more than 6/);
    expect(parseQuery('?runs=').params.grid).toEqual([]);
    expect(parseQuery('?runs=').notices).toEqual([]);
  });

  it('the grid text box follows the same rules', () => {
    expect(parseGrid(' 0, 0.01 ,1').value).toEqual([0, 0.01, 1]);
    expect(parseGrid('0;1').problem).toMatch(/not a number/);
  });

  it('round-trips batch, probe, speed and grid through the URL', () => {
    const p = { ...defaults(), batch: 32, probe: 500, speed: 2, grid: [0, 0.01, 1] };
    const q = toQuery(p);
    expect(new URLSearchParams(q).get('grid')).toBe('0,0.01,1');
    expect(parseQuery(q)).toEqual({ params: p, notices: [] });
    expect(toQuery({ ...defaults(), grid: [] })).toBe('');
  });

  it('clamps batch, probe and speed', () => {
    const { params, notices } = parseQuery('?batch=5000&probe=3&speed=-1');
    expect(params).toMatchObject({ batch: 1024, probe: 100, speed: 0 });
    expect(notices).toHaveLength(3);
  });
});

describe('runs compared', () => {
  it('two or more compared rules give softmax plus one run per rule, with the user’s λ; fewer keep the pair', () => {
    const base = { lambda: 0.3, update: 'eq4' as const, grid: [] as number[] };
    expect(activeRuns({ compare: [], grid: [] })).toEqual(['softmax', 'center']);
    expect(activeRuns({ compare: ['seed'], grid: [] })).toEqual(['softmax', 'center']);
    const runs = activeRuns({ compare: ['eq4', 'seed', 'kaiyang', 'caffe'], grid: [] });
    expect(runs).toEqual(['softmax', 'rule-eq4', 'rule-seed', 'rule-kaiyang', 'rule-caffe']);
    expect(runs.map((r) => runSetup(r, base))).toEqual([
      { lambda: 0, update: 'eq4' }, { lambda: 0.3, update: 'eq4' }, { lambda: 0.3, update: 'seed' },
      { lambda: 0.3, update: 'kaiyang' }, { lambda: 0.3, update: 'caffe' }]);
    expect(activeRuns({ compare: ['eq4', 'seed'], grid: [0, 1] })).toEqual(['grid0', 'grid1']); // the grid wins
  });
});
