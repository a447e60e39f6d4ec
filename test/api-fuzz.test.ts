// Fuzzes the HTTP API of a real collector process: random query strings on every GET route,
// random JSON bodies on POST /api/v1/query and the OTLP JSON endpoints. Bad input must get
// a 4xx with the error shape, never a 5xx, never a stack trace, and the collector must stay
// healthy. Every failing request is collected so one run reports them all; the seed is
// printed so a run can be repeated with FUZZ_SEED=<seed>.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from './helpers/collector.js';
import { encodeSpans } from './helpers/otlp.js';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
const t0 = Date.now() - 10 * 60_000;
const TRACE_ID = 'ab'.repeat(16);
let c: RunningCollector;

/** Every GET route under /api/v1 (collector/src/app.ts and routes/*). */
const GET_ROUTES = [
  '/api/v1/health',
  '/api/v1/services',
  '/api/v1/traces',
  `/api/v1/traces/${TRACE_ID}`,
  '/api/v1/logs',
  '/api/v1/metrics',
  '/api/v1/metrics/series',
  '/api/v1/metrics/points',
  '/api/v1/hosts',
  '/api/v1/gpus',
  '/api/v1/gpus/series',
  '/api/v1/models',
  '/api/v1/models/series',
  '/api/v1/models/compare',
  '/api/v1/models/slowest',
  '/api/v1/changes',
  '/api/v1/scaling',
  '/api/v1/prices',
  '/api/v1/collectors',
];

/** Parameter names the routes read, so random values reach the parsers behind them. */
const PARAM_NAMES = [
  'from',
  'to',
  'limit',
  'cursor',
  'project',
  'service',
  'name',
  'status',
  'sort',
  'minDurationMs',
  'maxDurationMs',
  'severity',
  'minSeverity',
  'traceId',
  'spanId',
  'eventName',
  'q',
  'step',
  'agg',
  'type',
  'groupBy',
  'metric',
  'host',
  'gpu',
  'quantile',
  'level',
  'model',
  'version',
  'variant',
  'provider',
  'operation',
  'a',
  'b',
  'window',
  'percentile',
  'at',
  'attr.gen_ai.request.model',
  'attr.',
  'attr.x',
];

const cursorOf = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

const hugeNumbers = fc.constantFrom(
  '1e308',
  '-1e308',
  '9007199254740993',
  '99999999999999999999999999',
  '18446744073709551616',
  '253402300800000',
  '8640000000000001',
  '1.7976931348623157e308',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '0x10',
  '1e-400',
  '0.0000001',
);

/** Values that are valid for some parameter, so the fuzzer gets past the first check. */
const plausible = fc.constantFrom(
  String(t0 - 60_000),
  String(Date.now()),
  new Date(t0).toISOString(),
  '2026-01-31T12:00:00Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00Z',
  '1970-01-01',
  '2026-02-30T25:61:61Z',
  '0',
  '1',
  '1000',
  '10000',
  '10001',
  '86400000',
  '9007199254',
  '9007199255',
  '9007199254740991',
  'fuzz-svc',
  'test.gauge',
  'test.histogram',
  'hw.gpu.utilization',
  'gpu-host-1',
  'GPU-0000',
  'gpt-4o',
  'requests',
  'errorRate',
  'latencyP95',
  'version:v1',
  'variant:canary',
  'minute',
  'hour',
  'raw',
  'default',
  'error',
  'ok',
  'start',
  'duration',
  'gauge',
  'sum',
  'histogram',
  'summary',
  'exponential_histogram',
  'avg',
  'rate',
  'last',
  'p0',
  'p50',
  'p99.999',
  'p100',
  '0.95',
  '0.5',
  '24h',
  '25h',
  'p',
  '1ms',
  '0.0001s',
  '1s',
  '10s',
  '1d',
  '99999999999d',
  'info',
  'fatal',
  '24',
  '25',
  'service.name,resource.host.name,hw.id',
  ',,,',
  TRACE_ID,
  'AB'.repeat(16),
  cursorOf(['1', TRACE_ID]),
  cursorOf([1, 2]),
  cursorOf(['99999999999999999999999999', 'x']),
  cursorOf(["'; DROP TABLE otel_traces; --", '\u0000']),
  cursorOf(['-1', '']),
  cursorOf({}),
  '!!!',
  "' OR 1=1 --",
  '\u0000',
  '%',
);

