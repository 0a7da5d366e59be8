/**
 * The controls of a recorded run: play it, step through it, start it over — and go back to training
 * live. The training controls (λ, α, optimizer, model…) do not apply to a recording, so they are not shown.
 */
import type { ReplayInfo } from '../worker/protocol';

export interface ReplayControlsProps {
  info: ReplayInfo;
  playing: boolean;
  disabled: boolean;
  onPlay: () => void;
  onStep: () => void;
  onReset: () => void;
  onSaveAll: () => void;
  onLive: () => void;
}

export function ReplayControls(p: ReplayControlsProps) {
  const s = p.info.settings;
  return (
    <section className="controls" role="group" aria-label="Controls">
      <div className="buttons">
        <button type="button" className="primary" onClick={p.onPlay} disabled={p.disabled}>{p.playing ? 'Pause' : 'Play'}</button>
        <button type="button" onClick={p.onStep} disabled={p.disabled || p.playing}>Next frame</button>
        <button type="button" onClick={p.onReset} disabled={p.disabled}>Back to step 0</button>
        <button type="button" onClick={p.onSaveAll} disabled={p.disabled}>Save all panels</button>
        <button type="button" onClick={p.onLive}>Train live instead</button>
      </div>
      <p className="replay-settings" data-testid="replay-settings">
        Recorded with {s.optimizer === 'adam' ? 'Adam' : 'SGD'} lr {s.lr}, λ {s.lambda}, α {s.alpha}, batch {s.batch}, seed {s.seed},
        {' '}{p.info.steps.toLocaleString('en-US')} steps in {p.info.frames} frames.
      </p>
    </section>
  );
}
