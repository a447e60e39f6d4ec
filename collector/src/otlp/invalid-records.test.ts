/**
 * Records that decode but are invalid are rejected one by one (OTLP partial_success), in
 * both encodings alike: same counts, same first message, same rows for the rest. Each
 * request is written once as OTLP/JSON and encoded to protobuf by the test encoder.
 */
import { describe, expect, it } from 'vitest';
import {
  blockBytes,
  context,
  type Decoded,
  decodeBoth,
  mapOf,
  rows,
  type Signal,
} from './testing/decode.js';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const resource = (attributes: object[] = [str('service.name', 'svc')]) => ({ attributes });

function span(over: Record<string, unknown> = {}) {
  return {
    traceId: TRACE,
    spanId: SPAN,
    name: 'op',
    kind: 2,
    startTimeUnixNano: '1750000000000000000',
    endTimeUnixNano: '1750000000500000000',
    ...over,
  };
}
const traces = (...spans: object[]) => ({
  resourceSpans: [{ resource: resource(), scopeSpans: [{ scope: { name: 's' }, spans }] }],
});

/** Decodes both ways and checks that both encodings agree on everything. */
function both(signal: Signal, request: unknown, max = 64): Decoded {
  const { pb, json } = decodeBoth(signal, request, context(max));
  expect(json.outcome).toEqual(pb.outcome);
  for (const [name, block] of Object.entries(pb.blocks))
    expect(blockBytes(json.blocks[name]!).equals(blockBytes(block)), name).toBe(true);
  return pb;
}

function expectOutcome(d: Decoded, accepted: number, rejected: number, message = ''): void {
  const { outcome } = d;
  expect({
    accepted: outcome.accepted,
    rejected: outcome.rejected,
    message: outcome.message,
  }).toEqual({ accepted, rejected, message });
  expect(outcome.droppedAttributes).toBe(0);
}

