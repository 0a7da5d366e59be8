/** Types of browser.mjs (see there). */
import type { Browser } from 'playwright';

export function executablePath(): string;
export function chromiumArgs(webgpu?: boolean): string[];
export interface LaunchOptions {
  /** Pass `--enable-unsafe-webgpu` (default true). */
  webgpu?: boolean;
  /** Extra Chromium flags after the suite's own. */
  args?: string[];
  /** The binary, where the caller has already located it (default: executablePath()). */
  executable?: string;
}
export function launchChromium(options?: LaunchOptions): Promise<Browser>;
export function webgpu(): { available: boolean; reason: string };
