/**
 * Thin React wrapper around the imperative Sparkline: create on mount, feed it the entries of a
 * RunHistory that it has not seen yet, destroy on unmount. A new `generation` (reset, rollback)
 * clears the chart and replays the history. StrictMode-safe: a remount replays from scratch.
 */
import { useEffect, useRef } from 'react';
import type { HistoryEntry } from '../history';
import { Sparkline, type SparklineOptions } from './Sparkline';
import './charts.css';

/** An append-only log of entries with a step (RunHistory, ContrastLog): `generation` changes when it is rewritten. */
export interface StepLog<E extends { step: number }> {
  readonly entries: readonly E[];
  readonly generation: number;
}

export interface SparklineViewProps<E extends { step: number } = HistoryEntry> extends SparklineOptions {
  history: StepLog<E>;
  /** The log's rev at render time: re-runs the sync. */
  rev: number;
  /** The values (one per series) of an entry. Read once, at mount. */
  pick: (e: E) => readonly number[];
  /** Shared x domain [0, xMax] (the max step seen across panels). */
  xMax: number;
  testId?: string;
}

export function SparklineView<E extends { step: number } = HistoryEntry>(props: SparklineViewProps<E>) {
  const { history, rev, xMax, testId } = props;
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<Sparkline | null>(null);
  const synced = useRef({ gen: -1, len: 0 });
  const init = useRef(props);

  useEffect(() => {
    const { history: _h, rev: _r, pick: _p, xMax: _x, testId: _t, ...opts } = init.current;
    const s = new Sparkline(ref.current!, opts);
    chart.current = s;
    synced.current = { gen: -1, len: 0 };
    return () => {
      s.destroy();
      if (chart.current === s) chart.current = null;
    };
  }, []);

  useEffect(() => {
    const s = chart.current;
    if (!s) return;
    const n = history.entries.length;
    if (synced.current.gen !== history.generation || synced.current.len > n) {
      s.clear();
      synced.current = { gen: history.generation, len: 0 };
    }
    const pick = init.current.pick;
    for (let i = synced.current.len; i < n; i++) s.append(history.entries[i].step, pick(history.entries[i]));
    synced.current.len = n;
  }, [history, rev]);

  useEffect(() => {
    chart.current?.setXMax(xMax);
  }, [xMax]);

  return <div ref={ref} className="spark-view" data-testid={testId} />;
}
