/**
 * What the page says about the worker above the controls: the backend line in the header, and the
 * banners (a recording playing, or why the picture needs a GPU; a fallback backend; why a model was
 * picked; notices; loading progress; a fatal error with Retry).
 */
import type { BackendName } from '../state/table';
import { AUTO_PRESET, PRESETS } from '../train/presets';
import type { ModelInfo, Phase, Ready } from './session';
import { PictureNeedsGpu, ReplayBanner } from './ReplayBanners';

const BACKEND_LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', cpu: 'CPU' };

export function BackendLine({ ready, model }: { ready: Ready | null; model: ModelInfo | null }) {
  return (
    <p className="backend" data-testid="backend">
      {ready?.replay ? (
        <>Recorded run: <strong>PyTorch {ready.replay.torch}</strong>, not training in this tab</>
      ) : (
        <>
          Backend: <strong>{ready ? BACKEND_LABEL[ready.backend] : '…'}</strong>
          {ready ? <span className="adapter"> · {ready.adapter}{ready.software && ready.backend === 'webgpu' ? ' (software GPU)' : ''}</span> : null}
        </>
      )}
      {model ? <span> · model <strong>{PRESETS[model.id].label}</strong></span> : null}
      {ready && !ready.replay ? <span data-testid="center-loss-impl"> · center loss: {ready.centerLoss === 'wgsl' ? 'WGSL kernel' : 'composed ops'}</span> : null}
    </p>
  );
}

export interface BannersProps {
  ready: Ready | null;
  model: ModelInfo | null;
  phase: Phase;
  notices: readonly string[];
  /** The URL's backend and model choices (a backend asked for is no fallback; 'auto' may pick the tiny model). */
  asked: { backend: 'auto' | BackendName; model: string };
  onWatchRecording: () => void;
  onDismiss: () => void;
  onCancel: () => void;
  onRetry: () => void;
}

export function Banners({ ready, model, phase, notices, asked, onWatchRecording, onDismiss, onCancel, onRetry }: BannersProps) {
  return (
    <>
      {ready?.replay ? (
        <ReplayBanner info={ready.replay} model={PRESETS[AUTO_PRESET.gpu]} />
      ) : ready && ready.software && asked.model === 'auto' ? (
        <PictureNeedsGpu preset={PRESETS[AUTO_PRESET.gpu]} backend={BACKEND_LABEL[ready.backend]} onWatch={onWatchRecording} />
      ) : null}
      {ready?.replay ? null : ready && ready.backend !== 'webgpu' && asked.backend === ready.backend ? (
        <div className="banner info" role="status" data-testid="fallback-banner">
          Training on <strong>{BACKEND_LABEL[ready.backend]}</strong>, as the URL asks (<code>backend={ready.backend}</code>).
        </div>
      ) : ready && ready.backend !== 'webgpu' ? (
        <div className="banner warn" role="status" data-testid="fallback-banner">
          WebGPU is not available{ready.fallbackReason ? ` (${ready.fallbackReason})` : ''}. Training runs on{' '}
          <strong>{BACKEND_LABEL[ready.backend]}</strong> instead, which is slower for the larger models.
        </div>
      ) : null}
      {model?.reason && !ready?.replay ? <div className="banner info" role="note">{model.reason}</div> : null}
      {notices.length ? (
        <div className="banner warn" role="alert" data-testid="notices">
          <ul>{notices.map((n, i) => <li key={i}>{n}</li>)}</ul>
          <button type="button" onClick={onDismiss}>Dismiss</button>
        </div>
      ) : null}

      {phase.kind === 'loading' ? (
        <div className="loading">
          <label htmlFor="load-progress">Loading MNIST… {formatMB(phase.loaded)} / {phase.total ? formatMB(phase.total) : '?'}</label>
          <progress id="load-progress" aria-label="Loading MNIST" max={phase.total || 1} value={phase.loaded} />
          <button type="button" onClick={onCancel}>Cancel</button>
        </div>
      ) : null}
      {phase.kind === 'error' ? (
        <div className="banner error" role="alert" data-testid="error">
          <p><strong>{phase.file ? `Could not load ${phase.file}.` : 'Something went wrong.'}</strong> {phase.message}</p>
          <button type="button" onClick={onRetry}>Retry</button>
        </div>
      ) : null}
    </>
  );
}

function formatMB(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
