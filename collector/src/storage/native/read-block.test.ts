import { describe, expect, it } from 'vitest';
import { HistogramBlock, SumBlock } from '../tables/metrics-blocks.js';
import { TracesBlock } from '../tables/traces-block.js';
import { NativeBlock } from './block.js';
import { ArrayColumn, type MapColumn, Offsets, SinkColumn } from './columns.js';
import { nativeRows, readNativeBlock } from './read-block.js';

const bytes = (b: NativeBlock) => Buffer.concat(b.encode());

function entries(map: MapColumn, pairs: [string, string][]): void {
  for (const [k, v] of pairs) {
    map.keys.string(k);
    map.values.string(v);
    map.offsets.count++;
  }
  map.offsets.end();
}

/** One span row written column by column, as a decoder does. */
function span(b: TracesBlock, i: number, events: number, links: number): void {
  b.timestamp.sink.u64(0x9abc_def0, 0x1850_0000 + i);
  b.traceId.sink.string(`${i}`.repeat(32));
  b.spanId.sink.string(`${i}`.repeat(16));
  b.parentSpanId.sink.string('');
  b.traceState.sink.string(i ? 'k=v' : '');
  b.spanName.sink.string(`span ${i} ✓`);
  b.spanKind.sink.string('Client');
  b.serviceName.sink.string('svc');
  entries(b.resourceAttributes, [['service.name', 'svc']]);
  b.scopeName.sink.string('scope');
  b.scopeVersion.sink.string('');
  entries(
    b.spanAttributes,
    i
      ? [
          ['a', '1'],
          ['b', 'x'.repeat(300)],
        ]
      : [],
  );
  b.duration.sink.u64(0xffff_ffff, 0xffff_ffff);
  b.statusCode.sink.string('Error');
  b.statusMessage.sink.string('');
  for (let e = 0; e < events; e++) {
    b.eventTimestamp.sink.u64(e, 0);
    b.eventName.sink.string(`event ${e}`);
    entries(b.eventAttributes, [[`e${e}`, `${e}`]]);
    b.events.count++;
  }
  b.events.end();
  for (let l = 0; l < links; l++) {
    b.linkTraceId.sink.string('t');
    b.linkSpanId.sink.string('s');
    b.linkTraceState.sink.string('');
    entries(b.linkAttributes, []);
    b.links.count++;
  }
  b.links.end();
  b.projectId.sink.string('p');
  b.rows++;
}

