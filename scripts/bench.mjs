#!/usr/bin/env node
// `npm run bench [-- <name> [args...]]`: runs bench/<name>.mjs, or every benchmark in turn.
// Benchmarks print figures; they never assert timings (see docs/benchmarks.md).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench');
const available = readdirSync(benchDir)
  .filter((f) => f.endsWith('.mjs') && !f.startsWith('_'))
  .map((f) => f.slice(0, -4))
  .sort();
const [name, ...args] = process.argv.slice(2);
if (name === '--help' || name === '-h') {
  console.log(`usage: npm run bench [-- <name> [args...]]\nbenchmarks: ${available.join(', ')}`);
  process.exit(0);
}
// soak runs 35 minutes by default: only when named (`npm run bench -- soak`).
const names = name ? [name] : available.filter((n) => n !== 'soak');
for (const n of names) {
  if (!available.includes(n)) {
    console.error(`unknown benchmark "${n}"; available: ${available.join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== bench: ${n} ===`);
  const r = spawnSync(process.execPath, [join(benchDir, `${n}.mjs`), ...args], {
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
