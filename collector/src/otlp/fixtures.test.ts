/**
 * Decodes the bodies recorded from the OpenTelemetry JS exporters (see
 * __fixtures__/README.md) in both encodings and checks every stored field against what the
 * SDK held (`expected.json`), read back from the Native bytes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { NativeValue } from '../storage/native/read-block.js';
import {
  blockBytes,
  type Decoded,
  decode,
  type Encoding,
  mapOf,
  REQUEST_TYPE,
  type Row,
  rows,
  type Signal,
} from './testing/decode.js';
import { encodeOtlpProtobuf } from './testing/otlp-protobuf.js';

const dir = new URL('./__fixtures__/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, dir));
const expected = JSON.parse(fixture('expected.json').toString());
const ENCODINGS: Encoding[] = ['pb', 'json'];
const SERVICE = expected.resource.serviceName as string;
const num = (v: number | string) => (typeof v === 'string' ? Number(v) : v);
const u64s = (list: (number | string)[]) => list.map((v) => BigInt(v));

function decodeFixture(signal: Signal, encoding: Encoding, name: string = signal): Decoded {
  const d = decode(signal, encoding, fixture(`${name}.${encoding}`));
  expect(d.outcome.rejected).toBe(0);
  expect(d.outcome.message).toBe('');
  return d;
}

describe.each(ENCODINGS)('recorded traces (%s)', (encoding) => {
  const d = decodeFixture('traces', encoding);
  const byId = new Map(rows(d.blocks.traces!).map((r) => [r.SpanId as string, r]));

  it('stores one row per span', () => {
    expect(d.outcome.accepted).toBe(expected.traces.length);
    expect(byId.size).toBe(expected.traces.length);
  });

  it.each(expected.traces.map((s: { name: string }) => [s.name, s]) as [string, Span][])(
    '%s',
    (_, s) => {
      const r = byId.get(s.spanId)!;
      expect(r).toBeDefined();
      expect({
        Timestamp: r.Timestamp,
        TraceId: r.TraceId,
        ParentSpanId: r.ParentSpanId,
        TraceState: r.TraceState,
        SpanName: r.SpanName,
        SpanKind: r.SpanKind,
        ServiceName: r.ServiceName,
        ScopeName: r.ScopeName,
        ScopeVersion: r.ScopeVersion,
        Duration: r.Duration,
        StatusCode: r.StatusCode,
        StatusMessage: r.StatusMessage,
        ProjectId: r.ProjectId,
      }).toEqual({
        Timestamp: BigInt(s.startTimeUnixNano),
        TraceId: s.traceId,
        ParentSpanId: s.parentSpanId,
        TraceState: s.traceState,
        SpanName: s.name,
        SpanKind: s.kind,
        ServiceName: SERVICE,
        ScopeName: s.scopeName,
        ScopeVersion: s.scopeVersion,
        Duration: BigInt(s.durationNano),
        StatusCode: s.statusCode,
        StatusMessage: s.statusMessage,
        ProjectId: 'proj-1',
      });
      expect(mapOf(r.ResourceAttributes)).toEqual(expected.resource.attributes);
      expectMap(r.SpanAttributes, s.attributes);
      expect(r['Events.Timestamp']).toEqual(s.events.map((e: Ev) => BigInt(e.timeUnixNano)));
      expect(r['Events.Name']).toEqual(s.events.map((e: Ev) => e.name));
      expect(maps(r['Events.Attributes'])).toEqual(s.events.map((e: Ev) => e.attributes));
      expect(r['Links.TraceId']).toEqual(s.links.map((l: Link) => l.traceId));
      expect(r['Links.SpanId']).toEqual(s.links.map((l: Link) => l.spanId));
      expect(r['Links.TraceState']).toEqual(s.links.map((l: Link) => l.traceState));
      expect(maps(r['Links.Attributes'])).toEqual(s.links.map((l: Link) => l.attributes));
    },
  );
});
type Ev = { timeUnixNano: string; name: string; attributes: Record<string, string> };
type Link = { traceId: string; spanId: string; traceState: string; attributes: object };
interface Span {
  scopeName: string;
  scopeVersion: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: string;
  startTimeUnixNano: string;
  durationNano: string;
  statusCode: string;
  statusMessage: string;
  attributes: Record<string, string>;
  events: Ev[];
  links: Link[];
}

/** An `Array(Map(String, String))` value as objects. */
function maps(v: NativeValue | undefined): Record<string, string>[] {
  return (v as NativeValue[]).map(mapOf);
}