const value = fc.oneof(
  { weight: 4, arbitrary: plausible },
  { weight: 2, arbitrary: hugeNumbers },
  { weight: 2, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constant('') },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('a', '9', 'é', '😀', '%', ','), fc.integer({ min: 500, max: 5000 }))
      .map(([ch, n]) => ch.repeat(n)),
  },
);

const key = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...PARAM_NAMES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }).map((k) => `attr.${k}`) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);

/** Parameters that make each route answer 2xx, so mutations of them reach the queries. */
const VALID: Record<string, [string, string][]> = {
  '/api/v1/traces': [
    ['from', String(t0 - 60_000)],
    ['service', 'fuzz-svc'],
  ],
  '/api/v1/logs': [['from', String(t0 - 60_000)]],
  '/api/v1/metrics/series': [
    ['from', String(t0 - 60_000)],
    ['name', 'test.gauge'],
  ],
  '/api/v1/metrics/points': [
    ['from', String(t0 - 60_000)],
    ['name', 'test.histogram'],
  ],
  '/api/v1/gpus/series': [
    ['from', String(t0 - 60_000)],
    ['metric', 'hw.gpu.utilization'],
  ],
  '/api/v1/scaling': [['model', 'gpt-4o']],
  '/api/v1/models/compare': [
    ['model', 'gpt-4o'],
    ['a', 'version:v1'],
    ['b', 'version:v2'],
  ],
};

/**
 * A query string: some of the route's valid parameters plus random pairs (repeated keys
 * allowed), sometimes with raw, badly escaped text after them.
 */
/** A route, or a trace lookup with a random (often malformed) id in the path. */
const route = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...GET_ROUTES) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        value.map((v) => encodeURIComponent(v.slice(0, 200))),
        fc.constantFrom('%', '%zz', '..%2F..%2Fetc%2Fpasswd', 'AB'.repeat(16), '0'.repeat(32)),
      )
      .map((id) => `/api/v1/traces/${id}`),
  },
);

const getRequest = route.chain((route) =>
  fc
    .tuple(
      // Half the time all of them, so routes with required parameters answer 2xx often.
      fc.oneof(fc.constant(VALID[route] ?? []), fc.subarray(VALID[route] ?? [])),
      fc.array(fc.tuple(key, value), { maxLength: 6 }),
      fc.option(fc.constantFrom('%', '%zz', '%E0%A4%A', '&&==&', '%00', '=%C0%AF', 'a=%FF%FE'), {
        freq: 8,
      }),
    )
    .map(([base, pairs, raw]): [string, string] => {
      const qs = new URLSearchParams([...base, ...pairs]).toString();
      return [route, raw ? (qs ? `${qs}&${raw}` : raw) : qs];
    }),
);

const sqlText = fc.oneof(
  fc.constantFrom(
    'SELECT 1',
    'SELECT count() FROM otel_traces WHERE ProjectId = {project:String}',
    'SELECT ServiceName, count() FROM otel_traces GROUP BY ServiceName',
    'SELECT {x:UInt8}',
    'SELECT {x:String}',
    'SELECT {x:DateTime64(9)}',
    'SELECT number FROM numbers(10)',
    'SELECT * FROM otel_logs LIMIT 5',
    'SHOW TABLES',
    'DESCRIBE TABLE otel_traces',
    'SELECT toDateTime(1e30)',
    'SELECT 1/0',
    'SELECT throwIf(1)',
    'SELECT arrayJoin([1,2,3])',
    'SELEC 1',
    '',
    ';',
    '/*',
  ),
  fc.string({ maxLength: 80 }),
);

