import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ClickHouseFixture, startClickHouse } from './helpers/clickhouse-server.js';
import { REPO_ROOT, type RunningCollector, startCollector } from './helpers/collector.js';
import { encodeSpans, type SpanSpec } from './helpers/otlp.js';

// Moving from the embedded engine to a server (docs/scaling.md, issue 13 item 8) end to end:
// a collector on the embedded engine is given every kind of data the product stores (GenAI
// and predict spans with versions, variants, features and predictions, feedback and plain
// logs, GPU and client metrics of every OTLP type, a channel and an alert rule, a drift
// baseline, an ingest key) and stopped with SIGTERM; a collector creates the schema on the
// ClickHouse HTTP fixture (plain, then as a one-shard cluster) and stops; then
// scripts/copy-embedded.mjs copies the data dir. Every table of the source must hold as
// many rows on the target, and a collector on the target must answer the old data and
// accept the old credentials.

const execFileP = promisify(execFile);
const COPY_SCRIPT = join(REPO_ROOT, 'scripts', 'copy-embedded.mjs');

const NOW = Date.now();
const START = NOW - 40 * 60_000;
const LLM = 'e2e/copy-llm';
const CLF = 'e2e/copy-clf';
/** Spans per request and requests: a few thousand spans, in batches a collector really sends. */
const BATCH = 1000;
const BATCHES = 3;
const VIEWER = 'viewer@copy.example';
const GPUS = [
  'GPU-3f1c0e55-0000-4000-8000-000000000001',
  'GPU-3f1c0e55-0000-4000-8000-000000000002',
];

/** Deterministic values spread over [0, 1). */
const u = (i: number) => (((i * 0.6180339887498949) % 1) + 1) % 1;

/** Batch `b`: an LLM chat span and a classifier predict span in turns, over the last 40 min. */
function spanBatch(b: number): SpanSpec[] {
  return Array.from({ length: BATCH }, (_, j) => {
    const i = b * BATCH + j;
    const startMs = START + Math.floor((i * 30 * 60_000) / (BATCH * BATCHES));
    // Both models get both versions: the LLM on even span numbers, the classifier on odd.
    const version = Math.floor(i / 2) % 4 === 0 ? 'v2' : 'v1';
    const variant = version === 'v2' ? 'canary' : 'control';
    if (i % 2 === 0)
      return {
        traceId: traceIdOf(i),
        name: `chat ${LLM}`,
        startMs,
        durationMs: 200 + Math.round(800 * u(i)),
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': LLM,
          'gen_ai.response.model': LLM,
          'gen_ai.usage.input_tokens': 100 + (i % 50),
          'gen_ai.usage.output_tokens': 20 + (i % 30),
          'gen_ai.response.finish_reasons': ['stop'],
          'gen_ai.response.time_to_first_chunk': 0.05 + u(i * 3) / 10,
          'aiobs.model.version': version,
          'aiobs.deployment.variant': variant,
          ...(i % 97 === 0 ? { 'error.type': 'timeout' } : {}),
        },
      };
    return {
      traceId: traceIdOf(i),
      name: `predict ${CLF}`,
      startMs,
      durationMs: 5 + Math.round(20 * u(i)),
      attributes: {
        'gen_ai.operation.name': 'predict',
        'gen_ai.request.model': CLF,
        'aiobs.model.version': version,
        'aiobs.deployment.variant': variant,
        'aiobs.prediction.id': `p-${i}`,
        'aiobs.prediction.label': i % 3 === 0 ? 'fraud' : 'ok',
        'aiobs.prediction.score': Math.round(u(i * 7) * 1000) / 1000,
        'aiobs.feature.amount': Math.round(1000 * u(i * 11)) / 10,
        'aiobs.feature.country': ['de', 'fr', 'us'][i % 3]!,
      },
    };
  });
}

/** A fixed trace id per span number, so a trace can be asked for after the copy. */
function traceIdOf(i: number): string {
  return `c0b1${i.toString(16).padStart(28, '0')}`;
}

const str = (key: string, v: string) => ({ key, value: { stringValue: v } });
const nanos = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;