/** Same entries, none twice. */
function expectMap(v: unknown, want: Record<string, string>): void {
  expect(mapOf(v as NativeValue)).toEqual(want);
  expect((v as unknown[]).length).toBe(Object.keys(want).length);
}

const TABLE_NAMES = ['gauge', 'sum', 'histogram', 'expHistogram', 'summary'];

describe.each(ENCODINGS)('recorded metrics (%s)', (encoding) => {
  const d = decodeFixture('metrics', encoding);
  const key = (table: string, name: string, attrs: Record<string, string>) =>
    `${table} ${name} ${JSON.stringify(Object.entries(attrs).sort())}`;
  const all = new Map<string, Row>();
  for (const table of TABLE_NAMES)
    for (const r of rows(d.blocks[table]!))
      all.set(key(table, r.MetricName as string, mapOf(r.Attributes)), r);

  it('stores one row per data point, in the table of its type', () => {
    expect(d.outcome.accepted).toBe(expected.metrics.length);
    expect(all.size).toBe(expected.metrics.length);
  });

  const points = expected.metrics.map((p: Point) => [`${p.table} ${p.metricName}`, p]);
  it.each(points as [string, Point][])('%s', (_, p) => {
    const r = all.get(key(p.table, p.metricName, p.attributes))!;
    expect(r).toBeDefined();
    expect(mapOf(r.ResourceAttributes)).toEqual(expected.resource.attributes);
    expectMap(r.Attributes, p.attributes);
    expect(r).toMatchObject({
      ResourceSchemaUrl: expected.resource.schemaUrl,
      ScopeName: p.scopeName,
      ScopeVersion: p.scopeVersion,
      ScopeAttributes: [],
      ScopeDroppedAttrCount: 0,
      ScopeSchemaUrl: p.scopeSchemaUrl,
      ServiceName: SERVICE,
      MetricDescription: p.description,
      MetricUnit: p.unit,
      StartTimeUnix: BigInt(p.startTimeUnixNano),
      TimeUnix: BigInt(p.timeUnixNano),
      Flags: 0,
      'Exemplars.Value': [],
      ProjectId: 'proj-1',
    });
    if (p.table === 'gauge' || p.table === 'sum') expect(r.Value).toBe(p.value);
    if (p.table === 'sum') expect(r.IsMonotonic).toBe(p.isMonotonic);
    if (p.table !== 'gauge') expect(r.AggregationTemporality).toBe(p.aggregationTemporality);
    if (p.table === 'histogram')
      expect(r).toMatchObject({
        Count: BigInt(p.count!),
        Sum: p.sum,
        Min: p.min,
        Max: p.max,
        BucketCounts: u64s(p.bucketCounts!),
        ExplicitBounds: p.explicitBounds,
      });
    if (p.table === 'expHistogram')
      expect(r).toMatchObject({
        Count: BigInt(p.count!),
        Sum: p.sum,
        Min: p.min,
        Max: p.max,
        Scale: p.scale,
        ZeroCount: BigInt(p.zeroCount!),
        PositiveOffset: p.positiveOffset,
        PositiveBucketCounts: u64s(p.positiveBucketCounts!),
        NegativeOffset: p.negativeOffset,
        NegativeBucketCounts: u64s(p.negativeBucketCounts!),
      });
  });
});
interface Log {
  traceId: string;
  spanId: string;
  traceFlags: number;
  severityText: string;
  severityNumber: number;
  body: string;
  attributes: Record<string, string>;
  eventName: string;
  scopeName: string;
  scopeVersion: string;
  scopeSchemaUrl: string;
  scopeAttributes: Record<string, string>;
}
/** A row of `expected.crafted` (fields by table; see scripts/crafted-metrics.mjs). */
interface CraftedRow {
  metricName: string;
  description?: string;
  unit?: string;
  attributes?: Record<string, string>;
  startTimeUnixNano?: string;
  timeUnixNano?: string;
  flags?: number;
  value: number | string;
  isMonotonic: boolean;
  aggregationTemporality: number;
  count: string;
  sum: number;
  min: number;
  max: number;
  quantiles: number[];
  values: number[];
  bucketCounts: string[];
  explicitBounds: number[];
  scale: number;
  zeroCount: string;
  positiveOffset: number;
  positiveBucketCounts: string[];
  negativeOffset: number;
  negativeBucketCounts: string[];
  exemplars: { time: string; value: number; traceId: string; spanId: string; attributes: object }[];
}
interface Point {
  table: string;
  metricName: string;
  description: string;
  unit: string;
  scopeName: string;
  scopeVersion: string;
  scopeSchemaUrl: string;
  attributes: Record<string, string>;
  startTimeUnixNano: string;
  timeUnixNano: string;
  value?: number;
  isMonotonic?: boolean;
  aggregationTemporality?: number;
  count?: number;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
  scale?: number;
  zeroCount?: number;
  positiveOffset?: number;
  positiveBucketCounts?: number[];
  negativeOffset?: number;
  negativeBucketCounts?: number[];
}

