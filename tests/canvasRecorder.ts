/** A fake 2-D canvas context for the scatter's layer tests: records every method call and property write, in order. */
export type Call = [string, ...unknown[]];

export function recorder(): { ctx: CanvasRenderingContext2D; calls: Call[] } {
  const calls: Call[] = [];
  const ctx = new Proxy({} as Record<string, unknown>, {
    get: (_t, k) => (...args: unknown[]) => { calls.push([String(k), ...args]); },
    set: (_t, k, v) => { calls.push([`${String(k)}=`, v]); return true; },
  });
  return { ctx: ctx as unknown as CanvasRenderingContext2D, calls };
}
