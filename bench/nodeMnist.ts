/** Loads the bundled MNIST assets in Node (for the tuning script and unit tests). */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { MNIST_FILES, parseIdx } from '../src/data/idx';
import type { Mnist } from '../src/data/load';

export function loadMnistNode(dir = resolve(import.meta.dirname, '../public/data')): Mnist {
  const out: Partial<Mnist> = {};
  for (const f of MNIST_FILES) {
    out[f.role] = parseIdx(new Uint8Array(gunzipSync(readFileSync(resolve(dir, f.name)))), f.name, f.spec);
  }
  return out as Mnist;
}