describe('invalid spans', () => {
  it.each([
    [
      'trace id of 15 bytes',
      { traceId: TRACE.slice(2) },
      'span 0: trace id must be 16 bytes, got 15',
    ],
    ['no trace id', { traceId: undefined }, 'span 0: trace id must be 16 bytes, got 0'],
    ['all-zero trace id', { traceId: '0'.repeat(32) }, 'span 0: trace id is all zeros'],
    ['span id of 9 bytes', { spanId: `${SPAN}00` }, 'span 0: span id must be 8 bytes, got 9'],
    ['all-zero span id', { spanId: '0'.repeat(16) }, 'span 0: span id is all zeros'],
    [
      'parent span id of 4 bytes',
      { parentSpanId: 'abcdef01' },
      'span 0: parent span id must be empty or 8 bytes, got 4',
    ],
    [
      'end before start',
      { endTimeUnixNano: '1749999999999999999' },
      'span 0: end time is before start time',
    ],
    [
      'end before start in the high 32 bits',
      { startTimeUnixNano: '4294967296', endTimeUnixNano: '4294967295' },
      'span 0: end time is before start time',
    ],
    [
      'span attribute key over the limit',
      { attributes: [str('k'.repeat(65), 'v')] },
      'span 0: a span attribute is over the size limit',
    ],
    [
      'span attribute value over the limit',
      { attributes: [str('ok', 'fine'), str('k', 'é'.repeat(33))] },
      'span 0: a span attribute is over the size limit',
    ],
    [
      'array value flattened over the limit',
      {
        attributes: [
          {
            key: 'a',
            value: { arrayValue: { values: Array(20).fill({ stringValue: 'xx' }) } },
          },
        ],
      },
      'span 0: a span attribute is over the size limit',
    ],
    [
      'event attribute over the limit',
      {
        events: [
          { timeUnixNano: '1', name: 'ok' },
          { timeUnixNano: '2', name: 'e', attributes: [str('k', 'v'.repeat(65))] },
        ],
      },
      'span 0: an event attribute is over the size limit',
    ],
    [
      'link attribute over the limit',
      { links: [{ traceId: TRACE, spanId: SPAN, attributes: [str('k', 'v'.repeat(65))] }] },
      'span 0: a link attribute is over the size limit',
    ],
    [
      'link trace id of 8 bytes',
      { links: [{ traceId: SPAN, spanId: SPAN }] },
      'span 0: link trace id must be 16 bytes, got 8',
    ],
    [
      'link without a span id',
      { links: [{ traceId: TRACE }] },
      'span 0: link span id must be 8 bytes, got 0',
    ],
  ])('%s is rejected, the next span kept', (_, over, message) => {
    const good = span({ spanId: 'aaaaaaaaaaaaaaaa', attributes: [str('a', 'b')] });
    const d = both('traces', traces(span(over), good));
    expectOutcome(d, 1, 1, message);
    // Nothing of the rejected span is left in any column (rolled back to its mark).
    const alone = both('traces', traces(good));
    expect(blockBytes(d.blocks.traces!).equals(blockBytes(alone.blocks.traces!))).toBe(true);
  });

  it('keeps counting after the first rejection and reports the first reason', () => {
    const d = both(
      'traces',
      traces(
        span(),
        span({ spanId: '00' }),
        span({ traceId: '' }),
        span({ spanId: 'ab'.repeat(8) }),
      ),
    );
    expectOutcome(d, 2, 2, 'span 1: span id must be 8 bytes, got 1');
  });

  it('rejects every span of a resource with an attribute over the limit', () => {
    const request = traces(span());
    request.resourceSpans.push({
      resource: resource([str('service.name', 'svc'), str('big', 'x'.repeat(100))]),
      scopeSpans: [{ scope: { name: 's' }, spans: [span(), span()] }],
    });
    expectOutcome(
      both('traces', request),
      1,
      2,
      'span 1: a resource attribute is over the size limit',
    );
  });

  it('accepts empty and zero-length spans, ids in any hex case, the full uint64 time range', () => {
    const d = both(
      'traces',
      traces(
        span({ startTimeUnixNano: '0', endTimeUnixNano: '18446744073709551615' }),
        span({ startTimeUnixNano: '4294967295', endTimeUnixNano: '4294967296', name: '' }),
        span({ endTimeUnixNano: '1750000000000000000', kind: 0 }),
      ),
    );
    expectOutcome(d, 3, 0);
    const [a, b, c] = rows(d.blocks.traces!);
    expect([a!.Timestamp, a!.Duration]).toEqual([0n, 0xffff_ffff_ffff_ffffn]);
    expect([b!.Timestamp, b!.Duration, b!.SpanName]).toEqual([4294967295n, 1n, '']);
    expect([c!.Duration, c!.SpanKind]).toEqual([0n, 'Unspecified']);
    const upper = decodeBoth('traces', traces(span({ traceId: TRACE.toUpperCase() }))).json;
    expect(rows(upper.blocks.traces!)[0]!.TraceId).toBe(TRACE);
  });

  it('stores unknown kinds and status codes as empty strings, as the protobuf decoder does', () => {
    const d = both('traces', traces(span({ kind: 9, status: { code: 7, message: 'm' } })));
    expect(rows(d.blocks.traces!)[0]).toMatchObject({
      SpanKind: '',
      StatusCode: '',
      StatusMessage: 'm',
    });
  });

  it('flattens int64 edge values exactly', () => {
    const int = (key: string, v: string) => ({ key, value: { intValue: v } });
    const d = both(
      'traces',
      traces(
        span({
          attributes: [
            int('min', '-9223372036854775808'),
            int('max', '9223372036854775807'),
            int('2^53+1', '9007199254740993'),
            int('-2^53-1', '-9007199254740993'),
            int('zero', '0'),
            {
              key: 'arr',
              value: {
                arrayValue: { values: [{ intValue: '-9223372036854775808' }, { intValue: '5' }] },
              },
            },
          ],
        }),
      ),
      4096,
    );
    expect(mapOf(rows(d.blocks.traces!)[0]!.SpanAttributes)).toEqual({
      min: '-9223372036854775808',
      max: '9223372036854775807',
      '2^53+1': '9007199254740993',
      '-2^53-1': '-9007199254740993',
      zero: '0',
      arr: '[-9223372036854775808,5]',
    });
  });
});

