import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type ClickHouseClient, ClickHouseError, createClient } from '@clickhouse/client';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AccessCache } from '../auth/access-cache.js';
import { Authenticator } from '../auth/authenticator.js';
import { hashKey } from '../auth/keys.js';
import { loadConfig } from '../config.js';
import { createAuthRepo } from '../storage/auth-repo.js';
import { DEFAULT_QUERY_LIMITS } from '../storage/db.js';
import { type Engine, openEngine } from '../storage/engine.js';
import { migrate } from '../storage/migrate.js';
import { GRAFANA_PLUGIN_COMMIT, grafanaQueries } from './__fixtures__/grafana-plugin-sql.js';
import { clickHouseRoutes } from './routes.js';

// The Grafana-compatible ClickHouse endpoint over a real socket, on the embedded engine:
// `@clickhouse/client` as a user would configure it (username anything, password the read
// token), and the SQL the Grafana ClickHouse plugin generates replayed as its Go driver
// sends it (HTTP protocol, Native format, gzip). Spans and logs of two projects are
// stored; every answer must hold the token project's rows only.

const log = pino({ level: 'silent' });
const READ_P1 = 'aiobs_rk_p1-grafana-read-token';
const READ_P2 = 'aiobs_rk_p2-grafana-read-token';
const INGEST_P1 = 'aiobs_ik_p1-grafana-ingest-key';
const ADMIN = 'aiobs_at_grafana-admin-token';
const NOW = Date.now();
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

let dir: string;
let engine: Engine;
let server: ReturnType<typeof createAdaptorServer>;
let base: string;
let client: ClickHouseClient;

function span(project: string, i: number, traceId = `${project}-trace-${i}`) {
  return {
    ProjectId: project,
    Timestamp: new Date(NOW - 60_000 + i * 1000).toISOString(),
    TraceId: traceId,
    SpanId: `${project}-span-${i}`,
    ParentSpanId: i === 0 ? '' : `${project}-span-0`,
    ServiceName: `${project}-svc`,
    SpanName: i % 2 ? 'chat llm' : 'GET /x',
    SpanKind: 'Client',
    Duration: (i + 1) * 1_000_000,
    StatusCode: i === 2 ? 'Error' : 'Unset',
    SpanAttributes: { 'gen_ai.request.model': 'm', 'http.route': `/r'${i}` },
    ResourceAttributes: { 'service.name': `${project}-svc`, 'host.name': 'h1' },
  };
}

