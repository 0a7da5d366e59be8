/**
 * Tests for src/data: IDX parsing against the real MNIST files, the streaming loader with an
 * injected fetch (progress, HTTP / gzip / truncation failures, abort), the seeded batcher, the
 * stratified probe and pixel normalisation.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataError, MNIST_FILES, parseIdx, type IdxSpec } from '../src/data/idx';
import { loadMnist, type Progress } from '../src/data/load';
import { serveStatic } from '../testkit/serve.mjs';
import {
  Batcher,
  IMAGE_SIZE,
  MNIST_MEAN,
  MNIST_STD,
  gatherImages,
  gatherLabels,
  gaussian,
  mulberry32,
  stratifiedProbe,
} from '../src/data/batcher';

const root = resolve(__dirname, '..');
const dataDir = join(root, 'public', 'data');
const script = join(root, 'scripts', 'prepare-data.mjs');

/** The .gz files as served, keyed by name. */
const gz: Record<string, Uint8Array> = {};
/** The raw IDX bytes, keyed by .gz name. */
const raw: Record<string, Uint8Array> = {};
let manifestText = '';

beforeAll(() => {
  if (!existsSync(join(dataDir, 'manifest.json'))) execFileSync(process.execPath, [script], { cwd: root });
  manifestText = readFileSync(join(dataDir, 'manifest.json'), 'utf8');
  for (const f of MNIST_FILES) {
    gz[f.name] = new Uint8Array(readFileSync(join(dataDir, f.name)));
    raw[f.name] = new Uint8Array(gunzipSync(gz[f.name]));
  }
});

const spec = (role: string): IdxSpec => MNIST_FILES.find((f) => f.role === role)!.spec;
const nameOf = (role: string): string => MNIST_FILES.find((f) => f.role === role)!.name;

/** Runs `fn`, expecting a DataError; returns it. */
async function dataError(fn: () => unknown): Promise<DataError> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError, got none');
}

/** A minimal IDX label file: header + given labels. */
function labelFile(magic: number, count: number, labels: number[]): Uint8Array {
  const b = new Uint8Array(8 + labels.length);
  const v = new DataView(b.buffer);
  v.setUint32(0, magic);
  v.setUint32(4, count);
  b.set(labels, 8);
  return b;
}

