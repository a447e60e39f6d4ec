import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Config, loadConfig } from '../config.js';
import { AppError } from '../errors.js';
import { type QueryLimits, queryLimitsFromConfig } from '../storage/db.js';
import { type Engine, openEngine } from '../storage/engine.js';
import { migrate } from '../storage/migrate.js';
import { ALLOWED_SQL, HOSTILE_SQL } from './__fixtures__/hostile-sql.js';
import { createSqlGate, type SqlGate } from './sql-gate.js';

const log = pino({ level: 'silent' });
const SECRET = `aiobs-marker-${Math.random().toString(36).slice(2)}`;
let dir: string;
let watched: string;
let secretPath: string;
let config: Config;
let engine: Engine;
let gate: SqlGate;
let limits: QueryLimits;

function fill(sql: string): string {
  return sql
    .replaceAll('{{SECRET}}', secretPath)
    .replaceAll('{{OUT}}', join(watched, 'pwned.txt'))
    .replaceAll('{{DB}}', config.clickhouseDatabase);
}

async function tableList(): Promise<string[]> {
  const rs = await engine.client.query({
    query:
      "SELECT database || '.' || name AS t FROM system.tables WHERE database NOT IN ('system', 'INFORMATION_SCHEMA', 'information_schema') ORDER BY t",
    format: 'JSONEachRow',
  });
  return (await rs.json<{ t: string }>()).map((r) => r.t);
}

async function traceCount(): Promise<number> {
  const rs = await engine.client.query({
    query: `SELECT count() AS n FROM ${config.clickhouseDatabase}.otel_traces`,
    format: 'JSONEachRow',
  });
  return Number((await rs.json<{ n: string }>())[0]!.n);
}

/** Runs `sql` through the gate; the HTTP status it would answer and the body text. */
async function attempt(sql: string, params?: Record<string, unknown>) {
  try {
    const r = await gate.run(sql, { params });
    return { status: 200, body: r.body.toString('utf8') };
  } catch (err) {
    if (err instanceof AppError) return { status: err.status as number, body: err.message };
    throw err;
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-gate-'));
  watched = join(dir, 'watched');
  mkdirSync(watched);
  secretPath = join(dir, 'secret.txt');
  writeFileSync(secretPath, SECRET);
  config = loadConfig({ dataDir: join(dir, 'data') }, {});
  engine = await openEngine(config);
  await migrate(engine, { retentionDays: config.retentionDays, fsync: false }, log);
  limits = queryLimitsFromConfig(config);
  gate = createSqlGate(engine, { database: config.clickhouseDatabase, limits });
  await engine.client.command({
    query: `INSERT INTO default.otel_traces (Timestamp, TraceId, SpanId, ProjectId, SpanName) VALUES (now64(9), 't1', 's1', 'p1', 'a'), (now64(9), 't2', 's2', 'p2', 'b')`,
  });
});
afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('hostile corpus on the real engine', () => {
  test.each(HOSTILE_SQL.map((c) => [c.why, c] as const))('%s', async (_why, c) => {
    const before = await tableList();
    const rows = await traceCount();
    const r = await attempt(fill(c.sql), c.params);
    expect({ sql: c.sql, status: r.status }).toEqual({ sql: c.sql, status: c.status });
    expect(r.body).not.toContain(SECRET);
    expect(await tableList()).toEqual(before);
    expect(await traceCount()).toBe(rows);
    expect(readdirSync(watched)).toEqual([]);
  });
});

