import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const root = join(import.meta.dirname, '..');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'bench', 'drift.mjs'), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });

test('a benchmark lists its options on --help', () => {
  const r = run('--help');
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('usage: npm run bench -- drift [options]');
  expect(r.stdout).toContain('--rounds <value> (default "5")');
});

test('an unknown option or a missing value is named, with the options, and no stack trace', () => {
  const unknown = run('--bogus');
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toContain("Unknown option '--bogus'");
  expect(unknown.stderr).toContain('--features <value>');
  expect(unknown.stderr).not.toMatch(/\n\s+at /);
  const missing = run('--rounds');
  expect(missing.status).toBe(2);
  expect(missing.stderr).toContain("Option '--rounds <value>' argument missing");
});
