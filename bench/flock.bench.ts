/**
 * `npm run bench`: what Flock costs on this machine, measured in one run against the e2e build
 * (dist-e2e/), served from a sub-path, in headless Chromium:
 *   1. training throughput per preset × backend (steps/s of each run, ms per pair, samples/s),
 *   2. the center-loss kernel: WGSL vs composed tfjs ops (ms per call, dispatches per step), and
 *      the CNN training step with tfjs' WebGPU kernels vs Flock's WGSL kernels (bench/convSteps.mjs),
 *   3. UI smoothness on the main thread while the worker trains (rAF intervals, long tasks), and the
 *      baseline: the same two tiny runs trained on the main thread (e2e/harness/train.html),
 *   4. load (bytes, time to "Train" enabled, time to the first embedding frame), and the first
 *      embedding frame after data ready with and without the WebGPU pipeline warm-up (bench/loadTiming.mjs),
 *   5. memory (worker tensors, page JS heap) after warm-up and after the measuring window.
 * Prints Markdown tables and writes bench/results/<date>-<host>.json + bench/results/latest.md.
 *
 *   BENCH_SMOKE=1  short version for CI (tiny preset only, one short window per case; ≲ 3 min):
 *                  writes <date>-<host>-smoke.json and latest-smoke.md, so it never overwrites a full run.
 *   BENCH_PRESETS=conv,small  only these presets (for trying a change; the tables say what ran).
 *
 * Steps are read from the panels' readouts ("step 123 · accuracy 45.6%"), timestamped on the main
 * thread by a MutationObserver. The worker posts a snapshot only every few pairs of steps (it keeps
 * probing under 20 % of the time), so a window is measured between two snapshots, and the rate
 * includes the probing the app really does. Where probing is so slow that the worker snapshots only
 * every few hundred pairs, the worker's 1 s heartbeat (its own pair time, tapped from the page's
 * Worker) gives the rate instead; the table says which. The CNN presets are time-boxed: a few
 * pairs of steps, timed by when the heartbeat's pair time changes (a pair ended), see measureRounds.
 */
import { test, expect, type Browser, type Page, type Response } from '@playwright/test';
import { existsSync, statSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { resolve } from 'node:path';
import { launchChromium, webgpu } from '../testkit/browser.mjs';
import { serveStatic, type StaticServer } from '../testkit/serve.mjs';
import { workerHeapOnce } from '../testkit/workerHeap';
import { DIST_E2E, PREFIX, openHarness } from '../testkit/app';
import { PRESETS, type ModelId } from '../src/train/presets';
import { alternatedStepCalls, openConvHarness, runConvCalls, summariseSteps, type StepRow } from './convSteps.mjs';
import { alternateLoads, recordLoadMarks, type FirstFrame } from './loadTiming.mjs';

/** What the test pages of the e2e build answer (their window APIs are declared with the pages, e2e/harness/). */
type InitInfo = Awaited<ReturnType<Window['flockKernel']['init']>>;
type BenchReport = Awaited<ReturnType<Window['flockKernel']['bench']>>;
type TrainInit = Awaited<ReturnType<Window['flockTrain']['init']>>;

const BUILD = DIST_E2E;
/** The site is served from a private copy, so a concurrent `vite build --mode e2e` cannot change it mid-run. */
let ROOT = BUILD;
const RESULTS = resolve(import.meta.dirname, 'results');
const SMOKE = process.env.BENCH_SMOKE === '1';

/**
 * cnn: the CNN presets' time box (measureRounds): pairs of steps timed after the first (which compiles),
 *   at most `rounds`, stopping after `boxMs` once there are two, and at `maxBoxMs` whatever there is.
 * convSteps: the kernel table (tfjs' vs Flock's conv kernels): `rounds` alternations of `steps` timed steps per case.
 * firstFrame: the first-frame table: `rounds` cold loads of each preset, with and without the warm-up.
 */
const CFG = SMOKE
  ? {
    presets: ['tiny'] as ModelId[], windows: 1, windowMs: 4_000, warmupSteps: 5, frameMs: 3_000, idleMs: 1_500, kernelIters: 10, firstFrameCapMs: 90_000,
    cnn: { rounds: 3, boxMs: 20_000, maxBoxMs: 60_000 },
    convSteps: { cases: [{ model: 'conv' as ModelId, batch: 16 }], rounds: 1, steps: 1 },
    firstFrame: { presets: ['tiny'] as ModelId[], rounds: 1 },
  }
  : {
    presets: ['tiny', 'conv', 'small', 'lenetpp'] as ModelId[], windows: 5, windowMs: 10_000, warmupSteps: 10, frameMs: 8_000, idleMs: 4_000, kernelIters: 50, firstFrameCapMs: 180_000,
    cnn: { rounds: 6, boxMs: 60_000, maxBoxMs: 150_000 },
    convSteps: { cases: [{ model: 'conv' as ModelId, batch: 64 }, { model: 'small' as ModelId, batch: 32 }], rounds: 2, steps: 2 },
    firstFrame: { presets: ['tiny', 'conv'] as ModelId[], rounds: 3 },
  };
if (process.env.BENCH_PRESETS) CFG.presets = process.env.BENCH_PRESETS.split(',') as ModelId[];
const KERNEL_BATCHES = [128, 1024];

type BackendId = 'webgpu' | 'webgl' | 'cpu';
const BACKENDS: { id: BackendId; webgpuFlag: boolean }[] = [
  { id: 'webgpu', webgpuFlag: true }, // SwiftShader on these machines
  { id: 'webgl', webgpuFlag: false }, // no --enable-unsafe-webgpu, plus ?backend=webgl
  { id: 'cpu', webgpuFlag: false },
];

// ---------------------------------------------------------------------------------------------
// Result types (also the JSON schema)

interface Stats { n: number; median: number; p95: number; max: number }
interface LoadResult {
  bytesBrowser: number; bytesServer: number; requests: number; trainEnabledMs: number; firstFrameMs: number | null;
  /** what the browser saw, per response; `unconfirmed`: Chromium never reported the body finished (or reported it failed) */
  responses: { path: string; bytes: number; unconfirmed?: string }[];
}
interface BackendInfo { text: string; backend: string; adapter: string; software: boolean; webglRenderer?: string }
interface Throughput {
  stepsPerSec: number; msPerPair: number; samplesPerSec: number; runs: number;
  /**
   * 'readout': step counter between snapshots (probing included); 'heartbeat': the worker's own pair time (no snapshot came often enough);
   * 'pairs': the CNN presets' time box, pairs of steps timed from the heartbeat (measureRounds)
   */
  source: 'readout' | 'heartbeat' | 'pairs';
  /** steps/s per window, from `source` */
  windows: number[];
  /** the worker's EMA of one pair of steps, probing excluded (median over the windows); 'pairs': the mean pair without a snapshot in it */
  workerMsPerPair: number;
  firstTrainedFrameMs: number;
}
interface Memory { tensors: number | null; heapBytes: number | null; workerHeapBytes: number | null }
interface Frames { ms: number; frames: Stats; longTasks: number; longestTaskMs: number }
interface CaseResult {
  preset: ModelId; backend: BackendId; batch: number;
  skipped?: string; error?: string; notes: string[];
  info?: BackendInfo; load?: LoadResult; throughput?: Throughput;
  memory?: { afterWarmup: Memory; afterWindow: Memory };
  frames?: { training: Frames; idle: Frames };
  /** closes the case's page (set while it runs; dropped from the JSON) */
  close?: () => Promise<void>;
}
/** The main-thread baseline: the tiny runs trained on the page's own thread while the same frame probe runs. */
interface MainThreadResult { preset: ModelId; backend: BackendId; batch: number; frames?: Frames; pairs?: number; msPerPair?: number; error?: string }
interface KernelResult { adapter: Record<string, string>; iters: number; reports: BenchReport[]; error?: string }
/** The CNN step with tfjs' vs Flock's conv kernels (WebGPU). */
interface ConvStepResult { rows: StepRow[]; rounds: number; steps: number; error?: string }
/** Cold loads with and without the pipeline warm-up (WebGPU). */
interface FirstFrameResult { preset: ModelId; warmup: boolean; loads: FirstFrame[]; error?: string }
interface Machine {
  hostname: string; cpus: number; cpuModel: string; os: string; node: string; chromium: string;
  loadAvgStart: number[]; loadAvgEnd?: number[];
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `p`, or `fallback` once `ms` have passed. */
function withTimeout<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((ok) => { timer = setTimeout(() => ok(fallback), ms); })]).finally(() => clearTimeout(timer));
}

