import type { Browser } from '@playwright/test';

/**
 * The training worker's JS heap after a forced GC, through the browser's CDP session: a dedicated
 * worker is its own CDP target, which Playwright's page sessions cannot reach (and
 * performance.memory exists only on window). `read()` gives null where there is no worker.
 */
export async function workerHeapProbe(browser: Browser): Promise<{ read: () => Promise<number | null>; close: () => Promise<void> }> {
  const cdp = await browser.newBrowserCDPSession();
  const close = () => cdp.detach().catch(() => {});
  const { targetInfos } = await cdp.send('Target.getTargets');
  const worker = targetInfos.filter((t) => t.type === 'worker').at(-1); // the newest: the page's training worker
  if (!worker) return { read: async () => null, close };
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false });
  let next = 0;
  const pending = new Map<number, (r: Record<string, unknown> | undefined) => void>();
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    if (e.sessionId !== sessionId) return;
    const m = JSON.parse(e.message) as { id?: number; result?: Record<string, unknown> };
    if (m.id !== undefined) { pending.get(m.id)?.(m.result); pending.delete(m.id); }
  });
  const call = (method: string) => new Promise<Record<string, unknown> | undefined>((done) => {
    const id = ++next;
    pending.set(id, done);
    void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params: {} }) }).catch(() => {});
    setTimeout(() => { if (pending.delete(id)) done(undefined); }, 10_000);
  });
  return {
    read: async () => {
      await call('HeapProfiler.collectGarbage');
      const r = await call('Runtime.getHeapUsage');
      return typeof r?.usedSize === 'number' ? r.usedSize : null;
    },
    close,
  };
}

/** One reading, detaching afterwards. */
export async function workerHeapOnce(browser: Browser): Promise<number | null> {
  const probe = await workerHeapProbe(browser);
  try {
    return await probe.read();
  } finally {
    await probe.close();
  }
}