/** Arbitrary JSON, sometimes shaped like a query body. */
const queryBody = fc.oneof(
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  {
    weight: 4,
    arbitrary: fc
      .record(
        {
          sql: fc.oneof({ weight: 4, arbitrary: sqlText }, fc.jsonValue({ maxDepth: 1 })),
          params: fc.oneof(
            fc.dictionary(
              fc.oneof(fc.constant('x'), fc.string({ maxLength: 6 })),
              fc.jsonValue({ maxDepth: 2 }),
              { maxKeys: 3 },
            ),
            fc.jsonValue({ maxDepth: 1 }),
          ),
          project: fc.oneof(
            fc.constantFrom('default', '', 'x'.repeat(65)),
            fc.jsonValue({ maxDepth: 1 }),
          ),
        },
        { requiredKeys: ['sql'] },
      )
      .map((v) => JSON.stringify(v)),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
);

/** OTLP JSON: a valid skeleton with random values, or arbitrary JSON. */
const anyValue = fc.oneof(
  fc.record({ stringValue: fc.oneof(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 1 })) }),
  fc.record({
    intValue: fc.oneof(hugeNumbers, fc.integer().map(String), fc.jsonValue({ maxDepth: 1 })),
  }),
  fc.record({ doubleValue: fc.oneof(fc.double(), hugeNumbers) }),
  fc.record({ boolValue: fc.jsonValue({ maxDepth: 1 }) }),
  fc.jsonValue({ maxDepth: 2 }),
);
const attrs = fc.array(
  fc.record({
    key: fc.oneof(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 })),
    value: anyValue,
  }),
  {
    maxLength: 4,
  },
);
const nanos = fc.oneof(
  fc.constant(String(t0 * 1e6)),
  hugeNumbers,
  fc.integer().map(String),
  fc.jsonValue({ maxDepth: 1 }),
);
const hexId = (bytes: number) =>
  fc.oneof(
    fc.constant('cd'.repeat(bytes)),
    fc.string({ maxLength: bytes * 2 + 2 }),
    fc.jsonValue({ maxDepth: 1 }),
  );
const resource = fc.record({ attributes: attrs }, { requiredKeys: [] });
/** A record that may lack any of its fields: the OTLP JSON readers must cope with each one missing. */
const partial = (shape: Record<string, fc.Arbitrary<unknown>>) =>
  fc.record(shape, { requiredKeys: [] });
/**
 * One OTLP JSON request of `signal`: up to 2 `resource<Signal>` of up to 2 `scope<Signal>`
 * (with `scopeFields`) of up to 3 items, every level with any field missing.
 */
const otlpRequest = <S extends 'traces' | 'metrics' | 'logs'>(
  signal: S,
  [resourceKey, scopeKey, itemsKey]: [string, string, string],
  item: fc.Arbitrary<unknown>,
  scopeFields: Record<string, fc.Arbitrary<unknown>> = {},
) =>
  fc.record({
    signal: fc.constant(signal),
    body: fc.record({
      [resourceKey]: fc.array(
        partial({
          resource,
          [scopeKey]: fc.array(
            partial({ ...scopeFields, [itemsKey]: fc.array(item, { maxLength: 3 }) }),
            { maxLength: 2 },
          ),
        }),
        { maxLength: 2 },
      ),
    }),
  });
