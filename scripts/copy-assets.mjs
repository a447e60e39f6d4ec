#!/usr/bin/env node
// Copies non-TypeScript assets (SQL migrations, fixtures) next to the compiled output,
// because tsc only emits .js files.
import { cpSync } from 'node:fs';
import { resolve } from 'node:path';

const [from, to] = process.argv.slice(2);
if (!from || !to) {
  console.error('usage: copy-assets.mjs <from> <to>');
  process.exit(2);
}
cpSync(resolve(from), resolve(to), { recursive: true });
