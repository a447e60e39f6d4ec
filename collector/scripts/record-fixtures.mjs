#!/usr/bin/env node
/**
 * Records OTLP request bodies from the real OpenTelemetry JS exporters into
 * collector/src/otlp/__fixtures__/, in both encodings, for the decoder tests.
 *
 *   npm run build -w @aiobs/collector && node collector/scripts/record-fixtures.mjs
 *
 * One SDK pipeline per signal produces the telemetry once (spans, metrics, log records);
 * the same data is then handed to the protobuf exporter (`-otlp-proto`) and to the JSON one
 * (`-otlp-http`), both pointed at a capture server on loopback, so `X.pb` and `X.json` hold
 * the same data. Ids come from a counter and times are fixed where the SDK lets us set them,
 * so re-running changes only the metric timestamps.
 *
 * The JS SDK produces no summaries and no exemplars: `metrics-crafted.{pb,json}` holds
 * them, written here as OTLP/JSON and encoded to protobuf with the collector's test encoder
 * (hence the build). `expected.json` is written from the SDK's own view of the data (not
 * from the bodies) with attribute values flattened by the rules in README.md.
 */
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
  ValueType,
} from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { TraceState } from '@opentelemetry/core';
import { OTLPLogExporter as LogsJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogsProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as MetricsJson } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as MetricsProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as TracesJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TracesProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  AggregationType,
  InstrumentType,
  MeterProvider,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

const here = dirname(fileURLToPath(import.meta.url));
const OUT = join(here, '../src/otlp/__fixtures__');
const T0 = 1_750_000_000; // seconds; 2025-06-15T15:06:40Z
const SCHEMA = 'https://opentelemetry.io/schemas/1.30.0';

const resource = resourceFromAttributes(
  {
    'service.name': 'fixture-chat-api',
    'service.version': '1.4.2',
    'host.name': 'gpu-node-07',
    'deployment.environment.name': 'test',
    'resource.int': 7,
  },
  { schemaUrl: SCHEMA },
);

// ---------------------------------------------------------------- capture server
const captured = new Map();
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const json = (req.headers['content-type'] ?? '').includes('json');
    captured.set(`${req.url} ${json ? 'json' : 'pb'}`, Buffer.concat(chunks));
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
    res.end(json ? '{}' : '');
  });
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const base = `http://127.0.0.1:${server.address().port}`;

/** Hands `items` to a real exporter and waits for its HTTP request to be answered. */
async function exportWith(exporter, items) {
  const result = await new Promise((resolve) => exporter.export(items, resolve));
  if (result.code !== 0) throw result.error ?? new Error('export failed');
  await exporter.shutdown();
}

// ---------------------------------------------------------------- expected values
/** The exporter's flattening of an attribute value (see README.md), independent of the decoder. */
function asString(v) {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && !(v instanceof Uint8Array)) return jsonText(v);
  return scalarText(v);
}
function scalarText(v) {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  // The exporters send integral numbers in the int64 range as int_value, others as double_value.
  if (Number.isInteger(v) && v >= -(2 ** 63) && v < 2 ** 63) return BigInt(v).toString();
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return String(v);
}
/** Arrays and maps: JSON with map keys sorted, integers exact, bytes as base64 strings. */
function jsonText(v) {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Uint8Array) return JSON.stringify(scalarText(v));
  if (typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${jsonText(v[k])}`)
      .join(',')}}`;
  if (typeof v === 'number' && !Number.isFinite(v)) return JSON.stringify(scalarText(v));
  return scalarText(v);
}
const flatten = (attrs) =>
  Object.fromEntries(Object.entries(attrs ?? {}).map(([k, v]) => [k, asString(v)]));
const ns = (hr) => (BigInt(hr[0]) * 1_000_000_000n + BigInt(hr[1])).toString();
const KINDS = ['Internal', 'Server', 'Client', 'Producer', 'Consumer']; // API SpanKind order
const CODES = ['Unset', 'Ok', 'Error'];

// ---------------------------------------------------------------- traces
let nextId = 1;
const idGenerator = {
  generateTraceId: () => (nextId++).toString(16).padStart(32, 'a'),
  generateSpanId: () => (nextId++).toString(16).padStart(16, 'b'),
};
const spanMemory = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({
  resource,
  idGenerator,
  spanProcessors: [new SimpleSpanProcessor(spanMemory)],
});
const tracer = tracerProvider.getTracer('fixture-tracer', '1.2.3', { schemaUrl: SCHEMA });
const other = tracerProvider.getTracer('fixture-other');
const at = (ms) => [T0 + Math.floor(ms / 1000), (ms % 1000) * 1_000_000 + 123_456];