function stats(xs: number[]): Stats {
  if (!xs.length) return { n: 0, median: NaN, p95: NaN, max: NaN };
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { n: s.length, median, p95: q(0.95), max: s[s.length - 1] };
}

/** The CNN presets embed 500 probe digits instead of 2,000 (URL `probe`): on a software adapter the probe dominates otherwise. */
const probeOf = (preset: ModelId) => (PRESETS[preset].stages.length ? 500 : 2000);

function appUrl(server: StaticServer, preset: ModelId, backend: BackendId): string {
  const probe = probeOf(preset);
  return `${server.url}?model=${preset}&backend=${backend}&seed=1${probe !== 2000 ? `&probe=${probe}` : ''}`;
}

async function launch(webgpu: boolean): Promise<Browser> {
  // Precise heap numbers (performance.memory is bucketed otherwise).
  return launchChromium({ webgpu, args: ['--enable-precise-memory-info'] });
}

async function newPage(browser: Browser, notes: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => notes.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') notes.push(`console: ${m.text().slice(0, 200)}`); });
  return page;
}

/** Fails fast with the app's own message when it shows an error banner. */
async function appError(page: Page): Promise<string | null> {
  const el = page.getByTestId('error');
  return (await el.count()) ? ((await el.first().textContent()) ?? 'error banner') : null;
}

// ---------------------------------------------------------------------------------------------
// 4. Load: bytes, time to "Train" enabled, time to the first embedding frame

/**
 * Response body sizes as the browser saw them (page and its worker). Chromium reports 0 for the
 * worker script and, now and then, never reports a data file the worker read in full as finished
 * (or calls it net::ERR_ABORTED; the app checks every file's length against the manifest, so the
 * bytes did arrive): Content-Length (always sent) fills in.
 */
function trackBytes(page: Page): { settle: () => Promise<LoadResult['responses']> } {
  const seen: Response[] = [];
  page.on('response', (res) => seen.push(res));
  const one = async (res: Response) => {
    // Every one of these waits is bounded: Chromium does not always finish a worker's request.
    const failure = await withTimeout(res.finished(), 2_000, new Error('never reported finished')).catch((e: Error) => e);
    const headers = await withTimeout(res.allHeaders(), 2_000, {} as Record<string, string>).catch(() => ({} as Record<string, string>));
    const sizes = failure ? null : await withTimeout(res.request().sizes(), 2_000, null).catch(() => null);
    const body = sizes?.responseBodySize ?? 0;
    return {
      path: new URL(res.url()).pathname, bytes: body > 0 ? body : Number(headers['content-length'] ?? 0),
      ...(failure ? { unconfirmed: failure.message.split('\n')[0] } : {}),
    };
  };
  return { settle: () => Promise.all(seen.map(one)) };
}

/** Bytes the server sent for the requests it received since `from` (all 200s of whole files). */
function serverBytes(server: StaticServer, from: number): number {
  let sum = 0;
  for (const p of server.requests.slice(from)) {
    if (!p.startsWith(PREFIX)) continue;
    let file = resolve(ROOT, '.' + decodeURIComponent(p.slice(PREFIX.length - 1)));
    if (existsSync(file) && statSync(file).isDirectory()) file = resolve(file, 'index.html');
    if (existsSync(file)) sum += statSync(file).size;
  }
  return sum;
}

async function measureLoad(page: Page, server: StaticServer, url: string): Promise<LoadResult> {
  await page.addInitScript(recordLoadMarks); // window.__flockLoad: when Train is enabled, when the first embedding frame shows
  await installWorkerTap(page);
  const bytes = trackBytes(page);
  const from = server.requests.length;
  await page.goto(url);
  const trainEnabledMs = await loadMark(page, 'trainEnabled', 180_000);
  if (trainEnabledMs === null) throw new Error('"Train" not enabled within 180 s');
  // The first frame needs the worker to embed the probe points (2,000; 500 for the CNN presets), which can be very slow on a software adapter.
  const firstFrameMs = await loadMark(page, 'firstFrame', CFG.firstFrameCapMs);
  await sleep(300);
  const responses = await bytes.settle();
  return {
    bytesBrowser: responses.reduce((a, r) => a + r.bytes, 0), bytesServer: serverBytes(server, from),
    requests: responses.length, trainEnabledMs, firstFrameMs, responses,
  };
}

/** Waits for one of recordLoadMarks' marks; null on timeout; throws on the app's error banner. */
async function loadMark(page: Page, key: 'trainEnabled' | 'firstFrame', timeoutMs: number): Promise<number | null> {
  const h = await page.waitForFunction((k) => {
    const L = window.__flockLoad;
    return L[k] ?? (document.querySelector('[data-testid=error]') ? -1 : false);
  }, key, { polling: 100, timeout: timeoutMs }).catch(() => null);
  const v = h ? ((await h.jsonValue()) as number) : null;
  if (v === -1) throw new Error(`app error while loading: ${await appError(page)}`);
  return v;
}

/** Backend readout, e.g. "Backend: WebGPU · google swiftshader (software GPU) · model Tiny MLP (784→32→2)". */
async function readBackend(page: Page): Promise<BackendInfo> {
  const text = ((await page.getByTestId('backend').textContent()) ?? '').replace(/\s+/g, ' ').trim();
  const parts = text.split(' · ');
  const backend = parts[0].replace(/^Backend:\s*/, '');
  const adapter = parts[1] ?? '';
  const webglRenderer = await page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2');
    const ext = gl?.getExtension('WEBGL_debug_renderer_info');
    return gl && ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : undefined;
  });
  let software: boolean;
  if (backend === 'WebGPU') software = /software GPU|swiftshader/i.test(adapter);
  else if (backend === 'WebGL') software = /swiftshader|llvmpipe|softpipe|software/i.test(webglRenderer ?? '');
  else software = true; // the CPU backend: no GPU at all
  return { text, backend, adapter, software, webglRenderer: backend === 'WebGL' ? webglRenderer : undefined };
}

