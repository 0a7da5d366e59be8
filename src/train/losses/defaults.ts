/**
 * Per-loss defaults and control ranges, from presets.json "losses" (the file the PyTorch reference reads too).
 * Center loss keeps the global defaults (presets.json "defaults").
 */
import data from '../presets.json' with { type: 'json' };
import type { LossId } from './ids';

export type LossParamId = 'lambda' | 'alpha' | 'delta' | 'ringLr' | 's' | 'm';

export interface LossDefaults {
  lambda?: number; alpha?: number; delta?: number; ringLr?: number; s?: number; m?: number;
  /** [min, max] of each control the loss reads. */
  ranges: Partial<Record<LossParamId, [number, number]>>;
}

export const LOSS_DEFAULTS = (data as unknown as { losses: Record<Exclude<LossId, 'center'>, LossDefaults> }).losses;