describe('allowed statements', () => {
  test.each(ALLOWED_SQL.map((c) => [c.sql, c] as const))('%s', async (_sql, c) => {
    const r = await attempt(c.sql, c.params);
    expect({ status: r.status, body: r.body }).toMatchObject({ status: 200 });
  });

  test('results match what the statement says', async () => {
    const rows = async (sql: string, params?: Record<string, unknown>) =>
      (await gate.run(sql, { params })).body
        .toString('utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
    expect(await rows('SELECT {n:UInt8} + 1 AS n', { n: 41 })).toEqual([{ n: 42 }]);
    expect(await rows("SELECT getSetting('readonly') AS ro")).toEqual([{ ro: 1 }]);
    expect(await rows('SELECT count() AS n FROM otel_traces')).toEqual([{ n: 2 }]);
    // The statement's own FORMAT is used unless the caller of run() picks one.
    const own = await gate.run('SELECT 7 AS a FORMAT JSON');
    expect(own.format).toBe('JSON');
    expect(JSON.parse(own.body.toString()).data).toEqual([{ a: 7 }]);
    const picked = await gate.run('SELECT 7 AS a FORMAT JSON', { format: 'JSONEachRow' });
    expect(picked.body.toString().trim()).toBe('{"a":7}');
    const tables = await rows('SHOW TABLES');
    expect(tables.map((t) => t.name)).toContain('otel_traces');
  });

  test('check() returns the canonical statement and the FORMAT apart', async () => {
    const checked = await gate.check('select  1 /* c */ format JSONCompact');
    expect(checked).toMatchObject({ statement: 'SELECT 1', format: 'JSONCompact' });
  });

  test('check() only parses: a scalar subquery is not evaluated', async () => {
    const checked = await gate.check("SELECT (SELECT throwIf(1, 'evaluated'))");
    expect(checked.statement).toContain('throwIf');
    const native = await gate.check('SELECT 1 FORMAT Native');
    expect(native).toMatchObject({ statement: 'SELECT 1', format: 'Native' });
  });

  test('a parameter the client cannot bind exactly is a 400 naming it', async () => {
    const r = await attempt('SELECT {x:Float64}', { x: -7.76e215 });
    expect(r).toMatchObject({ status: 400 });
    expect(r.body).toMatch(/params\.x/);
  });

  test('caller SETTINGS are refused before any statement carrying them reaches the engine', async () => {
    // Applied to the EXPLAIN, max_result_rows = 1 would fail it with a limit message.
    const r = await attempt(
      "SELECT * FROM (SELECT 1 SETTINGS max_result_rows = 1, result_overflow_mode = 'throw')",
    );
    expect(r).toEqual({
      status: 400,
      body: 'SETTINGS clauses are not accepted; the API sets the limits itself',
    });
  });

  test('a syntax error is a 400 with the engine message', async () => {
    const r = await attempt('SELEC 1');
    expect(r.status).toBe(400);
    expect(r.body).toMatch(/Syntax error/);
  });
});

describe('tables an operator made over other data', () => {
  test('views, Merge tables and engines over files are refused; MergeTree tables are not', async () => {
    // Made behind the gate's back, as an operator with DDL rights could.
    await engine.client.command({
      query: 'CREATE VIEW default.v_users AS SELECT name FROM system.users',
    });
    await engine.client.command({
      query: "CREATE TABLE default.m_users ENGINE = Merge('system', '^users$')",
    });
    try {
      for (const sql of ['SELECT * FROM v_users', 'SELECT * FROM default.m_users']) {
        const r = await attempt(sql);
        expect({ sql, status: r.status }).toEqual({ sql, status: 403 });
        expect(r.body).toMatch(/(View|Merge) table/);
      }
      expect((await attempt('SELECT count() FROM otel_traces')).status).toBe(200);
    } finally {
      await engine.client.command({ query: 'DROP VIEW default.v_users' });
      await engine.client.command({ query: 'DROP TABLE default.m_users' });
    }
  });
});

describe('project scope', () => {
  test('the engine filters every project table to the caller project', async () => {
    const r = await gate.run('SELECT TraceId FROM otel_traces ORDER BY TraceId', {
      projectScope: { projectId: "p1' OR '1'='1" },
    });
    expect(r.body.toString()).toBe('');
    const backslash = await gate.run('SELECT TraceId FROM otel_traces', {
      projectScope: { projectId: "p1\\' OR 1 = 1 OR '" },
    });
    expect(backslash.body.toString()).toBe('');
    const p1 = await gate.run(
      'SELECT TraceId FROM otel_traces WHERE TraceId IN (SELECT TraceId FROM default.otel_traces)',
      { projectScope: { projectId: 'p1' } },
    );
    expect(p1.body.toString().trim()).toBe('{"TraceId":"t1"}');
    const unscoped = await gate.run('SELECT count() AS n FROM otel_traces');
    expect(unscoped.body.toString().trim()).toBe('{"n":2}');
  });

  test('a scoped caller cannot read a table without a project column', async () => {
    const r = await gate
      .run('SELECT * FROM default.aiobs_schema_migrations', { projectScope: { projectId: 'p1' } })
      .catch((e: AppError) => e);
    expect(r).toBeInstanceOf(AppError);
    expect((r as AppError).status).toBe(403);
  });
});

describe('limits', () => {
  test('a result over the row limit is a 413 that says so, not a truncated answer', async () => {
    const small = createSqlGate(engine, {
      database: 'default',
      limits: { ...limits, maxRows: 10 },
    });
    const err = await small.run('SELECT number FROM numbers(100)').catch((e: AppError) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(413);
    expect((err as AppError).message).toMatch(/10 rows/);
  });

  test('a result over the byte limit is a 413', async () => {
    const small = createSqlGate(engine, {
      database: 'default',
      limits: { ...limits, maxResultBytes: 2048 },
    });
    const err = await small.run("SELECT repeat('x', 100) FROM numbers(100)").catch((e) => e);
    expect((err as AppError).status).toBe(413);
  });

  test('a query over the memory limit is a 413', async () => {
    const small = createSqlGate(engine, {
      database: 'default',
      limits: { ...limits, maxMemoryBytes: 8 * 1024 * 1024 },
    });
    const err = await small.run('SELECT groupArray(number) FROM numbers(10000000)').catch((e) => e);
    expect((err as AppError).status).toBe(413);
    expect((err as AppError).message).toMatch(/memory/);
  });

  test('a query over the time limit is an error that names the limit', async () => {
    const small = createSqlGate(engine, {
      database: 'default',
      limits: { ...limits, timeoutSeconds: 1 },
    });
    const err = await small.run('SELECT count() FROM numbers(100000000000)').catch((e) => e);
    expect((err as AppError).status).toBe(400);
    expect((err as AppError).message).toMatch(/--query-timeout/);
  });
});

describe('property: forbidden constructs stay forbidden under any comments, spacing and case', () => {
  const gap = fc
    .array(
      fc.constantFrom(' ', '\n', '\t', '/* x */', '/* /* y */ */', '-- c\n', '# c\n', '// c\n'),
      { minLength: 1, maxLength: 3 },
    )
    .map((parts) => parts.join(''));
  const casing = (word: string) =>
    fc
      .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
      .map((flags) => [...word].map((ch, i) => (flags[i] ? ch.toUpperCase() : ch)).join(''));
  const forbidden = fc.oneof(
    fc.tuple(casing('file'), gap).map(([f, g]) => `SELECT${g}${f}${g}('{{SECRET}}')`),
    fc.tuple(casing('system'), gap).map(([s, g]) => `SELECT${g}*${g}FROM${g}${s}.users`),
    fc.tuple(casing('into'), gap).map(([i, g]) => `SELECT${g}1${g}${i}${g}OUTFILE${g}'{{OUT}}'`),
    fc.tuple(casing('settings'), gap).map(([s, g]) => `SELECT${g}1${g}${s}${g}readonly${g}=${g}0`),
    gap.map(
      (g) => `SELECT${g}1;${g}CREATE${g}TABLE${g}pwned${g}(a${g}Int8)${g}ENGINE${g}=${g}Memory`,
    ),
    gap.map((g) => `SELECT${g}*${g}FROM${g}numbers(1)${g}JOIN${g}file('{{SECRET}}')${g}ON${g}1`),
  );
  test('every generated statement is refused and nothing runs', async () => {
    const before = await tableList();
    await fc.assert(
      fc.asyncProperty(forbidden, async (sql) => {
        const r = await attempt(fill(sql));
        expect([400, 403]).toContain(r.status);
        expect(r.body).not.toContain(SECRET);
      }),
      { numRuns: 150 },
    );
    expect(await tableList()).toEqual(before);
    expect(readdirSync(watched)).toEqual([]);
  });
});
