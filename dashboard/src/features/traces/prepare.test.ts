import type { ModelGpuResponse, TraceSpan } from '@aiobs/api-types';
import { describe, expect, test } from 'vitest';
import {
  agentInstallCommand,
  buildWaterfall,
  durationDomain,
  durationTicks,
  gpusAt,
  parseAttrFilter,
  rangeAround,
  scatterPoints,
  sortedAttributes,
  spanErrors,
  spanModel,
  tracesQueryParams,
  validateTraceFilters,
  validateTraceViewSearch,
} from './prepare.js';

const T0 = 1_795_920_433_000_000_000n;

function span(
  id: string,
  parent: string,
  startUs: number,
  durUs: number,
  extra: Partial<TraceSpan> = {},
): TraceSpan {
  const start = T0 + BigInt(startUs) * 1000n;
  return {
    traceId: 'a'.repeat(32),
    spanId: id,
    parentSpanId: parent,
    traceState: '',
    name: `op ${id}`,
    kind: 'Internal',
    serviceName: 'api',
    startTime: '',
    startTimeUnixNano: String(start),
    durationMs: durUs / 1000,
    durationNs: String(durUs * 1000),
    statusCode: 'Unset',
    statusMessage: '',
    attributes: {},
    resourceAttributes: {},
    scope: { name: '', version: '' },
    events: [],
    links: [],
    ...extra,
  };
}

describe('trace filters', () => {
  test('the URL keeps readable filters and drops the rest', () => {
    expect(
      validateTraceFilters({
        service: 'chat-api',
        status: 'error',
        minMs: '250',
        maxMs: -1,
        attr: ['user.tier=gold', 'no-equals', '=novalue'],
        sort: 'nope',
      }),
    ).toEqual({
      service: 'chat-api',
      model: undefined,
      version: undefined,
      status: 'error',
      minMs: 250,
      maxMs: undefined,
      attr: ['user.tier=gold'],
      sort: undefined,
    });
    expect(validateTraceFilters({ attr: 'a=b' }).attr).toEqual(['a=b']);
    expect(
      validateTraceFilters({ attr: Array.from({ length: 30 }, (_, i) => `k${i}=v`) }).attr,
    ).toHaveLength(20);
  });

  test('an attribute filter splits at the first =, so values may contain =', () => {
    expect(parseAttrFilter('q=a=b')).toEqual(['q', 'a=b']);
    expect(parseAttrFilter('k=')).toEqual(['k', '']);
    expect(parseAttrFilter('k')).toBeUndefined();
  });

  test('model and version become GenAI attribute filters; durations the API names', () => {
    expect(
      tracesQueryParams(
        {
          model: 'acme/chat',
          version: 'v2',
          minMs: 100,
          maxMs: 900,
          attr: ['user.tier=gold'],
          status: 'ok',
        },
        { from: 'F', to: 'T' },
        'C',
        50,
      ),
    ).toEqual({
      from: 'F',
      to: 'T',
      service: undefined,
      status: 'ok',
      minDurationMs: 100,
      maxDurationMs: 900,
      sort: undefined,
      limit: 50,
      cursor: 'C',
      'attr.gen_ai.request.model': 'acme/chat',
      'attr.aiobs.model.version': 'v2',
      'attr.user.tier': 'gold',
    });
  });
});

test('the scatter splits traces with errors from the rest', () => {
  const base = {
    rootSpan: { name: 'chat', serviceName: 'api' },
    services: ['api'],
    spanCount: 1,
    errorCount: 0,
  };
  const { ok, error } = scatterPoints([
    { ...base, traceId: 'a', error: false, startTime: '2026-12-02T00:00:00.000Z', durationMs: 12 },
    {
      ...base,
      traceId: 'b',
      error: true,
      errorCount: 1,
      startTime: '2026-12-02T00:01:00.000Z',
      durationMs: 40,
    },
  ]);
  expect(ok).toEqual([
    { t: Date.parse('2026-12-02T00:00:00.000Z'), durationMs: 12, traceId: 'a', name: 'api: chat' },
  ]);
  expect(error.map((p) => p.traceId)).toEqual(['b']);
});