const otlpBody = fc.oneof(
  otlpRequest(
    'traces',
    ['resourceSpans', 'scopeSpans', 'spans'],
    partial({
      traceId: hexId(16),
      spanId: hexId(8),
      parentSpanId: hexId(8),
      name: fc.oneof(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 })),
      kind: fc.oneof(fc.integer({ min: -2, max: 9 }), fc.jsonValue({ maxDepth: 1 })),
      startTimeUnixNano: nanos,
      endTimeUnixNano: nanos,
      attributes: attrs,
      status: partial({
        code: fc.jsonValue({ maxDepth: 1 }),
        message: fc.jsonValue({ maxDepth: 1 }),
      }),
      events: fc.array(
        partial({ timeUnixNano: nanos, name: fc.string({ maxLength: 5 }), attributes: attrs }),
        { maxLength: 2 },
      ),
    }),
    {
      scope: partial({
        name: fc.string({ maxLength: 8 }),
        version: fc.jsonValue({ maxDepth: 1 }),
      }),
    },
  ),
  otlpRequest(
    'logs',
    ['resourceLogs', 'scopeLogs', 'logRecords'],
    partial({
      timeUnixNano: nanos,
      observedTimeUnixNano: nanos,
      severityNumber: fc.oneof(fc.integer({ min: -5, max: 40 }), fc.jsonValue({ maxDepth: 1 })),
      severityText: fc.jsonValue({ maxDepth: 1 }),
      body: anyValue,
      attributes: attrs,
      traceId: hexId(16),
      spanId: hexId(8),
      eventName: fc.jsonValue({ maxDepth: 1 }),
    }),
  ),
  otlpRequest(
    'metrics',
    ['resourceMetrics', 'scopeMetrics', 'metrics'],
    partial({
      name: fc.oneof(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 })),
      unit: fc.jsonValue({ maxDepth: 1 }),
      gauge: fc.record({
        dataPoints: fc.array(
          partial({
            timeUnixNano: nanos,
            asDouble: fc.oneof(fc.double(), hugeNumbers, fc.jsonValue({ maxDepth: 1 })),
            asInt: fc.jsonValue({ maxDepth: 1 }),
            attributes: attrs,
          }),
          { maxLength: 3 },
        ),
      }),
      histogram: partial({
        aggregationTemporality: fc.jsonValue({ maxDepth: 1 }),
        dataPoints: fc.array(
          partial({
            timeUnixNano: nanos,
            count: fc.oneof(hugeNumbers, fc.jsonValue({ maxDepth: 1 })),
            bucketCounts: fc.array(fc.oneof(hugeNumbers, fc.jsonValue({ maxDepth: 1 })), {
              maxLength: 4,
            }),
            explicitBounds: fc.array(fc.oneof(fc.double(), fc.jsonValue({ maxDepth: 1 })), {
              maxLength: 4,
            }),
          }),
          { maxLength: 2 },
        ),
      }),
    }),
  ),
  fc.record({
    signal: fc.constantFrom('traces' as const, 'metrics' as const, 'logs' as const),
    body: fc.jsonValue({ maxDepth: 4 }),
  }),
);

/** A line of a Node stack trace, or an error's name followed by one. */
const STACK =
  /\bat [^\n]*(?:file:\/\/|node:internal|\/[\w.-]+\/[^\n]*\.[cm]?[jt]s:\d+)|Error:[^\n]*\n\s+at /;

interface Failure {
  request: string;
  status: number;
  body: string;
}

/** Answers by status class, so a test can check that the fuzzer got past validation too. */
const tally = new Map<string, number>();

/** Up to three failures per route, so one broken route does not hide the others. */
function examples(failures: Failure[]): Failure[] {
  const perRoute = new Map<string, number>();
  return failures.filter((f) => {
    const route = f.request.split(/[? ]/, 2).join(' ');
    const n = (perRoute.get(route) ?? 0) + 1;
    perRoute.set(route, n);
    return n <= 3;
  });
}

