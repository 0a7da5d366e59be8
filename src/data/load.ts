/**
 * Downloads the gzipped MNIST files listed in data/manifest.json, with byte-level progress,
 * and parses them. Uses only fetch, streams and DecompressionStream, so it runs in a Web Worker
 * (and in Node ≥ 18, which the tests use).
 */
import { DataError, MNIST_FILES, parseIdx, type MnistFile } from './idx';

/** The four MNIST arrays; images are count × 784 raw bytes (0..255), labels are 0..9. */
export interface Mnist {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
}

/** Download progress in compressed bytes, for one file and for all four together. */
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

/**
 * Downloads one .gz file, counting compressed bytes via `onBytes`, and returns it decompressed.
 * Network, size and gzip failures become DataErrors naming the file; an abort rethrows its reason.
 */
async function fetchGz(
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

  const gunzip = new DecompressionStream('gzip');
  const writer = gunzip.writable.getWriter();
  const gzipError = (e: unknown): DataError =>
    new DataError(`${name}: not a valid gzip file (${messageOf(e)})`, name);

  // Reader side: drain the decompressed stream into one buffer, concurrently with the writes.
  const sink = new ByteSink(entry.rawBytes ?? entry.bytes * 4);
  const collect = (async () => {
    const reader = gunzip.readable.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      sink.push(value);
    }
  })();
  collect.catch(() => {}); // Its failure is reported below, after the writer side's.

  // Writer side: pump the compressed body through the decompressor, counting bytes.
  let loaded = 0;
  try {
    const body = res.body?.getReader();
    for (;;) {
      signal.throwIfAborted();
      let chunk: ReadableStreamReadResult<Uint8Array<ArrayBuffer>>;
      try {
        chunk = body ? await body.read() : { done: true, value: undefined };
      } catch (e) {
        if (signal.aborted) throw abortReason(signal);
        throw new DataError(`${name}: download failed (${messageOf(e)})`, name);
      }
      if (chunk.done) break;
      loaded += chunk.value.byteLength;
      onBytes(chunk.value.byteLength);
      try {
        await writer.write(chunk.value);
      } catch (e) {
        throw gzipError(e);
      }
    }
    signal.throwIfAborted();
    if (loaded !== entry.bytes) {
      const what = loaded < entry.bytes ? 'truncated download' : 'download size mismatch';
      throw new DataError(`${name}: ${what}: expected ${entry.bytes} bytes, got ${loaded}`, name);
    }
    try {
      await writer.close();
    } catch (e) {
      throw gzipError(e);
    }
  } catch (e) {
    writer.abort(e).catch(() => {});
    res.body?.cancel().catch(() => {});
    throw e;
  }
  try {
    await collect;
  } catch (e) {
    if (signal.aborted) throw abortReason(signal);
    throw gzipError(e);
  }
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
        const data = await fetchGz(new URL(`data/${f.name}`, base).href, f, manifest[f.name], ctl.signal, fetchImpl, (n) => {
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
