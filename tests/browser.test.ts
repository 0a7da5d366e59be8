// Which browser the e2e suite launches (scripts/find-browser.mjs), on a faked file system per platform.
import { describe, expect, it } from 'vitest';
import { chromiumArgs, findBrowser, linuxDistro, notFoundMessage, type BrowserEnv } from '../scripts/find-browser.mjs';
import { webgpuFromEnv, webgpuToEnv } from '../scripts/webgpu-probe.mjs';

const PW = '/home/dev/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome';
const DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n';
const UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n';
const MINT = 'NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n';
const FEDORA = 'NAME="Fedora Linux"\nID=fedora\n';

/** A machine with exactly these files (all executable unless listed in `notExecutable`). */
function machine(platform: string, env: Record<string, string>, files: string[], opts: { notExecutable?: string[]; playwright?: string; osRelease?: string } = {}): BrowserEnv {
  const fs = new Set(files);
  const noExec = new Set(opts.notExecutable ?? []);
  return {
    platform,
    env,
    exists: (p) => fs.has(p),
    isExecutable: platform === 'win32' ? undefined : (p) => fs.has(p) && !noExec.has(p),
    playwrightPath: () => opts.playwright ?? PW,
    osRelease: opts.osRelease,
  };
}

const found = (e: BrowserEnv) => {
  const r = findBrowser(e);
  return r.ok ? `${r.source}: ${r.path}` : `none: ${r.message}`;
};

describe('findBrowser on Linux', () => {
  const PATH = '/home/dev/bin:/usr/local/bin:/usr/bin:/snap/bin';

  it('finds chromium, chromium-browser, google-chrome, google-chrome-stable on PATH, in that order', () => {
    const all = ['/snap/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/local/bin/google-chrome-stable', '/usr/bin/chromium'];
    expect(found(machine('linux', { PATH }, all))).toBe('system: /usr/bin/chromium');
    expect(found(machine('linux', { PATH }, all.slice(0, 3)))).toBe('system: /snap/bin/chromium-browser');
    expect(found(machine('linux', { PATH }, all.slice(1, 3)))).toBe('system: /usr/bin/google-chrome');
    expect(found(machine('linux', { PATH }, all.slice(2, 3)))).toBe('system: /usr/local/bin/google-chrome-stable');
  });

  it('takes the first PATH directory that has the name', () => {
    expect(found(machine('linux', { PATH }, ['/usr/bin/chromium', '/home/dev/bin/chromium']))).toBe('system: /home/dev/bin/chromium');
  });

  it('looks only on PATH: /usr/bin/chromium is not found when /usr/bin is not on PATH', () => {
    expect(found(machine('linux', { PATH: '/tmp/wrap:/usr/local/bin' }, ['/usr/bin/chromium', '/tmp/wrap/google-chrome']))).toBe('system: /tmp/wrap/google-chrome');
    expect(findBrowser(machine('linux', { PATH: '/usr/local/bin' }, ['/usr/bin/chromium'])).ok).toBe(false);
    expect(findBrowser(machine('linux', {}, ['/usr/bin/chromium'])).ok).toBe(false);
  });

  it('skips a file on PATH that is not executable', () => {
    const files = ['/usr/bin/chromium', '/usr/bin/google-chrome'];
    expect(found(machine('linux', { PATH }, files, { notExecutable: ['/usr/bin/chromium'] }))).toBe('system: /usr/bin/google-chrome');
  });

  it("prefers Playwright's own Chromium, when installed, to the system's", () => {
    expect(found(machine('linux', { PATH }, ['/usr/bin/chromium', PW]))).toBe(`Playwright's Chromium: ${PW}`);
    expect(found(machine('linux', { PATH }, ['/usr/bin/chromium']))).toBe('system: /usr/bin/chromium');
  });

  it("ignores a Playwright that cannot say where its Chromium is", () => {
    const e = { ...machine('linux', { PATH }, ['/usr/bin/chromium']), playwrightPath: () => { throw new Error('unsupported platform'); } };
    expect(found(e)).toBe('system: /usr/bin/chromium');
  });

  it('CHROMIUM_PATH wins over everything', () => {
    expect(found(machine('linux', { PATH, CHROMIUM_PATH: '/opt/cr/chrome' }, ['/opt/cr/chrome', PW, '/usr/bin/chromium']))).toBe('CHROMIUM_PATH: /opt/cr/chrome');
  });

  it('a CHROMIUM_PATH that does not exist, or cannot run, is an error, not a reason to look elsewhere', () => {
    expect(found(machine('linux', { PATH, CHROMIUM_PATH: '/opt/nope' }, [PW, '/usr/bin/chromium']))).toBe(
      'none: CHROMIUM_PATH is set to /opt/nope, but there is no such file: point it at a Chrome or Chromium binary, or unset it to use the one found on this machine.');
    expect(found(machine('linux', { PATH, CHROMIUM_PATH: '/opt/cr/chrome' }, ['/opt/cr/chrome', '/usr/bin/chromium'], { notExecutable: ['/opt/cr/chrome'] }))).toBe(
      'none: CHROMIUM_PATH is set to /opt/cr/chrome, but that file is not executable: point it at a Chrome or Chromium binary, or unset it.');
  });

  it('an empty CHROMIUM_PATH counts as unset', () => {
    expect(found(machine('linux', { PATH, CHROMIUM_PATH: '' }, ['/usr/bin/chromium']))).toBe('system: /usr/bin/chromium');
  });

  it('none found: one line with the install command for the distribution', () => {
    expect(found(machine('linux', { PATH }, [], { osRelease: DEBIAN }))).toBe(
      'none: No Chrome or Chromium found for the browser tests: run `sudo apt-get install chromium` (or `npx playwright install chromium`), or set CHROMIUM_PATH to a Chrome or Chromium binary.');
    expect(found(machine('linux', { PATH }, [], { osRelease: UBUNTU }))).toBe(
      "none: No Chrome or Chromium found for the browser tests: run `npx playwright install --with-deps chromium` (Ubuntu's chromium package is only a snap wrapper), or set CHROMIUM_PATH to a Chrome or Chromium binary.");
    expect(found(machine('linux', { PATH }, [], { osRelease: FEDORA }))).toBe(
      "none: No Chrome or Chromium found for the browser tests: run `npx playwright install chromium` or install your system's chromium package, or set CHROMIUM_PATH to a Chrome or Chromium binary.");
    expect(found(machine('linux', { PATH }, []))).toBe(`none: ${notFoundMessage('linux', FEDORA)}`);
    expect(found(machine('freebsd', { PATH }, []))).toBe(`none: ${notFoundMessage('linux', FEDORA)}`);
  });

  it('reads the distribution from /etc/os-release, derivatives as their parent', () => {
    expect(linuxDistro(DEBIAN)).toBe('debian');
    expect(linuxDistro(UBUNTU)).toBe('ubuntu');
    expect(linuxDistro(MINT)).toBe('ubuntu');
    expect(linuxDistro('ID=raspbian\nID_LIKE=debian\n')).toBe('debian');
    expect(linuxDistro(FEDORA)).toBe('other');
    expect(linuxDistro(undefined)).toBe('other');
  });
});

