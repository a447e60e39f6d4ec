import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { AppError } from '../errors.js';
import type { SeriesRow } from '../storage/metrics-repo.js';
import {
  bucketValue,
  parseGroupBy,
  parseMetricAgg,
  pickMetricType,
  quantileOf,
  toMetricInfo,
  toMetricPoint,
  toMetricSeries,
} from './metric-series.js';

/** The `{code, field}` an AppError renders as, or undefined when `fn` does not throw one. */
function errorOf(fn: () => unknown): { status: number; field?: string } | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return { status: err.status, field: err.options.field };
    throw err;
  }
  return undefined;
}

describe('parameters', () => {
  test('groupBy maps service.name, resource.<key> and point attributes', () => {
    expect(parseGroupBy(undefined)).toEqual([]);
    expect(parseGroupBy(' service.name, resource.host.name ,gpu,,')).toEqual([
      { label: 'service.name', expr: 'service', key: '' },
      { label: 'resource.host.name', expr: 'resource', key: 'host.name' },
      { label: 'gpu', expr: 'attribute', key: 'gpu' },
    ]);
    const eleven = Array.from({ length: 11 }, (_, i) => `k${i}`).join(',');
    expect(errorOf(() => parseGroupBy(eleven))).toEqual({ status: 400, field: 'groupBy' });
  });

  test('pNN names a quantile strictly between 0 and 1', () => {
    expect(quantileOf('p50')).toBe(0.5);
    expect(quantileOf('p99.9')).toBeCloseTo(0.999, 12);
    expect(quantileOf('p0')).toBeUndefined();
    expect(quantileOf('p100')).toBeUndefined();
    expect(quantileOf('avg')).toBeUndefined();
  });

  test('the type asked for must exist; otherwise the first one is read', () => {
    expect(pickMetricType('m', ['sum', 'gauge'], undefined)).toBe('sum');
    expect(pickMetricType('m', ['sum', 'gauge'], 'gauge')).toBe('gauge');
    expect(errorOf(() => pickMetricType('m', ['sum'], 'histogram'))).toEqual({
      status: 400,
      field: 'type',
    });
    expect(errorOf(() => pickMetricType('m', [], undefined))?.status).toBe(404);
    // Named, a type with no points in the range is an empty read, not an error.
    expect(pickMetricType('m', [], 'gauge')).toBe('gauge');
    expect(errorOf(() => pickMetricType('m', [], 'bogus'))).toEqual({ status: 400, field: 'type' });
  });

  test('agg defaults by type and is checked against what the type has', () => {
    expect(parseMetricAgg('gauge', undefined)).toBe('avg');
    expect(parseMetricAgg('sum', undefined)).toBe('rate');
    expect(parseMetricAgg('histogram', undefined)).toBe('p95');
    expect(parseMetricAgg('summary', undefined)).toBe('p95');
    expect(parseMetricAgg('gauge', 'last')).toBe('last');
    expect(parseMetricAgg('histogram', 'p99')).toBe('p99');
    for (const [type, agg] of [
      ['gauge', 'p99'],
      ['histogram', 'last'],
      ['summary', 'max'],
    ] as const)
      expect(errorOf(() => parseMetricAgg(type, agg))).toEqual({ status: 400, field: 'agg' });
    expect(errorOf(() => parseMetricAgg('exponential_histogram', 'avg'))).toEqual({
      status: 400,
      field: 'name',
    });
  });

  test('property: any agg text is accepted as given or refused with a 400 naming agg', () => {
    fc.assert(
      fc.property(fc.constantFrom('gauge', 'sum', 'histogram', 'summary'), fc.string(), (t, a) => {
        const e = errorOf(() => expect(parseMetricAgg(t, a)).toBe(a));
        expect(e === undefined || (e.status === 400 && e.field === 'agg')).toBe(true);
      }),
    );
  });
});