/** POST as the Grafana plugin's Go driver does with protocol HTTP. */
async function asGrafana(sql: string, token: string, format = 'Native') {
  return fetch(`${base}/clickhouse?default_format=${format}&enable_http_compression=1`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`grafana:${token}`).toString('base64')}`,
      'accept-encoding': 'gzip',
      'content-type': 'text/plain',
    },
    body: sql,
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-grafana-int-'));
  engine = await openEngine(loadConfig({ dataDir: dir }, {}));
  await migrate(engine, { retentionDays: 30, fsync: false }, log);
  const keys = createAuthRepo(engine);
  const key = (k: string, projectId: string, kind: 'read' | 'ingest' | 'admin') =>
    keys.insertKey({
      hash: hashKey(k),
      id: k.slice(-8),
      prefix: k.slice(0, 12),
      projectId,
      kind,
      name: k,
    });
  await key(READ_P1, 'p1', 'read');
  await key(READ_P2, 'p2', 'read');
  await key(INGEST_P1, 'p1', 'ingest');
  await key(ADMIN, 'default', 'admin');
  await engine.client.insert({
    table: 'otel_traces',
    format: 'JSONEachRow',
    values: [
      ...Array.from({ length: 5 }, (_, i) => span('p1', i, i < 3 ? TRACE_ID : undefined)),
      ...Array.from({ length: 3 }, (_, i) => span('p2', i, TRACE_ID)),
    ],
    clickhouse_settings: { date_time_input_format: 'best_effort' },
  });
  await engine.client.insert({
    table: 'otel_logs',
    format: 'JSONEachRow',
    values: ['p1', 'p1', 'p2'].map((project, i) => ({
      ProjectId: project,
      Timestamp: new Date(NOW - 30_000 + i).toISOString(),
      ServiceName: `${project}-svc`,
      SeverityText: i === 1 ? 'ERROR' : 'INFO',
      Body: `${project} line ${i}`,
    })),
    clickhouse_settings: { date_time_input_format: 'best_effort' },
  });
  // Inference rows and GPU minutes for the dashboards of deploy/grafana (the views roll them up).
  await engine.client.insert({
    table: 'aiobs_inferences',
    format: 'JSONEachRow',
    values: [
      ['p1', 'p1-model', 120],
      ['p1', 'p1-model', 80],
      ['p2', 'p2-model', 50],
    ].map(([project, model, ms], i) => ({
      project_id: project,
      time: new Date(NOW - 120_000 + i).toISOString().replace('T', ' ').replace('Z', ''),
      model,
      provider: 'acme',
      operation: 'chat',
      version: 'v1',
      duration_ms: ms,
      ttft_ms: 20,
      input_tokens: 100,
      output_tokens: 10,
    })),
  });
  await engine.client.insert({
    table: 'aiobs_host_metrics_1m',
    format: 'JSONEachRow',
    values: ['p1', 'p2'].map((project) => ({
      project_id: project,
      host: `${project}-host`,
      gpu: 'GPU-1',
      metric: 'hw.gpu.utilization',
      detail: '{"hw.gpu.task":"general"}',
      ts: new Date(Math.floor(NOW / 60_000) * 60_000 - 60_000)
        .toISOString()
        .slice(0, 19)
        .replace('T', ' '),
      gpu_name: 'H100',
      value_sum: 0.5,
      value_count: 1,
      value_min: 0.5,
      value_max: 0.5,
    })),
  });
  const authenticator = new Authenticator(keys);
  const access = new AccessCache({
    users: { findById: async () => undefined },
    members: { rolesOf: async () => new Map() },
  });
  const app = new Hono().route(
    '/clickhouse',
    clickHouseRoutes({ engine, limits: DEFAULT_QUERY_LIMITS, authenticator, access, log }),
  );
  server = createAdaptorServer({ fetch: app.fetch });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = createClient({
    url: base,
    pathname: '/clickhouse',
    username: 'grafana',
    password: READ_P1,
  });
}, 120_000);

afterAll(async () => {
  await client?.close();
  await new Promise((r) => server?.close(r));
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('@clickhouse/client against /clickhouse', () => {
  test('ping, and a query sees the token project only', async () => {
    expect((await client.ping()).success).toBe(true);
    const rs = await client.query({
      query: 'SELECT ProjectId, count() AS n FROM otel_traces GROUP BY ProjectId',
      format: 'JSONEachRow',
    });
    // 64-bit integers as the engine writes them (quoted or not, by its version's default).
    const rows = await rs.json<{ ProjectId: string; n: number | string }>();
    expect(rows.map((r) => [r.ProjectId, Number(r.n)])).toEqual([['p1', 5]]);
    expect(rs.query_id).toMatch(/\S/);
  });

  test('query parameters of several types, JSON with meta', async () => {
    const rs = await client.query({
      query: `SELECT SpanName, SpanAttributes['http.route'] AS route FROM otel_traces
              WHERE ServiceName = {svc:String} AND Duration >= {d:UInt64}
                AND SpanAttributes['http.route'] = {route:String} AND SpanName IN {names:Array(String)}`,
      query_params: {
        svc: 'p1-svc',
        d: 1_000_000,
        route: "/r'3",
        names: ['chat llm', "it's a \\ back"],
      },
      format: 'JSON',
    });
    const out = await rs.json<{ SpanName: string; route: string }>();
    expect(out.meta?.map((m) => m.name)).toEqual(['SpanName', 'route']);
    expect(out.data).toEqual([{ SpanName: 'chat llm', route: "/r'3" }]);
  });

  test('JSONCompact and TabSeparatedWithNamesAndTypes', async () => {
    const compact = await client.query({
      query: 'SELECT count() AS n FROM otel_logs',
      format: 'JSONCompact',
    });
    expect(
      ((await compact.json()) as { data: unknown[][] }).data.map((r) => r.map(Number)),
    ).toEqual([[2]]);
    const tsv = await client.query({
      query: "SELECT Body, SeverityText FROM otel_logs WHERE SeverityText = 'ERROR'",
      format: 'TabSeparatedWithNamesAndTypes',
    });
    expect(await tsv.text()).toBe(
      'Body\tSeverityText\nString\tLowCardinality(String)\np1 line 1\tERROR\n',
    );
  });

  test('errors are ClickHouse exceptions with their codes', async () => {
    const fails = async (query: string) => {
      try {
        await client.query({ query, format: 'JSONEachRow' });
      } catch (err) {
        expect(err).toBeInstanceOf(ClickHouseError);
        return err as ClickHouseError;
      }
      throw new Error(`no error for ${query}`);
    };
    expect((await fails('SELECT * FROM no_such_table')).type).toBe('UNKNOWN_TABLE');
    expect((await fails('SELEC 1')).type).toBe('SYNTAX_ERROR');
    expect((await fails("INSERT INTO otel_logs (Body) VALUES ('x')")).type).toBe('ACCESS_DENIED');
    expect((await fails('SELECT * FROM aiobs_api_keys')).type).toBe('ACCESS_DENIED');
    expect((await fails("SELECT * FROM file('/etc/passwd')")).type).toBe('ACCESS_DENIED');
    const res = await fetch(
      `${base}/clickhouse?query=${encodeURIComponent('SELECT * FROM nope')}`,
      {
        headers: { authorization: `Basic ${Buffer.from(`x:${READ_P1}`).toString('base64')}` },
      },
    );
    expect(res.status).toBe(404);
    expect(res.headers.get('x-clickhouse-exception-code')).toBe('60');
    expect(await res.text()).toMatch(/^Code: 60\. DB::Exception: .*\(UNKNOWN_TABLE\)\n$/s);
  });

  test('credentials: none 401, wrong or ingest key refused, read token of another project sees its own', async () => {
    const q = (password: string) =>
      createClient({ url: base, pathname: '/clickhouse', username: 'grafana', password })
        .query({ query: 'SELECT ProjectId FROM otel_logs', format: 'JSONEachRow' })
        .then((r) => r.json());
    await expect(q('')).rejects.toMatchObject({ type: 'REQUIRED_PASSWORD' });
    await expect(q('aiobs_rk_wrong')).rejects.toMatchObject({ type: 'AUTHENTICATION_FAILED' });
    await expect(q(INGEST_P1)).rejects.toMatchObject({ type: 'AUTHENTICATION_FAILED' });
    expect(await q(READ_P2)).toEqual([{ ProjectId: 'p2' }]);
    const none = await fetch(`${base}/clickhouse?query=SELECT%201`);
    expect(none.status).toBe(401);
    expect(none.headers.get('x-clickhouse-exception-code')).toBe('194');
  });

  test('the admin token names its project with ?project=; a read token cannot', async () => {
    const get = (token: string, project: string) =>
      fetch(
        `${base}/clickhouse?project=${project}&default_format=JSONEachRow&query=${encodeURIComponent('SELECT DISTINCT ProjectId FROM otel_traces')}`,
        { headers: { 'x-clickhouse-user': 'grafana', 'x-clickhouse-key': token } },
      );
    const admin = await get(ADMIN, 'p2');
    expect(admin.status).toBe(200);
    expect(await admin.text()).toBe('{"ProjectId":"p2"}\n');
    const other = await get(READ_P1, 'p2');
    expect(other.status).toBe(404);
    expect(other.headers.get('x-clickhouse-exception-code')).toBe('81');
  });

  test('Native answers are the engine bytes, unchanged (binary-safe)', async () => {
    const sql = 'SELECT toUInt64(18446744073709551615) AS x, count() AS n FROM otel_logs';
    const res = await asGrafana(sql, READ_P1);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-clickhouse-format')).toBe('Native');
    const got = Buffer.from(await res.arrayBuffer());
    const direct = await engine.client.exec({
      query: `SELECT toUInt64(18446744073709551615) AS x, count() AS n FROM otel_logs WHERE ProjectId = 'p1' FORMAT Native`,
    });
    const chunks: Buffer[] = [];
    for await (const c of direct.stream) chunks.push(Buffer.from(c as Uint8Array));
    expect(got.equals(Buffer.concat(chunks))).toBe(true);
  });
});

describe(`SQL of the Grafana ClickHouse plugin (grafana/clickhouse-datasource@${GRAFANA_PLUGIN_COMMIT.slice(0, 10)})`, () => {
  const queries = grafanaQueries({
    fromSec: Math.floor(NOW / 1000) - 3600,
    toSec: Math.floor(NOW / 1000) + 60,
    traceId: TRACE_ID,
  });
  for (const q of queries)
    test(`${q.name}: Native over gzip answers 200; JSON shows the token project only`, async () => {
      const native = await asGrafana(q.sql, READ_P1);
      const nativeBody = Buffer.from(await native.arrayBuffer());
      expect(native.status, nativeBody.toString()).toBe(200);
      expect(native.headers.get('content-encoding')).toBe('gzip');
      const res = await asGrafana(q.sql, READ_P1, 'JSON');
      const out = (await res.json()) as { data: Record<string, unknown>[] };
      q.check(out.data);
    });
});

describe('deploy/grafana dashboards through /clickhouse', () => {
  const dir = resolve(import.meta.dirname, '..', '..', '..', 'deploy', 'grafana', 'dashboards');
  const fromSec = Math.floor(NOW / 1000) - 6 * 3600;
  const toSec = Math.floor(NOW / 1000) + 60;
  /** The plugin's macros (pkg/macros/macros.go) and Grafana's variables, as sent for p1. */
  const expand = (sql: string) =>
    sql
      .replace(
        /\$__timeFilter\(([^)]+)\)/g,
        `$1 >= toDateTime(${fromSec}) AND $1 <= toDateTime(${toSec})`,
      )
      .replace(
        /\$__timeInterval\(([^)]+)\)/g,
        'toStartOfInterval(toDateTime($1), INTERVAL 60 second)',
      )
      .replaceAll('$__interval_s', '60')
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax
      .replaceAll('${project}', 'p1');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  const sqlOf = (f: string) => {
    const d = JSON.parse(readFileSync(join(dir, f), 'utf8')) as {
      panels: { title: string; targets: { rawSql: string }[] }[];
      templating: { list: { name: string; query?: { rawSql?: string } }[] };
    };
    return [
      ...d.templating.list
        .filter((v) => v.query?.rawSql)
        .map((v) => ({ name: `variable ${v.name}`, sql: v.query!.rawSql! })),
      ...d.panels.flatMap((p) => p.targets.map((t) => ({ name: p.title, sql: t.rawSql }))),
    ];
  };

  test('the four dashboards are there', () => {
    expect(files.sort()).toEqual([
      'cost.json',
      'gpus.json',
      'inference-latency.json',
      'tokens.json',
    ]);
  });

  test("cost.json prices a project without its own list at the instance's, never at another project's", async () => {
    await engine.client.insert({
      table: 'aiobs_prices',
      format: 'JSONEachRow',
      values: [
        ['', 1, 1000],
        ['p2', 2, 5000],
      ].map(([project, revision, usd]) => ({
        project_id: project,
        revision,
        provider: 'acme',
        model: 'p1-model',
        effective_from: '2020-01-01',
        input_per_million: usd,
        output_per_million: 0,
        cache_read_per_million: usd,
        source: 'test',
      })),
    });
    const table = sqlOf('cost.json').find((q) => q.sql.includes('sum(requests)'))!;
    const res = await asGrafana(expand(table.sql), READ_P1, 'JSONEachRow');
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const rows = text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { usd: number });
    // Two p1 inferences of 100 input tokens at the instance's 1,000 USD per million.
    expect(rows.reduce((a, r) => a + Number(r.usd), 0)).toBeCloseTo(0.2, 9);
    // Only the shared rows and p1's own are readable, never p2's list.
    const prices = await asGrafana(
      'SELECT DISTINCT project_id FROM aiobs_prices',
      READ_P1,
      'JSONEachRow',
    );
    expect((await prices.text()).trim()).toBe('{"project_id":""}');
  });

  for (const f of files)
    for (const { name, sql } of sqlOf(f))
      test(`${f}: ${name} runs and shows project p1 only`, async () => {
        const res = await asGrafana(expand(sql), READ_P1, 'JSONEachRow');
        const text = await res.text();
        expect(res.status, text).toBe(200);
        expect(text).not.toContain('p2');
        // Every panel over seeded data has rows; every label they carry is p1's.
        if (/aiobs_inference|hw\.gpu\.utilization/.test(sql)) expect(text.trim()).not.toBe('');
        for (const line of text.split('\n').filter(Boolean)) {
          const row = JSON.parse(line) as Record<string, unknown>;
          for (const k of ['model', 'project_id', 'gpu_label', 'series'])
            if (k in row) expect(String(row[k])).toContain('p1');
        }
      });
});
