/**
 * The per-run requests a panel makes (roll back, save, load) and what the page does with each answer:
 * a notice, or the two downloaded files; a refusal shows the worker's sentence; a request dropped by a
 * reset or a respawn is forgotten.
 */
import { RequestRefused, type RequestOf } from '../../worker/client';
import type { ReplyTo, WorkerRequest } from '../../worker/protocol';
import { runLoss, type RunConfig, type RunId } from '../../state/runs';
import { LOSS_PARAM_NAMES, type LossParam } from '../../state/table';
import { SYMBOL, runTitle } from '../runTitles';

export type Request = <K extends WorkerRequest['type']>(m: RequestOf<K> & { type: K }) => Promise<ReplyTo[K]>;

export interface RunRequests {
  rollback: (run: RunId) => void;
  save: (run: RunId, name: string) => void;
  load: (run: RunId, files: File[]) => void;
}

/**
 * The notice for a loaded run, noting the parameters (λ, α, s, m, δ, lr_R) it was saved with that differ
 * from those its panel goes on with.
 */
export function loadedNotice(r: ReplyTo['load'], config: RunConfig): string {
  const now = runLoss(r.run, config);
  const differ = LOSS_PARAM_NAMES.filter((k) => r.params[k] !== undefined && r.params[k] !== now[k]);
  const list = (values: Partial<Record<LossParam, number>>) => differ.map((k) => `${SYMBOL[k]} = ${values[k]}`).join(', ');
  const note = differ.length ? ` It was saved with ${list(r.params)}; this panel goes on with ${list(now)}.` : '';
  return `Loaded ${r.file} into “${runTitle(r.run, config)}”: resumed at step ${r.step}.${note}`;
}

/** What to tell the user when a request failed; null when it was dropped unanswered. */
export function failureNotice(e: unknown): string | null {
  if (e instanceof RequestRefused) return e.dropped ? null : e.message;
  return `Something went wrong: ${e instanceof Error ? e.message : String(e)}.`;
}

export function runRequests(
  request: Request,
  notify: (message: string) => void,
  config: () => RunConfig,
  download: (saved: ReplyTo['save']) => void,
): RunRequests {
  const failed = (e: unknown) => {
    const text = failureNotice(e);
    if (text) notify(text);
  };
  return {
    rollback: (run) => void request({ type: 'rollback', run }).then((r) => notify(`Rolled back to step ${r.step}.`), failed),
    save: (run, name) => void request({ type: 'save', run, name }).then(download, failed),
    load: (run, files) => void request({ type: 'load', run, files }).then((r) => notify(loadedNotice(r, config())), failed),
  };
}
