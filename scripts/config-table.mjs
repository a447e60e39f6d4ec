#!/usr/bin/env node
// Rewrites the collector's option table in README.md from the one option list
// (collector/src/config.ts, built to dist), so the README never misses a flag.
// Usage: npm run build && node scripts/config-table.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const { OPTIONS } = await import(join(root, 'collector', 'dist', 'config.js'));
const START = '<!-- options:start -->';
const END = '<!-- options:end -->';

function shownDefault(o) {
  if (o.shownDefault) return o.shownDefault;
  const d = o.schema.safeParse(undefined);
  if (!d.success || d.data === undefined) return '';
  if (d.data === false) return 'off';
  if (d.data === '') return '';
  return `\`${d.data}\``;
}

const rows = OPTIONS.map((o) => {
  const help = o.help.replaceAll('|', '\\|');
  return `| \`${o.flag.split(' ')[0]}\` | \`${o.env}\` | ${shownDefault(o)} | ${help} |`;
});
const table = [
  '| flag | environment | default | what it does |',
  '| --- | --- | --- | --- |',
  ...rows,
];

const path = join(root, 'README.md');
const readme = readFileSync(path, 'utf8');
const a = readme.indexOf(START);
const b = readme.indexOf(END);
if (a < 0 || b < a) throw new Error(`README.md needs ${START} and ${END} around the option table`);
const next = `${readme.slice(0, a + START.length)}\n${table.join('\n')}\n${readme.slice(b)}`;
writeFileSync(path, next);
console.log(`README.md: ${rows.length} options`);
