/**
 * Test support for the fuzz suites: fast-check arbitraries of valid OTLP requests (as
 * OTLP/JSON objects, encodable both ways with `encodeOtlpProtobuf`) and of the ways a body
 * goes wrong on the wire (truncation, bit flips, wrong wire types, huge lengths, nesting
 * bombs, random bytes). Not used at run time.
 */
import fc from 'fast-check';
import type { Signal } from './decode.js';

/** How many inputs each fuzz target runs: `FUZZ_RUNS` (`npm run fuzz`: 8,334 per target, 100,008 in all). */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** fast-check parameters shared by the targets; `FUZZ_SEED` replays a run. */
export function fuzzParams(): fc.Parameters<unknown> {
  const seed = process.env.FUZZ_SEED;
  return { numRuns: FUZZ_RUNS, ...(seed ? { seed: Number(seed) } : {}) };
}

const hex = (n: number) =>
  fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b).toString('hex'));
const nanos = fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }).map(String);
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });

/** An OTLP AnyValue, nested at most `depth` levels. */
const anyValue: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{
  value: Record<string, unknown>;
}>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string().map((s) => ({ stringValue: s })),
    fc.boolean().map((b) => ({ boolValue: b })),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((i) => ({ intValue: String(i) })),
    finite.map((d) => ({ doubleValue: d })),
    fc
      .uint8Array({ maxLength: 16 })
      .map((b) => ({ bytesValue: Buffer.from(b).toString('base64') })),
    fc.array(tie('value'), { maxLength: 3 }).map((values) => ({ arrayValue: { values } })),
    fc
      .array(fc.record({ key: fc.string(), value: tie('value') }), { maxLength: 3 })
      .map((values) => ({ kvlistValue: { values } })),
  ),
})).value;

const attributes = fc.array(fc.record({ key: fc.string({ maxLength: 12 }), value: anyValue }), {
  maxLength: 4,
});
const resource = fc.record({ attributes });
const scope = fc.record({
  name: fc.string({ maxLength: 12 }),
  version: fc.string({ maxLength: 6 }),
});

const span = fc.record({
  traceId: hex(16),
  spanId: hex(8),
  parentSpanId: fc.oneof(fc.constant(''), hex(8)),
  name: fc.string({ maxLength: 20 }),
  kind: fc.integer({ min: 0, max: 5 }),
  startTimeUnixNano: nanos,
  endTimeUnixNano: nanos,
  attributes,
  events: fc.array(fc.record({ timeUnixNano: nanos, name: fc.string(), attributes }), {
    maxLength: 2,
  }),
  links: fc.array(fc.record({ traceId: hex(16), spanId: hex(8), attributes }), { maxLength: 2 }),
  status: fc.record({ code: fc.integer({ min: 0, max: 2 }), message: fc.string() }),
});

const logRecord = fc.record({
  timeUnixNano: nanos,
  observedTimeUnixNano: nanos,
  severityNumber: fc.integer({ min: 0, max: 24 }),
  severityText: fc.string({ maxLength: 8 }),
  body: anyValue,
  attributes,
  traceId: fc.oneof(fc.constant(''), hex(16)),
  spanId: fc.oneof(fc.constant(''), hex(8)),
});