/** Sends one request; returns a description of what is wrong with the answer, if anything. */
async function check(method: string, path: string, body?: string, token?: string) {
  const res = await fetch(c.url + path, {
    method,
    headers: {
      authorization: `Bearer ${token ?? c.adminToken}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.text();
  const cls = `${method} ${path.split('?')[0]} ${Math.floor(res.status / 100)}xx`;
  tally.set(cls, (tally.get(cls) ?? 0) + 1);
  const request = `${method} ${path.length > 600 ? `${path.slice(0, 600)}…` : path}${body !== undefined ? ` ${body.slice(0, 600)}` : ''}`;
  const problems: string[] = [];
  if (res.status >= 500) problems.push('5xx');
  if (STACK.test(text)) problems.push('stack trace in body');
  // 431: Node's HTTP parser refuses a request line over its header limit before any route
  // sees it (an empty body, from Node itself); every other error comes from the app.
  if (res.status >= 400 && res.status !== 431 && path.startsWith('/api/')) {
    try {
      const err = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
      if (typeof err?.code !== 'string' || typeof err.message !== 'string')
        problems.push('error body without code and message');
    } catch {
      problems.push('error body is not JSON');
    }
  }
  return problems.length
    ? { request, status: res.status, body: `${problems.join(', ')}: ${text.slice(0, 400)}` }
    : undefined;
}

async function seed(): Promise<void> {
  const post = async (path: string, body: Uint8Array | string, type: string) => {
    const res = await fetch(c.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.apiKey}`, 'content-type': type },
      body: typeof body === 'string' ? body : Buffer.from(body),
    });
    expect(res.status, `${path}: ${await res.text()}\n${c.output().slice(-2000)}`).toBe(200);
  };
  const specs = Array.from({ length: 20 }, (_, i) => ({
    ...(i === 0 ? { traceId: TRACE_ID } : {}),
    name: i % 2 ? 'chat gpt-4o' : 'embeddings',
    startMs: t0 + i * 1000,
    durationMs: i + 1,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': i % 2 ? 'gpt-4o' : 'e5',
      'gen_ai.usage.input_tokens': 10 + i,
      'aiobs.model.version': i % 3 ? 'v1' : 'v2',
      i,
    },
  }));
  await post('/v1/traces', encodeSpans('fuzz-svc', specs), 'application/x-protobuf');
  const resource = (host: string) => ({
    attributes: [
      { key: 'service.name', value: { stringValue: 'fuzz-svc' } },
      { key: 'host.name', value: { stringValue: host } },
    ],
  });
  const ns = (i: number) => String((t0 + i * 10_000) * 1e6);
  await post(
    '/v1/metrics',
    JSON.stringify({
      resourceMetrics: [
        {
          resource: resource('gpu-host-1'),
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'test.gauge',
                  gauge: {
                    dataPoints: Array.from({ length: 10 }, (_, i) => ({
                      timeUnixNano: ns(i),
                      asDouble: i,
                      attributes: [{ key: 'x', value: { stringValue: `v${i % 2}` } }],
                    })),
                  },
                },
                {
                  name: 'test.histogram',
                  histogram: {
                    aggregationTemporality: 2,
                    dataPoints: Array.from({ length: 5 }, (_, i) => ({
                      timeUnixNano: ns(i),
                      count: '6',
                      sum: 21,
                      bucketCounts: ['1', '2', '3'],
                      explicitBounds: [1, 5],
                    })),
                  },
                },
                {
                  name: 'hw.gpu.utilization',
                  unit: '1',
                  gauge: {
                    dataPoints: Array.from({ length: 5 }, (_, i) => ({
                      timeUnixNano: ns(i),
                      asDouble: i / 10,
                      attributes: [
                        { key: 'hw.id', value: { stringValue: 'GPU-0000' } },
                        { key: 'hw.name', value: { stringValue: 'H200' } },
                      ],
                    })),
                  },
                },
                {
                  name: 'system.cpu.utilization',
                  unit: '1',
                  gauge: { dataPoints: [{ timeUnixNano: ns(0), asDouble: 0.5 }] },
                },
              ],
            },
          ],
        },
      ],
    }),
    'application/json',
  );
  await post(
    '/v1/logs',
    JSON.stringify({
      resourceLogs: [
        {
          resource: resource('gpu-host-1'),
          scopeLogs: [
            {
              logRecords: Array.from({ length: 5 }, (_, i) => ({
                timeUnixNano: ns(i),
                severityNumber: 9 + i,
                body: { stringValue: `line ${i}` },
                traceId: TRACE_ID,
              })),
            },
          ],
        },
      ],
    }),
    'application/json',
  );
}

beforeAll(async () => {
  c = await startCollector();
  await seed();
});
afterAll(async () => {
  await c?.stop();
});