describe('bucket values', () => {
  const hist: SeriesRow = {
    t: 0,
    g: [],
    count: '10',
    sum: 55,
    min: 1,
    max: 10,
    bounds: [5, 10],
    buckets: ['4', '6', '0'],
  };

  test('gauge and sum buckets are the aggregated value', () => {
    expect(bucketValue({ t: 0, g: [], v: 3.5 }, 'gauge', 'avg', 1000)).toBe(3.5);
    expect(bucketValue({ t: 0, g: [] }, 'sum', 'rate', 1000)).toBeNull();
  });

  test('histogram aggregations from count, sum, min, max and buckets', () => {
    expect(bucketValue(hist, 'histogram', 'count', 60_000)).toBe(10);
    expect(bucketValue(hist, 'histogram', 'sum', 60_000)).toBe(55);
    expect(bucketValue(hist, 'histogram', 'avg', 60_000)).toBe(5.5);
    expect(bucketValue(hist, 'histogram', 'min', 60_000)).toBe(1);
    expect(bucketValue(hist, 'histogram', 'max', 60_000)).toBe(10);
    expect(bucketValue(hist, 'histogram', 'rate', 5_000)).toBe(2);
    // Rank 5 of 10: 4 below 5, so 1/6 of the way through the (5, 10] bucket.
    expect(bucketValue(hist, 'histogram', 'p50', 60_000)).toBeCloseTo(5 + 5 / 6, 12);
    const empty: SeriesRow = { t: 0, g: [], count: 0, sum: 0, bounds: [5], buckets: [0, 0] };
    expect(bucketValue(empty, 'histogram', 'avg', 60_000)).toBeNull();
    expect(bucketValue(empty, 'histogram', 'min', 60_000)).toBeNull();
    expect(bucketValue(empty, 'histogram', 'p50', 60_000)).toBeNull();
  });

  test('summary quantiles are read, never interpolated', () => {
    const s: SeriesRow = {
      t: 0,
      g: [],
      count: 4,
      sum: 10,
      quantiles: [0.5, 0.99],
      qvalues: [2, 9],
    };
    expect(bucketValue(s, 'summary', 'p99', 60_000)).toBe(9);
    expect(bucketValue(s, 'summary', 'p90', 60_000)).toBeNull();
    expect(bucketValue(s, 'summary', 'avg', 60_000)).toBe(2.5);
    expect(bucketValue(s, 'summary', 'count', 60_000)).toBe(4);
  });
});

describe('shapes', () => {
  test('buckets become one series per group, in first-seen order, labelled by groupBy', () => {
    const groupBy = parseGroupBy('service.name,gpu');
    const rows: SeriesRow[] = [
      { t: '60000', g: ['api', '0'], v: 1 },
      { t: '60000', g: ['api', '1'], v: 2 },
      { t: '120000', g: ['api', '0'], v: 3 },
      { t: 120000, g: ['api'], v: 4 },
    ];
    expect(toMetricSeries(rows, groupBy, 'gauge', 'avg', 60_000)).toEqual([
      {
        group: { 'service.name': 'api', gpu: '0' },
        points: [
          { time: '1970-01-01T00:01:00.000Z', value: 1 },
          { time: '1970-01-01T00:02:00.000Z', value: 3 },
        ],
      },
      {
        group: { 'service.name': 'api', gpu: '1' },
        points: [{ time: '1970-01-01T00:01:00.000Z', value: 2 }],
      },
      {
        group: { 'service.name': 'api', gpu: '' },
        points: [{ time: '1970-01-01T00:02:00.000Z', value: 4 }],
      },
    ]);
    expect(toMetricSeries([], groupBy, 'gauge', 'avg', 60_000)).toEqual([]);
  });

  test('a metric list row gets a numeric point count and an ISO last-seen time', () => {
    expect(
      toMetricInfo({
        name: 'hw.gpu.utilization',
        type: 'gauge',
        unit: '1',
        description: 'd',
        points: '42',
        last_ns: '1700000000123456789',
        services: ['agent'],
      }),
    ).toEqual({
      name: 'hw.gpu.utilization',
      type: 'gauge',
      unit: '1',
      description: 'd',
      points: 42,
      lastSeen: '2023-11-14T22:13:20.123456789Z',
      services: ['agent'],
    });
  });

  test('a raw point: known columns renamed, others camelCased, arrays zipped', () => {
    const point = toMetricPoint({
      time_ns: '1700000000000000000',
      start_ns: '1699999990000000000',
      row_id: 'r1',
      ServiceName: 'api',
      MetricUnit: 'ms',
      Attributes: { a: '1' },
      ResourceAttributes: { 'host.name': 'h' },
      ScopeName: 's',
      ScopeVersion: '1.0',
      Flags: '0',
      Count: '3',
      Sum: 6,
      'ValueAtQuantiles.Quantile': [0.5, 0.9],
      'ValueAtQuantiles.Value': [2, 3],
      'Exemplars.Value': [7],
      'Exemplars.TimeUnix_ns': ['1700000000500000000'],
      'Exemplars.TraceId': ['t'],
      'Exemplars.SpanId': ['s'],
      'Exemplars.FilteredAttributes': [{ k: 'v' }],
    });
    expect(point).toEqual({
      time: '2023-11-14T22:13:20.000000000Z',
      timeUnixNano: '1700000000000000000',
      startTime: '2023-11-14T22:13:10.000000000Z',
      serviceName: 'api',
      unit: 'ms',
      attributes: { a: '1' },
      resourceAttributes: { 'host.name': 'h' },
      scope: { name: 's', version: '1.0' },
      flags: 0,
      count: '3',
      sum: 6,
      quantiles: [
        { quantile: 0.5, value: 2 },
        { quantile: 0.9, value: 3 },
      ],
      exemplars: [
        {
          value: 7,
          time: '2023-11-14T22:13:20.500000000Z',
          traceId: 't',
          spanId: 's',
          attributes: { k: 'v' },
        },
      ],
    });
  });
});
