import { describe, expect, it } from 'vitest';
import { LAMBDA_STOPS, PARAMS, defaults, nearestLambdaStop, parseQuery, toQuery } from '../src/state/params';

describe('parameter table', () => {
  it('defaults come from the table', () => {
    const d = defaults();
    expect(d.lambda).toBe(PARAMS.lambda.default);
    expect(d.alpha).toBe(0.5);
    expect(d.model).toBe('auto');
    expect(parseQuery('').notices).toEqual([]);
  });

  it('parses valid values', () => {
    const { params, notices } = parseQuery('?lambda=0.01&alpha=0.25&model=tiny&seed=42&update=autograd&optimizer=sgd&lr=0.001');
    expect(notices).toEqual([]);
    expect(params).toMatchObject({ lambda: 0.01, alpha: 0.25, model: 'tiny', seed: 42, update: 'autograd', optimizer: 'sgd', lr: 0.001 });
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
