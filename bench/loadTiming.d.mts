/** Types of loadTiming.mjs (see there). */
import type { ConsoleMessage } from 'playwright';

declare global {
  interface Window { __flockLoad: { trainEnabled?: number; firstFrame?: number } }
}

export interface FirstFrame {
  /** "Train" enabled (data ready), ms from navigation start */
  readyMs: number;
  /** first embedding frame, ms from navigation start */
  frameMs: number;
  afterReadyMs: number;
  /** the backend readout */
  backend: string;
}
export interface LoadVariant { url: string; webgpu?: boolean }
export interface LoadOptions { executable?: string; timeout?: number; onConsole?: (m: ConsoleMessage) => void }

export function recordLoadMarks(): void;
export function firstFrameOnce(o: LoadVariant & LoadOptions): Promise<FirstFrame>;
export function alternateLoads(variants: LoadVariant[], rounds: number,
  o?: LoadOptions & { log?: (round: number, variant: number, r: FirstFrame) => void }): Promise<FirstFrame[][]>;
