/**
 * Downloads the gzipped MNIST files listed in data/manifest.json, with byte-level progress,
 * and parses them, whether the host sends them gzipped or already decompressed in transit.
 * Uses only fetch, streams and DecompressionStream, so it runs in a Web Worker
 * (and in Node ≥ 18, which the tests use).
 */
import { DataError, MNIST_FILES, idxLength, parseIdx, type MnistFile } from './idx';

/** The four MNIST arrays; images are count × 784 raw bytes (0..255), labels are 0..9. */
export interface Mnist {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
}

/**
 * Download progress in network (compressed) bytes, for one file and for all four together; a file the
 * transport decompressed counts in proportion, so totals are the manifest's either way.
 */
export type Progress = (p: {
  file: string;
  loaded: number;
  total: number;
  overallLoaded: number;
  overallTotal: number;
}) => void;

/** One file's entry in data/manifest.json (written by scripts/prepare-data.mjs). */
interface ManifestEntry {
  bytes: number;
  rawBytes?: number;
}

const MANIFEST = 'manifest.json';

/** The error to throw for an abort: the signal's reason, as fetch does. */
function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Fetches data/manifest.json and checks it has an entry for every MNIST file. */
async function loadManifest(
  base: string,
  signal: AbortSignal,
  fetchImpl: typeof fetch,
): Promise<Record<string, ManifestEntry>> {
  let res: Response;
  try {
    res = await fetchImpl(new URL(`data/${MANIFEST}`, base).href, { signal });
  } catch (e) {
    if (signal.aborted) throw abortReason(signal);
    throw new DataError(`${MANIFEST}: download failed (${messageOf(e)})`, MANIFEST);
  }
  if (!res.ok) throw new DataError(`${MANIFEST}: HTTP ${res.status} ${res.statusText}`.trimEnd(), MANIFEST);
  let json: unknown;
  try {
    json = JSON.parse(await res.text());
  } catch (e) {
    if (signal.aborted) throw abortReason(signal);
    throw new DataError(`${MANIFEST}: not valid JSON (${messageOf(e)})`, MANIFEST);
  }
  const files = (json as { files?: unknown } | null)?.files;
  if (typeof files !== 'object' || files === null) {
    throw new DataError(`${MANIFEST}: has no "files" table`, MANIFEST);
  }
  const out: Record<string, ManifestEntry> = {};
  for (const f of MNIST_FILES) {
    const entry = (files as Record<string, unknown>)[f.name] as Partial<ManifestEntry> | undefined;
    if (!entry || typeof entry.bytes !== 'number' || !(entry.bytes > 0)) {
      throw new DataError(`${MANIFEST}: no valid entry for ${f.name}`, MANIFEST);
    }
    out[f.name] = { bytes: entry.bytes, rawBytes: typeof entry.rawBytes === 'number' ? entry.rawBytes : undefined };
  }
  return out;
}

/** A byte buffer that grows as chunks arrive; starts at `capacity` (the expected size). */
class ByteSink {
  private buf: Uint8Array;
  length = 0;
  constructor(capacity: number) {
    this.buf = new Uint8Array(Math.max(capacity, 1024));
  }
  push(chunk: Uint8Array): void {
    if (this.length + chunk.byteLength > this.buf.byteLength) {
      const bigger = new Uint8Array(Math.max(this.buf.byteLength * 2, this.length + chunk.byteLength));
      bigger.set(this.buf.subarray(0, this.length));
      this.buf = bigger;
    }
    this.buf.set(chunk, this.length);
    this.length += chunk.byteLength;
  }
  /** The collected bytes: the buffer itself when it is exactly full, else a trimmed copy. */
  bytes(): Uint8Array {
    return this.length === this.buf.byteLength ? this.buf : this.buf.slice(0, this.length);
  }
}

/** How a data file arrived: still gzipped, or already decompressed by the transport (Content-Encoding). */
export type BodyForm = 'gzip' | 'idx';

