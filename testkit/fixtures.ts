/**
 * The e2e suite's Playwright fixtures: import `test` and `expect` from here instead of
 * '@playwright/test'.
 *
 * - `site` (worker): the e2e build (DIST_E2E) served under /flock/ by testkit/serve.mjs, one server
 *   for all the specs a worker runs.
 * - `server`: the server this test's page talks to, `site` unless the group shares a page with its own
 *   server (sharePage({ serve })).
 * - `serve(options)`: another server for this test (a broken copy of the build, a throttled one, …),
 *   closed when the test ends.
 * - `plainBrowser`: Chromium without WebGPU (the WebGL/CPU fallback), closed when the test ends.
 * - `pageErrors`: the page's uncaught errors; `errorLog`: those and its console errors, prefixed, in order.
 * - `page` and `context` are Playwright's own (1440 × 900, downloads on, from playwright.config.ts),
 *   or in a group that calls sharePage(), one page for all of the group's tests.
 */
import { test as base, expect, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from '@playwright/test';
import { DIST_E2E, PREFIX } from './app';
import { launchChromium } from './browser.mjs';
import { serveStatic, type ServeOptions, type StaticServer } from './serve.mjs';

export { expect };

/** Where another server serves from: `root` (default DIST_E2E) under `prefix` (default /flock/). */
export type ServeWhat = ServeOptions & { root?: string; prefix?: string };

interface WorkerFixtures {
  site: StaticServer;
}
interface TestFixtures {
  server: StaticServer;
  serve: (what?: ServeWhat) => Promise<StaticServer>;
  plainBrowser: Browser;
  pageErrors: string[];
  errorLog: string[];
}

/** Records the page's uncaught errors (also printed) and its console errors, for the two error fixtures. */
function watchErrors(page: Page): { pageErrors: string[]; errorLog: string[] } {
  const pageErrors: string[] = [];
  const errorLog: string[] = [];
  page.on('pageerror', (e) => {
    pageErrors.push(e.message);
    errorLog.push(`pageerror: ${e.message}`);
    console.log('[pageerror]', e.message);
  });
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    errorLog.push(`console.error: ${m.text()}`);
    console.log('[console]', m.text());
  });
  return { pageErrors, errorLog };
}

const startServer = ({ root = DIST_E2E, prefix = PREFIX, ...options }: ServeWhat = {}) => serveStatic(root, prefix, options);

export const test = base.extend<TestFixtures, WorkerFixtures>({
  site: [async ({}, use) => { // eslint-disable-line no-empty-pattern
    const site = await startServer();
    await use(site);
    await site.close();
  }, { scope: 'worker' }],
  server: async ({ site }, use) => use(site),
  serve: async ({}, use) => { // eslint-disable-line no-empty-pattern
    const started: StaticServer[] = [];
    await use(async (what) => {
      const s = await startServer(what);
      started.push(s);
      return s;
    });
    await Promise.all(started.map((s) => s.close()));
  },
  plainBrowser: async ({}, use) => { // eslint-disable-line no-empty-pattern
    const browser = await launchChromium({ webgpu: false });
    await use(browser);
    await browser.close();
  },
  errorLog: async ({ page }, use) => use(watchErrors(page).errorLog),
  pageErrors: async ({ page }, use) => use(watchErrors(page).pageErrors),
});

export interface ShareOptions {
  /** Options of the group's browser context, over 1440 × 900 with downloads on. */
  context?: BrowserContextOptions;
  /** The group's own server instead of `site` (another prefix, gzip encoding, …). */
  serve?: ServeWhat;
}

/** The page a group shares, for its own beforeAll hooks (tests get it as the `page` fixture). */
export interface Shared {
  readonly page: Page;
  readonly server: StaticServer;
  /** The pathnames the server received since the group began (`site` serves other groups too). */
  requests(): string[];
}

interface Held {
  context: BrowserContext; page: Page; server: StaticServer; own?: StaticServer;
  /** server.requests.length when the group began */
  from: number;
  errors: ReturnType<typeof watchErrors>;
}

/**
 * One page for all the tests of a serial group (or a file), in a new context of the worker's
 * browser: every test of the group gets it as its `page` (and its `context`, `server`, `pageErrors`,
 * `errorLog`), so a page trained in one test is checked by the next. Call it inside the group, before
 * any beforeAll that uses it; it closes the context (and the group's own server) after the group.
 */
export function sharePage(options: ShareOptions = {}): Shared {
  let held: Held | undefined;
  const need = (): Held => {
    if (!held) throw new Error('sharePage: the shared page is made in beforeAll and closed in afterAll');
    return held;
  };
  test.beforeAll(async ({ browser, site }) => {
    const own = options.serve ? await startServer(options.serve) : undefined;
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, ...options.context });
    const page = await context.newPage();
    const server = own ?? site;
    held = { context, page, server, own, from: server.requests.length, errors: watchErrors(page) };
  });
  test.afterAll(async () => {
    await held?.context.close();
    await held?.own?.close();
    held = undefined;
  });
  const give = <T>(get: () => T) => async ({}, use: (v: T) => Promise<void>) => use(get()); // eslint-disable-line no-empty-pattern
  test.use({
    context: give(() => need().context),
    page: give(() => need().page),
    server: give(() => need().server),
    pageErrors: give(() => need().errors.pageErrors),
    errorLog: give(() => need().errors.errorLog),
  });
  return {
    get page() { return need().page; },
    get server() { return need().server; },
    requests: () => need().server.requests.slice(need().from),
  };
}