// ---------------------------------------------------------------------------------------------
// 1. Training throughput

interface StepEntry { t: number; step: number; softmax: number }

/** Timestamps every change of the center run's step readout (page clock), into window.__flockSteps. */
async function installStepLog(page: Page): Promise<void> {
  await page.evaluate(() => {
    const stepOf = (el: Element | null) => Number(/step (\d+)/.exec(el?.textContent ?? '')?.[1] ?? -1);
    const center = document.querySelector('[data-testid=readout-center]')!;
    const softmax = document.querySelector('[data-testid=readout-softmax]');
    const log: { t: number; step: number; softmax: number }[] = [];
    (window as unknown as { __flockSteps: typeof log }).__flockSteps = log;
    const record = () => {
      const step = stepOf(center);
      if (!log.length || log[log.length - 1].step !== step) log.push({ t: performance.now(), step, softmax: stepOf(softmax) });
    };
    new MutationObserver(record).observe(center, { subtree: true, childList: true, characterData: true });
    record();
  });
}

async function stepLog(page: Page, from = 0): Promise<StepEntry[]> {
  return page.evaluate((i) => (window as unknown as { __flockSteps: StepEntry[] }).__flockSteps.slice(i), from);
}

/** Waits until the step readout reaches `step`; returns the entry, or null on timeout. */
async function waitForStep(page: Page, step: number, timeoutMs: number): Promise<StepEntry | null> {
  const h = await page.waitForFunction((s) => {
    const log = (window as unknown as { __flockSteps: { step: number }[] }).__flockSteps;
    return log.find((e) => e.step >= s) ?? (document.querySelector('[data-testid=error]') ? 'error' : false);
  }, step, { polling: 200, timeout: timeoutMs }).catch(() => null);
  const v = h ? await h.jsonValue() : null;
  if (v === 'error') throw new Error(`app error while training: ${await appError(page)}`);
  return (v as StepEntry | null) ?? null;
}

async function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

async function pressTrain(page: Page): Promise<number> {
  const t = await pageNow(page);
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  return t;
}

/**
 * Before navigation: taps the training worker's 1 s heartbeats ({busyMs}: the worker's EMA of one pair
 * of steps, probing excluded) into window.__flockBeats, and when its snapshots arrive into window.__flockSnaps.
 */
async function installWorkerTap(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const beats: { t: number; busyMs: number }[] = [];
    const snaps: number[] = [];
    Object.assign(window, { __flockBeats: beats, __flockSnaps: snaps });
    const Base = window.Worker;
    window.Worker = class extends Base {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        this.addEventListener('message', (e: MessageEvent) => {
          if (e.data?.type === 'heartbeat' && e.data.busyMs > 0) beats.push({ t: performance.now(), busyMs: e.data.busyMs });
          if (e.data?.type === 'snapshot') snaps.push(performance.now());
        });
      }
    };
  });
}

async function beatLog(page: Page, since: number): Promise<{ t: number; busyMs: number }[]> {
  return page.evaluate((t0) => (window as unknown as { __flockBeats: { t: number; busyMs: number }[] }).__flockBeats.filter((b) => b.t >= t0), since);
}

/**
 * The CNN presets' time box. A heartbeat whose pair time differs from the one before means a pair of
 * steps ended since; where a pair takes longer than a heartbeat period (1 s), those heartbeats time
 * the pairs, to within a second each. The first pair (it compiles the pipelines) is left out; then up
 * to CFG.cnn.rounds pairs, stopping after CFG.cnn.boxMs once there are two, and at CFG.cnn.maxBoxMs
 * with whatever there is. ms per pair = time ÷ pairs (probing included, as the readout's rate); the
 * worker's pair time = the mean of the pairs with no snapshot arriving in them. Where pairs are
 * shorter (some pair looks shorter than 1.5 s, so two may share a heartbeat), the whole box is used and
 * the worker's moving average at its end gives the rate instead (source 'heartbeat', probing excluded).
 */
async function measureRounds(page: Page, batch: number, runs: number, firstTrainedFrameMs: number, since: number): Promise<Throughput> {
  const { rounds, boxMs, maxBoxMs } = CFG.cnn;
  const SHORT_PAIR_MS = 1_500;
  const read = async () => {
    const beats = await beatLog(page, since);
    const ends = beats.filter((b, i) => i === 0 || b.busyMs !== beats[i - 1].busyMs).map((b) => b.t);
    return { beats, ends, short: ends.some((t, i) => i > 0 && t - ends[i - 1] < SHORT_PAIR_MS) };
  };
  let r = await read();
  for (;;) {
    const now = await pageNow(page);
    const elapsed = r.ends.length ? now - r.ends[0] : 0;
    const pairs = Math.max(0, r.ends.length - 1);
    if ((pairs >= rounds && !r.short) || (pairs >= 2 && elapsed >= boxMs) || elapsed >= maxBoxMs || now - since >= maxBoxMs + 60_000) break;
    if (await appError(page)) throw new Error(`app error while training: ${await appError(page)}`);
    await sleep(500);
    r = await read();
  }
  if (r.short) {
    const ms = r.beats[r.beats.length - 1].busyMs;
    return {
      stepsPerSec: 1000 / ms, msPerPair: ms, samplesPerSec: (1000 / ms) * batch * runs, runs, source: 'heartbeat',
      windows: [1000 / ms], workerMsPerPair: ms, firstTrainedFrameMs,
    };
  }
  const e = r.ends.slice(0, rounds + 1);
  if (e.length < 2) throw new Error(`no pair of steps timed within ${maxBoxMs / 1000} s`);
  const snaps = await page.evaluate(() => (window as unknown as { __flockSnaps: number[] }).__flockSnaps);
  const pairMs = e.slice(1).map((t, i) => t - e[i]);
  const quiet = pairMs.filter((_, i) => !snaps.some((s) => s > e[i] && s <= e[i + 1]));
  const msPerPair = (e[e.length - 1] - e[0]) / pairMs.length;
  const stepsPerSec = 1000 / msPerPair;
  return {
    stepsPerSec, msPerPair, samplesPerSec: stepsPerSec * batch * runs, runs, source: 'pairs',
    windows: pairMs.map((ms) => 1000 / ms), workerMsPerPair: quiet.length ? quiet.reduce((a, b) => a + b, 0) / quiet.length : NaN, firstTrainedFrameMs,
  };
}

/** Consecutive windows of at least `windowMs` between snapshots (step log entries): each window's steps/s. */
function readoutWindows(log: StepEntry[], count: number, windowMs: number): number[] {
  const rates: number[] = [];
  let a = 0;
  for (let b = 1; b < log.length && rates.length < count; b++) {
    if (log[b].t - log[a].t >= windowMs) {
      rates.push(((log[b].step - log[a].step) * 1000) / (log[b].t - log[a].t));
      a = b;
    }
  }
  return rates;
}