const metric = (m: object) => ({
  resourceMetrics: [
    { resource: resource(), scopeMetrics: [{ scope: { name: 's' }, metrics: [m] }] },
  ],
});
const point = (over: object = {}) => ({
  timeUnixNano: '1750000000000000000',
  asDouble: 1,
  ...over,
});

describe('invalid metric points', () => {
  it('rejects a point without a value and keeps the others', () => {
    const d = both(
      'metrics',
      metric({
        name: 'g',
        gauge: {
          dataPoints: [
            point(),
            point({ asDouble: undefined }),
            point({ asDouble: undefined, asInt: '3' }),
          ],
        },
      }),
    );
    expectOutcome(d, 2, 1, 'metric "g" point 1: data point has no value (as_double or as_int)');
    expect(rows(d.blocks.gauge!).map((r) => r.Value)).toEqual([1, 3]);
  });

  it('rejects histogram buckets that do not match the bounds', () => {
    const h = (bucketCounts: string[], explicitBounds: number[]) => ({
      count: '3',
      bucketCounts,
      explicitBounds,
    });
    const d = both(
      'metrics',
      metric({
        name: 'h',
        histogram: {
          aggregationTemporality: 2,
          dataPoints: [h(['1', '2'], [1, 2]), h(['1', '2', '0'], [1, 2]), h([], [1])],
        },
      }),
    );
    expectOutcome(
      d,
      2,
      1,
      'metric "h" point 0: histogram has 2 bucket counts for 2 explicit bounds (want bounds + 1)',
    );
    expect(rows(d.blocks.histogram!).map((r) => r.BucketCounts)).toEqual([[1n, 2n, 0n], []]);
  });

  it('rejects metrics without a name or without data', () => {
    const request = metric({ name: '', gauge: { dataPoints: [point()] } });
    request.resourceMetrics[0]!.scopeMetrics[0]!.metrics.push({ name: 'nodata' } as never);
    expectOutcome(both('metrics', request), 0, 2, 'metric 0: metric name is empty');
  });

  it('counts each data point of a metric without a name as rejected (OTLP counts points)', () => {
    const request = metric({ name: '', gauge: { dataPoints: [point(), point(), point()] } });
    expectOutcome(both('metrics', request), 0, 3, 'metric 0: metric name is empty');
  });

  it('rejects exemplars with bad ids and points with attributes over the limit', () => {
    const d = both(
      'metrics',
      metric({
        name: 's',
        sum: {
          aggregationTemporality: 1,
          isMonotonic: true,
          dataPoints: [
            point({ exemplars: [{ asDouble: 1, traceId: SPAN }] }),
            point({ exemplars: [{ asDouble: 1, spanId: TRACE }] }),
            point({ attributes: [str('k', 'v'.repeat(65))] }),
            point({ exemplars: [{ asDouble: 1, filteredAttributes: [str('k', 'v'.repeat(65))] }] }),
            point({ exemplars: [{ asInt: '-7' }] }),
          ],
        },
      }),
    );
    expectOutcome(d, 1, 4, 'metric "s" point 0: exemplar trace id must be 16 bytes, got 8');
    expect(rows(d.blocks.sum!)[0]).toMatchObject({
      'Exemplars.Value': [-7],
      'Exemplars.TraceId': [''],
    });
  });

  it('rejects the points of a scope with an attribute over the limit', () => {
    const request = metric({ name: 'g', gauge: { dataPoints: [point()] } });
    request.resourceMetrics[0]!.scopeMetrics[0]!.scope = {
      name: 's',
      attributes: [str('k', 'v'.repeat(65))],
    } as never;
    expectOutcome(
      both('metrics', request),
      0,
      1,
      'metric "g" point 0: a resource or scope attribute is over the size limit',
    );
  });

  it('stores extreme values: int64 as_int, uint64 counts, NaN and infinities', () => {
    const d = both(
      'metrics',
      metric({
        name: 'x',
        histogram: {
          dataPoints: [
            {
              count: '18446744073709551615',
              sum: 'NaN',
              min: '-Infinity',
              max: 'Infinity',
              bucketCounts: ['18446744073709551615'],
            },
          ],
        },
      }),
    );
    const [r] = rows(d.blocks.histogram!);
    expect(r!.Count).toBe(0xffff_ffff_ffff_ffffn);
    expect(r!.BucketCounts).toEqual([0xffff_ffff_ffff_ffffn]);
    expect(r!.Sum).toBeNaN();
    expect([r!.Min, r!.Max]).toEqual([-Infinity, Infinity]);
    const g = both(
      'metrics',
      metric({
        name: 'g',
        gauge: { dataPoints: [point({ asDouble: undefined, asInt: '-9223372036854775808' })] },
      }),
    );
    expect(rows(g.blocks.gauge!)[0]!.Value).toBe(-(2 ** 63));
  });
});

