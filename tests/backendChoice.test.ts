/** Which backend the worker trains on, from what was tried (src/worker/backendChoice.ts). */
import { describe, expect, it } from 'vitest';
import { backendOrder, chooseBackend, isSoftwareAdapter, type BackendAttempt } from '../src/worker/backendChoice';

const gpu = { vendor: 'nvidia', architecture: 'ampere', description: 'RTX 3060' };

describe('backend choice', () => {
  it('tries the preferred backend first, then the others best first', () => {
    expect(backendOrder('auto')).toEqual(['webgpu', 'webgl', 'cpu']);
    expect(backendOrder('cpu')).toEqual(['cpu', 'webgpu', 'webgl']);
    expect(backendOrder('webgl')).toEqual(['webgl', 'webgpu', 'cpu']);
  });

  it('WebGPU on a hardware adapter: not software, the adapter named, no reason', () => {
    expect(chooseBackend('auto', [{ backend: 'webgpu', outcome: 'started', adapter: gpu }]))
      .toEqual({ backend: 'webgpu', software: false, adapter: 'nvidia ampere RTX 3060' });
  });

  it('SwiftShader or a fallback adapter counts as software', () => {
    expect(isSoftwareAdapter({ architecture: 'swiftshader' })).toBe(true);
    expect(isSoftwareAdapter({ description: 'Google SwiftShader' })).toBe(true);
    expect(isSoftwareAdapter({ ...gpu, isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter(gpu)).toBe(false);
    const c = chooseBackend('auto', [{ backend: 'webgpu', outcome: 'started', adapter: { vendor: 'google', architecture: 'swiftshader' } }]);
    expect(c).toEqual({ backend: 'webgpu', software: true, adapter: 'google swiftshader' });
  });

  it('an adapter that says nothing is an unknown adapter', () => {
    expect(chooseBackend('auto', [{ backend: 'webgpu', outcome: 'started', adapter: {} }]).adapter).toBe('unknown adapter');
  });

  it('falls back to WebGL with the reason WebGPU was not used', () => {
    const c = chooseBackend('auto', [{ backend: 'webgpu', outcome: 'no-webgpu' }, { backend: 'webgl', outcome: 'started' }]);
    expect(c).toEqual({ backend: 'webgl', software: false, adapter: 'webgl', reason: 'this browser does not expose WebGPU' });
  });

  it('falls back to the CPU (software) with every reason, in order', () => {
    const attempts: BackendAttempt[] = [
      { backend: 'webgpu', outcome: 'no-adapter' },
      { backend: 'webgl', outcome: 'failed', error: 'context lost' },
      { backend: 'cpu', outcome: 'started' },
    ];
    expect(chooseBackend('auto', attempts)).toEqual({
      backend: 'cpu', software: true, adapter: 'cpu',
      reason: 'WebGPU found no usable GPU adapter; the webgl backend failed: context lost',
    });
  });

  it('says so when the backend asked for is unavailable', () => {
    const c = chooseBackend('webgl', [{ backend: 'webgl', outcome: 'refused' }, { backend: 'webgpu', outcome: 'no-webgpu' }, { backend: 'cpu', outcome: 'started' }]);
    expect(c.reason).toBe('webgl was asked for but is unavailable (the webgl backend failed to start; this browser does not expose WebGPU)');
    expect(c.backend).toBe('cpu');
  });

  it('the CPU asked for and started: no reason to report', () => {
    expect(chooseBackend('cpu', [{ backend: 'cpu', outcome: 'started' }])).toEqual({ backend: 'cpu', software: true, adapter: 'cpu', reason: undefined });
  });

  it('throws with every reason when nothing starts', () => {
    expect(() => chooseBackend('auto', [
      { backend: 'webgpu', outcome: 'no-webgpu' }, { backend: 'webgl', outcome: 'refused' }, { backend: 'cpu', outcome: 'failed', error: 'boom' },
    ])).toThrow('no TensorFlow.js backend could start: this browser does not expose WebGPU; the webgl backend failed to start; the cpu backend failed: boom');
  });
});
