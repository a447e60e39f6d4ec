import { SDK_VERSION, semconv } from '@aiobs/sdk';
import { type Attributes, ValueType } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, millisToHrTime } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, type ReadableLogRecord, type SdkLogRecord } from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  type DataPoint,
  DataPointType,
  type GaugeMetricData,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { GpuSim } from './gpu-sim.js';
import { Hist } from './hist.js';
import { simulateRequest } from './history.js';
import { exponential, logNormal } from './rng.js';
import { CHAT_MODEL, FRAUD_MODEL } from './service.js';

const S = semconv;

/** Where and how to send the back-filled history. */
export interface BackfillOptions {
  hours: number;
  /** End of the history (ms since epoch); live traffic starts after it. */
  endMs: number;
  urls: { traces: string; metrics: string; logs: string };
  headers: Record<string, string>;
  /** Resource attributes of the service ('aiobs-demo') and of its caller ('aiobs-demo-web'). */
  serviceResource: Attributes;
  webResource: Attributes;
  /** The simulated GPU fleet, sampled once a minute under the minute's request rate. */
  gpus?: GpuSim;
  onProgress?: (fraction: number) => void;
}

export interface BackfillResult {
  requests: number;
  spans: number;
  logs: number;
  metricPoints: number;
  failedExports: number;
}

interface Series {
  attrs: Attributes;
  duration: Hist;
  ttft: Hist;
  input: Hist;
  output: Hist;
}

function send<T>(
  exporter: { export(items: T, done: (r: ExportResult) => void): void },
  items: T,
): Promise<boolean> {
  return new Promise((resolve) =>
    exporter.export(items, (r) => resolve(r.code === ExportResultCode.SUCCESS)),
  );
}

/**
 * Back-fills `hours` of history ending at `endMs`: spans of both demo services, feedback logs
 * and cumulative GenAI histograms and queue-depth gauges (one point per minute), and with `gpus`
 * the simulated GPU nodes' metrics (one sample per minute, under that minute's requests), all
 * with past timestamps, so the dashboard has charts on first start. Traffic follows a daily curve.
 * Uses its own OpenTelemetry providers and OTLP exporters (the SDK timestamps with "now").
 */