describe('prepare-data script', () => {
  // How long the second run takes is measured in bench/timing.exp.ts, not here (a loaded machine is slow).
  it('is up to date on a second run, and the manifest matches the files', () => {
    execFileSync(process.execPath, [script], { cwd: root }); // make sure it is current
    const out = execFileSync(process.execPath, [script], { cwd: root, encoding: 'utf8' });
    expect(out.trim()).toBe('data: up to date');
    const manifest = JSON.parse(readFileSync(join(dataDir, 'manifest.json'), 'utf8'));
    expect(manifest.version).toBe(1);
    for (const f of MNIST_FILES) {
      const e = manifest.files[f.name];
      const bytes = readFileSync(join(dataDir, f.name));
      expect(e.bytes).toBe(bytes.length);
      expect(e.rawBytes).toBe(raw[f.name].length);
      expect(e.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });
});

describe('parseIdx', () => {
  it('parses the real MNIST files', () => {
    const trainLabels = parseIdx(raw[nameOf('trainLabels')], 'x', spec('trainLabels'));
    const testLabels = parseIdx(raw[nameOf('testLabels')], 'x', spec('testLabels'));
    const trainImages = parseIdx(raw[nameOf('trainImages')], 'x', spec('trainImages'));
    const testImages = parseIdx(raw[nameOf('testImages')], 'x', spec('testImages'));
    expect(trainLabels.length).toBe(60000);
    expect(testLabels.length).toBe(10000);
    expect(trainImages.length).toBe(60000 * 784);
    expect(testImages.length).toBe(10000 * 784);
    expect(trainLabels[0]).toBe(5);
    expect(Math.max(...trainLabels)).toBe(9);
    expect(Math.min(...trainLabels)).toBe(0);
    expect(Math.max(...testLabels)).toBe(9);
    // A view into the input, not a copy.
    expect(trainImages.buffer).toBe(raw[nameOf('trainImages')].buffer);
    expect(trainImages.byteOffset).toBe(raw[nameOf('trainImages')].byteOffset + 16);
  });

  it('rejects a wrong magic number, naming the file', async () => {
    const e = await dataError(() => parseIdx(labelFile(0x803, 3, [1, 2, 3]), 't10k-labels-idx1-ubyte.gz', { magic: 2049, count: 3 }));
    expect(e.file).toBe('t10k-labels-idx1-ubyte.gz');
    expect(e.name).toBe('DataError');
    expect(e.message).toBe(
      't10k-labels-idx1-ubyte.gz: wrong magic number 0x00000803 (expected 0x00000801, an IDX label file)',
    );
    // Images given where labels are expected, on the real data.
    const e2 = await dataError(() => parseIdx(raw[nameOf('testImages')], 'labels.gz', spec('testLabels')));
    expect(e2.message).toMatch(/^labels\.gz: wrong magic number 0x00000803/);
  });

  it('rejects a wrong item count', async () => {
    const e = await dataError(() => parseIdx(raw[nameOf('testLabels')], 'test.gz', spec('trainLabels')));
    expect(e.file).toBe('test.gz');
    expect(e.message).toBe('test.gz: wrong item count 10000 (expected 60000)');
  });

  it('rejects wrong image dimensions', async () => {
    const bytes = raw[nameOf('testImages')].slice();
    new DataView(bytes.buffer).setUint32(8, 27);
    const e = await dataError(() => parseIdx(bytes, 'img.gz', spec('testImages')));
    expect(e.message).toMatch(/^img\.gz: wrong image size 27×28 \(expected 28×28\)/);
  });

  it('rejects truncated data, including a cut header', async () => {
    const full = raw[nameOf('testImages')];
    const cut = full.subarray(0, full.length - 1);
    const e = await dataError(() => parseIdx(cut, 'img.gz', spec('testImages')));
    expect(e.file).toBe('img.gz');
    expect(e.message).toBe(`img.gz: file is truncated: expected ${full.length} bytes, got ${full.length - 1}`);
    const e2 = await dataError(() => parseIdx(full.subarray(0, 5), 'img.gz', spec('testImages')));
    expect(e2.message).toMatch(/file is truncated: expected 7840016 bytes, got 5$/);
    const e3 = await dataError(() => parseIdx(full.subarray(0, 12), 'img.gz', spec('testImages')));
    expect(e3.message).toMatch(/file is truncated/);
  });

  it('rejects extra bytes after the payload', async () => {
    const e = await dataError(() => parseIdx(labelFile(2049, 3, [1, 2, 3, 4]), 'lab.gz', { magic: 2049, count: 3 }));
    expect(e.file).toBe('lab.gz');
    expect(e.message).toMatch(/^lab\.gz: .*extra bytes.*expected 11 bytes, got 12/);
  });

  it('accepts a well-formed small file and returns its payload', () => {
    expect([...parseIdx(labelFile(2049, 3, [7, 8, 9]), 'ok', { magic: 2049, count: 3 })]).toEqual([7, 8, 9]);
  });
});

// ---------------------------------------------------------------------------------------------

type Serve = (name: string, url: string) => Response | Promise<Response>;
const BASE = 'https://example.test/app/';

/** A body stream that emits `bytes` in chunks of `chunk`, with no Content-Length. */
function chunked(bytes: Uint8Array, chunk = 65536): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (i >= bytes.length) return c.close();
      c.enqueue(bytes.slice(i, i + chunk));
      i += chunk;
    },
  });
}

/** A fake fetch serving the real manifest and .gz files, unless `override` answers first. */
function fakeFetch(override?: Serve, seen?: string[]): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    seen?.push(url);
    init?.signal?.throwIfAborted();
    expect(url.startsWith(`${BASE}data/`)).toBe(true);
    const name = url.slice(`${BASE}data/`.length);
    const r = override ? await override(name, url) : undefined;
    if (r) return r;
    if (name === 'manifest.json') return new Response(manifestText, { headers: { 'content-type': 'application/json' } });
    if (gz[name]) return new Response(chunked(gz[name]));
    return new Response('not here', { status: 404, statusText: 'Not Found' });
  }) as typeof fetch;
}

