/**
 * Which Chrome or Chromium the browser tests launch (playwright.config.ts, bench/, scripts/test-all.mjs),
 * and with which flags. Plain JavaScript so that `node scripts/test-all.mjs` can import it as well as
 * the TypeScript configs and specs (types in find-browser.d.mts).
 *
 * Order: $CHROMIUM_PATH; Playwright's own Chromium if `npx playwright install chromium` put it there;
 * then the system's Chrome or Chromium:
 *   Linux (and other Unixes): chromium, chromium-browser, google-chrome, google-chrome-stable on PATH;
 *   macOS: Google Chrome.app, then Chromium.app, in /Applications, then in ~/Applications;
 *   Windows: Google\Chrome\Application\chrome.exe, then Chromium\Application\chrome.exe, under
 *            Program Files, Program Files (x86) and %LOCALAPPDATA%.
 * `findBrowser` is pure (the file system and environment are passed in) so that it can be unit-tested
 * for every platform; `locateBrowser` runs it on this machine.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * Launch flags. WebGPU in headless Chromium needs `--enable-unsafe-webgpu` (on machines without a GPU
 * the adapter is SwiftShader); without it `navigator.gpu.requestAdapter()` resolves null and tfjs falls
 * back to WebGL. `webgpu = false` leaves WebGPU off (the page then gets WebGL or the CPU).
 * @param {boolean} [webgpu]
 * @returns {string[]}
 */
export function chromiumArgs(webgpu = true) {
  return [
    ...(webgpu ? ['--enable-unsafe-webgpu'] : []),
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ];
}

/** Executable names looked up on PATH on Linux and other Unixes, in this order. */
export const UNIX_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** @param {Record<string, string | undefined>} env @param {string} name */
function getEnv(env, name) {
  if (env[name] !== undefined) return env[name];
  // Windows environment variable names are case-insensitive (Path, ProgramFiles(x86), ...).
  const key = Object.keys(env).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : env[key];
}

/**
 * Where the system's Chrome or Chromium may be, most preferred first (Playwright's own Chromium and
 * CHROMIUM_PATH come before these).
 * @param {import('./find-browser.d.mts').BrowserEnv} e
 * @returns {string[]}
 */
export function systemCandidates(e) {
  if (e.platform === 'win32') {
    const roots = [
      getEnv(e.env, 'ProgramFiles') ?? 'C:\\Program Files',
      getEnv(e.env, 'ProgramFiles(x86)') ?? 'C:\\Program Files (x86)',
      getEnv(e.env, 'LOCALAPPDATA'),
    ].filter((r) => !!r);
    const unique = [...new Set(roots)];
    return [
      ...unique.map((r) => path.win32.join(r, 'Google', 'Chrome', 'Application', 'chrome.exe')),
      ...unique.map((r) => path.win32.join(r, 'Chromium', 'Application', 'chrome.exe')),
    ];
  }
  if (e.platform === 'darwin') {
    const home = getEnv(e.env, 'HOME');
    const apps = ['/Applications', ...(home ? [path.posix.join(home, 'Applications')] : [])];
    return apps.flatMap((dir) => [
      path.posix.join(dir, 'Google Chrome.app/Contents/MacOS/Google Chrome'),
      path.posix.join(dir, 'Chromium.app/Contents/MacOS/Chromium'),
    ]);
  }
  const dirs = (getEnv(e.env, 'PATH') ?? '').split(':').filter((d) => d !== '');
  return UNIX_NAMES.flatMap((name) => dirs.map((dir) => path.posix.join(dir, name)));
}

/**
 * 'ubuntu', 'debian' or 'other', from the text of /etc/os-release (derivatives count as their parent).
 * @param {string | undefined} osRelease
 * @returns {'ubuntu' | 'debian' | 'other'}
 */
