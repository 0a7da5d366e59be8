/**
 * The CNN training step with tfjs' WebGPU kernels vs Flock's WGSL kernels (src/train/conv/), through
 * the test page e2e/harness/conv.html (window.flockConv): opening it, the alternated call list, and
 * the summary per preset. Shared by `node bench/conv.mjs` and the benchmark's kernel table
 * (bench/flock.bench.ts). Plain JavaScript (types in convSteps.d.mts) so both can import it.
 */

/** The harness page, relative to the site root. */
export const CONV_PAGE = 'e2e/harness/conv.html';

/** The two kernel sets, in the order each alternation runs them. */
export const KERNEL_SETS = ['tfjs', 'flock'];

/** Opens the harness at `siteUrl` (ending in '/') and initialises it; throws unless the backend is WebGPU. */
export async function openConvHarness(page, siteUrl, timeout = 60_000) {
  await page.goto(siteUrl + CONV_PAGE);
  await page.waitForFunction(() => !!window.flockConv, null, { timeout });
  const info = await page.evaluate(() => window.flockConv.init());
  if (info.error || info.backend !== 'webgpu') throw new Error(`conv harness: ${info.error ?? `backend ${info.backend}`}`);
  return info;
}

/**
 * `rounds` alternations of `time` calls: in each round every case with tfjs' kernels, then with
 * Flock's, `steps` timed steps each after one untimed step (so both see the same machine load).
 */
export function alternatedStepCalls(cases, rounds, steps) {
  const calls = [];
  for (let r = 0; r < rounds; r++) {
    for (const kernels of KERNEL_SETS) for (const c of cases) calls.push(['time', [c.model, c.batch, kernels, steps]]);
  }
  return calls;
}

/**
 * Runs harness calls in order, appending { call, args, result } to `results` as each finishes (so a
 * failure keeps what came before); `log` hears each one's result and wall time. Returns `results`.
 */
export async function runConvCalls(page, calls, log = () => {}, results = []) {
  for (const [method, args] of calls) {
    const t0 = Date.now();
    const result = await page.evaluate(([m, a]) => window.flockConv[m](...a), [method, args]);
    results.push({ call: method, args, result });
    log(method, args, result, Date.now() - t0);
  }
  return results;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

/** The `time` results per preset × batch: every step's ms with each kernel set, their medians and tfjs ÷ Flock. */
export function summariseSteps(results) {
  const rows = new Map();
  for (const { call, result } of results) {
    if (call !== 'time') continue;
    const key = `${result.model}/${result.batch}`;
    const row = rows.get(key) ?? { model: result.model, batch: result.batch, ms: { tfjs: [], flock: [] } };
    row.ms[result.kernels].push(...result.ms);
    rows.set(key, row);
  }
  return [...rows.values()].map((r) => {
    const tfjs = median(r.ms.tfjs);
    const flock = median(r.ms.flock);
    return { ...r, median: { tfjs, flock }, speedup: tfjs / flock };
  });
}
