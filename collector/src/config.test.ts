import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig, OPTIONS } from './config.js';

const README = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

describe('options', () => {
  test('every option is in the README table with its flag and variable', () => {
    const rows = README.split('\n').filter((l) => l.startsWith('| `--'));
    const missing = OPTIONS.filter(
      (o) => !rows.some((r) => r.includes(`\`${o.flag.split(' ')[0]}\``) && r.includes(o.env)),
    ).map((o) => o.flag);
    // Regenerate with: npm run build && node scripts/config-table.mjs
    expect(missing).toEqual([]);
  });

  test('flags and variables are unique', () => {
    const flags = OPTIONS.map((o) => o.flag.split(' ')[0]);
    const envs = OPTIONS.map((o) => o.env);
    expect(new Set(flags).size).toBe(flags.length);
    expect(new Set(envs).size).toBe(envs.length);
  });

  test('an invalid value names its flag and variable', () => {
    expect(() => loadConfig({}, { AIOBS_PORT: 'x' })).toThrow(/--port \(AIOBS_PORT\)/);
  });

  test('--max-rss-bytes is a byte count, unset by default', () => {
    expect(loadConfig({}, {}).maxRssBytes).toBeUndefined();
    expect(loadConfig({}, { AIOBS_MAX_RSS_BYTES: '2147483648' }).maxRssBytes).toBe(2147483648);
    expect(() => loadConfig({}, { AIOBS_MAX_RSS_BYTES: '2G' })).toThrow(
      /--max-rss-bytes \(AIOBS_MAX_RSS_BYTES\)/,
    );
  });

  test('--ack-after is spool on the embedded engine, insert on a server or without the dedup; spool needs the dedup', () => {
    expect(loadConfig({}, {}).ackAfter).toBe('spool');
    expect(loadConfig({}, { AIOBS_INGEST_DEDUP: 'off' }).ackAfter).toBe('insert');
    const server = { CLICKHOUSE_URL: 'http://127.0.0.1:8123' };
    expect(loadConfig({}, server).ackAfter).toBe('insert');
    expect(loadConfig({}, { ...server, AIOBS_ACK_AFTER: 'spool' }).ackAfter).toBe('spool');
    expect(loadConfig({}, { AIOBS_ACK_AFTER: 'insert' }).ackAfter).toBe('insert');
    expect(loadConfig({}, { AIOBS_ACK_AFTER: 'spool' }).ackAfter).toBe('spool');
    expect(() => loadConfig({}, { AIOBS_ACK_AFTER: 'spool', AIOBS_INGEST_DEDUP: 'off' })).toThrow(
      /--ack-after spool needs --ingest-dedup on/,
    );
    expect(() => loadConfig({}, { AIOBS_ACK_AFTER: 'later' })).toThrow(/--ack-after/);
  });
});