describe(`API fuzzing (FUZZ_SEED=${SEED})`, () => {
  test('1,000 random query strings on every GET route: only 2xx/4xx, no stack traces', async () => {
    const failures: Failure[] = [];
    for (const [route, qs] of fc.sample(getRequest, { numRuns: 1000, seed: SEED })) {
      const f = await check('GET', qs ? `${route}?${qs}` : route);
      if (f) failures.push(f);
    }
    expect(examples(failures)).toEqual([]);
    // A ceiling for a loaded machine (CI shares two cores), not a timing goal.
  }, 600_000);

  test('300 random JSON bodies on POST /api/v1/query: only 2xx/4xx, no stack traces', async () => {
    const failures: Failure[] = [];
    for (const body of fc.sample(queryBody, { numRuns: 300, seed: SEED + 1 })) {
      const f = await check('POST', '/api/v1/query', body);
      if (f) failures.push(f);
    }
    expect(examples(failures)).toEqual([]);
  }, 300_000);

  test('300 random OTLP JSON requests: only 2xx/4xx, no stack traces', async () => {
    const failures: Failure[] = [];
    for (const { signal, body } of fc.sample(otlpBody, { numRuns: 300, seed: SEED + 2 })) {
      const f = await check('POST', `/v1/${signal}`, JSON.stringify(body), c.apiKey);
      if (f) failures.push(f);
    }
    expect(examples(failures)).toEqual([]);
  }, 300_000);

  test('200 random JSON bodies on POST /api/v1/auth/login and PUT /api/v1/prices', async () => {
    const failures: Failure[] = [];
    const bodies = fc.oneof(
      queryBody,
      fc
        .record(
          { token: fc.oneof(fc.string({ maxLength: 600 }), fc.jsonValue({ maxDepth: 2 })) },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
      fc
        .tuple(
          fc.boolean(),
          fc.array(
            fc.record(
              {
                provider: fc.oneof(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 })),
                model: fc.oneof(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 })),
                effectiveFrom: fc.oneof(plausible, fc.jsonValue({ maxDepth: 1 })),
                inputPerMillion: fc.oneof(fc.double(), fc.jsonValue({ maxDepth: 1 })),
                outputPerMillion: fc.oneof(fc.double(), fc.jsonValue({ maxDepth: 1 })),
              },
              { requiredKeys: [] },
            ),
            { maxLength: 3 },
          ),
        )
        .map(([wrap, v]) => JSON.stringify(wrap ? { prices: v } : v)),
    );
    for (const [i, body] of fc.sample(bodies, { numRuns: 200, seed: SEED + 3 }).entries()) {
      const f =
        i % 2
          ? await check('POST', '/api/v1/auth/login', body, 'none')
          : await check('PUT', '/api/v1/prices', body);
      if (f) failures.push(f);
    }
    expect(examples(failures)).toEqual([]);
  }, 300_000);

  test('other methods on every route get a 4xx with the error shape', async () => {
    const failures: Failure[] = [];
    // PUT /api/v1/prices is a route of its own (fuzzed below).
    for (const route of [...GET_ROUTES.filter((r) => r !== '/api/v1/prices'), '/api/v1/query'])
      for (const method of ['PUT', 'DELETE', 'PATCH'] as const) {
        const f = await check(method, route, '{}');
        if (f) failures.push(f);
        else expect(tally.get(`${method} ${route} 4xx`), `${method} ${route}`).toBeGreaterThan(0);
      }
    expect(examples(failures)).toEqual([]);
  });

  test('the fuzzer reached past validation: every route answered 2xx at least once', () => {
    if (process.env.FUZZ_VERBOSE) console.log(Object.fromEntries([...tally].sort()));
    for (const route of [...GET_ROUTES, '/api/v1/query', '/v1/traces', '/v1/metrics', '/v1/logs'])
      expect(
        tally.get(
          `${route.startsWith('/v1/') || route.endsWith('/query') ? 'POST' : 'GET'} ${route} 2xx`,
        ),
        route,
      ).toBeGreaterThan(0);
  });

  test('the collector is healthy afterwards and still answers queries', async () => {
    const health = await c.api<{ status: string }>('/api/v1/health');
    expect(health.status).toBe('ok');
    const traces = await c.api<{ traces: { traceId: string }[] }>(
      `/api/v1/traces?from=${t0 - 1000}&service=fuzz-svc&limit=1000`,
    );
    expect(traces.traces.map((t) => t.traceId)).toContain(TRACE_ID);
  });
});
