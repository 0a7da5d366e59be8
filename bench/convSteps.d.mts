/** Types of convSteps.mjs (see there). */
import type { Page } from 'playwright';
import type { ConvInit, KernelSet } from '../e2e/harness/conv';
import type { ModelId } from '../src/train/presets';

export const CONV_PAGE: string;
export const KERNEL_SETS: KernelSet[];
export type ConvCall = [method: string, args: unknown[]];
export interface ConvCallResult { call: string; args: unknown[]; result: unknown }
export interface StepRow {
  model: ModelId; batch: number;
  /** every timed step's ms, per kernel set */
  ms: Record<KernelSet, number[]>;
  median: Record<KernelSet, number>;
  /** median tfjs ÷ median Flock */
  speedup: number;
}

export function openConvHarness(page: Page, siteUrl: string, timeout?: number): Promise<ConvInit>;
export function alternatedStepCalls(cases: { model: ModelId; batch: number }[], rounds: number, steps: number): ConvCall[];
export function runConvCalls(page: Page, calls: ConvCall[], log?: (method: string, args: unknown[], result: unknown, wallMs: number) => void, results?: ConvCallResult[]): Promise<ConvCallResult[]>;
export function summariseSteps(results: ConvCallResult[]): StepRow[];
