/**
 * Two banners about recorded runs: on a software GPU or a fallback backend, why the picture needs a
 * real GPU and an offer to watch a recording; while a recording plays, a plain label saying so.
 */
import type { ModelPreset } from '../train/presets';
import type { ReplayInfo } from '../worker/protocol';
import { formatDuration } from './ContrastReadout';

/**
 * Seconds per training step of the CNN preset (LeNet++ 8/16/32, batch 128) where the GPU is computed on
 * the CPU, measured on a 2-core VM: ≈ 6 s on SwiftShader WebGPU with Flock's conv kernels
 * (bench/results/conv-kernels.md), ≈ 14 s on WebGL and ≈ 24 s on the CPU backend (bench/results/latest.md).
 */
const SOFTWARE_SECONDS_PER_STEP = { low: 6, high: 24 };

/** The median of the preset's measured steps-to-picture, or null when it never formed there. */
function typicalStepsToPicture(preset: ModelPreset): number | null {
  const xs = (preset.measured?.stepsToPicture ?? []).filter((s): s is number => s !== null).sort((a, b) => a - b);
  return xs.length ? xs[Math.floor((xs.length - 1) / 2)] : null;
}

export function PictureNeedsGpu({ preset, backend, onWatch }: { preset: ModelPreset; backend: string; onWatch: () => void }) {
  const steps = typicalStepsToPicture(preset);
  const cost = steps === null ? null
    : `${formatDuration(steps * SOFTWARE_SECONDS_PER_STEP.low * 1000)} to ${formatDuration(steps * SOFTWARE_SECONDS_PER_STEP.high * 1000)}`;
  return (
    <div className="banner info" role="note" data-testid="picture-needs-gpu">
      <p>
        <strong>The paper&apos;s picture needs a CNN, and a CNN needs a real GPU.</strong> Here ({backend}, computed on the CPU) the {preset.label} takes
        about {SOFTWARE_SECONDS_PER_STEP.low}–{SOFTWARE_SECONDS_PER_STEP.high} s a step
        {steps !== null ? <>, so the ~{steps} steps it needs to form the picture would take {cost}</> : null}. The tiny model below trains here in real time,
        but with a 2-D feature its center-loss run stays less accurate than softmax-only.
      </p>
      <button type="button" onClick={onWatch}>Watch a recorded run</button>
    </div>
  );
}

export function ReplayBanner({ info, model }: { info: ReplayInfo; model: ModelPreset }) {
  return (
    <div className="banner warn replay" role="status" data-testid="replay-banner">
      <p>
        <strong>Recording — not a live run.</strong> The {model.label} trained for {info.steps.toLocaleString('en-US')} steps by Flock&apos;s PyTorch
        reference (same networks, center-loss math and batch order; <code>{info.madeBy}</code>, torch {info.torch}, {info.date.slice(0, 10)}),
        replayed through the same panels. Nothing trains in this tab.
      </p>
    </div>
  );
}
