/** A metric chart as a React component: the imperative Sparkline in an ImperativeView. */
import type { HistoryEntry } from '../history';
import { ImperativeView } from '../ImperativeView';
import { Sparkline, type SparklineOptions, type StepLog } from './Sparkline';
import './charts.css';

export type { StepLog } from './Sparkline';

export interface SparklineViewProps<E extends { step: number } = HistoryEntry> extends SparklineOptions {
  history: StepLog<E>;
  /** The log's rev at render time: re-runs the sync. */
  rev: number;
  /** The values (one per series) of an entry. Read once, at mount (with the options). */
  pick: (e: E) => readonly number[];
  /** Shared x domain [0, xMax] (the max step seen across panels). */
  xMax: number;
  /** The step the page shows (the timeline's cursor); null: live. */
  cursor?: number | null;
  testId?: string;
}

export function SparklineView<E extends { step: number } = HistoryEntry>(props: SparklineViewProps<E>) {
  const { history, rev, xMax, cursor = null, pick, testId, ...opts } = props;
  return (
    <ImperativeView
      className="spark-view"
      testId={testId}
      props={{ history, rev, xMax, cursor }}
      create={(el) => new Sparkline(el, opts, pick)}
    />
  );
}