const server1 = tracer.startSpan('POST /v1/chat/completions', {
  kind: SpanKind.SERVER,
  startTime: at(0),
  attributes: {
    'http.request.method': 'POST',
    'url.path': '/v1/chat/completions',
    'http.response.status_code': 200,
    'server.port': 4318,
  },
});
const inServer = trace.setSpan(ROOT_CONTEXT, server1);
const chat = tracer.startSpan(
  'chat gpt-4o',
  {
    kind: SpanKind.CLIENT,
    startTime: at(10),
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.usage.input_tokens': 1234,
      'gen_ai.usage.output_tokens': 56,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.response.time_to_first_chunk': 0.183,
      'gen_ai.request.temperature': 0.7,
      'aiobs.model.version': 'v2',
      'aiobs.deployment.variant': 'canary',
      'aiobs.cache.hit': false,
      'test.int.negative': -42,
      'test.int.beyond_2_53': 2 ** 60,
      'test.int.max_safe': Number.MAX_SAFE_INTEGER,
      'test.double': 3.25,
      'test.double.tiny': 1e-7,
      'test.double.huge': 1.5e300,
      'test.bool': true,
      'test.strings': ['a', 'b "quoted"', 'ü'],
      'test.ints': [1, -2, 2 ** 60],
      'test.doubles': [0.5, 1.25],
      'test.bools': [true, false],
      'test.with_null': ['x', null],
      'test.empty': '',
      'test.unicode': 'héllo ✓ 😀',
    },
  },
  inServer,
);
chat.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': 'Hello', 'test.count': 3 }, at(11));
chat.addEvent('first_token', at(190));
chat.recordException(
  {
    name: 'RateLimitError',
    message: 'retrying after 429',
    stack: 'RateLimitError: retrying\n    at chat (app.js:1:1)',
  },
  at(20),
);
chat.setStatus({ code: SpanStatusCode.OK });
chat.end(at(240));

const remote = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
  traceState: new TraceState('vendor1=abc,vendor2=xyz'),
};
const retrieve = tracer.startSpan(
  'retrieve docs',
  {
    kind: SpanKind.INTERNAL,
    startTime: at(5),
    links: [
      { context: chat.spanContext(), attributes: { 'link.kind': 'follows', 'link.n': 1 } },
      { context: remote },
    ],
  },
  inServer,
);
retrieve.setStatus({ code: SpanStatusCode.ERROR, message: 'index unavailable' });
retrieve.end(at(9));
server1.end(at(250));

const publish = tracer.startSpan(
  'publish inference.done',
  { kind: SpanKind.PRODUCER, startTime: at(300), attributes: { 'messaging.system': 'kafka' } },
  trace.setSpanContext(ROOT_CONTEXT, {
    ...remote,
    traceState: new TraceState('congo=t61rcWkgMzE'),
  }),
);
publish.end(at(301));
const consume = other.startSpan('consume inference.done', {
  kind: SpanKind.CONSUMER,
  startTime: at(400),
});
consume.end(at(400)); // zero duration
const predict = tracer.startSpan('predict churn-model', {
  kind: SpanKind.INTERNAL,
  startTime: at(500),
  attributes: {
    'gen_ai.operation.name': 'predict',
    'aiobs.feature.age': 42,
    'aiobs.prediction.score': 0.87,
  },
});
predict.end(at(512));