/** Warm-up: `steps` pairs after the first trained frame, by the readout or, where snapshots are sparse, by the heartbeat's pair time. */
async function warmUp(page: Page, first: StepEntry, steps: number): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    if ((await stepLog(page)).some((e) => e.step >= steps)) return;
    const beats = await beatLog(page, first.t);
    if (beats.length >= 2 && (await pageNow(page)) - first.t >= (steps - first.step) * beats[beats.length - 1].busyMs) return;
    if (await appError(page)) throw new Error(`app error while training: ${await appError(page)}`);
    await sleep(500);
  }
  throw new Error(`warm-up: ${steps} steps not reached in 300 s`);
}

/**
 * Training throughput over `windows` × `windowMs` (at most 1.5× that): from the step readout (one
 * window = one snapshot to a later one ≥ windowMs apart, so probing is included) and, always, from
 * the worker's heartbeat (pair time without probing). Where the worker posts snapshots too rarely
 * for a single readout window (slow probing makes it probe only every few hundred pairs), the
 * heartbeat gives the headline number.
 */
async function measureThroughput(page: Page, batch: number, runs: number, firstTrainedFrameMs: number): Promise<Throughput> {
  const from = (await stepLog(page)).length - 1; // the first window starts at the latest snapshot
  const t0 = await pageNow(page);
  const total = CFG.windows * CFG.windowMs;
  let readout: number[] = [];
  for (;;) {
    await sleep(Math.min(1_000, CFG.windowMs / 4));
    readout = readoutWindows(await stepLog(page, from), CFG.windows, CFG.windowMs);
    const elapsed = (await pageNow(page)) - t0;
    if ((readout.length >= CFG.windows && elapsed >= total) || elapsed >= 1.5 * total) break;
    if (await appError(page)) throw new Error(`app error while training: ${await appError(page)}`);
  }
  const beats = await beatLog(page, t0);
  const span = Math.max(1, (beats.at(-1)?.t ?? t0) - t0);
  const heartbeat = Array.from({ length: CFG.windows }, (_, k) =>
    stats(beats.filter((b) => b.t - t0 >= (k * span) / CFG.windows && b.t - t0 <= ((k + 1) * span) / CFG.windows).map((b) => b.busyMs)).median)
    .filter(Number.isFinite);
  const workerMsPerPair = stats(heartbeat).median;
  const source = readout.length ? 'readout' : 'heartbeat';
  const stepsPerSec = source === 'readout' ? stats(readout).median : 1000 / workerMsPerPair;
  return {
    stepsPerSec, msPerPair: 1000 / stepsPerSec, samplesPerSec: stepsPerSec * batch * runs, runs, source,
    windows: source === 'readout' ? readout : heartbeat.map((ms) => 1000 / ms), workerMsPerPair, firstTrainedFrameMs,
  };
}

// ---------------------------------------------------------------------------------------------
// 5. Memory