describe.each(ENCODINGS)('recorded logs (%s)', (encoding) => {
  const d = decodeFixture('logs', encoding);
  const all = rows(d.blocks.logs!);

  it('stores one row per log record, in order', () => {
    expect(d.outcome.accepted).toBe(expected.logs.length);
    expect(all.map((r) => r.Timestamp)).toEqual(
      expected.logs.map((l: { timeUnixNano: string }) => BigInt(l.timeUnixNano)),
    );
  });

  const records = expected.logs.map((l: { body: string }, i: number) => [i, l.body, l]);
  it.each(records as [number, string, Log][])('record %i (%s)', (i, _, l) => {
    const r = all[i]!;
    expect(mapOf(r.ResourceAttributes)).toEqual(expected.resource.attributes);
    expectMap(r.LogAttributes, l.attributes);
    expectMap(r.ScopeAttributes, l.scopeAttributes);
    expect(r).toMatchObject({
      TraceId: l.traceId,
      SpanId: l.spanId,
      TraceFlags: l.traceFlags,
      SeverityText: l.severityText,
      SeverityNumber: l.severityNumber,
      ServiceName: SERVICE,
      Body: l.body,
      ResourceSchemaUrl: expected.resource.schemaUrl,
      ScopeSchemaUrl: l.scopeSchemaUrl,
      ScopeName: l.scopeName,
      ScopeVersion: l.scopeVersion,
      EventName: l.eventName,
      ProjectId: 'proj-1',
    });
  });
});

