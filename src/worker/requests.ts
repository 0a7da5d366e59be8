/**
 * The worker's answers to the page's requests ('save', 'load', 'rollback'): exactly one reply per
 * request, carrying its id — 'saved', 'loaded' or 'rolledback', or 'refused' with a typed reason and
 * the sentence the page shows. Runs in the work queue, so no round is in flight.
 */
import { SaveFileError } from '../train/savefile';
import type { Untagged } from './outbox';
import type { RefusalReason, WorkerRequest } from './protocol';
import { encodeSave, openSave } from './saveFiles';
import { batchFor, type TrainingSession } from './session';

export interface Answer {
  reply: Untagged;
  transfer: Transferable[];
  /** A run was put back to another state: the page needs a snapshot. */
  changed: boolean;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

function refuse(m: WorkerRequest, reason: RefusalReason, message: string): Answer {
  return { reply: { type: 'refused', id: m.id, request: m.type, reason, message }, transfer: [], changed: false };
}

/** Runs request `m` against the current session (null before the first one exists). */
export async function answer(m: WorkerRequest, session: TrainingSession | null): Promise<Answer> {
  const slot = session?.slots.get(m.run);
  switch (m.type) {
    case 'rollback': {
      const cp = slot?.lastGood;
      if (!session || !slot || !cp) {
        return refuse(m, slot ? 'no-checkpoint' : 'no-run', 'There is no good checkpoint of this run to roll back to yet; press Reset.');
      }
      session.restore(m.run, cp);
      return { reply: { type: 'rolledback', id: m.id, run: m.run, step: cp.step }, transfer: [], changed: true };
    }
    case 'save': {
      if (!session || !slot) return refuse(m, 'no-run', 'There is no such run to save any more (the runs were reset); nothing was saved.');
      try {
        const c = session.config;
        const { json, weights } = await encodeSave(slot.run, {
          id: m.run, model: session.model, seed: c.seed, batch: batchFor(c, session.model), accuracy: slot.accuracy ?? 0, cursor: slot.batcher.state,
        }, m.name);
        return { reply: { type: 'saved', id: m.id, run: m.run, name: m.name, json, weights }, transfer: [weights], changed: false };
      } catch (e) {
        // The run's state could not be read back (or encoded).
        return refuse(m, 'unreadable', `Could not save the run: ${errorText(e)}.`);
      }
    }
    case 'load': {
      if (!session || !slot) return refuse(m, 'no-run', 'Could not load the run: that run does not exist any more (the runs were reset). Nothing was changed.');
      try {
        const opened = await openSave(m.files, session.model, slot.run.hyper.loss ?? 'center');
        session.restore(m.run, opened.resume);
        slot.lastGood = opened.resume;
        return { reply: { type: 'loaded', id: m.id, run: m.run, step: opened.resume.step, file: opened.file, params: opened.params }, transfer: [], changed: true };
      } catch (e) {
        if (e instanceof SaveFileError) return refuse(m, 'bad-file', `Could not load the run: ${e.message}. Nothing was changed.`);
        return refuse(m, 'unreadable', `Could not load the run: it could not be read (${errorText(e)}). Nothing was changed.`);
      }
    }
  }
}
