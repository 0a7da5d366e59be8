/**
 * The scrubber under the panels: a "Timeline" slider over every kept snapshot (all panels, their
 * centers, the contrast readout and the charts' cursor follow it while training goes on), Play at a
 * chosen speed, "Live" back to the present, and the exports: the WebM recorder replaying the timeline,
 * and every kept frame as JSON.
 */
import { SPEEDS, type TimelineView } from './useTimeline';
import './timeline.css';

export interface TimelineBarProps {
  tl: TimelineView;
  /** The latest step of any run (what live shows). */
  latest: number;
  disabled: boolean;
  onExportJson: () => void;
  /** Record the replay from the first frame as a WebM (null where the browser cannot record). */
  onRecord: (() => void) | null;
  recording: boolean;
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

export function TimelineBar({ tl, latest, disabled, onExportJson, onRecord, recording }: TimelineBarProps) {
  const live = tl.display === 'live';
  const few = tl.steps.length < 2;
  const shownStep = live ? latest : tl.steps[tl.index] ?? 0;
  return (
    <div className={live ? 'timeline' : 'timeline scrubbed'} role="group" aria-label="Timeline controls" data-testid="timeline">
      <button type="button" onClick={() => (tl.playing ? tl.stop() : tl.play())} disabled={disabled || few} aria-pressed={tl.playing}>
        {tl.playing ? 'Stop playing' : 'Play timeline'}
      </button>
      <input
        type="range" className="timeline-slider" aria-label="Timeline" min={0} max={Math.max(0, tl.steps.length - 1)} step={1}
        value={Math.max(0, tl.index)} aria-valuetext={live ? `live, step ${latest}` : `step ${shownStep}`}
        disabled={disabled || few} onChange={(e) => tl.scrub(Number(e.target.value))}
      />
      <button type="button" onClick={tl.live} disabled={live} title="Show the latest snapshot of every run again">Live</button>
      <label className="timeline-speed">
        Replay speed{' '}
        <select value={tl.fps} onChange={(e) => tl.setFps(Number(e.target.value))}>
          {SPEEDS.map((s) => <option key={s} value={s}>{s} frames/s</option>)}
        </select>
      </label>
      {onRecord ? (
        <button type="button" onClick={onRecord} disabled={disabled || few || recording}
          title="Replay the timeline from its first frame and record it as a WebM video (it downloads when the replay reaches the present)">
          Record timeline (WebM)
        </button>
      ) : null}
      <button type="button" onClick={onExportJson} disabled={few && tl.frames === 0}
        title="Download every kept frame of every run (step, metrics, points, centers, predictions) as JSON">
        Export timeline (JSON)
      </button>
      <p className="timeline-status" data-testid="timeline-status">
        {live ? `Live: step ${latest}` : `Showing step ${shownStep} · training is at step ${latest}`}
        <span className="timeline-kept"> · {tl.steps.length} steps kept, {mb(tl.bytes)} of {mb(tl.budget)} MB</span>
      </p>
    </div>
  );
}