/** Progress in network bytes: monotone overall and per file, each ending exactly at the .gz size. */
function expectNetworkProgress(events: Parameters<Progress>[0][]): void {
  const overallTotal = MNIST_FILES.reduce((s, f) => s + gz[f.name].length, 0);
  expect(events.length).toBeGreaterThan(4);
  for (let i = 1; i < events.length; i++) {
    expect(events[i].overallLoaded).toBeGreaterThan(events[i - 1].overallLoaded);
  }
  for (const e of events) expect(e.overallTotal).toBe(overallTotal);
  expect(events.at(-1)!.overallLoaded).toBe(overallTotal);
  // Per file: monotone, ending exactly at the file's size.
  for (const f of MNIST_FILES) {
    const mine = events.filter((e) => e.file === f.name);
    expect(mine.length).toBeGreaterThan(0);
    for (let i = 1; i < mine.length; i++) expect(mine[i].loaded).toBeGreaterThan(mine[i - 1].loaded);
    expect(mine.at(-1)!.loaded).toBe(gz[f.name].length);
    expect(mine.every((e) => e.total === gz[f.name].length)).toBe(true);
  }
}

describe('loadMnist', () => {
  it('loads the real files with monotone progress ending at the total', async () => {
    const events: Parameters<Progress>[0][] = [];
    const seen: string[] = [];
    const m = await loadMnist(BASE, (p) => events.push(p), undefined, fakeFetch(undefined, seen));
    expect(m.trainImages.length).toBe(60000 * 784);
    expect(m.trainLabels.length).toBe(60000);
    expect(m.testImages.length).toBe(10000 * 784);
    expect(m.testLabels.length).toBe(10000);
    expect(m.trainLabels[0]).toBe(5);
    // Byte-exact (Buffer.compare: toEqual on 8 MB arrays is very slow).
    expect(Buffer.compare(m.testImages, raw[nameOf('testImages')].subarray(16))).toBe(0);
    expect(Buffer.compare(m.trainImages, raw[nameOf('trainImages')].subarray(16))).toBe(0);
    expect(seen[0]).toBe(`${BASE}data/manifest.json`);
    expect(seen).toHaveLength(5);

    expectNetworkProgress(events);
  });

  it('accepts files the host already decompressed in transit (Content-Encoding: gzip), progress still in network bytes', async () => {
    // What a browser hands the page when the server sends .gz with Content-Encoding: gzip: plain IDX bytes.
    const events: Parameters<Progress>[0][] = [];
    const decoded = fakeFetch((n) => (raw[n] ? new Response(chunked(raw[n], 50_000)) : (undefined as never)));
    const m = await loadMnist(BASE, (p) => events.push(p), undefined, decoded);
    expect(Buffer.compare(m.testImages, raw[nameOf('testImages')].subarray(16))).toBe(0);
    expect(Buffer.compare(m.trainImages, raw[nameOf('trainImages')].subarray(16))).toBe(0);
    expect(Buffer.compare(m.trainLabels, raw[nameOf('trainLabels')].subarray(8))).toBe(0);
    expect(Buffer.compare(m.testLabels, raw[nameOf('testLabels')].subarray(8))).toBe(0);
    expectNetworkProgress(events);
  });

  it('accepts a mix of both forms, one file each way', async () => {
    // Train images decompressed in transit; test labels too, in 1-byte chunks (sniffing across chunk
    // boundaries); the other two gzipped.
    const mixed = fakeFetch((n) =>
      n === nameOf('trainImages') ? new Response(chunked(raw[n]))
        : n === nameOf('testLabels') ? new Response(chunked(raw[n], 1))
          : (undefined as never),
    );
    const m = await loadMnist(BASE, () => {}, undefined, mixed);
    expect(Buffer.compare(m.trainImages, raw[nameOf('trainImages')].subarray(16))).toBe(0);
    expect(Buffer.compare(m.testLabels, raw[nameOf('testLabels')].subarray(8))).toBe(0);
    expect(Buffer.compare(m.testImages, raw[nameOf('testImages')].subarray(16))).toBe(0);
    expect(Buffer.compare(m.trainLabels, raw[nameOf('trainLabels')].subarray(8))).toBe(0);
  });

  it('checks a decompressed-in-transit file against the manifest: truncated or too long', async () => {
    const name = nameOf('trainLabels');
    const cut = raw[name].slice(0, 30_000);
    const e = await dataError(() => loadMnist(BASE, () => {}, undefined, fakeFetch((n) => (n === name ? new Response(cut) : (undefined as never)))));
    expect(e.file).toBe(name);
    expect(e.message).toBe(`${name}: truncated download: expected ${raw[name].length} bytes (decompressed in transit), got 30000`);
    const long = new Uint8Array(raw[name].length + 3);
    long.set(raw[name]);
    const e2 = await dataError(() => loadMnist(BASE, () => {}, undefined, fakeFetch((n) => (n === name ? new Response(long) : (undefined as never)))));
    expect(e2.message).toBe(`${name}: download size mismatch: expected ${raw[name].length} bytes (decompressed in transit), got ${long.length}`);
  });

  it('reports a gzip header followed by garbage as bad gzip, and a body that is neither form by its first bytes', async () => {
    const name = nameOf('testImages');
    const broken = gz[name].slice();
    broken.fill(0x55, 10, 5000); // valid gzip magic and header, corrupt deflate stream
    const e = await dataError(() => loadMnist(BASE, () => {}, undefined, fakeFetch((n) => (n === name ? new Response(chunked(broken)) : (undefined as never)))));
    expect(e.file).toBe(name);
    expect(e.message).toMatch(new RegExp(`^${name.replace(/\./g, '\\.')}: not a valid gzip file \\(.+\\)$`));
    expect(e.message).not.toMatch(/neither/);
    const html = new TextEncoder().encode('<!doctype html><title>404</title>');
    const e2 = await dataError(() => loadMnist(BASE, () => {}, undefined, fakeFetch((n) => (n === name ? new Response(html) : (undefined as never)))));
    expect(e2.message).toBe(`${name}: not a valid gzip file (it starts with 3c 21 64 6f, which is neither gzip (1f 8b) nor an IDX header (00 00 08))`);
  });

  it('loads over real HTTP from a server that sends .gz with Content-Encoding: gzip (fetch decompresses)', async () => {
    const server = await serveStatic(join(root, 'public'), '/flock/', { gzipEncoding: true });
    try {
      const events: Parameters<Progress>[0][] = [];
      const m = await loadMnist(server.url, (p) => events.push(p));
      expect(Buffer.compare(m.testImages, raw[nameOf('testImages')].subarray(16))).toBe(0);
      expect(m.trainLabels[0]).toBe(5);
      expect(events.at(-1)!.overallLoaded).toBe(MNIST_FILES.reduce((s, f) => s + gz[f.name].length, 0));
    } finally {
      await server.close();
    }
    const plain = await serveStatic(join(root, 'public'), '/flock/');
    try {
      const res = await fetch(`${plain.url}data/${nameOf('testLabels')}`);
      expect(res.headers.get('content-encoding')).toBeNull();
      expect([...new Uint8Array(await res.arrayBuffer()).subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    } finally {
      await plain.close();
    }
  });

  it('reports an HTTP 404 naming the file', async () => {
    const name = nameOf('trainLabels');
    const fetch404 = fakeFetch((n) => (n === name ? new Response('', { status: 404, statusText: 'Not Found' }) : undefined as never));
    const e = await dataError(() => loadMnist(BASE, () => {}, undefined, fetch404));
    expect(e.file).toBe(name);
    expect(e.message).toBe(`${name}: HTTP 404 Not Found`);
  });

  it('reports a missing or broken manifest', async () => {
    const missing = fakeFetch((n) => (n === 'manifest.json' ? new Response('', { status: 404, statusText: 'Not Found' }) : undefined as never));
    const e = await dataError(() => loadMnist(BASE, () => {}, undefined, missing));
    expect(e.file).toBe('manifest.json');
    expect(e.message).toBe('manifest.json: HTTP 404 Not Found');
    const html = fakeFetch((n) => (n === 'manifest.json' ? new Response('<!doctype html><p>SPA fallback') : undefined as never));
    const e2 = await dataError(() => loadMnist(BASE, () => {}, undefined, html));
    expect(e2.file).toBe('manifest.json');
    expect(e2.message).toMatch(/^manifest\.json: not valid JSON/);
  });

  it('reports a corrupt gzip file', async () => {
    const name = nameOf('testImages');
    const junk = new Uint8Array(gz[name].length); // right size, not gzip
    const rand = mulberry32(1);
    for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(rand() * 256);
    const bad = fakeFetch((n) => (n === name ? new Response(chunked(junk)) : undefined as never));
    const e = await dataError(() => loadMnist(BASE, () => {}, undefined, bad));
    expect(e.file).toBe(name);
    expect(e.message).toMatch(new RegExp(`^${name.replace(/\./g, '\\.')}: not a valid gzip file \\(.+\\)$`));
  });

  it('reports a valid gzip file holding the wrong content', async () => {
    const name = nameOf('testLabels');
    const wrong = gzipSync(labelFile(2049, 5, [1, 2, 3, 4, 5]));
    const manifest = JSON.parse(manifestText);
    manifest.files[name].bytes = wrong.length;
    const bad = fakeFetch((n) =>
      n === 'manifest.json' ? new Response(JSON.stringify(manifest)) : n === name ? new Response(wrong) : (undefined as never),
    );
    const e = await dataError(() => loadMnist(BASE, () => {}, undefined, bad));
    expect(e.file).toBe(name);
    expect(e.message).toBe(`${name}: wrong item count 5 (expected 10000)`);
  });

  it('reports a truncated download', async () => {
    const name = nameOf('trainImages');
    const half = gz[name].subarray(0, gz[name].length >> 1);
    const cut = fakeFetch((n) => (n === name ? new Response(chunked(half)) : undefined as never));
    const e = await dataError(() => loadMnist(BASE, () => {}, undefined, cut));
    expect(e.file).toBe(name);
    expect(e.message).toBe(`${name}: truncated download: expected ${gz[name].length} bytes, got ${half.length}`);
  });

  it('reports a network failure', async () => {
    const name = nameOf('trainLabels');
    const down = fakeFetch((n) => (n === name ? Promise.reject(new TypeError('Failed to fetch')) : undefined as never));
    const e = await dataError(() => loadMnist(BASE, () => {}, undefined, down));
    expect(e.file).toBe(name);
    expect(e.message).toBe(`${name}: download failed (Failed to fetch)`);
  });

  it('rethrows an abort as an AbortError, not a DataError', async () => {
    const ctl = new AbortController();
    let aborted = false;
    const p = loadMnist(
      BASE,
      (ev) => {
        if (!aborted && ev.overallLoaded > 100_000) {
          aborted = true;
          ctl.abort();
        }
      },
      ctl.signal,
      fakeFetch(),
    );
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    await expect(p).rejects.not.toBeInstanceOf(DataError);
    expect(aborted).toBe(true);
    // Already aborted before the call.
    await expect(loadMnist(BASE, () => {}, ctl.signal, fakeFetch())).rejects.toMatchObject({ name: 'AbortError' });
  });
});

// ---------------------------------------------------------------------------------------------

describe('mulberry32 / gaussian', () => {
  it('is seeded, uniform in [0,1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 20000 }, () => a());
    expect(Array.from({ length: 20000 }, () => b())).toEqual(xs);
    expect(c()).not.toBe(xs[0]);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
  });

  it('gaussian has mean ≈ 0 and std ≈ 1', () => {
    const g = gaussian(mulberry32(7));
    const xs = Array.from({ length: 50000 }, g);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(sd - 1)).toBeLessThan(0.02);
    expect(xs.every(Number.isFinite)).toBe(true);
    expect(new Set(xs).size).toBe(xs.length);
  });
});