/** OTLP/JSON logs: feedback for every third prediction, and a few plain application logs. */
function logs() {
  const feedback = Array.from({ length: (BATCH * BATCHES) / 2 }, (_, k) => 2 * k + 1)
    .filter((i) => i % 3 === 1)
    .map((i) => ({
      timeUnixNano: nanos(START + 60_000 + i * 600),
      eventName: 'aiobs.feedback',
      attributes: [
        str('aiobs.prediction.id', `p-${i}`),
        str('aiobs.feedback.label', u(i) < 0.8 ? (i % 3 === 0 ? 'fraud' : 'ok') : 'fraud'),
      ],
    }));
  const plain = Array.from({ length: 20 }, (_, i) => ({
    timeUnixNano: nanos(START + i * 60_000),
    severityNumber: 9,
    severityText: 'INFO',
    body: { stringValue: `request ${i} served` },
    traceId: traceIdOf(2 * i),
    attributes: [str('http.route', '/v1/chat')],
  }));
  return {
    resourceLogs: [
      {
        resource: { attributes: [str('service.name', 'copy-labeller')] },
        scopeLogs: [{ logRecords: [...feedback, ...plain] }],
      },
    ],
  };
}

/**
 * OTLP/JSON metrics: the agent's GPU gauges and sums (one point per GPU keyed by `hw.id`,
 * `host.name` on the resource) over ten minutes, and the GenAI client's histogram,
 * exponential histogram and a summary, so every metric table has rows.
 */
function metrics() {
  const minutes = Array.from({ length: 10 }, (_, m) => NOW - (10 - m) * 60_000);
  const gpuAttrs = (id: string) => [
    str('hw.id', id),
    str('hw.name', 'NVIDIA H100 80GB HBM3'),
    str('hw.vendor', 'NVIDIA'),
    str('hw.model', 'H100'),
  ];
  const points = (value: (t: number, g: number) => number, extra: object[] = []) =>
    minutes.flatMap((t, m) =>
      GPUS.map((id, g) => ({
        timeUnixNano: nanos(t),
        startTimeUnixNano: nanos(minutes[0]! - 60_000),
        asDouble: value(m, g),
        attributes: [...gpuAttrs(id), ...extra],
      })),
    );
  const gpu = [
    {
      name: 'hw.gpu.utilization',
      unit: '1',
      gauge: {
        dataPoints: points((m, g) => 0.5 + (m + g) / 40, [str('hw.gpu.task', 'general')]),
      },
    },
    { name: 'hw.temperature', unit: 'Cel', gauge: { dataPoints: points((m, g) => 60 + m + g) } },
    { name: 'hw.power', unit: 'W', gauge: { dataPoints: points((m) => 350 + 5 * m) } },
    {
      name: 'hw.gpu.memory.usage',
      unit: 'By',
      sum: {
        aggregationTemporality: 2,
        isMonotonic: false,
        dataPoints: points((m) => (40 + m) * 2 ** 30),
      },
    },
    {
      name: 'hw.energy',
      unit: 'J',
      sum: {
        aggregationTemporality: 2,
        isMonotonic: true,
        dataPoints: points((m) => 21_000 * (m + 1)),
      },
    },
  ];
  const at = nanos(NOW - 60_000);
  const client = [
    {
      name: 'gen_ai.client.operation.duration',
      unit: 's',
      histogram: {
        aggregationTemporality: 2,
        dataPoints: [
          {
            timeUnixNano: at,
            startTimeUnixNano: nanos(START),
            count: '6',
            sum: 3.1,
            bucketCounts: ['1', '3', '2', '0'],
            explicitBounds: [0.1, 0.5, 1],
            attributes: [str('gen_ai.request.model', LLM), str('gen_ai.operation.name', 'chat')],
          },
        ],
      },
    },
    {
      name: 'gen_ai.client.token.usage',
      unit: '{token}',
      exponentialHistogram: {
        aggregationTemporality: 2,
        dataPoints: [
          {
            timeUnixNano: at,
            startTimeUnixNano: nanos(START),
            count: '3',
            sum: 420,
            scale: 1,
            zeroCount: '0',
            positive: { offset: 12, bucketCounts: ['1', '1', '1'] },
            attributes: [str('gen_ai.token.type', 'input'), str('gen_ai.request.model', LLM)],
          },
        ],
      },
    },
    {
      name: 'aiobs.queue.wait',
      unit: 's',
      summary: {
        dataPoints: [
          {
            timeUnixNano: at,
            startTimeUnixNano: nanos(START),
            count: '10',
            sum: 1.5,
            quantileValues: [
              { quantile: 0.5, value: 0.1 },
              { quantile: 0.99, value: 0.4 },
            ],
          },
        ],
      },
    },
  ];
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [str('service.name', 'aiobs-agent'), str('host.name', 'copy-node-1')],
        },
        scopeMetrics: [{ scope: { name: 'aiobs-agent' }, metrics: gpu }],
      },
      {
        resource: { attributes: [str('service.name', 'copy-chat-api')] },
        scopeMetrics: [{ scope: { name: 'e2e' }, metrics: client }],
      },
    ],
  };
}