describe('waterfall', () => {
  test('depth-first under each parent, children by start, placed on the trace time line', () => {
    const w = buildWaterfall([
      span('c2', 'root', 600, 300, { serviceName: 'llm' }),
      span('root', '', 0, 1000),
      span('c1', 'root', 100, 400),
      span('g1', 'c1', 150, 100, { statusCode: 'Error' }),
    ]);
    expect(w.rows.map((r) => [r.span.spanId, r.depth])).toEqual([
      ['root', 0],
      ['c1', 1],
      ['g1', 2],
      ['c2', 1],
    ]);
    expect(w.totalMs).toBe(1);
    const c2 = w.rows[3]!;
    expect(c2.leftPct).toBeCloseTo(60);
    expect(c2.widthPct).toBeCloseTo(30);
    expect(c2.offsetMs).toBeCloseTo(0.6);
    expect(w.services).toEqual(['api', 'llm']);
    expect(c2.serviceIndex).toBe(1);
    expect(w.rows[2]!.error).toBe(true);
  });

  test('an orphan (parent not received) and a self-parent show as roots; empty is empty', () => {
    const w = buildWaterfall([span('a', 'missing', 10, 5), span('b', 'b', 0, 20)]);
    expect(w.rows.map((r) => [r.span.spanId, r.depth])).toEqual([
      ['b', 0],
      ['a', 0],
    ]);
    expect(buildWaterfall([]).rows).toEqual([]);
  });

  test('a parent cycle does not loop', () => {
    const w = buildWaterfall([span('r', '', 0, 10), span('x', 'y', 1, 1), span('y', 'x', 2, 1)]);
    expect(w.rows.map((r) => r.span.spanId)).toEqual(['r']);
  });
});

test('span errors come from exception events, else from an Error status', () => {
  const ev = {
    time: '',
    timeUnixNano: '0',
    name: 'exception',
    attributes: { 'exception.type': 'RateLimitError', 'exception.message': '429' },
  };
  expect(spanErrors(span('a', '', 0, 1, { events: [ev] }))).toEqual([
    { type: 'RateLimitError', message: '429', stacktrace: undefined },
  ]);
  expect(
    spanErrors(
      span('a', '', 0, 1, { statusCode: 'Error', attributes: { 'error.type': 'timeout' } }),
    ),
  ).toEqual([{ type: 'timeout', message: 'status Error' }]);
  expect(spanErrors(span('a', '', 0, 1))).toEqual([]);
});

test('GenAI attributes sort first', () => {
  expect(
    sortedAttributes({ z: '1', 'gen_ai.x': '2', 'aiobs.y': '3', a: '4' }).map(([k]) => k),
  ).toEqual(['gen_ai.x', 'aiobs.y', 'a', 'z']);
});

test('the GPUs at a moment: the bucket holding it, GPUs without a sample left out', () => {
  const nulls = {
    gpuUtilization: null,
    gpuMemoryUtilization: null,
    gpuMemoryUsageBytes: null,
    gpuPowerW: null,
    gpuTemperatureC: null,
    gpuThrottled: null,
  };
  const res = {
    stepMs: 60_000,
    gpus: [
      {
        host: 'h',
        gpu: 'G0',
        gpuName: 'GPU 0',
        points: [
          { time: '2026-12-02T00:00:00.000Z', ...nulls, gpuUtilization: 0.2 },
          { time: '2026-12-02T00:01:00.000Z', ...nulls, gpuUtilization: 0.9 },
        ],
      },
      {
        host: 'h',
        gpu: 'G1',
        gpuName: 'GPU 1',
        points: [{ time: '2026-12-02T00:01:00.000Z', ...nulls }],
      },
    ],
  } as unknown as ModelGpuResponse;
  const at = gpusAt(res, Date.parse('2026-12-02T00:01:30.000Z'));
  expect(at).toEqual([
    {
      host: 'h',
      gpu: 'G0',
      gpuName: 'GPU 0',
      bucket: '2026-12-02T00:01:00.000Z',
      ...nulls,
      gpuUtilization: 0.9,
    },
  ]);
  expect(gpusAt(res, Date.parse('2026-12-02T00:05:00.000Z'))).toEqual([]);
});

describe('durationDomain', () => {
  const at = (durationMs: number) => ({ t: 0, durationMs, traceId: 'x', name: 'n' });
  test('widens the points range by 1.3 at both ends, across both series', () => {
    const [lo, hi] = durationDomain([at(100), at(650)], [at(40)])!;
    expect(lo).toBeCloseTo(40 / 1.3, 9);
    expect(hi).toBeCloseTo(650 * 1.3, 9);
  });
  test('puts sub-microsecond traces at the floor, and has no domain without points', () => {
    expect(durationDomain([at(0)])).toEqual([0.001 / 1.3, 0.001 * 1.3]);
    expect(durationDomain([], [])).toBeUndefined();
  });
});

