/**
 * Which step the page shows: 'live' (the latest snapshot of every run) or a step of the timeline, where
 * every run shows its frame at or before that step while training goes on. Play steps through the kept
 * frames at a chosen speed and returns to live at the end.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { RunId } from '../../state/runs';
import type { Snapshot } from '../session';
import { download } from '../exports';
import { indexAtOrBefore, type Timeline } from './store';
import { timelineJsonParts, type TimelineMeta } from './timelineJson';

export type DisplayStep = number | 'live';

/** Replay speeds, in frames (kept snapshots) per second. */
export const SPEEDS = [2, 5, 10, 30] as const;

const same = (s: number) => s;

export function useTimeline(timeline: Timeline, snaps: Partial<Record<RunId, Snapshot>>, runs: readonly RunId[]) {
  const [display, setDisplay] = useState<DisplayStep>('live');
  const [playing, setPlaying] = useState(false);
  const [fps, setFps] = useState<number>(10);
  // A new session cleared the timeline: back to the present.
  const [generation, setGeneration] = useState(timeline.generation);
  if (generation !== timeline.generation) {
    setGeneration(timeline.generation);
    setDisplay('live');
    setPlaying(false);
  }
  const rev = timeline.rev;
  const steps = timeline.steps();

  /** Every run's snapshot at the displayed step (the live ones when live). */
  const shown = useMemo(() => {
    if (display === 'live') return snaps;
    const out: Partial<Record<RunId, Snapshot>> = {};
    for (const run of runs) {
      const f = timeline.at(run, display);
      if (f) out[run] = f;
    }
    return out;
  }, [display, snaps, runs, timeline, rev]); // eslint-disable-line react-hooks/exhaustive-deps -- rev: the timeline changed in place

  // Play: the next kept step at every tick; the latest one is live (and the end of the replay).
  const displayRef = useRef(display);
  useEffect(() => {
    displayRef.current = display;
  });
  const onEnd = useRef<(() => void) | null>(null);
  const stop = useCallback(() => {
    setPlaying(false);
    const end = onEnd.current;
    onEnd.current = null;
    end?.();
  }, []);
  useEffect(() => {
    if (!playing) return;
    const tick = setInterval(() => {
      const all = timeline.steps();
      const cur = displayRef.current;
      const next = cur === 'live' ? all[0] : all[indexAtOrBefore(all, cur, same) + 1];
      if (next === undefined || next >= all[all.length - 1]) {
        setDisplay('live');
        stop();
      } else {
        displayRef.current = next;
        setDisplay(next);
      }
    }, 1000 / fps);
    return () => clearInterval(tick);
  }, [playing, fps, timeline, stop]);

  /** Play from the displayed step (from the first frame when live, or with `fromStart`); `end` runs when it stops. */
  const play = useCallback((opts: { fromStart?: boolean; end?: () => void } = {}) => {
    const first = timeline.steps()[0];
    if (first === undefined) return;
    if (opts.fromStart || displayRef.current === 'live') {
      displayRef.current = first;
      setDisplay(first);
    }
    onEnd.current = opts.end ?? null;
    setPlaying(true);
  }, [timeline]);

  /** Show the kept step at `index` (the last one is live). */
  const scrub = useCallback((index: number) => {
    const all = timeline.steps();
    const i = Math.max(0, Math.min(all.length - 1, Math.round(index)));
    setDisplay(i >= all.length - 1 ? 'live' : all[i]);
  }, [timeline]);

  const live = useCallback(() => {
    setDisplay('live');
    if (playing) stop();
  }, [playing, stop]);

  const exportJson = useCallback((meta: TimelineMeta) => {
    const all = timeline.steps();
    download(new Blob(timelineJsonParts(timeline, meta), { type: 'application/json' }), `flock-timeline-step${all[all.length - 1] ?? 0}.json`);
  }, [timeline]);

  return {
    /** 'live', or the step every panel, the contrast readout and the charts' cursor show. */
    display,
    /** The step the charts' cursor marks; null when live. */
    cursor: display === 'live' ? null : display,
    /** Every run's snapshot at the displayed step. */
    shown,
    steps,
    /** The slider's position: the index in `steps` of the displayed step. */
    index: display === 'live' ? steps.length - 1 : Math.max(0, indexAtOrBefore(steps, display, same)),
    bytes: timeline.bytes,
    budget: timeline.budget,
    frames: timeline.count,
    playing, fps, setFps, play, stop, scrub, live, exportJson,
  };
}

export type TimelineView = ReturnType<typeof useTimeline>;