/** What the embedded collector was given that must answer after the copy. */
interface Source {
  dataDir: string;
  apiKey: string;
  adminToken: string;
  /** An ingest key made through the API (not seeded by the environment). */
  createdKey: string;
  ruleId: string;
  baselineId: string;
  /** The session cookie of a project member who signed in with a password. */
  cookie: string;
  /** Rows per table (after FINAL where rows collapse), read with the embedded engine. */
  counts: Map<string, number>;
}

let source: Source;

/** `fetch` with a Bearer token; returns the status and the parsed body. */
async function call(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  type = 'application/json',
): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body:
      typeof body === 'string' || body === undefined || body instanceof Uint8Array
        ? (body as RequestInit['body'])
        : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (an OTLP protobuf answer)
  }
  return { status: res.status, body: parsed };
}

const collapses = (engine: string) => /Replacing|Aggregating|Summing|Collapsing/.test(engine);

/**
 * Rows per table of the stopped collector's engine, read with chDB (the collector's
 * dependency) in this process: every table but views, whatever its engine, so a table the
 * script skipped shows up as missing on the target.
 */
function sourceCounts(dataDir: string): Map<string, number> {
  const req = createRequire(join(REPO_ROOT, 'collector', 'package.json'));
  const { Session } = req('chdb') as {
    Session: new (
      path: string,
    ) => { query(sql: string, format: string): { toString(): string }; close(): void };
  };
  const s = new Session(join(dataDir, 'clickhouse'));
  try {
    const rows = (sql: string) =>
      s
        .query(sql, 'JSONEachRow')
        .toString()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, string>);
    const tables = rows(
      `SELECT name, engine FROM system.tables WHERE database = 'default'
         AND engine NOT IN ('MaterializedView', 'View') ORDER BY name`,
    );
    return new Map(
      tables.map((t) => {
        const final = collapses(t.engine!) ? ' FINAL' : '';
        const [{ n }] = rows(`SELECT count() AS n FROM default.\`${t.name}\`${final}`) as [
          { n: string },
        ];
        return [`${t.name}|${t.engine}`, Number(n)];
      }),
    );
  } finally {
    s.close();
  }
}

/** Rows of one table on the fixture, over its HTTP interface. */
async function targetCount(ch: ClickHouseFixture, table: string, final: boolean): Promise<number> {
  const q = `SELECT count() FROM default.\`${table}\`${final ? ' FINAL' : ''}`;
  const res = await fetch(`${ch.url}/?query=${encodeURIComponent(q)}`);
  const text = await res.text();
  if (!res.ok) throw new Error(`${table}: ${res.status} ${text}`);
  return Number(text.trim());
}

/** Spans of the LLM as an app on a GPU node reports them (`host.name`), for the GPU join. */
function hostSpans() {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [str('service.name', 'copy-svc'), str('host.name', 'copy-node-1')],
        },
        scopeSpans: [
          {
            spans: Array.from({ length: 20 }, (_, i) => ({
              traceId: randomBytes(16).toString('hex'),
              spanId: randomBytes(8).toString('hex'),
              name: `chat ${LLM}`,
              kind: 3,
              startTimeUnixNano: nanos(NOW - 5 * 60_000 + i * 1000),
              endTimeUnixNano: nanos(NOW - 5 * 60_000 + i * 1000 + 300),
              attributes: [
                str('gen_ai.operation.name', 'chat'),
                str('gen_ai.request.model', LLM),
                str('aiobs.model.version', 'v1'),
                { key: 'gen_ai.usage.input_tokens', value: { intValue: '40' } },
              ],
            })),
          },
        ],
      },
    ],
  };
}