// The span API takes only primitives and arrays of them; OTLP carries any AnyValue. Give the
// exporters one span with bytes and maps, as other SDKs send them.
const wrapped = spanMemory.getFinishedSpans().map((s) => {
  if (s.name !== 'predict churn-model') return s;
  const w = Object.create(s);
  Object.defineProperty(w, 'attributes', {
    value: {
      ...s.attributes,
      'test.bytes': new Uint8Array([0, 1, 2, 250, 255]),
      'test.map': { b: 1, a: 'x', nested: { z: [1, 'two'], y: true } },
      'test.map_array': [{ k: 'v' }, { k2: 2 ** 60 }],
    },
  });
  return w;
});
await exportWith(new TracesProto({ url: `${base}/v1/traces` }), wrapped);
await exportWith(new TracesJson({ url: `${base}/v1/traces` }), wrapped);
const expectedTraces = wrapped.map((s) => ({
  scopeName: s.instrumentationScope.name,
  scopeVersion: s.instrumentationScope.version ?? '',
  traceId: s.spanContext().traceId,
  spanId: s.spanContext().spanId,
  parentSpanId: s.parentSpanContext?.spanId ?? '',
  traceState: s.spanContext().traceState?.serialize() ?? '',
  name: s.name,
  kind: KINDS[s.kind],
  startTimeUnixNano: ns(s.startTime),
  endTimeUnixNano: ns(s.endTime),
  durationNano: (BigInt(ns(s.endTime)) - BigInt(ns(s.startTime))).toString(),
  statusCode: CODES[s.status.code],
  statusMessage: s.status.message ?? '',
  attributes: flatten(s.attributes),
  events: s.events.map((e) => ({
    timeUnixNano: ns(e.time),
    name: e.name,
    attributes: flatten(e.attributes),
  })),
  links: s.links.map((l) => ({
    traceId: l.context.traceId,
    spanId: l.context.spanId,
    traceState: l.context.traceState?.serialize() ?? '',
    attributes: flatten(l.attributes),
  })),
}));

// ---------------------------------------------------------------- metrics
class CaptureReader extends MetricReader {
  constructor() {
    super({
      aggregationTemporalitySelector: (t) =>
        t === InstrumentType.HISTOGRAM
          ? AggregationTemporality.DELTA
          : AggregationTemporality.CUMULATIVE,
    });
  }
  async onForceFlush() {}
  async onShutdown() {}
}
const reader = new CaptureReader();
const meterProvider = new MeterProvider({
  resource,
  readers: [reader],
  views: [
    {
      instrumentName: 'gen_ai.client.token.usage',
      aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM, options: { maxSize: 20 } },
    },
    {
      instrumentName: 'aiobs.queue.wait',
      aggregation: {
        type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM,
        options: { boundaries: [0.001, 0.01, 0.1], recordMinMax: false },
      },
    },
  ],
});
const meter = meterProvider.getMeter('fixture-meter', '0.9.0', { schemaUrl: SCHEMA });
const requests = meter.createCounter('aiobs.requests', {
  description: 'Requests served',
  unit: '{request}',
  valueType: ValueType.INT,
});
requests.add(3, { route: '/chat', 'aiobs.model.version': 'v2' });
requests.add(2, { route: '/embed' });
meter
  .createCounter('aiobs.cost', { unit: 'USD' })
  .add(0.0123, { 'gen_ai.request.model': 'gpt-4o' });
const depth = meter.createUpDownCounter('aiobs.inference.queue.depth', {
  unit: '{request}',
  valueType: ValueType.INT,
});
depth.add(5);
depth.add(-7);
const util = meter.createGauge('hw.gpu.utilization', { unit: '1' });
util.record(0.93, { 'hw.id': 'GPU-7f3c', 'hw.name': 'NVIDIA H100', 'hw.gpu.task': 'general' });
util.record(0.12, { 'hw.id': 'GPU-91ab', 'hw.name': 'NVIDIA H100', 'hw.gpu.task': 'general' });
meter
  .createObservableGauge('system.memory.usage', { unit: 'By', valueType: ValueType.INT })
  .addCallback((r) => r.observe(17_179_869_184, { 'system.memory.state': 'used' }));
meter
  .createObservableCounter('hw.energy', { unit: 'J', valueType: ValueType.INT })
  .addCallback((r) => r.observe(2 ** 60, { 'hw.id': 'GPU-7f3c' }));
