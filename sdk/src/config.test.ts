import { describe, expect, it } from 'vitest';
import { joinUrl, parseHeaders, resolveConfig } from './config.js';

describe('resolveConfig', () => {
  it('defaults to the OTLP/HTTP default endpoint and no auth', () => {
    const c = resolveConfig({}, {});
    expect(c.urls).toEqual({
      traces: 'http://localhost:4318/v1/traces',
      metrics: 'http://localhost:4318/v1/metrics',
      logs: 'http://localhost:4318/v1/logs',
    });
    expect(c.headers.traces).toEqual({});
    expect(c.disabled).toBe(false);
    expect(c.spans).toEqual({
      maxQueueSize: 2048,
      maxExportBatchSize: 512,
      scheduledDelayMillis: 5000,
      exportTimeoutMillis: 30000,
    });
    expect(c.featureSampling).toEqual({ rate: 1, maxPerSecond: 100 });
  });

  it('reads the OTEL_* variables, signal-specific ones winning', () => {
    const c = resolveConfig(
      {},
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs:9999/custom',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc,x-team=ml',
        OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'x-team=metrics',
        OTEL_METRIC_EXPORT_INTERVAL: '5000',
        OTEL_BSP_MAX_QUEUE_SIZE: '100',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '500',
        OTEL_SDK_DISABLED: 'TRUE',
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
        AIOBS_FEATURE_SAMPLE_RATE: '0.1',
        AIOBS_FEATURE_MAX_PER_SECOND: '20',
      },
    );
    expect(c.urls.traces).toBe('http://collector:4318/v1/traces');
    expect(c.urls.logs).toBe('http://logs:9999/custom');
    expect(c.headers.traces).toEqual({ authorization: 'Bearer abc', 'x-team': 'ml' });
    expect(c.headers.metrics).toEqual({ authorization: 'Bearer abc', 'x-team': 'metrics' });
    expect(c.metricExportIntervalMillis).toBe(5000);
    expect(c.spans.maxQueueSize).toBe(100);
    expect(c.spans.maxExportBatchSize).toBe(100); // never above the queue size
    expect(c.disabled).toBe(true);
    expect(c.captureMessageContent).toBe(true);
    expect(c.featureSampling).toEqual({ rate: 0.1, maxPerSecond: 20 });
  });

  it('lets options override the environment', () => {
    const c = resolveConfig(
      {
        endpoint: 'http://127.0.0.1:5000',
        apiKey: 'key-1',
        headers: { 'X-Extra': '1' },
        featureSampling: { rate: 0.5 },
        captureMessageContent: false,
      },
      {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://ignored/v1/traces',
        AIOBS_API_KEY: 'from-env',
        AIOBS_FEATURE_MAX_PER_SECOND: '7',
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
      },
    );
    expect(c.urls.traces).toBe('http://127.0.0.1:5000/v1/traces');
    expect(c.headers.logs).toEqual({ authorization: 'Bearer key-1', 'x-extra': '1' });
    expect(c.featureSampling).toEqual({ rate: 0.5, maxPerSecond: 7 });
    expect(c.captureMessageContent).toBe(false);
  });

  it('takes the ingest key from AIOBS_API_KEY', () => {
    expect(resolveConfig({}, { AIOBS_API_KEY: 'k' }).headers.traces).toEqual({
      authorization: 'Bearer k',
    });
  });
});

describe('parseHeaders / joinUrl', () => {
  it('parses the OTEL header list format leniently', () => {
    expect(parseHeaders('a=1, B = two ,bad,=x,c=%ZZ')).toEqual({ a: '1', b: 'two', c: '%ZZ' });
    expect(parseHeaders(undefined)).toEqual({});
  });
  it('joins with one slash', () => {
    expect(joinUrl('http://h:1/', '/v1/traces')).toBe('http://h:1/v1/traces');
    expect(joinUrl('http://h:1/base', 'v1/logs')).toBe('http://h:1/base/v1/logs');
  });
});
