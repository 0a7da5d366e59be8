/** Types of find-browser.mjs (see there). */

/** What `findBrowser` may look at: injected, so that tests can fake any platform. */
export interface BrowserEnv {
  /** process.platform: 'linux', 'darwin', 'win32', ... */
  platform: string;
  env: Record<string, string | undefined>;
  /** A regular file (or a link to one) exists at this path. */
  exists(path: string): boolean;
  /** The file may be executed; omitted on Windows. */
  isExecutable?(path: string): boolean;
  /** Where Playwright's own Chromium is (installed or not); may throw. */
  playwrightPath?(): string | undefined;
  /** Text of /etc/os-release, for the install hint on Linux. */
  osRelease?: string;
}

export type BrowserSource = 'CHROMIUM_PATH' | "Playwright's Chromium" | 'system';

export type BrowserLookup =
  | { ok: true; path: string; source: BrowserSource }
  | { ok: false; message: string };

export const UNIX_NAMES: string[];
export function chromiumArgs(webgpu?: boolean): string[];
export function systemCandidates(e: BrowserEnv): string[];
export function linuxDistro(osRelease: string | undefined): 'ubuntu' | 'debian' | 'other';
export function notFoundMessage(platform: string, osRelease?: string): string;
export function findBrowser(e: BrowserEnv): BrowserLookup;
export function thisMachine(): BrowserEnv;
export function locateBrowser(): BrowserLookup;
export function browserPathOrExit(): string;