const duration = meter.createHistogram('gen_ai.client.operation.duration', {
  unit: 's',
  advice: {
    explicitBucketBoundaries: [
      0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
    ],
  },
});
for (const v of [0.25, 1.7, 0.003])
  duration.record(v, { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' });
const tokens = meter.createHistogram('gen_ai.client.token.usage', {
  unit: '{token}',
  valueType: ValueType.INT,
});
for (const v of [1234, 56, 1, 100_000, 0])
  tokens.record(v, { 'gen_ai.token.type': v > 100 ? 'input' : 'output' });
meter.createHistogram('aiobs.queue.wait', { unit: 's' }).record(0.004);
const { resourceMetrics, errors } = await reader.collect();
if (errors.length) throw errors[0];
await exportWith(new MetricsProto({ url: `${base}/v1/metrics` }), resourceMetrics);
await exportWith(new MetricsJson({ url: `${base}/v1/metrics` }), resourceMetrics);
const TABLE = ['histogram', 'expHistogram', 'gauge', 'sum']; // DataPointType order
const expectedPoints = [];
for (const sm of resourceMetrics.scopeMetrics)
  for (const m of sm.metrics)
    for (const p of m.dataPoints) {
      const point = {
        table: TABLE[m.dataPointType],
        metricName: m.descriptor.name,
        description: m.descriptor.description,
        unit: m.descriptor.unit,
        scopeName: sm.scope.name,
        scopeVersion: sm.scope.version ?? '',
        scopeSchemaUrl: sm.scope.schemaUrl ?? '',
        attributes: flatten(p.attributes),
        startTimeUnixNano: ns(p.startTime),
        timeUnixNano: ns(p.endTime),
      };
      if (m.dataPointType === 2 || m.dataPointType === 3) point.value = p.value;
      if (m.dataPointType === 3) point.isMonotonic = m.isMonotonic;
      if (m.dataPointType !== 2)
        point.aggregationTemporality =
          m.aggregationTemporality === AggregationTemporality.DELTA ? 1 : 2;
      if (m.dataPointType === 0)
        Object.assign(point, {
          count: p.value.count,
          sum: p.value.sum ?? 0,
          min: p.value.min ?? 0,
          max: p.value.max ?? 0,
          bucketCounts: p.value.buckets.counts,
          explicitBounds: p.value.buckets.boundaries,
        });
      if (m.dataPointType === 1)
        Object.assign(point, {
          count: p.value.count,
          sum: p.value.sum ?? 0,
          min: p.value.min ?? 0,
          max: p.value.max ?? 0,
          scale: p.value.scale,
          zeroCount: p.value.zeroCount,
          positiveOffset: p.value.positive.offset,
          positiveBucketCounts: p.value.positive.bucketCounts,
          negativeOffset: p.value.negative.offset,
          negativeBucketCounts: p.value.negative.bucketCounts,
        });
      expectedPoints.push(point);
    }

// ---------------------------------------------------------------- logs
const logMemory = new InMemoryLogRecordExporter();
const loggerProvider = new LoggerProvider({
  resource,
  processors: [new SimpleLogRecordProcessor({ exporter: logMemory })],
});
const logger = loggerProvider.getLogger('fixture-logger', '0.3.0', {
  schemaUrl: SCHEMA,
  attributes: { 'scope.attr': 'logs' },
});
const inChat = trace.setSpan(ROOT_CONTEXT, chat);
logger.emit({
  timestamp: at(100),
  observedTimestamp: at(101),
  severityNumber: SeverityNumber.INFO,
  severityText: 'INFO',
  body: 'request handled',
  attributes: { 'http.route': '/chat', 'test.int': 5, 'test.big': 2 ** 60 },
  context: inChat,
});
logger.emit({
  timestamp: at(110),
  observedTimestamp: at(111),
  severityNumber: SeverityNumber.ERROR,
  severityText: 'ERROR',
  body: { message: 'boom', code: 500, details: { retry: false, tags: ['a', 'b'] } },
  attributes: {
    'exception.type': 'RateLimitError',
    'test.map': { k: 'v', n: 1.5 },
    'test.bytes': new Uint8Array([222, 173, 190, 239]),
  },
  context: inChat,
});
logger.emit({
  timestamp: at(120),
  observedTimestamp: at(121),
  eventName: 'aiobs.feedback',
  severityNumber: SeverityNumber.INFO,
  attributes: {
    'aiobs.prediction.id': 'p-123',
    'aiobs.feedback.label': 'spam',
    'aiobs.feedback.value': 1,
    'aiobs.feedback.correct': true,
    'aiobs.feedback.score': 0.75,
  },
});
logger.emit({
  timestamp: at(130),
  observedTimestamp: at(131),
  severityNumber: SeverityNumber.WARN3,
  body: [1, 'two', true, null, 2.5],
});
logger.emit({
  timestamp: at(140),
  observedTimestamp: at(141),
  severityNumber: SeverityNumber.DEBUG,
  severityText: 'debug',
  body: new Uint8Array([1, 2, 3]),
});
logger.emit({
  timestamp: at(150),
  observedTimestamp: at(151),
  severityNumber: SeverityNumber.FATAL4,
  body: 2 ** 60,
});
logger.emit({
  timestamp: at(160),
  observedTimestamp: at(161),
  body: 0.5,
  context: context.active(),
});
logger.emit({
  timestamp: at(170),
  observedTimestamp: at(171),
  severityText: 'TRACE',
  severityNumber: SeverityNumber.TRACE,
});
await loggerProvider.forceFlush();
const records = logMemory.getFinishedLogRecords();
await exportWith(new LogsProto({ url: `${base}/v1/logs` }), records);
await exportWith(new LogsJson({ url: `${base}/v1/logs` }), records);
const expectedLogs = records.map((r) => ({
  timeUnixNano: ns(r.hrTime),
  observedTimeUnixNano: ns(r.hrTimeObserved),
  traceId: r.spanContext?.traceId ?? '',
  spanId: r.spanContext?.spanId ?? '',
  traceFlags: r.spanContext?.traceFlags ?? 0,
  severityText: r.severityText ?? '',
  severityNumber: r.severityNumber ?? 0,
  body: asString(r.body),
  attributes: flatten(r.attributes),
  eventName: r.eventName ?? '',
  scopeName: r.instrumentationScope.name,
  scopeVersion: r.instrumentationScope.version ?? '',
  scopeSchemaUrl: r.instrumentationScope.schemaUrl ?? '',
  scopeAttributes: flatten(r.instrumentationScope.attributes),
}));

// ---------------------------------------------------------------- crafted metrics
const { craftedMetrics, craftedExpected } = await import(
  pathToFileURL(join(here, 'crafted-metrics.mjs')).href
);
let encodeOtlpProtobuf;
try {
  ({ encodeOtlpProtobuf } = await import(
    pathToFileURL(join(here, '../dist/otlp/testing/otlp-protobuf.js')).href
  ));
} catch (e) {
  throw new Error(`build the collector first (npm run build -w @aiobs/collector): ${e.message}`);
}

// ---------------------------------------------------------------- write
mkdirSync(OUT, { recursive: true });
const get = (key) => {
  const body = captured.get(key);
  if (!body) throw new Error(`nothing captured for ${key}`);
  return body;
};
writeFileSync(join(OUT, 'traces.pb'), get('/v1/traces pb'));
writeFileSync(join(OUT, 'traces.json'), get('/v1/traces json'));
writeFileSync(join(OUT, 'metrics.pb'), get('/v1/metrics pb'));
writeFileSync(join(OUT, 'metrics.json'), get('/v1/metrics json'));
writeFileSync(join(OUT, 'logs.pb'), get('/v1/logs pb'));
writeFileSync(join(OUT, 'logs.json'), get('/v1/logs json'));
writeFileSync(join(OUT, 'metrics-crafted.json'), `${JSON.stringify(craftedMetrics, null, 1)}\n`);
writeFileSync(
  join(OUT, 'metrics-crafted.pb'),
  encodeOtlpProtobuf('ExportMetricsServiceRequest', craftedMetrics),
);
const require = createRequire(import.meta.url);
/** A package's version, found from its entry point (packages' exports hide package.json). */
function pkg(name) {
  for (let dir = dirname(require.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (meta.name === name) return meta.version;
    } catch {}
  }
  return 'unknown';
}
const expected = {
  recordedWith: {
    node: process.version,
    'sdk-trace-base': pkg('@opentelemetry/sdk-trace-base'),
    'sdk-metrics': pkg('@opentelemetry/sdk-metrics'),
    'sdk-logs': pkg('@opentelemetry/sdk-logs'),
    'exporter-trace-otlp-proto': pkg('@opentelemetry/exporter-trace-otlp-proto'),
    'exporter-trace-otlp-http': pkg('@opentelemetry/exporter-trace-otlp-http'),
  },
  resource: {
    serviceName: 'fixture-chat-api',
    schemaUrl: SCHEMA,
    attributes: flatten(resource.attributes),
  },
  traces: expectedTraces,
  metrics: expectedPoints,
  logs: expectedLogs,
  crafted: craftedExpected,
};
writeFileSync(join(OUT, 'expected.json'), `${JSON.stringify(expected, null, 1)}\n`);
server.close();
console.log(
  `wrote ${OUT}: ${expectedTraces.length} spans, ${expectedPoints.length} metric points, ${expectedLogs.length} log records`,
);