const numberPoint = fc.record({
  attributes,
  timeUnixNano: nanos,
  asDouble: finite,
});
const histogramPoint = fc.array(finite, { maxLength: 5 }).chain((bounds) =>
  fc.record({
    attributes,
    timeUnixNano: nanos,
    count: fc.nat().map(String),
    sum: finite,
    explicitBounds: fc.constant([...bounds].sort((a, b) => a - b)),
    bucketCounts: fc.array(fc.nat().map(String), {
      minLength: bounds.length + 1,
      maxLength: bounds.length + 1,
    }),
  }),
);
const summaryPoint = fc.record({
  attributes,
  timeUnixNano: nanos,
  count: fc.nat().map(String),
  sum: finite,
  quantileValues: fc.array(
    fc.record({ quantile: fc.double({ min: 0, max: 1, noNaN: true }), value: finite }),
    { maxLength: 3 },
  ),
});
const expPoint = fc.record({
  attributes,
  timeUnixNano: nanos,
  count: fc.nat().map(String),
  scale: fc.integer({ min: -10, max: 20 }),
  zeroCount: fc.nat().map(String),
  positive: fc.record({
    offset: fc.integer({ min: -100, max: 100 }),
    bucketCounts: fc.array(fc.nat().map(String), { maxLength: 4 }),
  }),
});
const points = <T>(a: fc.Arbitrary<T>) => fc.array(a, { minLength: 1, maxLength: 3 });
const metric = fc.record({
  // Empty names too: a nameless metric is refused with each of its data points counted.
  name: fc.string({ maxLength: 16 }),
  unit: fc.string({ maxLength: 4 }),
  data: fc.oneof(
    points(numberPoint).map((dataPoints) => ({ gauge: { dataPoints } })),
    points(numberPoint).map((dataPoints) => ({
      sum: { dataPoints, aggregationTemporality: 2, isMonotonic: true },
    })),
    points(histogramPoint).map((dataPoints) => ({
      histogram: { dataPoints, aggregationTemporality: 2 },
    })),
    points(expPoint).map((dataPoints) => ({
      exponentialHistogram: { dataPoints, aggregationTemporality: 1 },
    })),
    points(summaryPoint).map((dataPoints) => ({ summary: { dataPoints } })),
  ),
});

const few = <T>(a: fc.Arbitrary<T>) => fc.array(a, { minLength: 1, maxLength: 3 });

/** A valid request and how many records (spans, data points, log records) it carries. */
export interface ValidRequest {
  request: Record<string, unknown>;
  records: number;
}

/** Valid OTLP requests of one signal. */
export function validRequest(signal: Signal): fc.Arbitrary<ValidRequest> {
  if (signal === 'traces') {
    return few(
      fc.record({ resource, scopeSpans: few(fc.record({ scope, spans: few(span) })) }),
    ).map((resourceSpans) => ({
      request: { resourceSpans },
      records: resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)).length,
    }));
  }
  if (signal === 'logs') {
    return few(
      fc.record({ resource, scopeLogs: few(fc.record({ scope, logRecords: few(logRecord) })) }),
    ).map((resourceLogs) => ({
      request: { resourceLogs },
      records: resourceLogs.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords)).length,
    }));
  }
  return few(
    fc.record({ resource, scopeMetrics: few(fc.record({ scope, metrics: few(metric) })) }),
  ).map((resourceMetrics) => {
    let records = 0;
    const shaped = resourceMetrics.map((r) => ({
      ...r,
      scopeMetrics: r.scopeMetrics.map((s) => ({
        ...s,
        metrics: s.metrics.map(({ data, ...m }) => {
          const kind = Object.values(data)[0] as { dataPoints: unknown[] };
          records += kind.dataPoints.length;
          return { ...m, ...data };
        }),
      })),
    }));
    return { request: { resourceMetrics: shaped }, records };
  });
}