describe('durationTicks', () => {
  /** Neighbouring ticks at least a factor apart: labels never crowd one end of a decade. */
  const spread = (ticks: number[]) => Math.min(...ticks.slice(1).map((t, i) => t / ticks[i]!));

  test('the coarsest even set with three ticks or more', () => {
    // 100-650 ms traces (the screenshot's case): 1-2-5 per decade.
    expect(durationTicks([100 / 1.3, 650 * 1.3])).toEqual([100, 200, 500]);
    expect(durationTicks([0.5, 5000])).toEqual([1, 10, 100, 1000]);
    expect(durationTicks([40, 400])).toEqual([50, 100, 200]);
  });

  test('no two labels closer than a factor of 1.4, never more than max', () => {
    for (const [lo, hi] of [
      [100 / 1.3, 650 * 1.3],
      [560 / 1.3, 900 * 1.3],
      [0.9, 1.2],
      [3, 40],
      [0.001 / 1.3, 60_000 * 1.3],
      [12, 13_000],
    ] as const) {
      const ticks = durationTicks([lo, hi]);
      expect(ticks.length, `${lo}-${hi}`).toBeLessThanOrEqual(7);
      expect(ticks.every((t) => t >= lo && t <= hi)).toBe(true);
      if (ticks.length > 1) expect(spread(ticks), `${lo}-${hi}`).toBeGreaterThanOrEqual(1.4);
    }
  });

  test('over more decades than ticks: every k-th power of ten', () => {
    expect(durationTicks([0.001 / 1.3, 60_000 * 1.3])).toEqual([0.001, 0.1, 10, 1000]);
  });
});

describe('the trace view', () => {
  test('keeps the search it was opened from beside the trace and span', () => {
    expect(
      validateTraceViewSearch({
        id: 'a'.repeat(32),
        span: 'b'.repeat(16),
        service: 'chat-api',
        model: 'acme/chat',
        minMs: '300',
        attr: 'user.tier=free',
        status: 'bogus',
      }),
    ).toEqual({
      id: 'a'.repeat(32),
      span: 'b'.repeat(16),
      service: 'chat-api',
      model: 'acme/chat',
      version: undefined,
      status: undefined,
      minMs: 300,
      maxMs: undefined,
      attr: ['user.tier=free'],
      sort: undefined,
    });
    expect(validateTraceViewSearch({})).toMatchObject({ id: '', span: undefined });
  });

  test('an inference span’s model: requested, else the response’s; none for other spans', () => {
    const inference = (attributes: Record<string, string>) =>
      span('s', '', 0, 1, { attributes: { 'gen_ai.operation.name': 'chat', ...attributes } });
    expect(
      spanModel(
        inference({ 'gen_ai.request.model': 'acme/chat', 'gen_ai.response.model': 'acme/chat-2' }),
      ),
    ).toBe('acme/chat');
    expect(spanModel(inference({ 'gen_ai.response.model': 'acme/chat-2' }))).toBe('acme/chat-2');
    expect(spanModel(inference({}))).toBeUndefined();
    expect(
      spanModel(span('s', '', 0, 1, { attributes: { 'gen_ai.request.model': 'x' } })),
    ).toBeUndefined();
  });

  test('a model page opens over the URL’s range when it holds the span, else around it', () => {
    const now = Date.parse('2026-12-02T12:00:00.000Z');
    const last = { from: 'now-1h', to: 'now', refresh: '30s' as const };
    expect(rangeAround(last, now - 10 * 60_000, now)).toEqual(last);
    expect(rangeAround(last, now - 3 * 3_600_000, now)).toEqual({
      from: '2026-12-02T08:30:00.000Z',
      to: '2026-12-02T09:30:00.000Z',
      refresh: 'off',
    });
  });

  test('the agent’s install command names this collector and the key file', () => {
    expect(agentInstallCommand('https://aiobs.example.com:4318')).toBe(
      'sudo npm install -g @aiobs/agent && sudo aiobs-agent install --collector https://aiobs.example.com:4318 --api-key-file ./ingest.key --enable',
    );
  });
});