export function linuxDistro(osRelease) {
  /** @param {string} key */
  const field = (key) => (new RegExp(`^${key}=(.*)$`, 'm').exec(osRelease ?? '')?.[1] ?? '').replace(/["']/g, '').toLowerCase().split(/\s+/);
  const ids = [...field('ID'), ...field('ID_LIKE')];
  if (ids.includes('ubuntu')) return 'ubuntu';
  if (ids.includes('debian')) return 'debian';
  return 'other';
}

/**
 * The one line printed when no browser is found: what to install on this platform.
 * @param {string} platform  process.platform
 * @param {string} [osRelease]  text of /etc/os-release (Linux)
 * @returns {string}
 */
export function notFoundMessage(platform, osRelease) {
  const head = 'No Chrome or Chromium found for the browser tests:';
  const tail = 'or set CHROMIUM_PATH to a Chrome or Chromium binary.';
  if (platform === 'darwin' || platform === 'win32') {
    return `${head} run \`npx playwright install chromium\`, or install Google Chrome (https://www.google.com/chrome/), ${tail}`;
  }
  if (platform === 'linux') {
    const distro = linuxDistro(osRelease);
    if (distro === 'debian') return `${head} run \`sudo apt-get install chromium\` (or \`npx playwright install chromium\`), ${tail}`;
    if (distro === 'ubuntu') {
      return `${head} run \`npx playwright install --with-deps chromium\` (Ubuntu's chromium package is only a snap wrapper), ${tail}`;
    }
  }
  return `${head} run \`npx playwright install chromium\` or install your system's chromium package, ${tail}`;
}

/**
 * Finds the browser to test with. Never throws: a miss is `{ ok: false, message }`, one line to print.
 * A CHROMIUM_PATH that is set but missing (or not executable) is a miss, not a reason to look elsewhere.
 * @param {import('./find-browser.d.mts').BrowserEnv} e
 * @returns {import('./find-browser.d.mts').BrowserLookup}
 */
export function findBrowser(e) {
  /** @param {string} p */
  const usable = (p) => e.exists(p) && (!e.isExecutable || e.isExecutable(p));
  const chosen = getEnv(e.env, 'CHROMIUM_PATH');
  if (chosen) {
    if (!e.exists(chosen)) return { ok: false, message: `CHROMIUM_PATH is set to ${chosen}, but there is no such file: point it at a Chrome or Chromium binary, or unset it to use the one found on this machine.` };
    if (e.isExecutable && !e.isExecutable(chosen)) return { ok: false, message: `CHROMIUM_PATH is set to ${chosen}, but that file is not executable: point it at a Chrome or Chromium binary, or unset it.` };
    return { ok: true, path: chosen, source: 'CHROMIUM_PATH' };
  }
  let managed;
  try {
    managed = e.playwrightPath?.();
  } catch {
    managed = undefined; // e.g. a platform Playwright has no build for
  }
  if (managed && usable(managed)) return { ok: true, path: managed, source: "Playwright's Chromium" };
  for (const p of systemCandidates(e)) if (usable(p)) return { ok: true, path: p, source: 'system' };
  return { ok: false, message: notFoundMessage(e.platform, e.osRelease) };
}

/**
 * This machine's environment for `findBrowser`.
 * @returns {import('./find-browser.d.mts').BrowserEnv}
 */
export function thisMachine() {
  const isFile = (/** @type {string} */ p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  let osRelease;
  if (process.platform === 'linux') {
    try {
      osRelease = readFileSync('/etc/os-release', 'utf8');
    } catch {
      osRelease = undefined;
    }
  }
  return {
    platform: process.platform,
    env: { ...process.env, HOME: process.env.HOME ?? homedir() },
    exists: isFile,
    isExecutable: process.platform === 'win32' ? undefined : (p) => {
      try {
        accessSync(p, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
    // The Chromium build this version of Playwright downloads with `npx playwright install chromium`.
    playwrightPath: () => createRequire(import.meta.url)('playwright-core').chromium.executablePath(),
    osRelease,
  };
}

/** @type {import('./find-browser.d.mts').BrowserLookup | undefined} */
let cached;

/**
 * `findBrowser` on this machine (looked up once per process).
 * @returns {import('./find-browser.d.mts').BrowserLookup}
 */
export function locateBrowser() {
  cached ??= findBrowser(thisMachine());
  return cached;
}

/**
 * The browser's path, or, where there is none, its one-line explanation on stderr and exit status 1
 * (for the Playwright configs: a config that throws prints a stack trace instead).
 * @returns {string}
 */
export function browserPathOrExit() {
  const found = locateBrowser();
  if (found.ok) return found.path;
  console.error(found.message);
  process.exit(1);
}
