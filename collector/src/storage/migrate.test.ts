import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadMigrations, MIGRATION_FOLDERS, renderMigration } from './migrate.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A temp folder holding the given migration files. */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'aiobs-migrations-'));
  dirs.push(dir);
  mkdirSync(dir, { recursive: true });
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

describe('migration sequence', () => {
  test('the shipped folders form one sequence with unique numbers', () => {
    const all = loadMigrations();
    const versions = all.map((m) => m.version);
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    // Every folder contributes: module tables live beside their module.
    for (const f of MIGRATION_FOLDERS)
      expect(
        all.some((m) => m.dir.endsWith(f)),
        f,
      ).toBe(true);
  });

  test('folders merge into one numbered order', () => {
    const a = folder({ '0001_a.sql': 'SELECT 1', '0003_c.sql': 'SELECT 3' });
    const b = folder({ '0002_b.sql': 'SELECT 2', 'README.md': 'not a migration' });
    expect(loadMigrations([a, b]).map((m) => `${m.version}:${m.name}`)).toEqual([
      '1:a',
      '2:b',
      '3:c',
    ]);
  });

  test('two files with one number are refused, across folders or in one', () => {
    const a = folder({ '0001_a.sql': 'SELECT 1', '0002_b.sql': 'SELECT 2' });
    const b = folder({ '0002_other.sql': 'SELECT 2' });
    expect(() => loadMigrations([a, b])).toThrow(/two migrations share number 0002/);
    const c = folder({ '0005_x.sql': 'SELECT 1', '0005_y.sql': 'SELECT 2' });
    expect(() => loadMigrations([c])).toThrow(/0005.*x.*y/);
  });

  test('every shipped template renders with the known parameters only', () => {
    const params = {
      db: 'd',
      on_cluster: '',
      engine: 'MergeTree',
      replacing_engine: 'ReplacingMergeTree',
      aggregating_engine: 'AggregatingMergeTree',
      ttl_days: '30',
      rollup_1m_ttl_days: '90',
      rollup_1h_ttl_days: '730',
    };
    for (const m of loadMigrations()) {
      const statements = renderMigration(m.sql, params);
      expect(statements.length, m.name).toBeGreaterThan(0);
      for (const s of statements) expect(s, m.name).not.toMatch(/\{\{/);
    }
    expect(() => renderMigration('SELECT {{nope}}', params)).toThrow(/nope/);
  });
});
