/**
 * Parsing of IDX files (the MNIST container format: a big-endian header followed by raw bytes).
 * No DOM dependencies: runs in the UI thread, in a Web Worker and in Node.
 */

/** A data-loading failure, with the file it concerns, in plain words. */
export class DataError extends Error {
  constructor(message: string, readonly file: string) {
    super(message);
    this.name = 'DataError';
  }
}

/** What an IDX file must contain: labels (2049, 1-D) or images (2051, count × rows × cols). */
export interface IdxSpec {
  magic: 2049 | 2051;
  count: number;
  rows?: number;
  cols?: number;
}

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;
const kind = (magic: number): string =>
  magic === 2049 ? 'an IDX label file' : magic === 2051 ? 'an IDX image file' : 'an IDX file';

/** Header length: magic + count, plus rows + cols for image files. */
function headerBytes(spec: IdxSpec): number {
  return spec.magic === 2051 ? 16 : 8;
}

/** Rows and columns of one item: 28×28 (or the spec's) for images, 1×1 for labels. */
function itemShape(spec: IdxSpec): [number, number] {
  return spec.magic === 2051 ? [spec.rows ?? 28, spec.cols ?? 28] : [1, 1];
}

/** The exact byte length of an IDX file matching `spec`: header plus payload. */
export function idxLength(spec: IdxSpec): number {
  const [rows, cols] = itemShape(spec);
  return headerBytes(spec) + spec.count * rows * cols;
}

/**
 * Validates the header of an IDX file against `spec` and returns its payload
 * (a view into `bytes`, not a copy). Throws DataError naming `file` on any mismatch.
 */
export function parseIdx(bytes: Uint8Array, file: string, spec: IdxSpec): Uint8Array {
  const header = headerBytes(spec);
  const [rows, cols] = itemShape(spec);
  const expected = idxLength(spec);
  const truncated = (): DataError =>
    new DataError(`${file}: file is truncated: expected ${expected} bytes, got ${bytes.byteLength}`, file);

  if (bytes.byteLength < 8) throw truncated();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== spec.magic) {
    throw new DataError(
      `${file}: wrong magic number ${hex(magic)} (expected ${hex(spec.magic)}, ${kind(spec.magic)})`,
      file,
    );
  }
  const count = view.getUint32(4, false);
  if (count !== spec.count) {
    throw new DataError(`${file}: wrong item count ${count} (expected ${spec.count})`, file);
  }
  if (spec.magic === 2051) {
    if (bytes.byteLength < header) throw truncated();
    const r = view.getUint32(8, false);
    const c = view.getUint32(12, false);
    if (r !== rows || c !== cols) {
      throw new DataError(`${file}: wrong image size ${r}×${c} (expected ${rows}×${cols})`, file);
    }
  }
  if (bytes.byteLength < expected) throw truncated();
  if (bytes.byteLength > expected) {
    throw new DataError(
      `${file}: file has ${bytes.byteLength - expected} unexpected extra bytes: expected ${expected} bytes, got ${bytes.byteLength}`,
      file,
    );
  }
  return bytes.subarray(header, expected);
}

/** Which of the four MNIST arrays a file holds. */
export type MnistRole = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels';

/** One of the served MNIST files: its name under data/ (gzipped), expected header and role. */
export interface MnistFile {
  name: string;
  role: MnistRole;
  spec: IdxSpec;
}

/** The four MNIST files served under data/, gzipped. */
export const MNIST_FILES: readonly MnistFile[] = [
  { name: 'train-images-idx3-ubyte.gz', role: 'trainImages', spec: { magic: 2051, count: 60000, rows: 28, cols: 28 } },
  { name: 'train-labels-idx1-ubyte.gz', role: 'trainLabels', spec: { magic: 2049, count: 60000 } },
  { name: 't10k-images-idx3-ubyte.gz', role: 'testImages', spec: { magic: 2051, count: 10000, rows: 28, cols: 28 } },
  { name: 't10k-labels-idx1-ubyte.gz', role: 'testLabels', spec: { magic: 2049, count: 10000 } },
];