describe('findBrowser on macOS', () => {
  const CHROME = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
  const CHROMIUM = '/Applications/Chromium.app/Contents/MacOS/Chromium';
  const env = { HOME: '/Users/dev', PATH: '/usr/local/bin:/usr/bin' };
  const MAC_PW = '/Users/dev/Library/Caches/ms-playwright/chromium-1255/chrome-mac/Chromium.app/Contents/MacOS/Chromium';

  it('Google Chrome, then Chromium, in /Applications, then in ~/Applications', () => {
    const all = ['/Users/dev/Applications/Chromium.app/Contents/MacOS/Chromium', '/Users/dev/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', CHROMIUM, CHROME];
    expect(found(machine('darwin', env, all))).toBe(`system: ${CHROME}`);
    expect(found(machine('darwin', env, all.slice(0, 3)))).toBe(`system: ${CHROMIUM}`);
    expect(found(machine('darwin', env, all.slice(0, 2)))).toBe('system: /Users/dev/Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
    expect(found(machine('darwin', env, all.slice(0, 1)))).toBe('system: /Users/dev/Applications/Chromium.app/Contents/MacOS/Chromium');
  });

  it("Playwright's Chromium first; CHROMIUM_PATH before that", () => {
    expect(found(machine('darwin', env, [CHROME, MAC_PW], { playwright: MAC_PW }))).toBe(`Playwright's Chromium: ${MAC_PW}`);
    expect(found(machine('darwin', { ...env, CHROMIUM_PATH: CHROMIUM }, [CHROME, CHROMIUM, MAC_PW], { playwright: MAC_PW }))).toBe(`CHROMIUM_PATH: ${CHROMIUM}`);
  });

  it('does not look on PATH', () => {
    expect(findBrowser(machine('darwin', env, ['/usr/local/bin/chromium'])).ok).toBe(false);
  });

  it('none found: Playwright or Google Chrome', () => {
    expect(found(machine('darwin', env, []))).toBe(
      'none: No Chrome or Chromium found for the browser tests: run `npx playwright install chromium`, or install Google Chrome (https://www.google.com/chrome/), or set CHROMIUM_PATH to a Chrome or Chromium binary.');
  });
});

describe('findBrowser on Windows', () => {
  const env = { ProgramFiles: 'C:\\Program Files', 'ProgramFiles(x86)': 'C:\\Program Files (x86)', LOCALAPPDATA: 'C:\\Users\\dev\\AppData\\Local', Path: 'C:\\Windows' };
  const chrome = (root: string) => `${root}\\Google\\Chrome\\Application\\chrome.exe`;
  const chromium = (root: string) => `${root}\\Chromium\\Application\\chrome.exe`;
  const WIN_PW = 'C:\\Users\\dev\\AppData\\Local\\ms-playwright\\chromium-1255\\chrome-win\\chrome.exe';

  it('Chrome under Program Files, Program Files (x86), %LOCALAPPDATA%; then Chromium under the same', () => {
    const all = [chromium(env.LOCALAPPDATA), chromium(env.ProgramFiles), chrome(env.LOCALAPPDATA), chrome(env['ProgramFiles(x86)']), chrome(env.ProgramFiles)];
    expect(found(machine('win32', env, all))).toBe('system: C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe');
    expect(found(machine('win32', env, all.slice(0, 4)))).toBe('system: C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe');
    expect(found(machine('win32', env, all.slice(0, 3)))).toBe('system: C:\\Users\\dev\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe');
    expect(found(machine('win32', env, all.slice(0, 2)))).toBe('system: C:\\Program Files\\Chromium\\Application\\chrome.exe');
    expect(found(machine('win32', env, all.slice(0, 1)))).toBe('system: C:\\Users\\dev\\AppData\\Local\\Chromium\\Application\\chrome.exe');
  });

  it('reads environment variables whatever their case, and knows the default Program Files', () => {
    expect(found(machine('win32', { PROGRAMFILES: 'D:\\Apps' }, [chrome('D:\\Apps')]))).toBe('system: D:\\Apps\\Google\\Chrome\\Application\\chrome.exe');
    expect(found(machine('win32', {}, [chrome('C:\\Program Files (x86)')]))).toBe('system: C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe');
  });

  it("Playwright's Chromium first; CHROMIUM_PATH before that", () => {
    expect(found(machine('win32', env, [chrome(env.ProgramFiles), WIN_PW], { playwright: WIN_PW }))).toBe(`Playwright's Chromium: ${WIN_PW}`);
    expect(found(machine('win32', { ...env, CHROMIUM_PATH: 'E:\\cr\\chrome.exe' }, ['E:\\cr\\chrome.exe', WIN_PW], { playwright: WIN_PW }))).toBe('CHROMIUM_PATH: E:\\cr\\chrome.exe');
  });

  it('none found: Playwright or Google Chrome', () => {
    expect(found(machine('win32', env, []))).toBe(
      'none: No Chrome or Chromium found for the browser tests: run `npx playwright install chromium`, or install Google Chrome (https://www.google.com/chrome/), or set CHROMIUM_PATH to a Chrome or Chromium binary.');
  });
});

describe('launch flags and the WebGPU verdict', () => {
  it('flags: WebGPU on by default, off on request, the rest unchanged', () => {
    const rest = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
    expect(chromiumArgs()).toEqual(['--enable-unsafe-webgpu', ...rest]);
    expect(chromiumArgs(false)).toEqual(rest);
  });

  it('$FLOCK_WEBGPU carries the probe to the workers; unset counts as available', () => {
    const no = webgpuToEnv({ available: false, reason: 'navigator.gpu.requestAdapter() returned null', version: '1' });
    expect(webgpuFromEnv({ FLOCK_WEBGPU: no })).toEqual({ available: false, reason: 'no WebGPU in this browser (navigator.gpu.requestAdapter() returned null)' });
    expect(webgpuFromEnv({ FLOCK_WEBGPU: webgpuToEnv({ available: true, reason: '', adapter: 'google swiftshader', version: '1' }) }).available).toBe(true);
    expect(webgpuFromEnv({}).available).toBe(true);
  });
});
