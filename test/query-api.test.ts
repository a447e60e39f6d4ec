import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from './helpers/collector.js';
import { encodeSpans } from './helpers/otlp.js';

let c: RunningCollector;
const t0 = Date.now() - 10 * 60_000;
const traceIds: string[] = [];

async function post(path: string, body: Uint8Array | string, type = 'application/x-protobuf') {
  const res = await fetch(c.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.apiKey}`, 'content-type': type },
    body: typeof body === 'string' ? body : Buffer.from(body),
  });
  expect(res.status).toBe(200);
}

function query(sql: string, params?: Record<string, unknown>) {
  return fetch(`${c.url}/api/v1/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sql, params }),
  });
}

beforeAll(async () => {
  c = await startCollector();
  // 12 traces: durations 10..120 ms, every third one failed, alternating models.
  const specs = Array.from({ length: 12 }, (_, i) => {
    const traceId = (i + 1).toString(16).padStart(32, 'a');
    traceIds.push(traceId);
    return {
      traceId,
      name: i % 2 ? 'chat gpt-4o' : 'embeddings',
      startMs: t0 + i * 1000,
      durationMs: (i + 1) * 10,
      attributes: { 'gen_ai.request.model': i % 2 ? 'gpt-4o' : 'text-embedding-3-small', i },
    };
  });
  await post('/v1/traces', encodeSpans('api-test', specs));
  const errors = JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api-test' } }] },
        scopeSpans: [
          {
            spans: traceIds
              .filter((_, i) => i % 3 === 0)
              .map((traceId, k) => ({
                traceId,
                spanId: `${k + 1}`.padStart(16, 'b'),
                parentSpanId: '',
                name: 'failing child',
                kind: 3,
                startTimeUnixNano: String((t0 + k * 3000) * 1e6),
                endTimeUnixNano: String((t0 + k * 3000 + 1) * 1e6),
                status: { code: 2, message: 'boom' },
              })),
          },
        ],
      },
    ],
  });
  await post('/v1/traces', errors, 'application/json');
  const logs = JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api-test' } }] },
        scopeLogs: [
          {
            logRecords: Array.from({ length: 7 }, (_, i) => ({
              timeUnixNano: String((t0 + i * 1000) * 1e6),
              severityNumber: i < 2 ? 17 : 9,
              severityText: i < 2 ? 'ERROR' : 'INFO',
              body: { stringValue: `log line ${i}${i === 3 ? ' needle' : ''}` },
              traceId: traceIds[i],
              attributes: [{ key: 'n', value: { intValue: String(i) } }],
            })),
          },
        ],
      },
    ],
  });
  await post('/v1/logs', logs, 'application/json');
});
afterAll(async () => {
  await c.stop();
});

