/** The parameter table decides, once, how each parameter applies, what it is called and what it offers. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BACKEND_NAMES, LIVE_KEYS, MODEL_CHOICES, PARAMS, RESTART_KEYS, choicesOf, controlHint, controlLabel, defaults, keysApplying,
  parseQuery, toQuery, type Applies, type ParamName,
} from '../src/state/params';
import { activeRuns, compareOn, gridOn, resolvedBatch, resolvedLr, runConfig } from '../src/state/runs';
import { MODEL_IDS, OPTIMIZERS, PRESETS } from '../src/train/presets';
import { CENTER_RULES, RULE_LABELS, RULE_NAMES } from '../src/train/rules';

const NAMES = Object.keys(PARAMS) as ParamName[];
const HOW: readonly Applies[] = ['live', 'restart', 'view', 'respawn'];

describe('how each parameter applies', () => {
  it('every parameter is in exactly one of live / restart / view / respawn', () => {
    const lists = HOW.map((a) => keysApplying(a) as string[]);
    for (const name of NAMES) expect(lists.filter((l) => l.includes(name)), name).toHaveLength(1);
    expect(lists.flat().sort()).toEqual([...NAMES].sort());
  });

  it('the live and restart lists are the ones the worker and the page act on', () => {
    expect([...LIVE_KEYS].sort()).toEqual(['alpha', 'delta', 'lambda', 'lr', 'm', 'optimizer', 'ringLr', 's', 'speed', 'update']);
    expect([...RESTART_KEYS].sort()).toEqual(['batch', 'compare', 'grid', 'loss', 'losses', 'model', 'probe', 'seed']);
    expect(keysApplying('view').sort()).toEqual(['axes', 'view']);
    expect(keysApplying('respawn').sort()).toEqual(['backend', 'replay']);
  });

  it('the worker’s config is the live and restart parameters, under the same names', () => {
    const p = { ...defaults(), compare: ['eq4', 'seed'] as const, grid: [0, 1], axes: 'shared' as const };
    const c = runConfig(p);
    expect(Object.keys(c).sort()).toEqual([...LIVE_KEYS, ...RESTART_KEYS].sort());
    expect(c.compare).toEqual(['eq4', 'seed']);
    expect(c.grid).toEqual([0, 1]);
  });
});

describe('labels derive from the table', () => {
  it('a control says "(restarts)" exactly when its parameter rebuilds the runs', () => {
    for (const name of NAMES) {
      const restarts = PARAMS[name].applies === 'restart';
      expect(controlLabel(name).endsWith(' (restarts)'), name).toBe(restarts);
      expect(controlLabel(name).startsWith(PARAMS[name].label), name).toBe(true);
      const hint = controlHint(name);
      if (hint !== undefined) expect(hint.endsWith(' (restarts)'), name).toBe(restarts);
    }
    expect(controlLabel('batch')).toBe('Batch (restarts)');
    expect(controlLabel('grid')).toBe('λ grid (restarts)');
    expect(controlLabel('speed')).toBe('Speed');
    expect(controlHint('probe')).toBe('How many test digits are embedded and drawn in each panel (restarts)');
    expect(controlHint('lambda')).toBeUndefined();
  });

  it('a select offers the table’s choices with their labels', () => {
    expect(choicesOf('model', 'auto')).toEqual([
      { value: 'auto', label: 'Auto (for this GPU)' }, ...MODEL_IDS.map((id) => ({ value: id, label: PRESETS[id].label }))]);
    expect(choicesOf('update', 'eq4')).toEqual(CENTER_RULES.map((r) => ({ value: r, label: RULE_LABELS[r] })));
    expect(choicesOf('optimizer', 'adam').map((c) => c.label)).toEqual(['Adam', 'SGD, momentum 0.9']);
    expect(choicesOf('speed', 0).map((c) => c.label)).toEqual(['as fast as possible', '≤ 30 steps/s', '≤ 10 steps/s', '≤ 5 steps/s', '≤ 2 steps/s', '≤ 1 steps/s']);
    expect(choicesOf('batch', 0)[0]).toEqual({ value: 0, label: 'model default' });
    expect(choicesOf('probe', 2000).map((c) => c.label)).toContain('2,000');
    expect(choicesOf('lr', 0.0005).map((c) => c.label)).toEqual(['model default', '0.0005', '0.001', '0.002', '0.005', '0.01', '0.02', '0.05', '0.1', '0.2']);
  });

  it('a value the URL set outside the choices is offered too, in order', () => {
    expect(choicesOf('batch', 100).map((c) => c.value)).toEqual([0, 16, 32, 64, 100, 128, 256, 512]);
    expect(choicesOf('lr', 0.003).map((c) => c.value)).toContain(0.003);
    expect(choicesOf('speed', 30).map((c) => c.value)).toEqual([0, 30, 10, 5, 2, 1]); // the usual order when nothing is added
  });
});

describe('one name per field, older names still read', () => {
  it('reads the old URL names rules= and runs= as compare and grid, and writes the new ones', () => {
    const old = parseQuery('?rules=seed,caffe&runs=0,0.1,1&model=tiny');
    expect(old.notices).toEqual([]);
    expect(old.params.compare).toEqual(['seed', 'caffe']);
    expect(old.params.grid).toEqual([0, 0.1, 1]);
    const q = new URLSearchParams(toQuery(old.params, '?rules=seed,caffe&runs=0,0.1,1&model=tiny&utm=x'));
    expect(q.get('compare')).toBe('seed,caffe');
    expect(q.get('grid')).toBe('0,0.1,1');
    expect(q.has('rules')).toBe(false);
    expect(q.has('runs')).toBe(false);
    expect(q.get('utm')).toBe('x');
  });

  it('drops an old name when its value is back at the default', () => {
    expect(toQuery(defaults(), '?runs=0,1&rules=eq4,seed')).toBe('');
  });

  it('the new name wins over an old one; a notice names the parameter as the URL spelt it', () => {
    expect(parseQuery('?grid=0,1&runs=0,0.5,1').params.grid).toEqual([0, 1]);
    expect(parseQuery('?compare=eq4,kaiyang&rules=seed,caffe').params.compare).toEqual(['eq4', 'kaiyang']);
    expect(parseQuery('?runs=1,2,x').notices[0]).toMatch(/^“runs” /);
    expect(parseQuery('?grid=1,2,x').notices[0]).toMatch(/^“grid” /);
    expect(parseQuery('?compare=eq4,nope').notices[0]).toMatch(/^“compare” .*"nope"/);
  });

  it('aliases are not table names themselves and never clash with one', () => {
    const aliases = NAMES.flatMap((n) => (PARAMS[n] as { aliases?: readonly string[] }).aliases ?? []);
    expect(aliases.sort()).toEqual(['rules', 'runs']);
    for (const a of aliases) expect(NAMES as string[]).not.toContain(a);
  });
});

describe('enum lists are written once', () => {
  it('the model choices are Auto plus the presets of presets.json', () => {
    const file = JSON.parse(readFileSync(resolve(__dirname, '../src/train/presets.json'), 'utf8'));
    expect([...MODEL_IDS]).toEqual(Object.keys(file.presets));
    expect([...MODEL_CHOICES]).toEqual(['auto', ...MODEL_IDS]);
    expect(PARAMS.model.values).toBe(MODEL_CHOICES);
  });

  it('rules, optimizers and backends come from their one list', () => {
    expect(PARAMS.update.values).toBe(CENTER_RULES);
    expect(PARAMS.compare.values).toBe(CENTER_RULES);
    expect(PARAMS.compare.labels).toBe(RULE_NAMES);
    expect(PARAMS.optimizer.values).toBe(OPTIMIZERS);
    expect([...PARAMS.backend.values]).toEqual(['auto', ...BACKEND_NAMES]);
  });
});

describe('rules about runs', () => {
  it('0 stands for the preset’s learning rate and batch size', () => {
    const preset = PRESETS.small;
    expect(resolvedLr({ lr: 0 }, preset)).toBe(preset.lr);
    expect(resolvedLr({ lr: 0.05 }, preset)).toBe(0.05);
    expect(resolvedBatch({ batch: 0 }, preset)).toBe(preset.batch);
    expect(resolvedBatch({ batch: 32 }, preset)).toBe(32);
  });

  it('the grid is on with 2+ values and then wins over a comparison of rules', () => {
    expect(gridOn({ grid: [] })).toBe(false);
    expect(gridOn({ grid: [0.1] })).toBe(false);
    expect(gridOn({ grid: [0, 1] })).toBe(true);
    expect(compareOn({ compare: ['eq4', 'seed'], grid: [] })).toBe(true);
    expect(compareOn({ compare: ['eq4'], grid: [] })).toBe(false);
    expect(compareOn({ compare: ['eq4', 'seed'], grid: [0, 1] })).toBe(false);
    expect(activeRuns({ compare: ['eq4', 'seed'], grid: [0.1] })).toEqual(['softmax', 'rule-eq4', 'rule-seed']);
  });
});
