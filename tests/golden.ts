/** Where the golden center-loss vectors live: $FLOCK_GOLDEN, else shared/ beside the checkout. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export function goldenPath(): string {
  const candidates = [
    process.env.FLOCK_GOLDEN,
    resolve(here, '../shared/fixtures/center-loss-golden.json'),
    resolve(here, '../../shared/fixtures/center-loss-golden.json'),
  ].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`center-loss-golden.json not found; tried ${candidates.join(', ')} (set FLOCK_GOLDEN)`);
  return found;
}