/**
 * Tells the two forms apart by their first bytes: gzip starts with 1f 8b; an IDX file of unsigned
 * bytes starts with 00 00 08 (its magic number's high bytes). Null for anything else.
 */
export function sniffForm(head: Uint8Array): BodyForm | null {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 3 && head[0] === 0 && head[1] === 0 && head[2] === 0x08) return 'idx';
  return null;
}

const hexBytes = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

/**
 * Downloads one data file and returns its IDX bytes. Static hosts differ: most send the .gz file as
 * is, but Vite's dev and preview servers (and hosts configured with `AddEncoding x-gzip .gz`) send it
 * with `Content-Encoding: gzip`, so the browser has already decompressed the body. The first bytes
 * say which form arrived; either way the length is checked against the manifest.
 * Progress (`onBytes`) is in network bytes: a body the transport decompressed is counted scaled by
 * the file's compression ratio, so both forms end exactly at the manifest's compressed size.
 * Network, size and format failures become DataErrors naming the file; an abort rethrows its reason.
 */
async function fetchIdx(
  url: string,
  file: MnistFile,
  entry: ManifestEntry,
  signal: AbortSignal,
  fetchImpl: typeof fetch,
  onBytes: (n: number) => void,
): Promise<Uint8Array> {
  const name = file.name;
  let res: Response;
  try {
    res = await fetchImpl(url, { signal });
  } catch (e) {
    if (signal.aborted) throw abortReason(signal);
    throw new DataError(`${name}: download failed (${messageOf(e)})`, name);
  }
  if (!res.ok) throw new DataError(`${name}: HTTP ${res.status} ${res.statusText}`.trimEnd(), name);

  const rawBytes = entry.rawBytes ?? idxLength(file.spec);
  const body = res.body?.getReader();
  const next = async (): Promise<Uint8Array<ArrayBuffer> | null> => {
    signal.throwIfAborted();
    if (!body) return null;
    try {
      const chunk = await body.read();
      return chunk.done ? null : chunk.value;
    } catch (e) {
      if (signal.aborted) throw abortReason(signal);
      throw new DataError(`${name}: download failed (${messageOf(e)})`, name);
    }
  };
  const gzipError = (e: unknown): DataError => new DataError(`${name}: not a valid gzip file (${messageOf(e)})`, name);

  // The first bytes decide the form; keep reading until there are enough of them (or the body ends).
  const head: Uint8Array<ArrayBuffer>[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < 4) {
    const chunk = await next();
    if (!chunk) { ended = true; break; }
    head.push(chunk);
    headBytes += chunk.byteLength;
  }
  const first = new Uint8Array(Math.min(headBytes, 4));
  for (let i = 0, at = 0; at < first.length; i++) {
    const part = head[i].subarray(0, first.length - at);
    first.set(part, at);
    at += part.byteLength;
  }
  const form = sniffForm(first);
  if (!form) {
    res.body?.cancel().catch(() => {});
    if (ended && headBytes < 4) throw new DataError(`${name}: truncated download: expected ${entry.bytes} bytes, got ${headBytes}`, name);
    throw gzipError(`it starts with ${hexBytes(first)}, which is neither gzip (1f 8b) nor an IDX header (00 00 08)`);
  }

  // Where the bytes go, and how a received byte counts in network bytes.
  const sink = new ByteSink(rawBytes);
  let consume: (chunk: Uint8Array<ArrayBuffer>) => Promise<void>;
  let finish: () => Promise<void>;
  let expectedBody: number;
  let counted = 0; // network bytes reported so far
  let received = 0; // body bytes received so far
  const count = (n: number): void => {
    received += n;
    const net = form === 'gzip' ? received : Math.round((received * entry.bytes) / rawBytes);
    if (net > counted) {
      onBytes(net - counted);
      counted = net;
    }
  };
  let abortWriter = (_e: unknown): void => {};
  if (form === 'gzip') {
    expectedBody = entry.bytes;
    const gunzip = new DecompressionStream('gzip');
    const writer = gunzip.writable.getWriter();
    // Reader side: drain the decompressed stream into the sink, concurrently with the writes.
    const collect = (async () => {
      const reader = gunzip.readable.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        sink.push(value);
      }
    })();
    collect.catch(() => {}); // Its failure is reported by `finish`, after the writer side's.
    consume = async (chunk) => {
      try {
        await writer.write(chunk);
      } catch (e) {
        throw gzipError(e);
      }
    };
    finish = async () => {
      try {
        await writer.close();
        await collect;
      } catch (e) {
        if (signal.aborted) throw abortReason(signal);
        throw gzipError(e);
      }
    };
    abortWriter = (e) => { writer.abort(e).catch(() => {}); };
  } else {
    expectedBody = rawBytes;
    consume = async (chunk) => sink.push(chunk);
    finish = async () => {};
  }

  try {
    for (const chunk of head) {
      count(chunk.byteLength);
      await consume(chunk);
    }
    for (let chunk = ended ? null : await next(); chunk; chunk = await next()) {
      count(chunk.byteLength);
      await consume(chunk);
    }
    signal.throwIfAborted();
    if (received !== expectedBody) {
      const what = received < expectedBody ? 'truncated download' : 'download size mismatch';
      const how = form === 'idx' ? ' (decompressed in transit)' : '';
      throw new DataError(`${name}: ${what}: expected ${expectedBody} bytes${how}, got ${received}`, name);
    }
    await finish();
  } catch (e) {
    abortWriter(e);
    res.body?.cancel().catch(() => {});
    throw e;
  }
  // The IDX header and exact length are checked against the spec (its length is the manifest's rawBytes).
  return parseIdx(sink.bytes(), name, file.spec);
}