const logs = (...logRecords: object[]) => ({
  resourceLogs: [{ resource: resource(), scopeLogs: [{ scope: { name: 's' }, logRecords }] }],
});

describe('invalid log records', () => {
  it.each([
    [
      'trace id of 8 bytes',
      { traceId: SPAN },
      'log record 0: trace id must be empty or 16 bytes, got 8',
    ],
    [
      'span id of 16 bytes',
      { spanId: TRACE },
      'log record 0: span id must be empty or 8 bytes, got 16',
    ],
    ['severity 25', { severityNumber: 25 }, 'log record 0: severity number 25 is outside 0-24'],
    [
      'attribute over the limit',
      { attributes: [str('k', 'v'.repeat(65))] },
      'log record 0: an attribute is over the size limit',
    ],
  ])('%s is rejected, the next record kept', (_, over, message) => {
    const d = both(
      'logs',
      logs({ timeUnixNano: '5', body: { stringValue: 'x' }, ...over }, { timeUnixNano: '6' }),
    );
    expectOutcome(d, 1, 1, message);
    expect(rows(d.blocks.logs!).map((r) => r.Timestamp)).toEqual([6n]);
  });

  it('falls back to the observed time and keeps all-zero ids as they are', () => {
    const d = both(
      'logs',
      logs({
        observedTimeUnixNano: '1750000000000000001',
        traceId: '0'.repeat(32),
        spanId: '0'.repeat(16),
        flags: 0x101,
        severityNumber: 24,
        body: { kvlistValue: { values: [str('b', '1'), str('a', '<&>')] } },
      }),
    );
    expect(rows(d.blocks.logs!)[0]).toMatchObject({
      Timestamp: 1750000000000000001n,
      TraceId: '0'.repeat(32),
      SpanId: '0'.repeat(16),
      TraceFlags: 1,
      SeverityNumber: 24,
      // Go's encoding/json (pdata's AsString) escapes <, > and & in JSON output.
      Body: '{"a":"\\u003c\\u0026\\u003e","b":"1"}',
    });
  });
});

describe('resources', () => {
  it('takes the service name only from a string service.name, per resource', () => {
    const request = {
      resourceSpans: [
        { resource: resource([str('service.name', 'a')]), scopeSpans: [{ spans: [span()] }] },
        {
          resource: resource([{ key: 'service.name', value: { intValue: '5' } }]),
          scopeSpans: [{ spans: [span()] }],
        },
        { scopeSpans: [{ scope: { name: 'n', version: 'v' }, spans: [span()] }] },
        {
          resource: resource([str('service.name', 'first'), str('service.name', 'last')]),
          scopeSpans: [{ spans: [span()] }],
        },
      ],
    };
    const d = both('traces', request);
    expect(rows(d.blocks.traces!).map((r) => [r.ServiceName, r.ScopeName, r.ScopeVersion])).toEqual(
      [
        ['a', '', ''],
        ['', '', ''],
        ['', 'n', 'v'],
        ['last', '', ''],
      ],
    );
    expect(mapOf(rows(d.blocks.traces!)[1]!.ResourceAttributes)).toEqual({ 'service.name': '5' });
  });
});
