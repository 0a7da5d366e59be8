/**
 * The UI side of the worker: spawns it (training, or replaying a recording), types its messages,
 * and turns request/reply pairs into promises. Requests ('save', 'load', 'rollback') get an id here;
 * the worker answers each with one reply carrying that id, or 'refused'. Everything else the worker
 * posts (snapshots, heartbeats, progress, …) is a stream handed to `onMessage`.
 */
import { convKernelsFromUrl, pipelineWarmupFromUrl } from '../state/kernels';
import type { FromWorker, RefusalReason, ReplyTo, ToWorker, WorkerReply, WorkerRequest } from './protocol';

/** What a client needs of a Worker (a fake one in unit tests). */
export interface WorkerPort {
  postMessage(m: unknown): void;
  terminate(): void;
  onmessage: ((e: MessageEvent) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
  onmessageerror: ((e: MessageEvent) => void) | null;
}

/** `replay`: the replay worker (plays a recorded run) instead of the training worker. */
export function spawnWorker(replay: boolean): WorkerPort {
  // Two literal `new Worker(new URL(...))` expressions, so the bundler emits each worker as its own chunk.
  return replay
    ? new Worker(new URL('./replay.ts', import.meta.url), { type: 'module', name: 'flock-replay' })
    : new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'flock-trainer' });
}

/** A request as the caller writes it: the client adds the id. */
export type RequestOf<K extends WorkerRequest['type']> = Omit<Extract<WorkerRequest, { type: K }>, 'id'>;

/**
 * Why a request came to nothing: the worker refused it; it was dropped unanswered (the worker stopped,
 * the session was reset); or the worker answered with another request's reply type (a bug).
 */
export type RequestFailure = RefusalReason | 'stopped' | 'reset' | 'bad-reply';

/** The rejection of every request promise: `reason` says why, `message` is the sentence for the user. */
export class RequestRefused extends Error {
  override readonly name = 'RequestRefused';
  constructor(readonly request: WorkerRequest['type'], readonly reason: RequestFailure, message: string) {
    super(message);
  }

  /** True when the request was dropped unanswered (nothing for the user to read); false when it was refused. */
  get dropped(): boolean {
    return this.reason === 'stopped' || this.reason === 'reset';
  }
}

interface Pending {
  request: WorkerRequest['type'];
  resolve: (reply: WorkerReply) => void;
  reject: (e: RequestRefused) => void;
}

/** The reply type that answers each request type (besides 'refused'). */
const REPLY_OF = { rollback: 'rolledback', save: 'saved', load: 'loaded' } as const satisfies { [K in keyof ReplyTo]: ReplyTo[K]['type'] };
const REPLY_TYPES: ReadonlySet<string> = new Set<WorkerReply['type']>([...Object.values(REPLY_OF), 'refused']);
const isReply = (m: FromWorker): m is WorkerReply => REPLY_TYPES.has(m.type);

/** What the worker posts besides replies: the streams (progress, ready, snapshots, heartbeats, …). */
export type StreamMessage = Exclude<FromWorker, WorkerReply>;

export class TrainerClient {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private terminated = false;

  constructor(
    private readonly worker: WorkerPort,
    onMessage: (m: StreamMessage) => void,
    onCrash: (message: string) => void,
  ) {
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      if (isReply(m)) this.settle(m);
      else onMessage(m);
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      onCrash(e.message || 'the training worker failed to start');
    };
    worker.onmessageerror = () => onCrash('a message from the training worker could not be read');
  }

  send(m: Exclude<ToWorker, WorkerRequest>): void {
    // The page URL's ?kernels= and ?warmup= flags ride along with init (the worker cannot see the page URL).
    if (m.type === 'init' && m.kernels === undefined) {
      const search = globalThis.location?.search ?? '';
      m = { ...m, kernels: convKernelsFromUrl(search), warmup: pipelineWarmupFromUrl(search) };
    }
    this.worker.postMessage(m);
  }

  /** Sends a request; resolves with its reply, or rejects with RequestRefused. */
  request<K extends WorkerRequest['type']>(m: RequestOf<K> & { type: K }): Promise<ReplyTo[K]> {
    if (this.terminated) return Promise.reject(new RequestRefused(m.type, 'stopped', 'The training worker has stopped.'));
    const id = this.nextId++;
    return new Promise<ReplyTo[K]>((resolve, reject) => {
      this.pending.set(id, { request: m.type, resolve: resolve as (r: WorkerReply) => void, reject });
      this.worker.postMessage({ ...m, id });
    });
  }

  /** Rejects every pending request (a reset: their replies, if any come, belong to the old runs). */
  dropPending(reason: 'stopped' | 'reset'): void {
    const message = reason === 'reset' ? 'The runs were reset before the worker answered.' : 'The training worker stopped before it answered.';
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(new RequestRefused(p.request, reason, message));
  }

  terminate(): void {
    this.terminated = true;
    this.worker.terminate();
    this.dropPending('stopped');
  }

  private settle(reply: WorkerReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return; // answers a request already dropped (reset)
    this.pending.delete(reply.id);
    if (reply.type === 'refused') p.reject(new RequestRefused(p.request, reply.reason, reply.message));
    else if (reply.type !== REPLY_OF[p.request]) p.reject(new RequestRefused(p.request, 'bad-reply', `The worker answered a ${p.request} request with '${reply.type}'.`));
    else p.resolve(reply);
  }
}
