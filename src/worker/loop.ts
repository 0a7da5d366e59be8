/**
 * The worker's work queue and training loop.
 *
 * WorkQueue serialises all work that touches tensors: a round in flight always finishes before a
 * reset, a save or a load. TrainingLoop runs one round per queued task, yielding to the message
 * queue in between, while training (or while single steps are pending), and holds the speed limit:
 * one round (a step of every run) at most every 1/speed seconds.
 */

export class WorkQueue {
  private chain: Promise<unknown> = Promise.resolve();

  /** `onError` hears every failure of a queued job; the queue goes on. */
  constructor(private readonly onError: (e: unknown) => void) {}

  enqueue(job: () => Promise<void> | void): void {
    this.chain = this.chain.then(job).catch(this.onError);
  }
}

/** What the loop drives: the current session's rounds. */
export interface LoopBody {
  /** Whether there are runs to train. */
  hasRuns(): boolean;
  /** One round, then a snapshot when due (always after a single step); true once every run diverged. */
  round(singleStep: boolean): Promise<boolean>;
  /** Rounds per second at most; 0 = no limit. */
  speed(): number;
  /** `training` changed by the loop itself (every run diverged). */
  stopped(): void;
}

export class TrainingLoop {
  /** Train continuously ('train' … 'pause'). */
  training = false;
  /** Single steps asked for ('step') and not yet taken. */
  private pendingSteps = 0;
  /** A round is queued or running. */
  private ticking = false;

  constructor(private readonly queue: WorkQueue, private readonly body: LoopBody) {}

  start(): void {
    this.training = true;
    this.tick();
  }

  /** Stops training; pending single steps stay. */
  pause(): void {
    this.training = false;
  }

  /** Stops training and forgets pending single steps (a reset). */
  stop(): void {
    this.training = false;
    this.pendingSteps = 0;
  }

  step(): void {
    this.pendingSteps++;
    this.tick();
  }

  /** Queues the next round if there is anything to do and none is queued. */
  tick(): void {
    if (this.ticking || !this.body.hasRuns() || (!this.training && this.pendingSteps === 0)) return;
    this.ticking = true;
    let wait = 0;
    this.queue.enqueue(async () => {
      try {
        const roundStart = performance.now();
        const single = this.pendingSteps > 0 && !this.training;
        if (single) this.pendingSteps--;
        const allDiverged = await this.body.round(single);
        if (allDiverged && this.training) { this.training = false; this.body.stopped(); }
        const speed = this.body.speed();
        if (this.training && speed > 0) wait = Math.max(0, 1000 / speed - (performance.now() - roundStart));
      } finally {
        this.ticking = false;
      }
      setTimeout(() => this.tick(), wait);
    });
  }
}