export async function backfill(o: BackfillOptions): Promise<BackfillResult> {
  const startMs = o.endMs - o.hours * 3_600_000;
  const serviceResource = resourceFromAttributes(o.serviceResource);
  const collectedSpans: ReadableSpan[] = [];
  const collectedLogs: ReadableLogRecord[] = [];
  const collector = {
    onStart() {},
    onEnd: (s: ReadableSpan) => void collectedSpans.push(s),
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const serviceTracer = new BasicTracerProvider({
    resource: serviceResource,
    spanProcessors: [collector],
  }).getTracer('aiobs-demo-service');
  const webTracer = new BasicTracerProvider({
    resource: resourceFromAttributes(o.webResource),
    spanProcessors: [collector],
  }).getTracer('aiobs-demo-web');
  const logger = new LoggerProvider({
    resource: serviceResource,
    processors: [
      {
        onEmit: (r: SdkLogRecord) => void collectedLogs.push(r),
        forceFlush: async () => {},
        shutdown: async () => {},
      },
    ],
  }).getLogger(S.SCOPE_NAME, SDK_VERSION);
  const traceExporter = new OTLPTraceExporter({
    url: o.urls.traces,
    headers: o.headers,
    timeoutMillis: 30_000,
  });
  const logExporter = new OTLPLogExporter({
    url: o.urls.logs,
    headers: o.headers,
    timeoutMillis: 30_000,
  });
  const metricExporter = new OTLPMetricExporter({
    url: o.urls.metrics,
    headers: o.headers,
    timeoutMillis: 30_000,
  });

  const series = new Map<string, Series>();
  const recordInference = (
    attrs: Attributes,
    d: number,
    ttft?: number,
    inTok?: number,
    outTok?: number,
  ) => {
    const key = JSON.stringify(attrs);
    let s = series.get(key);
    if (!s) {
      s = {
        attrs,
        duration: new Hist(S.GEN_AI_DURATION_BUCKETS),
        ttft: new Hist(S.GEN_AI_DURATION_BUCKETS),
        input: new Hist(S.GEN_AI_TOKEN_BUCKETS),
        output: new Hist(S.GEN_AI_TOKEN_BUCKETS),
      };
      series.set(key, s);
    }
    s.duration.record(d);
    if (ttft !== undefined) s.ttft.record(ttft);
    if (inTok !== undefined) s.input.record(inTok);
    if (outTok !== undefined) s.output.record(outTok);
  };
  const result: BackfillResult = {
    requests: 0,
    spans: 0,
    logs: 0,
    metricPoints: 0,
    failedExports: 0,
  };
  const pending = {
    duration: [] as DataPoint<Histogram>[],
    tokens: [] as DataPoint<Histogram>[],
    ttft: [] as DataPoint<Histogram>[],
    queue: [] as DataPoint<number>[],
  };

  const flushSpansAndLogs = async () => {
    while (collectedSpans.length > 0) {
      const batch = collectedSpans.splice(0, 1000);
      if (await send(traceExporter, batch)) result.spans += batch.length;
      else result.failedExports++;
    }
    while (collectedLogs.length > 0) {
      const batch = collectedLogs.splice(0, 1000);
      if (await send(logExporter, batch)) result.logs += batch.length;
      else result.failedExports++;
    }
  };
  const flushMetrics = async () => {
    const md = (
      name: string,
      unit: string,
      description: string,
      points: DataPoint<Histogram>[],
      valueType = ValueType.DOUBLE,
    ): MetricData => ({
      descriptor: { name, unit, description, valueType },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: points,
    });
    const metrics: MetricData[] = [
      md(
        S.METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
        's',
        'GenAI operation duration.',
        pending.duration,
      ),
      md(
        S.METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
        '{token}',
        'Number of input and output tokens used.',
        pending.tokens,
        ValueType.INT,
      ),
      md(
        S.METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
        's',
        'Time to first chunk of a streamed response.',
        pending.ttft,
      ),
      <GaugeMetricData>{
        descriptor: {
          name: S.METRIC_AIOBS_INFERENCE_QUEUE_DEPTH,
          unit: '{request}',
          description: 'Requests waiting for a model.',
          valueType: ValueType.DOUBLE,
        },
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.GAUGE,
        dataPoints: pending.queue,
      },
    ].filter((m) => m.dataPoints.length > 0);
    const n = metrics.reduce((a, m) => a + m.dataPoints.length, 0);
    if (o.gpus) {
      const g = await o.gpus.flush();
      result.metricPoints += g.points;
      result.failedExports += g.failedExports;
    }
    if (n === 0) return;
    const ok = await send(metricExporter, {
      resource: serviceResource as Resource,
      scopeMetrics: [{ scope: { name: S.SCOPE_NAME, version: SDK_VERSION }, metrics }],
    });
    if (ok) result.metricPoints += n;
    else result.failedExports++;
    pending.duration = [];
    pending.tokens = [];
    pending.ttft = [];
    pending.queue = [];
  };
  const snapshotMinute = (at: number, load: number) => {
    for (const s of series.values()) {
      pending.duration.push(s.duration.point(s.attrs, startMs, at));
      if (s.ttft.count > 0) pending.ttft.push(s.ttft.point(s.attrs, startMs, at));
      if (s.input.count > 0)
        pending.tokens.push(
          s.input.point({ ...s.attrs, [S.ATTR_GEN_AI_TOKEN_TYPE]: 'input' }, startMs, at),
        );
      if (s.output.count > 0)
        pending.tokens.push(
          s.output.point({ ...s.attrs, [S.ATTR_GEN_AI_TOKEN_TYPE]: 'output' }, startMs, at),
        );
    }
    for (const [model, scale] of [
      [CHAT_MODEL, 4],
      [FRAUD_MODEL, 1.5],
    ] as const) {
      pending.queue.push({
        attributes: { [S.ATTR_GEN_AI_REQUEST_MODEL]: model },
        startTime: millisToHrTime(at),
        endTime: millisToHrTime(at),
        value: Math.max(0, Math.round(logNormal(scale * load, 0.6) - 1)),
      });
    }
  };

  // Requests per second over the day: a trough at night, a peak in the afternoon.
  const rateAt = (ms: number) => {
    const hour = new Date(ms).getHours() + new Date(ms).getMinutes() / 60;
    return 2 * (0.55 + 0.45 * Math.sin(((hour - 9) / 24) * 2 * Math.PI));
  };
  let t = startMs;
  let nextMinute = startMs + 60_000;
  let nextFlush = startMs + 3_600_000;
  let minuteRequests = 0;
  while (t < o.endMs) {
    simulateRequest(t, { webTracer, serviceTracer, logger, recordInference });
    result.requests++;
    minuteRequests++;
    t += exponential(1000 / Math.max(0.05, rateAt(t)));
    while (t >= nextMinute && nextMinute <= o.endMs) {
      snapshotMinute(nextMinute, rateAt(nextMinute));
      o.gpus?.sample(nextMinute, minuteRequests / 60);
      minuteRequests = 0;
      nextMinute += 60_000;
    }
    if (collectedSpans.length >= 5000) await flushSpansAndLogs();
    if (t >= nextFlush) {
      await flushMetrics();
      nextFlush += 3_600_000;
      o.onProgress?.((t - startMs) / (o.endMs - startMs));
    }
  }
  await flushSpansAndLogs();
  await flushMetrics();
  await Promise.allSettled([
    traceExporter.shutdown(),
    logExporter.shutdown(),
    metricExporter.shutdown(),
  ]);
  o.onProgress?.(1);
  return result;
}
