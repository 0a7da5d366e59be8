/**
 * The headline readout: how much tighter the center-loss features are than the softmax-only ones
 * (the compactness ratio, in plain words), charted over steps, and once the paper's picture has formed
 * "Flocks formed at step N (M s)". The definition is src/train/picture.ts. Scrubbed back on the
 * timeline, it reads the step shown (the chart marks it); live, the latest.
 */
import { PICTURE, type ModelPreset } from '../train/presets';
import type { ContrastEntry, ContrastLog, Formed } from './contrastLog';
import { SparklineView } from './charts/SparklineView';
import { indexAtOrBefore } from './timeline/store';

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const pickRatio = (e: ContrastEntry) => [e.ratio];

/** "2 min 13 s", "41 s", "0.8 s". */
export function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - 60 * m)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** What still stands between the latest step and the picture, in words. */
function missing(e: ContrastEntry): string {
  const parts: string[] = [];
  if (!e.tightEnough) parts.push(`the ratio is ${Number.isFinite(e.ratio) ? e.ratio.toFixed(2) : '–'}× (needs ≤ ${PICTURE.maxCompactnessRatio}×)`);
  if (!e.softmaxAccurate || !e.centerAccurate) {
    parts.push(`accuracy is ${pct(e.softmax.accuracy)} softmax-only and ${pct(e.center.accuracy)} center loss (both need ≥ ${pct(PICTURE.minAccuracy)})`);
  }
  return parts.join('; ');
}

function statusLine(latest: ContrastEntry | null, formed: Formed | null): string {
  if (formed) return `Flocks formed at step ${formed.step}${formed.ms === null ? '' : ` (${formatDuration(formed.ms)} after pressing Train)`}.`;
  if (!latest) return 'Press Train: the readout compares the two panels at every snapshot.';
  if (latest.step === 0) return 'Step 0: both runs start from the same weights, so the two pictures are identical.';
  return `Not yet at step ${latest.step}: ${missing(latest)}.`;
}

/** For a preset whose measured defaults never reach the picture: the numbers, and what to do instead. */
function cannotForm(preset: ModelPreset): string | null {
  const m = preset.measured;
  if (!m || m.stepsToPicture.some((s) => s !== null)) return null;
  const range = (xs: number[], f: (v: number) => string) => {
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    return lo === hi ? f(lo) : `${f(lo)}–${f(hi)}`;
  };
  return `With the ${preset.label} the picture does not form: in the PyTorch reference at these defaults, after ${m.steps.toLocaleString('en-US')} steps ` +
    `softmax-only reaches ${range(m.softmaxAccuracy, pct)} and center loss ${range(m.centerAccuracy, pct)} test accuracy, ` +
    `ratio ${range(m.ratio, (v) => `${v.toFixed(2)}×`)} (seeds ${m.seeds.join(', ')}). A CNN preset shows it.`;
}

export interface ContrastReadoutProps {
  log: ContrastLog;
  rev: number;
  xMax: number;
  preset: ModelPreset | null;
  /** The timeline's displayed step; null: live. */
  cursor?: number | null;
}

export function ContrastReadout({ log, rev, xMax, preset, cursor = null }: ContrastReadoutProps) {
  const latest = cursor === null ? log.latest : log.entries[indexAtOrBefore(log.entries, cursor, (e) => e.step)] ?? null;
  const formed = log.formed;
  const note = preset ? cannotForm(preset) : null;
  return (
    <aside className={formed ? 'contrast formed' : 'contrast'} aria-label="Contrast between the panels" data-testid="contrast">
      <div className="contrast-text">
        <p className="contrast-main">
          Center-loss features are{' '}
          <strong data-testid="contrast-ratio">{latest && Number.isFinite(latest.ratio) ? `${latest.ratio.toFixed(2)}×` : '–'}</strong>{' '}
          as spread out as softmax-only ones
          {latest ? <span className="contrast-detail"> (compactness {latest.center.compactness.toFixed(3)} vs {latest.softmax.compactness.toFixed(3)}, step {latest.step})</span> : null}
        </p>
        <p className="contrast-status" aria-live="polite" data-testid="picture-status">{statusLine(latest, formed)}</p>
        <p className="contrast-help">
          Compactness is the mean distance of the probe digits to their class center ÷ the mean distance between centers (lower is tighter).
          The paper&apos;s picture has formed when the ratio is ≤ {PICTURE.maxCompactnessRatio}× and both runs classify ≥ {pct(PICTURE.minAccuracy)} of the probe digits.
        </p>
        {note ? <p className="contrast-note" data-testid="picture-unreachable">{note}</p> : null}
      </div>
      <SparklineView
        history={log} rev={rev} xMax={xMax} cursor={cursor} testId="chart-contrast" label="ratio (center ÷ softmax)"
        title="Compactness of the center-loss run ÷ compactness of the softmax-only run, per snapshot. Lower = tighter flocks by comparison."
        series={[{ label: 'compactness ratio' }]} pick={pickRatio} y="zero"
      />
    </aside>
  );
}