/** Polls `probe` until it holds, up to `deadlineMs`. */
async function until(probe: () => Promise<boolean>, deadlineMs: number, what: string) {
  const end = Date.now() + deadlineMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'aiobs-copy-src-'));
  // Self-figures every second and rules evaluated every second, so their tables fill.
  const c = await startCollector({
    dataDir,
    cleanup: false,
    // The embedded engine also under AIOBS_TEST_STORE=server (an empty URL is no URL).
    env: { CLICKHOUSE_URL: '' },
    // Drift results every 2 s over the last 2 s windows (recentPredictions feeds them).
    args: ['--stats-interval', '1', '--alert-eval-min-interval', '1s', '--drift-interval', '2'],
  });
  try {
    const ingest = (path: string, type: string, body: string | Uint8Array) =>
      fetch(c.url + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${c.apiKey}`, 'content-type': type },
        body,
      }).then((r) => r.status);
    for (let b = 0; b < BATCHES; b++)
      expect(
        await ingest('/v1/traces', 'application/x-protobuf', encodeSpans('copy-svc', spanBatch(b))),
      ).toBe(200);
    expect(await ingest('/v1/traces', 'application/json', JSON.stringify(hostSpans()))).toBe(200);
    expect(await ingest('/v1/logs', 'application/json', JSON.stringify(logs()))).toBe(200);
    expect(await ingest('/v1/metrics', 'application/json', JSON.stringify(metrics()))).toBe(200);

    const admin = (method: string, path: string, body?: unknown, type?: string) =>
      call(c.url, c.adminToken, method, path, body, type);
    const created = async (method: string, path: string, body?: unknown, type?: string) => {
      const res = await admin(method, path, body, type);
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(201);
      return res.body;
    };
    // A receiver that is not there: the notification stays in the outbox, its attempts fail.
    const channel = await created('POST', '/api/v1/channels', {
      name: 'copy-hook',
      type: 'webhook',
      url: 'http://127.0.0.1:9/hook',
    });
    const rule = await created('POST', '/api/v1/alert-rules', {
      name: 'copy p95 latency',
      signal: { kind: 'latency', quantile: 0.95, model: LLM },
      window: '1h',
      condition: { op: '>', threshold: 1 },
      for: '0s',
      interval: '1s',
      labels: { severity: 'page' },
      channels: [channel.id],
    });
    await created('POST', '/api/v1/silences', {
      matchers: ['team="muted"'],
      endsAt: new Date(NOW + 3_600_000).toISOString(),
      comment: 'copy e2e',
      createdBy: 'test',
    });
    const csv = `amount,country\n${Array.from(
      { length: 500 },
      (_, i) => `${(100 * u(i)).toFixed(3)},${['de', 'fr', 'us'][i % 3]}`,
    ).join('\n')}\n`;
    const q = new URLSearchParams({
      name: 'launch',
      model: CLF,
      types: 'amount:numeric,country:categorical',
      default: 'true',
    });
    const baseline = await created('POST', `/api/v1/drift/baselines?${q}`, csv, 'text/csv');
    // Predictions of the last seconds: the drift job's windows (2 s, 12 caught up) hold them.
    const recent = Array.from({ length: 40 }, (_, i) => ({
      name: `predict ${CLF}`,
      startMs: Date.now() - 4000 + i * 50,
      attributes: {
        'gen_ai.operation.name': 'predict',
        'gen_ai.request.model': CLF,
        'aiobs.model.version': 'v1',
        'aiobs.feature.amount': 50 + i,
        'aiobs.feature.country': ['de', 'fr'][i % 2]!,
      },
    }));
    expect(
      await ingest('/v1/traces', 'application/x-protobuf', encodeSpans('copy-svc', recent)),
    ).toBe(200);
    await created('POST', '/api/v1/maintenance-windows', {
      name: 'weekend batch',
      matchers: ['team="batch"'],
      recurrence: { days: ['sat', 'sun'], start: '22:00', end: '02:00', timezone: 'Europe/Berlin' },
    });
    const prices = await admin('PUT', '/api/v1/prices', {
      prices: [{ provider: 'openai', model: LLM, inputPerMillion: 2.5, outputPerMillion: 10 }],
    });
    expect(prices.status, JSON.stringify(prices.body)).toBe(200);
    const key = await created('POST', '/api/v1/projects/default/keys', {
      kind: 'ingest',
      name: 'copied',
    });
    const password = randomBytes(12).toString('hex');
    await created('POST', '/api/v1/users', { email: VIEWER, name: 'viewer', password });
    await created('POST', '/api/v1/projects/default/members', { email: VIEWER, role: 'viewer' });
    const login = await fetch(`${c.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: VIEWER, password }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers
      .getSetCookie()
      .find((h) => h.startsWith('aiobs_session='))
      ?.split(';')[0];
    expect(cookie).toBeDefined();

    const rowsOf = async (table: string) => {
      const r = await admin('POST', '/api/v1/query', { sql: `SELECT count() AS n FROM ${table}` });
      return Number(r.body.rows[0].n);
    };
    // Every span is stored before the stop (acknowledged exports are); the rule fired, its
    // notification is queued and was tried; the collector wrote its own figures.
    expect(await rowsOf('otel_traces')).toBe(BATCH * BATCHES + 20 + 40);
    for (const t of [
      'aiobs_alert_history',
      'aiobs_alert_attempts',
      'aiobs_collector_stats',
      'aiobs_drift_results',
    ])
      await until(async () => (await rowsOf(t)) > 0, 60_000, `rows in ${t}`);
    source = {
      dataDir,
      apiKey: c.apiKey,
      adminToken: c.adminToken,
      createdKey: key.key,
      ruleId: rule.id,
      baselineId: baseline.id,
      cookie: cookie!,
      counts: new Map(),
    };
  } finally {
    expect(await c.stop('SIGTERM')).toBe(0);
  }
  source.counts = sourceCounts(dataDir);
}, 180_000);