async function readMemory(page: Page): Promise<Memory> {
  const t = Number((await page.getByTestId('tensors-center').textContent())?.trim());
  const heap = await page.evaluate(() => (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null);
  const browser = page.context().browser();
  const worker = browser ? await withTimeout(workerHeapOnce(browser), 25_000, null) : null;
  return { tensors: Number.isFinite(t) ? t : null, heapBytes: heap, workerHeapBytes: worker };
}

// ---------------------------------------------------------------------------------------------
// 3. UI smoothness: a requestAnimationFrame loop on the main thread, plus long tasks

async function measureFrames(page: Page, ms: number): Promise<Frames> {
  const r = await page.evaluate((dur) => new Promise<{ intervals: number[]; longTasks: number[] }>((done) => {
    const longTasks: number[] = [];
    const po = new PerformanceObserver((l) => { for (const e of l.getEntries()) longTasks.push(e.duration); });
    po.observe({ type: 'longtask' });
    const intervals: number[] = [];
    const t0 = performance.now();
    let last = -1;
    const frame = (t: number) => {
      if (last >= 0) intervals.push(t - last);
      last = t;
      if (t - t0 < dur) { requestAnimationFrame(frame); return; }
      setTimeout(() => {
        for (const e of po.takeRecords()) longTasks.push(e.duration);
        po.disconnect();
        done({ intervals, longTasks });
      }, 0);
    };
    requestAnimationFrame(frame);
  }), ms);
  return { ms, frames: stats(r.intervals), longTasks: r.longTasks.length, longestTaskMs: r.longTasks.length ? Math.max(...r.longTasks) : 0 };
}

/** Waits until nothing in the page's DOM has changed for `quietMs` (the last snapshot drawn), at most `capMs`. */
async function waitForQuiet(page: Page, quietMs: number, capMs: number): Promise<boolean> {
  return page.evaluate(([quiet, cap]) => new Promise<boolean>((done) => {
    let last = performance.now();
    const t0 = last;
    const mo = new MutationObserver(() => { last = performance.now(); });
    mo.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    const poll = setInterval(() => {
      const now = performance.now();
      if (now - last >= quiet || now - t0 >= cap) { clearInterval(poll); mo.disconnect(); done(now - last >= quiet); }
    }, 50);
  }), [quietMs, capMs] as const);
}

/**
 * Main-thread baseline: the harness page trains the app's two tiny runs on the main thread (a pair
 * of steps, `await data()`, `await tf.nextFrame()`, as tfjs-examples/mnist does) while measureFrames runs.
 */
async function measureMainThread(browser: Browser, server: StaticServer, backend: BackendId): Promise<MainThreadResult> {
  const preset: ModelId = 'tiny';
  const res: MainThreadResult = { preset, backend, batch: PRESETS[preset].batch };
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  try {
    await openHarness(page, server.url, 'train', 'flockTrain', 60_000);
    const info: TrainInit = await page.evaluate(([b, m]) => window.flockTrain.init(b, m), [backend, preset] as const);
    if (info.error) return { ...res, error: info.error };
    await page.evaluate(() => window.flockTrain.start());
    await sleep(CFG.idleMs); // a few pairs before the window
    res.frames = await measureFrames(page, CFG.frameMs);
    const done = await page.evaluate(() => window.flockTrain.stop());
    return { ...res, pairs: done.pairs, msPerPair: done.msPerPair };
  } finally {
    await page.close();
  }
}

// ---------------------------------------------------------------------------------------------
// One preset × backend case: load, train, warm up, measure, pause, measure idle frames.

/** Why lenetpp has no row on a software adapter. */
const LENETPP_SOFTWARE = 'skipped: no GPU (software adapter or CPU): a LeNet++ step at batch 128 takes a minute or more here ' +
  '(18 s at batch 32 on SwiftShader WebGPU with Flock\'s kernels, bench/results/conv-kernels.md), so not one pair of steps fits the CNN rows\' time box';

/** backend/preset pairs whose first embedding frame never came (a larger preset on that backend is skipped). */
const noFrame = new Set<string>();

async function runCase(browser: Browser, server: StaticServer, backend: BackendId, preset: ModelId,
  known: Partial<Record<BackendId, BackendInfo>>, res: CaseResult): Promise<CaseResult> {
  if (preset === 'small' && backend === 'cpu') return { ...res, skipped: 'skipped: webgl/webgpu only' };
  if (preset === 'lenetpp' && known[backend]?.software) return { ...res, info: known[backend], skipped: LENETPP_SOFTWARE };
  if (preset === 'small' && noFrame.has(`${backend}/conv`)) {
    return { ...res, info: known[backend], skipped: `skipped: conv (smaller) showed no embedding frame within ${CFG.firstFrameCapMs / 1000} s on this backend` };
  }

  const page = await newPage(browser, res.notes);
  res.close = () => page.close();
  try {
    res.load = await measureLoad(page, server, appUrl(server, preset, backend));
    res.info = await readBackend(page);
    known[backend] ??= res.info;
    if (res.info.backend.toLowerCase() !== backend) res.notes.push(`asked for ${backend}, got ${res.info.backend}`);
    if (preset === 'lenetpp' && res.info.software) return { ...res, skipped: LENETPP_SOFTWARE };
    if (res.load.firstFrameMs === null) {
      // The worker embeds the probe set again right after the first pair, so training would wait behind it as well.
      const why = `no embedding frame within ${CFG.firstFrameCapMs / 1000} s (embedding the ${probeOf(preset).toLocaleString('en-US')} probe points is too slow on this adapter; training waits behind it)`;
      if (preset === 'tiny') throw new Error(why); // the tiny preset must work everywhere
      noFrame.add(`${backend}/${preset}`);
      return { ...res, skipped: `not measured: ${why}` };
    }
    const runs = await page.locator('[data-testid^=readout-]').count();

    await installStepLog(page);
    const tClick = await pressTrain(page);
    // The first trained frame needs one more embedding of the probe set: allow twice what the first one took.
    const firstTimeout = 2 * Math.max(0, res.load.firstFrameMs - res.load.trainEnabledMs) + 120_000;
    const first = await waitForStep(page, 1, firstTimeout);
    if (!first) throw new Error(`no trained frame within ${Math.round(firstTimeout / 1000)} s of pressing Train`);
    const cnn = PRESETS[preset].stages.length > 0;
    if (!cnn) await warmUp(page, first, CFG.warmupSteps);
    const afterWarmup = await readMemory(page);
    const from = (await stepLog(page)).length - 1;
    res.throughput = cnn ? await measureRounds(page, res.batch, runs, first.t - tClick, tClick) : await measureThroughput(page, res.batch, runs, first.t - tClick);
    if (res.throughput.source === 'pairs') res.notes.push(`time-boxed: ${res.throughput.windows.length} pairs of steps after the first, timed by the heartbeat`);
    else if (cnn) res.notes.push(`time-boxed: pairs shorter than the heartbeat's 1 s, so steps/s from the worker's pair time after ${CFG.cnn.boxMs / 1000} s (probing excluded)`);
    else if (res.throughput.source === 'heartbeat') res.notes.push('no snapshot window: steps/s from the worker heartbeat (probing excluded)');
    else if (res.throughput.windows.length < CFG.windows) res.notes.push(`${res.throughput.windows.length} of ${CFG.windows} windows in ${1.5 * CFG.windows * CFG.windowMs / 1000} s`);
    res.memory = { afterWarmup, afterWindow: await readMemory(page) };
    const log = await stepLog(page, from);
    if (log.some((e) => e.softmax !== e.step)) res.notes.push('softmax and center step counters differed');

    const training = await measureFrames(page, CFG.frameMs);
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect(page.getByRole('button', { name: 'Train' })).toBeVisible();
    // The pair in flight finishes and the worker posts a last snapshot; wait until it is drawn.
    if (!(await waitForQuiet(page, 1_000, 15_000))) res.notes.push('page never went quiet after Pause');
    res.frames = { training, idle: await measureFrames(page, CFG.idleMs) };
    return res;
  } finally {
    const notices = page.getByTestId('notices');
    if (!page.isClosed() && (await notices.count())) res.notes.push(`app notices: ${(await notices.first().innerText()).replace(/\s+/g, ' ').trim()}`);
    await page.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Center-loss kernel via the harness page (WebGPU only)

async function measureKernel(browser: Browser, server: StaticServer, iters: number): Promise<KernelResult> {
  const notes: string[] = [];
  const page = await newPage(browser, notes);
  try {
    await openHarness(page, server.url, 'kernel', 'flockKernel', 60_000);
    const info: InitInfo = await page.evaluate(() => window.flockKernel.init());
    if (info.error || info.backend !== 'webgpu') return { adapter: info.adapter, iters, reports: [], error: info.error ?? `backend ${info.backend}` };
    const reports: BenchReport[] = [];
    for (const B of KERNEL_BATCHES) reports.push(await page.evaluate(([b, n]) => window.flockKernel.bench(b, n), [B, iters] as const));
    return { adapter: info.adapter, iters, reports };
  } finally {
    await page.close();
  }
}

/** 2b. The CNN step with tfjs' and Flock's conv kernels, alternated in one harness page (bench/convSteps.mjs). */
async function measureConvSteps(browser: Browser, server: StaticServer): Promise<ConvStepResult> {
  const { cases, rounds, steps } = CFG.convSteps;
  const page = await newPage(browser, []);
  try {
    await openConvHarness(page, server.url);
    const results = await runConvCalls(page, alternatedStepCalls(cases, rounds, steps));
    return { rows: summariseSteps(results), rounds, steps };
  } finally {
    await page.close();
  }
}

/** 4b. Cold loads of each preset on WebGPU with and without the pipeline warm-up (?warmup=0), alternated (bench/loadTiming.mjs). */
async function measureFirstFrames(server: StaticServer): Promise<FirstFrameResult[]> {
  const out: FirstFrameResult[] = [];
  for (const preset of CFG.firstFrame.presets) {
    const url = appUrl(server, preset, 'webgpu');
    const settings = [true, false];
    try {
      const loads = await alternateLoads(settings.map((on) => ({ url: on ? url : `${url}&warmup=0` })), CFG.firstFrame.rounds, { timeout: CFG.firstFrameCapMs });
      settings.forEach((warmup, i) => out.push({ preset, warmup, loads: loads[i] }));
    } catch (e) {
      settings.forEach((warmup) => out.push({ preset, warmup, loads: [], error: errorText(e) }));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Report: Markdown tables + JSON

const f = (x: number | null | undefined, d = 1) => (x == null || !Number.isFinite(x) ? '–' : x.toFixed(d));
const int = (x: number | null | undefined) => (x == null || !Number.isFinite(x) ? '–' : Math.round(x).toLocaleString('en-US'));
const mb = (x: number | null | undefined) => (x == null || !Number.isFinite(x) ? '–' : (x / 2 ** 20).toFixed(2));
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const label = (c: CaseResult) => `${c.preset} (B ${c.batch})`;
const adapterOf = (c: CaseResult) => {
  if (!c.info) return c.backend;
  const adapter = c.info.adapter.toLowerCase() === c.info.backend.toLowerCase() ? '' : ` · ${c.info.adapter}`;
  const renderer = c.info.webglRenderer ? ` · ${c.info.webglRenderer}` : '';
  return `${c.info.backend}${adapter}${renderer}`;
};
const ran = (c: CaseResult) => !c.skipped && !c.error;
const unconfirmed = (l: LoadResult) => l.responses.filter((r) => r.unconfirmed).length;

function markdown(machine: Machine, cases: CaseResult[], mainThread: MainThreadResult[], kernel: KernelResult | null, convSteps: ConvStepResult | null,
  firstFrames: FirstFrameResult[], startedAt: Date, seconds: number): string {
  const out: string[] = [];
  out.push(`# Flock benchmark — ${SMOKE ? 'smoke' : 'full'} run, ${startedAt.toISOString()}`);
  out.push('');
  out.push(`Machine: **${machine.hostname}**, ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.os}, Node ${machine.node}, Chromium ${machine.chromium}; ` +
    `load average at start ${machine.loadAvgStart.map((x) => x.toFixed(2)).join(' / ')}, at end ${(machine.loadAvgEnd ?? []).map((x) => x.toFixed(2)).join(' / ')}. ` +
    `Took ${(seconds / 60).toFixed(1)} min. ${SMOKE ? `Smoke: ${CFG.windows} window of ${CFG.windowMs / 1000} s per case.` : `Median of ${CFG.windows} windows of ≥ ${CFG.windowMs / 1000} s per case.`}`);
  out.push('');

  out.push('## 1. Training throughput (worker, both runs stepping alternately)');
  out.push('');
  out.push(row(['preset', 'backend / adapter', 'steps/s per run', 'ms per pair of steps', 'samples/s (× batch × runs)', 'windows (steps/s)', 'worker ms per pair, no probing', 'first trained frame after Train (ms)', 'notes']));
  out.push(row(Array(9).fill('---')));
  for (const c of cases) {
    const t = c.throughput;
    const note = [c.skipped, c.error && `error: ${c.error}`, ...c.notes.filter((n) => !n.startsWith('console'))].filter(Boolean).join('; ');
    const windows = t ? `${t.windows.map((w) => w.toFixed(2)).join(', ')}${t.source === 'heartbeat' ? ' (heartbeat)' : ''}` : '–';
    out.push(row([label(c), adapterOf(c), f(t?.stepsPerSec, 2), f(t?.msPerPair, 0), int(t?.samplesPerSec), windows, f(t?.workerMsPerPair, 0), int(t?.firstTrainedFrameMs), note || '']));
  }
  out.push('');
  out.push('Steps/s come from the step readout between snapshots, so they include the app\'s probing of 2,000 test points (500 for the CNN presets) (it aims at ≤ 20 % of the time); ' +
    '"worker ms per pair" is the worker\'s own timing of a pair of steps without probing (its heartbeat). Where snapshots are rarer than a window, the heartbeat gives steps/s. "runs" = panels training (2). ' +
    `CNN presets (conv, small, lenetpp) are time-boxed: after the first pair (it compiles), up to ${CFG.cnn.rounds} pairs of steps, stopping after ${CFG.cnn.boxMs / 1000} s once there are two; ` +
    'a pair ends where the heartbeat\'s pair time changes (to within its 1 s period), "windows" are those pairs, "ms per pair" includes the probing, "worker ms per pair" is the mean of the pairs with no snapshot in them; ' +
    'where pairs are shorter than 1.5 s (two may share a heartbeat), the worker\'s own pair time at the end of the box gives the rate (probing excluded).');
  out.push('');

  out.push('## 1b. Time to picture (steps-to-picture × the step cost measured above)');
  out.push('');
  out.push(row(['preset', 'backend / adapter', 'steps-to-picture (PyTorch reference, per seed)', 'ms per pair of steps (here)', 'time to picture (estimated)']));
  out.push(row(Array(5).fill('---')));
  for (const c of cases.filter(ran)) {
    const m = PRESETS[c.preset].measured;
    const reached = (m?.stepsToPicture ?? []).filter((x): x is number => x !== null).sort((a, b) => a - b);
    const perSeed = m ? m.stepsToPicture.map((x) => (x === null ? `not within ${m.steps}` : String(x))).join(', ') : 'not measured';
    const median = reached.length ? reached[Math.floor((reached.length - 1) / 2)] : null;
    const ms = c.throughput?.msPerPair;
    const est = median !== null && ms ? `${(median * ms / 60_000).toFixed(1)} min` : median === null ? 'never (the picture does not form)' : '–';
    out.push(row([label(c), adapterOf(c), perSeed, f(ms, 0), est]));
  }
  out.push('');
  out.push('"The picture has formed" = center-loss compactness ≤ 0.5× softmax-only\'s and both runs ≥ 90 % accurate (src/train/picture.ts). ' +
    'Steps-to-picture is hardware-independent and comes from the PyTorch reference at the preset\'s defaults (src/train/presets.json `measured`); ' +
    'the time is that many pairs of steps at the rate measured in this run (probing included).');
  out.push('');

  out.push('## 2. Center-loss kernel (WebGPU): one step\'s center-loss work = loss forward + gradient + Eq. 4 center update');
  out.push('');
  if (!kernel || kernel.error) out.push(`not measured: ${kernel?.error ?? 'no WebGPU'}`);
  else {
    out.push(`Adapter: ${Object.values(kernel.adapter).filter(Boolean).join(' ') || 'unknown'}; ${kernel.iters} calls per measurement, K = 10, D = 2.`);
    out.push('');
    out.push(row(['B', 'path', 'ms per call', 'vs composed', 'dispatches per step', 'forward / backward / update']));
    out.push(row(Array(6).fill('---')));
    for (const r of kernel.reports) {
      const base = r.paths.composed.msPerCall;
      for (const [id, p] of Object.entries(r.paths)) {
        const name = id === 'composed' ? 'composed tfjs ops' : id === 'wgslFused' ? 'WGSL, fused forward' : 'WGSL, split forward (app default)';
        out.push(row([r.B, name, f(p.msPerCall, 3), `${(base / p.msPerCall).toFixed(2)}×`, p.dispatches.total, `${p.dispatches.forward} / ${p.dispatches.backward} / ${p.dispatches.update}`]));
      }
    }
  }
  out.push('');

  out.push('## 2b. CNN training step (WebGPU): tfjs\' conv kernels vs Flock\'s WGSL kernels (src/train/conv/)');
  out.push('');
  if (!convSteps || convSteps.error) out.push(`not measured: ${convSteps?.error ?? 'no WebGPU'}`);
  else {
    out.push(`One harness page (e2e/harness/conv.html), Adam, λ = 0.3, the same weights and batch; ${convSteps.rounds} alternation(s) of tfjs then Flock, ${convSteps.steps} timed step(s) each after one untimed step.`);
    out.push('');
    out.push(row(['preset', 'batch', 'tfjs kernels (ms per step, each)', 'Flock kernels (ms per step, each)', 'median tfjs', 'median Flock', 'speed-up']));
    out.push(row(Array(7).fill('---')));
    const each = (xs: number[]) => xs.map((x) => int(x)).join(' · ');
    for (const r of convSteps.rows) out.push(row([r.model, r.batch, each(r.ms.tfjs), each(r.ms.flock), int(r.median.tfjs), int(r.median.flock), `${f(r.speedup, 1)}×`]));
  }
  out.push('');

  out.push('## 3. UI smoothness (main-thread requestAnimationFrame intervals while the worker trains, and while the main thread trains)');
  out.push('');
  out.push(row(['preset', 'backend', 'state', 'frames', 'median (ms)', 'p95 (ms)', 'max (ms)', 'long tasks > 50 ms', 'longest task (ms)']));
  out.push(row(Array(9).fill('---')));
  const frameRow = (lbl: string, backend: string, state: string, fr: Frames) =>
    row([lbl, backend, state, fr.frames.n, f(fr.frames.median), f(fr.frames.p95), f(fr.frames.max), fr.longTasks, fr.longTasks ? f(fr.longestTaskMs, 0) : '–']);
  const mainLabel = (m: MainThreadResult) => `${m.preset} (B ${m.batch})`;
  const mainRow = (m: MainThreadResult) => m.frames
    ? frameRow(mainLabel(m), m.backend, 'training (main thread)', m.frames)
    : row([mainLabel(m), m.backend, 'training (main thread)', `not measured: ${m.error ?? '?'}`, '–', '–', '–', '–', '–']);
  const shown = new Set<MainThreadResult>();
  for (const c of cases.filter((x) => x.frames)) {
    out.push(frameRow(label(c), c.backend, 'training (worker)', c.frames!.training));
    const m = mainThread.find((x) => x.backend === c.backend && x.preset === c.preset);
    if (m) { out.push(mainRow(m)); shown.add(m); }
    out.push(frameRow(label(c), c.backend, 'paused (idle reference)', c.frames!.idle));
  }
  for (const m of mainThread.filter((x) => !shown.has(x))) out.push(mainRow(m));
  out.push('');
  if (mainThread.length) {
    out.push('"training (main thread)": the same two tiny runs (same weights, batches, optimiser) trained on the page\'s main thread by e2e/harness/train.html, ' +
      'one pair of steps, `await data()` of the losses, then `await tf.nextFrame()` (as tfjs-examples/mnist does); no UI is drawn. ms per pair there: ' +
      mainThread.map((m) => `${m.backend} ${f(m.msPerPair, 0)} (${m.pairs ?? 0} pairs)`).join(', ') + '.');
    out.push('');
  }

  out.push('## 4. Load (cold, no cache; served from a local static server)');
  out.push('');
  out.push(row(['preset', 'backend', 'bytes (browser)', 'bytes (server)', 'responses', '"Train" enabled (ms)', 'first embedding frame (ms)']));
  out.push(row(Array(7).fill('---')));
  for (const c of cases.filter((x) => x.load)) {
    const l = c.load!;
    out.push(row([label(c), c.backend, int(l.bytesBrowser), int(l.bytesServer), l.requests + (unconfirmed(l) ? ` (${unconfirmed(l)} unconfirmed)` : ''), int(l.trainEnabledMs), l.firstFrameMs === null ? `> ${int(CFG.firstFrameCapMs)}` : int(l.firstFrameMs)]));
  }
  out.push('');
  out.push('Times are from navigation start. Bytes (browser): response bodies seen by Playwright for the page and its worker (Content-Length where Chromium reports no body size: the worker script, ' +
    'and "unconfirmed" data files that Chromium never reported finished although the worker read them in full). Bytes (server): the files the static server sent.');
  out.push('');

  out.push('## 4b. First embedding frame on WebGPU, with and without the pipeline warm-up (src/train/warmup.ts)');
  out.push('');
  if (!firstFrames.length) out.push('not measured: no WebGPU');
  else {
    out.push(row(['preset', 'warm-up', 'loads', 'after data ready (ms, each)', 'after data ready (median ms)', 'data ready (median ms)', 'first frame from navigation (median ms)']));
    out.push(row(Array(7).fill('---')));
    const med = (xs: number[]) => stats(xs).median;
    for (const r of firstFrames) {
      const name = r.warmup ? 'on (app default)' : 'off (?warmup=0)';
      if (r.error) { out.push(row([`${r.preset} (B ${PRESETS[r.preset].batch})`, name, 0, `error: ${r.error}`, '–', '–', '–'])); continue; }
      out.push(row([`${r.preset} (B ${PRESETS[r.preset].batch})`, name, r.loads.length, r.loads.map((l) => int(l.afterReadyMs)).join(' · '),
        int(med(r.loads.map((l) => l.afterReadyMs))), int(med(r.loads.map((l) => l.readyMs))), int(med(r.loads.map((l) => l.frameMs)))]));
    }
    out.push('');
    out.push('Each load cold, in a fresh browser (no shader or HTTP cache), settings alternated load by load. "Data ready" = "Train" enabled; the warm-up compiles the probe\'s pipelines (compile-only mode) while the data downloads, so on a fast local server it can move time from after data ready to before it.');
  }
  out.push('');

  out.push('## 5. Memory');
  out.push('');
  out.push(row(['preset', 'backend', 'tensors after warm-up', 'tensors after window', 'page JS heap after warm-up (MiB)', 'after window (MiB)', 'worker JS heap after warm-up (MiB)', 'after window (MiB)']));
  out.push(row(Array(8).fill('---')));
  for (const c of cases.filter((x) => x.memory)) {
    const m = c.memory!;
    out.push(row([label(c), c.backend, m.afterWarmup.tensors ?? '–', m.afterWindow.tensors ?? '–', mb(m.afterWarmup.heapBytes), mb(m.afterWindow.heapBytes), mb(m.afterWarmup.workerHeapBytes), mb(m.afterWindow.workerHeapBytes)]));
  }
  out.push('');
  out.push('Tensors: tf.memory().numTensors in the worker (panel readout). Page JS heap: performance.memory (precise-memory-info). Worker JS heap: CDP Runtime.getHeapUsage on the worker\'s own target after a forced GC (performance.memory is window-only). The MNIST bytes (47 MB) are ArrayBuffers outside the JS heap.');
  out.push('');
  return out.join('\n');
}

async function writeResults(machine: Machine, cases: CaseResult[], mainThread: MainThreadResult[], kernel: KernelResult | null, convSteps: ConvStepResult | null,
  firstFrames: FirstFrameResult[], startedAt: Date, md: string): Promise<string> {
  await mkdir(RESULTS, { recursive: true });
  const date = startedAt.toISOString().slice(0, 10);
  const host = machine.hostname.replace(/[^\w.-]+/g, '_');
  const stem = `${date}-${host}${SMOKE ? '-smoke' : ''}`;
  let file = resolve(RESULTS, `${stem}.json`);
  for (let i = 2; existsSync(file); i++) file = resolve(RESULTS, `${stem}-${i}.json`);
  const json = { mode: SMOKE ? 'smoke' : 'full', startedAt: startedAt.toISOString(), config: CFG, machine, cases, mainThread, kernel, convSteps, firstFrames };
  await writeFile(file, JSON.stringify(json, null, 2) + '\n');
  await writeFile(resolve(RESULTS, SMOKE ? 'latest-smoke.md' : 'latest.md'), md + '\n');
  return file;
}

// ---------------------------------------------------------------------------------------------

/** The whole run's results: module state, so that afterAll can still write them if the test times out. */
const run = {
  startedAt: new Date(), t0: Date.now(), cases: [] as CaseResult[], mainThread: [] as MainThreadResult[], kernel: null as KernelResult | null,
  convSteps: null as ConvStepResult | null, firstFrames: [] as FirstFrameResult[],
  machine: {
    hostname: os.hostname(), cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '?',
    os: `${os.type()} ${os.release()} ${os.arch()}`, node: process.version, chromium: '?', loadAvgStart: os.loadavg(),
  } as Machine,
  server: null as StaticServer | null,
};
const CASE_TIMEOUT_MS = SMOKE ? 120_000 : 12 * 60_000;
const errorText = (e: unknown) => (e instanceof Error ? e.message.split('\n')[0] : String(e));

/** One case under a deadline: on timeout its page is closed and the case is reported as an error. */
async function timedCase(browser: Browser, backend: BackendId, preset: ModelId, known: Partial<Record<BackendId, BackendInfo>>): Promise<CaseResult> {
  const res: CaseResult = { preset, backend, batch: PRESETS[preset].batch, notes: [] };
  const work = runCase(browser, run.server!, backend, preset, known, res);
  work.catch(() => {}); // after a timeout its rejection (page closed) is expected
  const out = await Promise.race([work, sleep(CASE_TIMEOUT_MS).then(() => 'timeout' as const)]).catch((e: unknown) => ({ ...res, error: errorText(e) }));
  if (out === 'timeout') {
    await res.close?.().catch(() => {});
    return { ...res, error: `case took longer than ${CASE_TIMEOUT_MS / 1000} s` };
  }
  return out;
}

test.afterAll(async () => {
  await run.server?.close();
  if (ROOT !== BUILD) await rm(ROOT, { recursive: true, force: true });
  run.machine.loadAvgEnd = os.loadavg();
  const md = markdown(run.machine, run.cases, run.mainThread, run.kernel, run.convSteps, run.firstFrames, run.startedAt, (Date.now() - run.t0) / 1000);
  console.log('\n' + md);
  console.log(`wrote ${await writeResults(run.machine, run.cases, run.mainThread, run.kernel, run.convSteps, run.firstFrames, run.startedAt, md)}`);
});

test('Flock benchmark', async () => {
  test.setTimeout(SMOKE ? 6 * 60_000 : 90 * 60_000);
  expect(existsSync(resolve(BUILD, 'index.html')), 'dist-e2e/ missing: run `vite build --mode e2e` first').toBe(true);
  ROOT = await mkdtemp(resolve(os.tmpdir(), 'flock-bench-'));
  await cp(BUILD, ROOT, { recursive: true, dereference: true });
  run.server = await serveStatic(ROOT, PREFIX);
  const known: Partial<Record<BackendId, BackendInfo>> = {};
  for (const b of BACKENDS) {
    const browser = await launch(b.webgpuFlag);
    run.machine.chromium = browser.version();
    try {
      for (const preset of CFG.presets) {
        await test.step(`${preset} on ${b.id}`, async () => {
          const c = await timedCase(browser, b.id, preset, known);
          delete c.close;
          run.cases.push(c);
          const t = c.throughput;
          console.log(`${preset} on ${b.id}: ${c.skipped ?? (c.error && `error: ${c.error}`) ?? `${f(t?.stepsPerSec, 2)} steps/s per run, ${f(t?.msPerPair, 0)} ms/pair, ${int(t?.samplesPerSec)} samples/s`}`);
        });
      }
      await test.step(`main-thread baseline on ${b.id}`, async () => {
        const failed = (error: string): MainThreadResult => ({ preset: 'tiny', backend: b.id, batch: PRESETS.tiny.batch, error });
        const r = (await withTimeout<MainThreadResult | null>(measureMainThread(browser, run.server!, b.id), CASE_TIMEOUT_MS, null)
          .catch((e: unknown) => failed(errorText(e)))) ?? failed(`took longer than ${CASE_TIMEOUT_MS / 1000} s`);
        run.mainThread.push(r);
        console.log(`main-thread baseline on ${b.id}: ${r.error ? `error: ${r.error}` : `rAF median ${f(r.frames?.frames.median)} ms, ${r.frames?.longTasks} long tasks, ${f(r.msPerPair, 0)} ms/pair`}`);
      });
      // Without WebGPU the kernel section says "not measured: no WebGPU" instead of failing the run.
      if (b.id === 'webgpu' && webgpu().available) {
        await test.step('center-loss kernel', async () => {
          run.kernel = await measureKernel(browser, run.server!, CFG.kernelIters)
            .catch((e: unknown) => ({ adapter: {}, iters: CFG.kernelIters, reports: [], error: errorText(e) }));
          console.log(`center-loss kernel: ${run.kernel.error ?? 'done'}`);
        });
        await test.step('CNN step: tfjs vs Flock conv kernels', async () => {
          run.convSteps = await measureConvSteps(browser, run.server!)
            .catch((e: unknown) => ({ rows: [], rounds: CFG.convSteps.rounds, steps: CFG.convSteps.steps, error: errorText(e) }));
          console.log(`CNN step kernels: ${run.convSteps.error ?? run.convSteps.rows.map((r) => `${r.model} B${r.batch} ${f(r.speedup, 1)}×`).join(', ')}`);
        });
      }
    } finally {
      await browser.close();
    }
  }
  // Fresh browsers, one per load (no shader cache carried over), after the cases' browsers have closed.
  if (webgpu().available) {
    await test.step('first frame with and without the pipeline warm-up', async () => {
      run.firstFrames = await measureFirstFrames(run.server!);
      console.log(`first frame: ${run.firstFrames.map((r) => `${r.preset} warm-up ${r.warmup ? 'on' : 'off'} ${r.error ?? `${int(stats(r.loads.map((l) => l.afterReadyMs)).median)} ms after data ready`}`).join('; ')}`);
    });
  }
  const failed = run.cases.filter((c) => c.error).map((c) => `${c.preset}/${c.backend}: ${c.error}`);
  if (run.kernel?.error) failed.push(`kernel: ${run.kernel.error}`);
  if (run.convSteps?.error) failed.push(`CNN step kernels: ${run.convSteps.error}`);
  for (const r of run.firstFrames.filter((x) => x.error)) failed.push(`first frame ${r.preset}/${r.warmup ? 'warm-up' : 'no warm-up'}: ${r.error}`);
  for (const m of run.mainThread.filter((x) => x.error)) failed.push(`main thread/${m.backend}: ${m.error}`);
  expect(failed, 'benchmark cases that errored').toEqual([]);
  expect(run.cases.filter(ran).length, 'at least one case measured').toBeGreaterThan(0);
});