/** A varint's bytes (for lengths and tags written into mutated messages). */
export function varintBytes(v: number): number[] {
  const out: number[] = [];
  let n = v;
  while (n > 0x7f) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** `depth` nested AnyValue arrays inside one attribute of one resource (a nesting bomb). */
export function nestingBomb(depth: number): Uint8Array {
  // Each level is AnyValue{arrayValue=5: ArrayValue{values=1: inner}}: only its header
  // depends on the inner length, so the headers are computed inside out and joined once.
  const headers: number[][] = [];
  let length = 2; // AnyValue { string_value: "" }
  for (let i = 0; i < depth; i++) {
    const arr = [0x0a, ...varintBytes(length)];
    const value = [0x2a, ...varintBytes(arr.length + length)];
    headers.push([...value, ...arr]);
    length += value.length + arr.length;
  }
  const inner = [...headers.reverse().flat(), 0x0a, 0x00];
  const kv = [0x0a, 0x01, 0x6b, 0x12, ...varintBytes(inner.length), ...inner];
  const res = [0x0a, ...varintBytes(kv.length), ...kv];
  const rs = [0x0a, ...varintBytes(res.length), ...res];
  return Uint8Array.from([0x0a, ...varintBytes(rs.length), ...rs]);
}

/** Ways a protobuf body is damaged; each takes the valid bytes and returns new ones. */
export function protobufMutation(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  const at = fc.nat({ max: Math.max(0, valid.length - 1) });
  const copy = () => Uint8Array.from(valid);
  return fc.oneof(
    at.map((cut) => valid.subarray(0, cut)),
    fc
      .array(fc.tuple(at, fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 4 })
      .map((flips) => {
        const b = copy();
        for (const [i, bit] of flips) if (b.length) b[i] = b[i]! ^ (1 << bit);
        return b;
      }),
    // A tag byte's wire type replaced (0..7, including the invalid 6 and 7 and groups).
    fc.tuple(at, fc.integer({ min: 0, max: 7 })).map(([i, wire]) => {
      const b = copy();
      if (b.length) b[i] = (b[i]! & ~7) | wire;
      return b;
    }),
    // A huge length (up to 2^53) spliced in after a tag.
    fc
      .tuple(at, fc.double({ min: 1, max: 2 ** 53, noNaN: true }))
      .map(([i, len]) =>
        Uint8Array.from([
          ...valid.subarray(0, i),
          0x0a,
          ...varintBytes(Math.floor(len)),
          ...valid.subarray(i),
        ]),
      ),
    // Random bytes inserted, or the body replaced by them.
    fc
      .tuple(at, fc.uint8Array({ minLength: 1, maxLength: 32 }))
      .map(([i, junk]) =>
        Uint8Array.from([...valid.subarray(0, i), ...junk, ...valid.subarray(i)]),
      ),
    fc.uint8Array({ maxLength: 512 }),
    fc.integer({ min: 1, max: 2000 }).map(nestingBomb),
  );
}

/** Ways a JSON body is damaged: truncated, a byte replaced, random or deeply nested JSON. */
export function jsonMutation(valid: string): fc.Arbitrary<Uint8Array> {
  const at = fc.nat({ max: Math.max(0, valid.length - 1) });
  const utf8 = (s: string) => Buffer.from(s, 'utf8');
  return fc.oneof(
    at.map((cut) => utf8(valid.slice(0, cut))),
    fc
      .tuple(at, fc.constantFrom('"', '{', '}', '[', ']', ',', ':', '0', 'x', '\\', '\u0000', 'é'))
      .map(([i, ch]) => utf8(valid.slice(0, i) + ch + valid.slice(i + 1))),
    // A value swapped for a value of another JSON type somewhere in the request.
    fc.tuple(at, fc.jsonValue({ maxDepth: 3 })).map(([i, v]) => {
      const colon = valid.indexOf(':', i);
      if (colon < 0) return utf8(JSON.stringify(v));
      const end = valid.slice(colon + 1).search(/[,}\]]/);
      const stop = end < 0 ? valid.length : colon + 1 + end;
      return utf8(`${valid.slice(0, colon + 1)}${JSON.stringify(v) ?? 'null'}${valid.slice(stop)}`);
    }),
    fc.json({ maxDepth: 4 }).map(utf8),
    fc.uint8Array({ maxLength: 256 }),
    fc.integer({ min: 1, max: 100_000 }).map((d) => utf8(`${'['.repeat(d)}${']'.repeat(d)}`)),
    fc
      .integer({ min: 1, max: 10_000 })
      .map((d) =>
        utf8(
          `{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":${'{"arrayValue":{"values":['.repeat(d)}${']}}'.repeat(d)}}]}}]}`,
        ),
      ),
  );
}
