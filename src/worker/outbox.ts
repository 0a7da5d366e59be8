/**
 * The worker's two ways to post, so no message picks its session by hand:
 *
 *   aboutRuns(m)  a message about the current runs (snapshot, checkpoint, status, embedded, errors):
 *                 tagged with the session those runs belong to, and dropped while a reset waits
 *                 behind the work in flight (the UI would otherwise show the old runs' output as the
 *                 new session's).
 *   toPage(m)     a message for the page whatever session it shows (progress, ready, fault,
 *                 heartbeat, and the reply to every request): tagged with the latest session asked for.
 *
 * `current` is the session of the runs that exist; `latest` the newest one the UI asked for. They
 * differ only between a 'reset' arriving and the queue reaching it (the last one, when several wait).
 */
import type { FromWorker } from './protocol';

/** A worker→UI message without its session tag (the outbox adds it). */
export type Untagged = FromWorker extends infer M ? (M extends unknown ? Omit<M, 'session'> : never) : never;

export class Outbox {
  private current = 0;
  private latest = 0;

  constructor(private readonly send: (m: FromWorker, transfer: Transferable[]) => void) {}

  /** The session the UI asked for last ('init' or 'reset' arriving). */
  requested(session: number): void {
    this.latest = session;
  }

  /** The queue reached the 'init' or 'reset' of `session`: its runs are the current ones. */
  caughtUp(session: number): void {
    this.current = session;
  }

  /** True while a reset waits: work for the old runs may stop early. */
  get resetWaiting(): boolean {
    return this.current !== this.latest;
  }

  /** The session the current runs belong to (names their tensors). */
  get session(): number {
    return this.current;
  }

  aboutRuns(m: Untagged, transfer: Transferable[] = []): void {
    if (this.resetWaiting) return;
    this.send({ ...m, session: this.current } as FromWorker, transfer);
  }

  toPage(m: Untagged, transfer: Transferable[] = []): void {
    this.send({ ...m, session: this.latest } as FromWorker, transfer);
  }
}