describe.each(ENCODINGS)('crafted metrics: summaries, exemplars, extremes (%s)', (encoding) => {
  const d = decodeFixture('metrics', encoding, 'metrics-crafted');
  const c = expected.crafted;

  it('stores every point', () => {
    expect(d.outcome.accepted).toBe(10);
  });

  it.each(TABLE_NAMES)('%s rows', (table) => {
    const got = rows(d.blocks[table]!);
    const want = c[table] as CraftedRow[];
    expect(got.length).toBe(want.length);
    got.forEach((r, i) => {
      const w = want[i]!;
      expect(mapOf(r.ResourceAttributes)).toEqual(c.common.resourceAttributes);
      expect(mapOf(r.ScopeAttributes)).toEqual(c.common.scopeAttributes);
      expect(mapOf(r.Attributes)).toEqual(w.attributes ?? {});
      expect(r).toMatchObject({
        ServiceName: c.common.serviceName,
        ResourceSchemaUrl: c.common.resourceSchemaUrl,
        ScopeName: c.common.scopeName,
        ScopeVersion: c.common.scopeVersion,
        ScopeDroppedAttrCount: c.common.scopeDroppedAttrCount,
        ScopeSchemaUrl: c.common.scopeSchemaUrl,
        MetricName: w.metricName,
        MetricDescription: w.description ?? '',
        MetricUnit: w.unit ?? '',
        StartTimeUnix: BigInt(w.startTimeUnixNano ?? '1750000000000000000'),
        TimeUnix: BigInt(w.timeUnixNano ?? '1750000060000000000'),
        Flags: w.flags ?? 0,
      });
      if (table === 'gauge' || table === 'sum') expect(r.Value).toBe(num(w.value));
      if (table === 'sum') expect(r.IsMonotonic).toBe(w.isMonotonic);
      if (table !== 'gauge' && table !== 'summary')
        expect(r.AggregationTemporality).toBe(w.aggregationTemporality);
      if (table === 'summary')
        expect(r).toMatchObject({
          Count: BigInt(w.count),
          Sum: w.sum,
          'ValueAtQuantiles.Quantile': w.quantiles,
          'ValueAtQuantiles.Value': w.values,
        });
      if (table === 'histogram')
        expect(r).toMatchObject({
          Count: BigInt(w.count),
          Sum: w.sum,
          Min: w.min,
          Max: w.max,
          BucketCounts: u64s(w.bucketCounts),
          ExplicitBounds: w.explicitBounds,
        });
      if (table === 'expHistogram')
        expect(r).toMatchObject({
          Count: BigInt(w.count),
          Sum: w.sum,
          Scale: w.scale,
          ZeroCount: BigInt(w.zeroCount),
          PositiveOffset: w.positiveOffset,
          PositiveBucketCounts: u64s(w.positiveBucketCounts),
          NegativeOffset: w.negativeOffset,
          NegativeBucketCounts: u64s(w.negativeBucketCounts),
          Min: w.min,
          Max: w.max,
        });
      if (table !== 'summary') {
        const ex = w.exemplars;
        expect(r['Exemplars.TimeUnix']).toEqual(ex.map((e) => BigInt(e.time)));
        expect(r['Exemplars.Value']).toEqual(ex.map((e) => e.value));
        expect(r['Exemplars.TraceId']).toEqual(ex.map((e) => e.traceId));
        expect(r['Exemplars.SpanId']).toEqual(ex.map((e) => e.spanId));
        expect(maps(r['Exemplars.FilteredAttributes'])).toEqual(ex.map((e) => e.attributes));
      }
    });
  });
});

describe('both encodings of the same data', () => {
  const cases: [Signal, string][] = [
    ['traces', 'traces'],
    ['metrics', 'metrics'],
    ['logs', 'logs'],
    ['metrics', 'metrics-crafted'],
  ];

  it.each(cases)('%s: %s.pb and .json give byte-identical blocks', (signal, name) => {
    const pb = decode(signal, 'pb', fixture(`${name}.pb`));
    const json = decode(signal, 'json', fixture(`${name}.json`));
    expect(json.outcome).toEqual(pb.outcome);
    for (const [table, block] of Object.entries(pb.blocks)) {
      expect(blockBytes(json.blocks[table]!).equals(blockBytes(block)), table).toBe(true);
    }
  });

  it.each(cases)(
    '%s: the test encoder turns %s.json into what the exporter sent',
    (signal, name) => {
      const pb = decode(signal, 'pb', fixture(`${name}.pb`));
      const request = JSON.parse(fixture(`${name}.json`).toString());
      const again = decode(signal, 'pb', encodeOtlpProtobuf(REQUEST_TYPE[signal], request));
      for (const [table, block] of Object.entries(pb.blocks))
        expect(blockBytes(again.blocks[table]!).equals(blockBytes(block)), table).toBe(true);
    },
  );
});