/**
 * Loads MNIST from `<base>data/`: the manifest first (for the byte totals), then the four .gz
 * files in parallel, reporting compressed-byte progress. `base` is the URL of the folder holding
 * `data/`, e.g. `new URL('./', location.href).href`. Rejects with DataError naming the failing file,
 * or with the abort reason if `signal` aborts. The first failure cancels the other downloads.
 */
export async function loadMnist(
  base: string,
  onProgress: Progress,
  signal?: AbortSignal,
  fetchImpl: typeof fetch = fetch,
): Promise<Mnist> {
  // An internal controller, so one file's failure stops the others; it follows the caller's signal.
  const ctl = new AbortController();
  const forward = (): void => ctl.abort(signal?.reason);
  if (signal?.aborted) throw abortReason(signal);
  signal?.addEventListener('abort', forward, { once: true });
  try {
    const manifest = await loadManifest(base, ctl.signal, fetchImpl);
    const overallTotal = MNIST_FILES.reduce((s, f) => s + manifest[f.name].bytes, 0);
    let overallLoaded = 0;

    let firstError: unknown;
    let failed = false;
    const tasks = MNIST_FILES.map(async (f) => {
      const total = manifest[f.name].bytes;
      let loaded = 0;
      try {
        const data = await fetchIdx(new URL(`data/${f.name}`, base).href, f, manifest[f.name], ctl.signal, fetchImpl, (n) => {
          loaded += n;
          overallLoaded += n;
          onProgress({ file: f.name, loaded, total, overallLoaded, overallTotal });
        });
        return [f.role, data] as const;
      } catch (e) {
        if (!failed) {
          failed = true;
          firstError = e;
          ctl.abort(e);
        }
        throw e;
      }
    });
    let parts: (readonly [MnistFile['role'], Uint8Array])[];
    try {
      parts = await Promise.all(tasks);
    } catch {
      // Report the caller's abort as such; otherwise the failure that came first, not a knock-on.
      if (signal?.aborted) throw abortReason(signal);
      throw firstError;
    }
    return Object.fromEntries(parts) as unknown as Mnist;
  } finally {
    signal?.removeEventListener('abort', forward);
  }
}