describe('readNativeBlock', () => {
  it('reads back every column type of otel_traces, nested arrays of maps included', () => {
    const b = new TracesBlock();
    span(b, 0, 0, 1);
    span(b, 1, 2, 0);
    const block = readNativeBlock(bytes(b));
    expect(block.rows).toBe(2);
    expect(block.columns.map((c) => `${c.name} ${c.type}`)).toEqual(
      b.columns.map((c) => `${c.name} ${c.type}`),
    );
    const [r0, r1] = nativeRows(block);
    expect(r0).toMatchObject({
      Timestamp: (0x1850_0000n << 32n) | 0x9abc_def0n,
      TraceId: '0'.repeat(32),
      TraceState: '',
      SpanName: 'span 0 ✓',
      SpanKind: 'Client',
      ResourceAttributes: [['service.name', 'svc']],
      SpanAttributes: [],
      Duration: 0xffff_ffff_ffff_ffffn,
      StatusCode: 'Error',
      'Events.Timestamp': [],
      'Events.Attributes': [],
      'Links.TraceId': ['t'],
      'Links.Attributes': [[]],
      ProjectId: 'p',
    });
    expect(r1).toMatchObject({
      Timestamp: (0x1850_0001n << 32n) | 0x9abc_def0n,
      TraceState: 'k=v',
      SpanAttributes: [
        ['a', '1'],
        ['b', 'x'.repeat(300)],
      ],
      'Events.Timestamp': [0n, 1n],
      'Events.Name': ['event 0', 'event 1'],
      'Events.Attributes': [[['e0', '0']], [['e1', '1']]],
      'Links.TraceId': [],
    });
  });

  it('reads UInt32, Int32, Bool, Float64 and arrays of numbers', () => {
    const s = new SumBlock();
    const h = new HistogramBlock();
    for (const [i, b] of [s, h].entries()) {
      entries(b.resourceAttributes, []);
      b.resourceSchemaUrl.sink.string('');
      b.scopeName.sink.string('');
      b.scopeVersion.sink.string('');
      entries(b.scopeAttributes, []);
      b.scopeDroppedAttrCount.sink.u32(0xffff_fffe);
      b.scopeSchemaUrl.sink.string('');
      b.serviceName.sink.string('');
      b.metricName.sink.string(`m${i}`);
      b.metricDescription.sink.string('');
      b.metricUnit.sink.string('');
      entries(b.attributes, []);
      b.startTimeUnix.sink.u64(0, 0);
      b.timeUnix.sink.u64(1, 0);
      b.flags.sink.u32(1);
      entries(b.exemplarAttributes, [['k', 'v']]);
      b.exemplarTime.sink.u64(5, 0);
      b.exemplarValue.sink.f64(-0.5);
      b.exemplarSpanId.sink.string('');
      b.exemplarTraceId.sink.string('');
      b.exemplars.count++;
      b.exemplars.end();
      b.projectId.sink.string('p');
    }
    s.value.sink.f64(Number.NaN);
    s.aggregationTemporality.sink.i32(-1);
    s.isMonotonic.sink.u8(1);
    s.rows++;
    h.count.sink.u64n(3);
    h.sum.sink.f64(1.5);
    h.bucketCounts.sink.u64n(1);
    h.bucketCounts.sink.u64n(2);
    h.buckets.count += 2;
    h.buckets.end();
    h.explicitBounds.sink.f64(0.25);
    h.bounds.count += 1;
    h.bounds.end();
    h.min.sink.f64(Number.NEGATIVE_INFINITY);
    h.max.sink.f64(2);
    h.aggregationTemporality.sink.i32(2);
    h.rows++;

    const [sum] = nativeRows(readNativeBlock(bytes(s)));
    expect(sum).toMatchObject({
      ScopeDroppedAttrCount: 0xffff_fffe,
      Flags: 1,
      AggregationTemporality: -1,
      IsMonotonic: true,
      'Exemplars.FilteredAttributes': [[['k', 'v']]],
      'Exemplars.Value': [-0.5],
      'Exemplars.TimeUnix': [5n],
    });
    expect(sum!.Value).toBeNaN();
    const [hist] = nativeRows(readNativeBlock(bytes(h)));
    expect(hist).toMatchObject({
      MetricName: 'm1',
      Count: 3n,
      BucketCounts: [1n, 2n],
      ExplicitBounds: [0.25],
      Min: Number.NEGATIVE_INFINITY,
      AggregationTemporality: 2,
    });
  });

  it('reads an empty block', () => {
    const block = readNativeBlock(bytes(new TracesBlock()));
    expect(block.rows).toBe(0);
    expect(block.columns.every((c) => c.values.length === 0)).toBe(true);
  });

  it('reads an array sharing its offsets with a sibling (Nested)', () => {
    const b = new NativeBlock('t');
    const offsets = new Offsets();
    const a = new SinkColumn('A', 'UInt8');
    const c = new SinkColumn('C', 'String');
    b.columns = [
      new ArrayColumn('N.A', offsets, a, true),
      new ArrayColumn('N.C', offsets, c, false),
    ];
    for (const n of [2, 0, 1]) {
      for (let i = 0; i < n; i++) {
        a.sink.u8(i + 10);
        c.sink.string(`c${i}`);
        offsets.count++;
      }
      offsets.end();
      b.rows++;
    }
    expect(nativeRows(readNativeBlock(bytes(b)))).toEqual([
      { 'N.A': [10, 11], 'N.C': ['c0', 'c1'] },
      { 'N.A': [], 'N.C': [] },
      { 'N.A': [10], 'N.C': ['c0'] },
    ]);
  });

  it('refuses truncated blocks, bytes left over and unknown types', () => {
    const b = new TracesBlock();
    span(b, 1, 1, 1);
    const all = bytes(b);
    for (const cut of [1, 10, all.length >> 1, all.length - 1])
      expect(() => readNativeBlock(all.subarray(0, cut))).toThrow(/truncated/);
    expect(() => readNativeBlock(Buffer.concat([all, Buffer.from([0])]))).toThrow(/left over/);
    const odd = new NativeBlock('t');
    odd.columns = [new SinkColumn('x', 'Int128')];
    odd.rows = 1;
    expect(() => readNativeBlock(bytes(odd))).toThrow(/unsupported Native type Int128/);
  });
});