describe('Batcher', () => {
  const take = (b: Batcher, k: number): number[][] => Array.from({ length: k }, () => [...b.next()]);

  it('is deterministic for the same arguments and differs across seeds', () => {
    expect(take(new Batcher(100, 8, 3), 40)).toEqual(take(new Batcher(100, 8, 3), 40));
    expect(take(new Batcher(100, 8, 3), 5)).not.toEqual(take(new Batcher(100, 8, 4), 5));
  });

  it('visits every index exactly once per epoch, with full batches only', () => {
    const n = 120;
    const b = new Batcher(n, 10, 9);
    const epochs: number[][] = [];
    for (let e = 0; e < 3; e++) {
      expect(b.epoch).toBe(e);
      const seen = take(b, 12).flat();
      expect([...seen].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
      epochs.push(seen);
    }
    expect(epochs[1]).not.toEqual(epochs[0]);
    expect(epochs[2]).not.toEqual(epochs[1]);
    expect(epochs[0]).not.toEqual(Array.from({ length: n }, (_, i) => i)); // actually shuffled
  });

  it('drops the last partial batch rather than straddling epochs', () => {
    const b = new Batcher(10, 3, 1);
    const first = take(b, 2);
    expect(b.state).toEqual({ epoch: 0, offset: 6 });
    first.push(...take(b, 1));
    // Index 9 of the permutation is left over: the next batch starts epoch 1.
    expect(b.state).toEqual({ epoch: 1, offset: 0 });
    expect(new Set(first.flat()).size).toBe(9);
    const next = b.next();
    expect(next.length).toBe(3);
    expect(b.epoch).toBe(1);
    expect(b.state).toEqual({ epoch: 1, offset: 3 });
    // A saved cursor at the end of an epoch resumes at the next one.
    expect([...Batcher.from(10, 3, 1, { epoch: 0, offset: 9 }).next()]).toEqual([...next]);
  });

  it('resumes exactly from a saved state', () => {
    const a = new Batcher(1000, 32, 123);
    take(a, 70); // into the third epoch (31 batches per epoch)
    const state = JSON.parse(JSON.stringify(a.state));
    expect(state.epoch).toBe(2);
    const b = Batcher.from(1000, 32, 123, state);
    expect(b.epoch).toBe(2);
    expect(take(b, 50)).toEqual(take(a, 50));
    // Resuming from the start equals a fresh batcher.
    expect(take(Batcher.from(1000, 32, 123, { epoch: 0, offset: 0 }), 40)).toEqual(take(new Batcher(1000, 32, 123), 40));
  });

  it('rejects a batch larger than the data', () => {
    expect(() => new Batcher(5, 6, 0)).toThrow(RangeError);
  });
});

describe('stratifiedProbe', () => {
  it('takes exactly 200 per class for size 2000, sorted by class then index, seed-deterministic', () => {
    const labels = parseIdx(raw[nameOf('testLabels')], 'x', spec('testLabels'));
    const p = stratifiedProbe(labels, 2000, 11);
    expect(p.length).toBe(2000);
    expect(new Set(p).size).toBe(2000);
    for (let c = 0; c < 10; c++) {
      const part = p.subarray(c * 200, (c + 1) * 200);
      expect([...part].every((i) => labels[i] === c)).toBe(true);
      for (let i = 1; i < part.length; i++) expect(part[i]).toBeGreaterThan(part[i - 1]);
    }
    expect(stratifiedProbe(labels, 2000, 11)).toEqual(p);
    expect(stratifiedProbe(labels, 2000, 12)).not.toEqual(p);
    // Not just the first 200 of each class.
    const firstOf0 = [...labels.keys()].filter((i) => labels[i] === 0).slice(0, 200);
    expect([...p.subarray(0, 200)]).not.toEqual(firstOf0);
  });

  it('gives remainders to the lowest classes', () => {
    const labels = new Uint8Array(100).map((_, i) => i % 10);
    const p = stratifiedProbe(labels, 25, 0);
    const counts = Array.from({ length: 10 }, (_, c) => [...p].filter((i) => labels[i] === c).length);
    expect(counts).toEqual([3, 3, 3, 3, 3, 2, 2, 2, 2, 2]);
    expect([...p].map((i) => labels[i])).toEqual([...p].map((i) => labels[i]).sort((a, b) => a - b));
  });

  it('a class with too few digits gives all it has; the others make up the size (up to the whole test set)', () => {
    const labels = parseIdx(raw[nameOf('testLabels')], 'x', spec('testLabels'));
    const fives = [...labels].filter((c) => c === 5).length; // 892, fewer than 900
    const p = stratifiedProbe(labels, 9000, 3);
    expect(p.length).toBe(9000);
    expect(new Set(p).size).toBe(9000);
    const counts = Array.from({ length: 10 }, (_, c) => [...p].filter((i) => labels[i] === c).length);
    expect(counts[5]).toBe(fives);
    expect(Math.min(...counts.filter((_, c) => c !== 5))).toBeGreaterThanOrEqual(900);
    const all = stratifiedProbe(labels, labels.length, 3);
    expect([...all].sort((a, b) => a - b)).toEqual([...labels.keys()]);
    expect(() => stratifiedProbe(labels, labels.length + 1, 3)).toThrow(RangeError);
  });
});

describe('gatherImages / gatherLabels', () => {
  it('normalises pixels and keeps row order', () => {
    const images = new Uint8Array(3 * IMAGE_SIZE);
    images.fill(0, 0, IMAGE_SIZE);
    images.fill(255, IMAGE_SIZE, 2 * IMAGE_SIZE);
    for (let p = 0; p < IMAGE_SIZE; p++) images[2 * IMAGE_SIZE + p] = p % 256;
    const x = gatherImages(images, Int32Array.from([2, 0, 1]));
    expect(x.length).toBe(3 * IMAGE_SIZE);
    expect(x[0]).toBeCloseTo((0 / 255 - MNIST_MEAN) / MNIST_STD, 6);
    expect(x[100]).toBeCloseTo((100 / 255 - MNIST_MEAN) / MNIST_STD, 6);
    expect(x[IMAGE_SIZE]).toBeCloseTo(-0.4242129, 5);
    expect(x[2 * IMAGE_SIZE + 5]).toBeCloseTo(2.8214867, 5);
    // Into a caller-owned buffer.
    const out = new Float32Array(IMAGE_SIZE);
    expect(gatherImages(images, Int32Array.from([1]), out)).toBe(out);
    expect(out[783]).toBeCloseTo(2.8214867, 5);
    expect(() => gatherImages(images, Int32Array.from([3]))).toThrow(RangeError);
  });

  it('normalised real training images have mean ≈ 0 and std ≈ 1', () => {
    // The whole training set, 6000 images at a time into one reused buffer.
    const images = parseIdx(raw[nameOf('trainImages')], 'x', spec('trainImages'));
    const out = new Float32Array(6000 * IMAGE_SIZE);
    let s = 0;
    let s2 = 0;
    for (let start = 0; start < 60000; start += 6000) {
      const x = gatherImages(images, Int32Array.from({ length: 6000 }, (_, i) => start + i), out);
      for (let i = 0; i < x.length; i++) {
        s += x[i];
        s2 += x[i] * x[i];
      }
    }
    const count = 60000 * IMAGE_SIZE;
    const mean = s / count;
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(Math.abs(Math.sqrt(s2 / count - mean * mean) - 1)).toBeLessThan(0.005);
  });

  it('gathers labels as int32', () => {
    const y = gatherLabels(Uint8Array.from([4, 5, 6]), Int32Array.from([2, 2, 0]));
    expect(y).toBeInstanceOf(Int32Array);
    expect([...y]).toEqual([6, 6, 4]);
  });
});