afterAll(() => {
  if (source) rmSync(source.dataDir, { recursive: true, force: true });
});

describe.each([
  { mode: 'server', cluster: undefined },
  { mode: 'cluster', cluster: 'aiobs_cluster' },
])('copy into a $mode', ({ cluster }) => {
  let ch: ClickHouseFixture;
  let after: RunningCollector | undefined;
  let copyOut = '';
  /** The admin token the schema run was seeded with: the copy replaces it. */
  let schemaToken = '';

  beforeAll(async () => {
    ch = await startClickHouse({ cluster });
    const env: Record<string, string> = cluster ? { CLICKHOUSE_CLUSTER: cluster } : {};
    // Step 2 of the guide: a collector of the same version creates the schema and is stopped
    // as soon as it logs `listening`; it drains and exits 0.
    const schema = await startCollector({ clickhouse: ch, env });
    schemaToken = schema.adminToken;
    expect(await schema.stop(), schema.output()).toBe(0);
    const t0 = performance.now();
    const { stdout, stderr } = await execFileP(
      process.execPath,
      [
        COPY_SCRIPT,
        '--data-dir',
        source.dataDir,
        '--url',
        ch.url,
        '--user',
        'default',
        '--database',
        'default',
        ...(cluster ? ['--cluster', cluster] : []),
      ],
      { cwd: REPO_ROOT, timeout: 120_000 },
    ).catch((err: { stdout?: string; stderr?: string; code?: number }) => {
      throw new Error(`copy exited with ${err.code}\n${err.stdout}\n${err.stderr}`);
    });
    copyOut = `${stdout}${stderr}`;
    console.log(
      `copy into a ${cluster ? 'cluster' : 'server'}: ${((performance.now() - t0) / 1000).toFixed(1)} s\n${copyOut}`,
    );
  }, 240_000);

  afterAll(async () => {
    await after?.stop();
    await ch?.stop();
  });

  test('every table of the source holds as many rows on the target', async () => {
    expect(copyOut).not.toMatch(/^DIFF/m);
    let rows = 0;
    const nonEmpty: string[] = [];
    for (const [key, n] of source.counts) {
      const [table, engine] = key.split('|') as [string, string];
      expect(await targetCount(ch, table, collapses(engine)), table).toBe(n);
      rows += n;
      if (n > 0) nonEmpty.push(table);
    }
    const empty = [...source.counts.keys()]
      .map((k) => k.split('|')[0]!)
      .filter((t) => !nonEmpty.includes(t));
    console.log(
      `${source.counts.size} tables, ${nonEmpty.length} with rows, ${rows} rows; empty: ${empty.join(', ') || 'none'}`,
    );
    // The data set reaches every table, so each one's copy is checked on rows; a table added
    // later needs data here too.
    expect(empty, 'tables the source data leaves empty').toEqual([]);
    expect(nonEmpty.length).toBeGreaterThan(30);
  });

  test('a collector on the target answers the old data and the old credentials', async () => {
    // Not seeded from the environment: only the copied keys and tokens exist.
    after = await startCollector({
      clickhouse: ch,
      env: {
        ...(cluster ? { CLICKHOUSE_CLUSTER: cluster } : {}),
        AIOBS_API_KEY: '',
        AIOBS_ADMIN_TOKEN: '',
      },
    });
    const get = (path: string) => call(after!.url, source.adminToken, 'GET', path);
    const range = new URLSearchParams({
      from: new Date(START - 60_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
    });

    const trace = await get(`/api/v1/traces/${traceIdOf(42)}`);
    expect(trace.status, JSON.stringify(trace.body)).toBe(200);
    expect(trace.body.spans.map((s: { name: string }) => s.name)).toEqual([`chat ${LLM}`]);

    const models = await get(`/api/v1/models?${range}`);
    expect(models.status, JSON.stringify(models.body)).toBe(200);
    const byName = new Map(
      models.body.models.map((m: { model: string }) => [m.model, m] as const),
    ) as Map<string, { versions: string[]; variants: string[]; requests: number }>;
    expect([...byName.keys()].sort()).toEqual([CLF, LLM]);
    expect(byName.get(LLM)?.versions).toEqual(['v1', 'v2']);
    expect(byName.get(CLF)?.variants).toEqual(['canary', 'control']);

    const rule = await get(`/api/v1/alert-rules/${source.ruleId}`);
    expect(rule.status, JSON.stringify(rule.body)).toBe(200);
    expect(rule.body).toMatchObject({ name: 'copy p95 latency', labels: { severity: 'page' } });

    const baselines = await get('/api/v1/drift/baselines');
    expect(baselines.body.baselines).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: source.baselineId, name: 'launch' })]),
    );

    const prices = await get('/api/v1/prices');
    expect(prices.body.prices).toEqual(
      expect.arrayContaining([expect.objectContaining({ model: LLM, inputPerMillion: 2.5 })]),
    );

    const gpus = await get(`/api/v1/gpus?${range}`);
    expect(gpus.status, JSON.stringify(gpus.body)).toBe(200);
    expect(gpus.body.gpus.map((g: { id: string }) => g.id).sort()).toEqual(GPUS);

    // The old credentials authenticate; the ones the schema run generated were replaced.
    const span = encodeSpans('copy-svc', [{ name: 'after the move' }]);
    for (const key of [source.apiKey, source.createdKey]) {
      const res = await call(after.url, key, 'POST', '/v1/traces', span, 'application/x-protobuf');
      expect(res.status).toBe(200);
    }
    const wrong = await call(
      after.url,
      `ingest-${randomBytes(8).toString('hex')}`,
      'POST',
      '/v1/traces',
      span,
      'application/x-protobuf',
    );
    expect(wrong.status).toBe(401);
    expect((await call(after.url, schemaToken, 'GET', '/api/v1/alert-rules')).status).toBe(401);
    // A member signed in before the move stays signed in.
    const me = await fetch(`${after.url}/api/v1/auth/me`, { headers: { cookie: source.cookie } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ user: { email: VIEWER } });
  });
});
