import { describe, expect, it } from 'vitest';
import { RequestRefused, TrainerClient, type StreamMessage, type WorkerPort } from '../src/worker/client';
import type { FromWorker, WorkerRequest } from '../src/worker/protocol';

/** A Worker stand-in: records what the client posts, and lets the test post back. */
class FakeWorker implements WorkerPort {
  readonly posted: WorkerRequest[] = [];
  terminated = false;
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  onmessageerror: ((e: MessageEvent) => void) | null = null;
  postMessage(m: unknown): void {
    this.posted.push(m as WorkerRequest);
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(m: FromWorker): void {
    this.onmessage?.({ data: m } as MessageEvent);
  }
}

function setup() {
  const worker = new FakeWorker();
  const streamed: StreamMessage[] = [];
  const client = new TrainerClient(worker, (m) => streamed.push(m), () => {});
  return { worker, client, streamed };
}

/** Settles a promise into a value the test can compare. */
const outcome = (p: Promise<unknown>) =>
  p.then((v) => ({ ok: v }), (e: unknown) => ({ err: e instanceof RequestRefused ? { reason: e.reason, message: e.message, request: e.request, dropped: e.dropped } : String(e) }));

describe('TrainerClient requests', () => {
  it('gives every request its own id and resolves each with the reply carrying it, whatever the order', async () => {
    const { worker, client } = setup();
    const save = outcome(client.request({ type: 'save', run: 'center', name: 'a' }));
    const rollback = outcome(client.request({ type: 'rollback', run: 'softmax' }));
    const [s, r] = worker.posted;
    expect(s).toMatchObject({ type: 'save', run: 'center', name: 'a' });
    expect(r).toMatchObject({ type: 'rollback', run: 'softmax' });
    expect(s.id).not.toBe(r.id);
    // The rollback is answered first.
    worker.reply({ type: 'rolledback', session: 0, id: r.id, run: 'softmax', step: 7 });
    const weights = new ArrayBuffer(4);
    worker.reply({ type: 'saved', session: 0, id: s.id, run: 'center', name: 'a', json: '{}', weights });
    expect(await rollback).toEqual({ ok: { type: 'rolledback', session: 0, id: r.id, run: 'softmax', step: 7 } });
    expect(await save).toEqual({ ok: { type: 'saved', session: 0, id: s.id, run: 'center', name: 'a', json: '{}', weights } });
  });

  it('rejects a refused request with the reason and the worker’s sentence; the others stay pending', async () => {
    const { worker, client } = setup();
    const load = outcome(client.request({ type: 'load', run: 'center', files: [] }));
    let rolledBack = false;
    void client.request({ type: 'rollback', run: 'center' }).then(() => { rolledBack = true; }, () => { rolledBack = true; });
    const [l] = worker.posted;
    worker.reply({ type: 'refused', session: 0, id: l.id, request: 'load', reason: 'bad-file', message: 'Could not load the run: pick both files.' });
    expect(await load).toEqual({ err: { reason: 'bad-file', message: 'Could not load the run: pick both files.', request: 'load', dropped: false } });
    await Promise.resolve();
    expect(rolledBack).toBe(false);
  });

  it('rejects a reply of the wrong type for its request', async () => {
    const { worker, client } = setup();
    const rollback = outcome(client.request({ type: 'rollback', run: 'center' }));
    worker.reply({ type: 'loaded', session: 0, id: worker.posted[0].id, run: 'center', step: 3, file: 'x.json', params: { lambda: 0.1 } });
    expect(await rollback).toMatchObject({ err: { reason: 'bad-reply', request: 'rollback', dropped: false } });
  });

  it('terminate rejects every pending request as dropped, and later requests at once', async () => {
    const { worker, client } = setup();
    const a = outcome(client.request({ type: 'save', run: 'center', name: 'a' }));
    const b = outcome(client.request({ type: 'rollback', run: 'softmax' }));
    client.terminate();
    expect(worker.terminated).toBe(true);
    expect(await a).toMatchObject({ err: { reason: 'stopped', request: 'save', dropped: true } });
    expect(await b).toMatchObject({ err: { reason: 'stopped', request: 'rollback', dropped: true } });
    expect(await outcome(client.request({ type: 'rollback', run: 'center' }))).toMatchObject({ err: { reason: 'stopped', dropped: true } });
    expect(worker.posted).toHaveLength(2);
  });

  it('a reset drops pending requests; their late replies are ignored, and new requests work', async () => {
    const { worker, client, streamed } = setup();
    const old = outcome(client.request({ type: 'rollback', run: 'center' }));
    client.dropPending('reset');
    expect(await old).toMatchObject({ err: { reason: 'reset', dropped: true } });
    worker.reply({ type: 'rolledback', session: 0, id: worker.posted[0].id, run: 'center', step: 1 });
    const fresh = outcome(client.request({ type: 'rollback', run: 'center' }));
    worker.reply({ type: 'rolledback', session: 1, id: worker.posted[1].id, run: 'center', step: 2 });
    expect(await fresh).toMatchObject({ ok: { step: 2 } });
    expect(streamed).toEqual([]);
  });

  it('hands stream messages to onMessage and keeps replies out of it', () => {
    const { worker, client, streamed } = setup();
    void client.request({ type: 'rollback', run: 'center' });
    worker.reply({ type: 'heartbeat', session: 0, busyMs: 5 });
    worker.reply({ type: 'rolledback', session: 0, id: worker.posted[0].id, run: 'center', step: 1 });
    worker.reply({ type: 'embedded', session: 0, id: worker.posted[0].id, runs: {} });
    expect(streamed.map((m) => m.type)).toEqual(['heartbeat', 'embedded']);
  });
});