describe('query API', () => {
  test('health answers without credentials', async () => {
    const res = await fetch(`${c.url}/api/v1/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      // A server under AIOBS_TEST_STORE=server (npm run test:server).
      storage: { kind: c.clickhouse ? 'server' : 'embedded', reachable: true },
    });
  });

  test('services list counts spans and errors', async () => {
    const res = await c.api<{
      services: { name: string; spanCount: number; errorCount: number; errorRate: number }[];
    }>(`/api/v1/services?from=${t0 - 1000}`);
    expect(res.services).toEqual([
      expect.objectContaining({ name: 'api-test', spanCount: 16, errorCount: 4 }),
    ]);
  });

  test('traces: filters by status, duration, name and attribute', async () => {
    const base = `/api/v1/traces?from=${t0 - 1000}&service=api-test`;
    const errors = await c.api<{
      traces: { traceId: string; error: boolean; spanCount: number }[];
    }>(`${base}&status=error`);
    expect(errors.traces.map((t) => t.traceId).sort()).toEqual(
      traceIds.filter((_, i) => i % 3 === 0).sort(),
    );
    expect(errors.traces.every((t) => t.error && t.spanCount === 2)).toBe(true);
    const ok = await c.api<{ traces: unknown[] }>(`${base}&status=ok`);
    expect(ok.traces).toHaveLength(8);
    const slow = await c.api<{ traces: { durationMs: number }[] }>(`${base}&minDurationMs=100`);
    expect(slow.traces.map((t) => t.durationMs).sort((a, b) => a - b)).toEqual([100, 110, 120]);
    const fast = await c.api<{ traces: unknown[] }>(`${base}&maxDurationMs=30`);
    expect(fast.traces).toHaveLength(3);
    const named = await c.api<{ traces: { rootSpan: { name: string } }[] }>(
      `${base}&name=embeddings`,
    );
    expect(named.traces).toHaveLength(6);
    const byAttr = await c.api<{ traces: unknown[] }>(`${base}&attr.gen_ai.request.model=gpt-4o`);
    expect(byAttr.traces).toHaveLength(6);
    const none = await c.api<{ traces: unknown[] }>(`${base}&attr.gen_ai.request.model=nope`);
    expect(none.traces).toHaveLength(0);
  });

  test('traces: newest first, paged with an opaque cursor, sortable by duration', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { traces: { traceId: string; startTime: string }[]; nextCursor: string | null } =
        await c.api(`/api/v1/traces?from=${t0 - 1000}&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.traces.map((t) => t.traceId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...traceIds].reverse());
    const byDuration = await c.api<{ traces: { durationMs: number }[] }>(
      `/api/v1/traces?from=${t0 - 1000}&sort=duration&limit=3`,
    );
    expect(byDuration.traces.map((t) => t.durationMs)).toEqual([120, 110, 100]);
  });

  test('trace by id: every span; 404 for an unknown id, 400 for a malformed one', async () => {
    const res = await c.api<{ spans: { name: string; statusCode: string }[] }>(
      `/api/v1/traces/${traceIds[0]}`,
    );
    expect(res.spans.map((s) => s.name).sort()).toEqual(['embeddings', 'failing child']);
    const missing = await fetch(`${c.url}/api/v1/traces/${'f'.repeat(32)}`, {
      headers: { authorization: `Bearer ${c.adminToken}` },
    });
    expect(missing.status).toBe(404);
    const bad = await fetch(`${c.url}/api/v1/traces/xyz`, {
      headers: { authorization: `Bearer ${c.adminToken}` },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: {
        code: 'bad_request',
        message: 'traceId must be 32 hex characters',
        field: 'traceId',
      },
    });
  });

  test('logs: severity, trace id and text filters, and paging', async () => {
    const base = `/api/v1/logs?from=${t0 - 1000}&service=api-test`;
    const errors = await c.api<{ logs: { body: string }[] }>(`${base}&severity=error`);
    expect(errors.logs.map((l) => l.body).sort()).toEqual(['log line 0', 'log line 1']);
    const byTrace = await c.api<{ logs: { body: string; attributes: Record<string, string> }[] }>(
      `${base}&traceId=${traceIds[4]}`,
    );
    expect(byTrace.logs).toEqual([
      expect.objectContaining({ body: 'log line 4', attributes: { n: '4' } }),
    ]);
    const text = await c.api<{ logs: { body: string }[] }>(`${base}&q=NEEDLE`);
    expect(text.logs.map((l) => l.body)).toEqual(['log line 3 needle']);
    const p1 = await c.api<{ logs: { body: string }[]; nextCursor: string }>(`${base}&limit=4`);
    const p2 = await c.api<{ logs: { body: string }[]; nextCursor: string | null }>(
      `${base}&limit=4&cursor=${p1.nextCursor}`,
    );
    expect([...p1.logs, ...p2.logs].map((l) => l.body)).toEqual([
      'log line 6',
      'log line 5',
      'log line 4',
      'log line 3 needle',
      'log line 2',
      'log line 1',
      'log line 0',
    ]);
    expect(p2.nextCursor).toBeNull();
  });

  test('invalid parameters are 400s naming the field', async () => {
    for (const [path, field] of [
      ['/api/v1/traces?from=yesterday', 'from'],
      ['/api/v1/traces?limit=0', 'limit'],
      ['/api/v1/traces?status=maybe', 'status'],
      ['/api/v1/traces?cursor=garbage', 'cursor'],
      ['/api/v1/logs?severity=loud', 'severity'],
      ['/api/v1/metrics/series', 'name'],
      ['/api/v1/traces?from=2000&to=1000', 'from'],
    ] as const) {
      const res = await fetch(c.url + path, {
        headers: { authorization: `Bearer ${c.adminToken}` },
      });
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: { field: string } }).error.field, path).toBe(field);
    }
  });

  test('POST /api/v1/query runs read-only SQL with bound parameters', async () => {
    const res = await query(
      'SELECT count() AS n FROM otel_traces WHERE ServiceName = {s:String} AND ProjectId = {project:String}',
      { s: 'api-test' },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ rows: [{ n: expect.anything() }] });
    const rows = (
      (await (
        await query(
          'SELECT SpanName FROM otel_traces WHERE TraceId = {id:String} ORDER BY SpanName',
          { id: traceIds[0] },
        )
      ).json()) as { rows: { SpanName: string }[] }
    ).rows;
    expect(rows.map((r) => r.SpanName)).toEqual(['embeddings', 'failing child']);
  });

  test('POST /api/v1/query refuses writes, DDL and reads outside the database', async () => {
    for (const sql of [
      'INSERT INTO otel_traces (TraceId) VALUES (1)',
      'DROP TABLE otel_traces',
      'CREATE TABLE x (a Int32) ENGINE = Memory',
      'ALTER TABLE otel_traces DELETE WHERE 1',
      "SELECT * FROM file('/etc/passwd', 'LineAsString')",
      "SELECT file('/etc/hostname')",
      "SELECT * FROM url('http://127.0.0.1:1/', 'CSV')",
      "SELECT * FROM s3('http://127.0.0.1:1/x.csv')",
      "SELECT * FROM remote('127.0.0.1', system.one)",
      "SELECT * FROM (SELECT 1) WHERE 1 IN (SELECT * FROM postgresql('h', 'd', 't', 'u', 'p'))",
      'SET readonly = 0',
    ]) {
      const res = await query(sql);
      expect(res.status, sql).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    }
    for (const sql of [
      'SELECT 1; DROP TABLE otel_traces',
      'SELECT 1 SETTINGS readonly = 0',
      'SELECT 1 FORMAT Pretty',
      'SELECT FROM WHERE',
      '',
    ]) {
      const res = await query(sql);
      expect(res.status, sql).toBe(400);
    }
    const still = await query('SELECT count() AS n FROM otel_traces');
    expect(still.status).toBe(200);
  });
});
