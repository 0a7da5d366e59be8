#!/usr/bin/env node
/**
 * `npm run audit`: `npm audit --omit=dev` must report no high or critical advisory in what the
 * site ships. Exit 0: clean; 1: high/critical findings (listed); 2: the registry's audit endpoint
 * could not be reached (some mirrors refuse it), so nothing could be checked — said, not hidden.
 */
import { spawnSync } from 'node:child_process';

const r = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8' });
let report;
try {
  report = JSON.parse(r.stdout);
} catch {
  report = null;
}
const counts = report?.metadata?.vulnerabilities;
if (!counts) {
  const why = (report?.message ?? report?.error?.summary ?? r.stderr.split('\n').find((l) => /audit|error/i.test(l)) ?? 'no answer').trim();
  console.log(`npm audit: the registry's audit endpoint is unavailable here (${why}); production dependencies were not checked.`);
  process.exit(2);
}
const bad = Object.entries(report.vulnerabilities ?? {}).filter(([, v]) => v.severity === 'high' || v.severity === 'critical');
console.log(`npm audit --omit=dev: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
for (const [name, v] of bad) console.log(`  ${v.severity}: ${name} ${v.range ?? ''}`);
process.exit(bad.length ? 1 : 0);
