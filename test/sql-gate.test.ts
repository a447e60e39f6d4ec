import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ALLOWED_SQL, HOSTILE_SQL } from '../collector/src/query/__fixtures__/hostile-sql.js';
import { type RunningCollector, startCollector } from './helpers/collector.js';
import { encodeSpans } from './helpers/otlp.js';

/**
 * The hostile SQL corpus through `POST /api/v1/query` of a real collector process: every
 * statement refused with a clear error, the marker file's content never in a response,
 * no file written, no table created or dropped, no row deleted. Then the query limits on
 * every /api/v1 route, with a collector started with tiny limits.
 */

const SECRET = `aiobs-marker-${Math.random().toString(36).slice(2)}`;
let work: string;
let watched: string;
let secretPath: string;
let c: RunningCollector;
const responses: string[] = [];

function fill(sql: string): string {
  return sql
    .replaceAll('{{SECRET}}', secretPath)
    .replaceAll('{{OUT}}', join(watched, 'pwned.txt'))
    .replaceAll('{{DB}}', 'default');
}

async function query(target: RunningCollector, sql: string, params?: Record<string, unknown>) {
  const res = await fetch(`${target.url}/api/v1/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${target.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sql, params }),
  });
  const text = await res.text();
  responses.push(text);
  return { status: res.status, text, json: JSON.parse(text) as Record<string, unknown> };
}

/** Every file under `dir`, relative, sorted. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

async function tables(): Promise<string[]> {
  const r = await query(
    c,
    "SELECT database || '.' || name AS t FROM system.tables WHERE database NOT IN ('system', 'INFORMATION_SCHEMA', 'information_schema') ORDER BY t",
  );
  expect(r.status).toBe(200);
  return (r.json.rows as { t: string }[]).map((row) => row.t);
}

async function spanCount(): Promise<number> {
  const r = await query(c, 'SELECT count() AS n FROM otel_traces');
  return Number((r.json.rows as { n: number }[])[0]!.n);
}

async function ingest(target: RunningCollector, n: number) {
  const t0 = Date.now() - 60_000;
  const spans = Array.from({ length: n }, (_, i) => ({
    traceId: (i + 1).toString(16).padStart(32, 'c'),
    name: `op ${i}`,
    startMs: t0 + i,
    durationMs: 1,
  }));
  const res = await fetch(`${target.url}/v1/traces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${target.apiKey}`, 'content-type': 'application/x-protobuf' },
    body: Buffer.from(encodeSpans('gate-e2e', spans)),
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'aiobs-gate-e2e-'));
  watched = join(work, 'watched');
  mkdirSync(watched);
  secretPath = join(work, 'secret.txt');
  writeFileSync(secretPath, SECRET);
  c = await startCollector();
  await ingest(c, 4);
});
afterAll(async () => {
  await c?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('hostile SQL through /api/v1/query', () => {
  test('every statement of the corpus is refused and nothing runs', async () => {
    const tablesBefore = await tables();
    const spansBefore = await spanCount();
    const filesBefore = filesUnder(c.dataDir).filter((f) => f.includes('pwned'));
    for (const h of HOSTILE_SQL) {
      const r = await query(c, fill(h.sql), h.params);
      expect({ sql: h.sql, status: r.status }).toEqual({ sql: h.sql, status: h.status });
      const error = r.json.error as { code: string; message: string };
      expect(error.code).toBe(h.status === 403 ? 'forbidden' : 'bad_request');
      expect(error.message.length).toBeGreaterThan(0);
    }
    expect(await tables()).toEqual(tablesBefore);
    expect(await spanCount()).toBe(spansBefore);
    expect(readdirSync(watched)).toEqual([]);
    expect(filesUnder(c.dataDir).filter((f) => f.includes('pwned'))).toEqual(filesBefore);
    expect(readdirSync(process.cwd()).filter((f) => f.includes('pwned'))).toEqual([]);
    for (const text of responses) expect(text).not.toContain(SECRET);
    // The collector is still healthy after all of it.
    expect((await fetch(`${c.url}/api/v1/health`)).status).toBe(200);
  });

  test('forbidden constructs in random comments, spacing and case are refused', async () => {
    const gap = fc
      .array(
        fc.constantFrom(' ', '\n', '\t', '/* x */', '/* /* y */ */', '-- c\n', '# c\n', '// c\n'),
        {
          minLength: 1,
          maxLength: 3,
        },
      )
      .map((p) => p.join(''));
    const word = (w: string) =>
      fc
        .array(fc.boolean(), { minLength: w.length, maxLength: w.length })
        .map((f) => [...w].map((ch, i) => (f[i] ? ch.toUpperCase() : ch)).join(''));
    const forbidden = fc.oneof(
      fc.tuple(word('file'), gap).map(([f, g]) => `SELECT${g}${f}${g}('{{SECRET}}')`),
      fc.tuple(word('users'), gap).map(([u, g]) => `SELECT${g}*${g}FROM${g}system.${u}`),
      fc.tuple(word('outfile'), gap).map(([o, g]) => `SELECT${g}1${g}INTO${g}${o}${g}'{{OUT}}'`),
      gap.map(
        (g) => `SELECT${g}1;${g}CREATE${g}TABLE${g}pwned${g}(a${g}Int8)${g}ENGINE${g}=${g}Memory`,
      ),
    );
    const before = await tables();
    await fc.assert(
      fc.asyncProperty(forbidden, async (sql) => {
        const r = await query(c, fill(sql));
        expect([400, 403]).toContain(r.status);
        expect(r.text).not.toContain(SECRET);
      }),
      { numRuns: 60 },
    );
    expect(await tables()).toEqual(before);
    expect(readdirSync(watched)).toEqual([]);
  });

  test('ordinary statements still work', async () => {
    for (const a of ALLOWED_SQL) {
      const r = await query(c, a.sql, a.params);
      expect({ sql: a.sql, status: r.status }).toEqual({ sql: a.sql, status: 200 });
      expect(Array.isArray(r.json.rows)).toBe(true);
    }
    const ro = await query(c, "SELECT getSetting('readonly') AS ro");
    expect(ro.json.rows).toEqual([{ ro: 1 }]);
    const json = await query(c, 'SELECT 5 AS five FORMAT JSON');
    expect(json.json.rows).toEqual([{ five: 5 }]);
  });
});

describe('limits on every /api/v1 route', () => {
  let small: RunningCollector;
  beforeAll(async () => {
    small = await startCollector({ args: ['--query-max-rows', '3'] });
    await ingest(small, 6);
  });
  afterAll(async () => {
    await small?.stop();
  });

  test('/api/v1/query: a result over the row limit is a 413 that names the limit', async () => {
    const r = await query(small, 'SELECT number FROM numbers(10)');
    expect(r.status).toBe(413);
    expect(r.json.error).toMatchObject({ code: 'limit_exceeded' });
    expect((r.json.error as { message: string }).message).toMatch(/3 rows.*--query-max-rows/);
    expect((await query(small, 'SELECT number FROM numbers(3)')).status).toBe(200);
  });

  test('/api/v1/traces: the same limit applies, as an error rather than a truncated list', async () => {
    const res = await fetch(`${small.url}/api/v1/traces?from=${Date.now() - 3_600_000}&limit=50`, {
      headers: { authorization: `Bearer ${small.adminToken}` },
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('limit_exceeded');
    const fewer = await fetch(`${small.url}/api/v1/traces?from=${Date.now() - 3_600_000}&limit=2`, {
      headers: { authorization: `Bearer ${small.adminToken}` },
    });
    expect(fewer.status).toBe(200);
  });
});
