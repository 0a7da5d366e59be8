import { expect, it, vi } from 'vitest';
import { WebgpuGuard } from '../src/train/webgpuGuard';

function fakeBackend(errMsg: string | null) {
  const calls: string[] = [];
  const device = {
    pushErrorScope: () => calls.push('push'),
    popErrorScope: () => { calls.push('pop'); return Promise.resolve(errMsg ? { message: errMsg } : null); },
  };
  const backend = { device, runWebGPUProgram: (p: { shaderKey: string }) => { calls.push('run:' + p.shaderKey); return { dataId: {}, shape: [], dtype: 'float32' }; } };
  return { backend: backend as never, calls };
}
const prog = (k: string) => ({ shaderKey: k }) as never;

it('WebgpuGuard: a validation scope around the first run only; an error poisons that key (conv falls back, center loss throws)', async () => {
  const err = vi.spyOn(console, 'error').mockImplementation(() => {});
  const g = new WebgpuGuard('conv');
  const { backend, calls } = fakeBackend('bad shader');
  g.run(backend, prog('a'), []);
  g.run(backend, prog('a'), []);
  expect(calls).toEqual(['push', 'run:a', 'pop', 'run:a']);
  await new Promise((r) => setTimeout(r, 0));
  expect(g.usable(prog('a'))).toBe(false);
  expect(g.usable(prog('b'))).toBe(true);
  expect(() => g.runChecked(backend, prog('x'), [], 'float32', undefined, 'a')).toThrow("Flock conv WGSL program 'a' failed WebGPU validation: bad shader");
  expect(err).toHaveBeenCalledTimes(1);
  const ok = new WebgpuGuard('center-loss');
  const f2 = fakeBackend(null);
  ok.runChecked(f2.backend, prog('p'), [], 'float32', undefined, 'p|2');
  await new Promise((r) => setTimeout(r, 0));
  expect(ok.usable(prog('p|2'))).toBe(true);
  expect(f2.calls).toEqual(['push', 'run:p', 'pop']);
});
