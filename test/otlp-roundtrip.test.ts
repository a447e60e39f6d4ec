import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from './helpers/collector.js';
import { expectEveryTraceListed, runOtelApp, type Sent } from './helpers/otel-app.js';

let collector: RunningCollector;
beforeAll(async () => {
  collector = await startCollector();
});
afterAll(async () => {
  expect(await collector.stop()).toBe(0);
});

function runApp(protocol: 'http/protobuf' | 'http/json', runId: string): Promise<Sent> {
  return runOtelApp('otel-app.mjs', {
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer ${collector.apiKey}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    OTEL_SERVICE_NAME: `e2e-${runId}`,
    RUN_ID: runId,
  });
}

describe.each([
  ['http/protobuf', 'proto'],
  ['http/json', 'json'],
] as const)('official OTel SDK exporter over %s', (protocol, runId) => {
  let sent: Sent;
  const service = `e2e-${runId}`;
  beforeAll(async () => {
    sent = await runApp(protocol, runId);
  });

  test('every trace is listed with its root span, span count and error flag', async () => {
    await expectEveryTraceListed(collector, service, sent);
  });

  test('each span comes back with attributes, events, kind and status intact', async () => {
    for (const t of sent.traces.slice(0, 5)) {
      const res = await collector.api<{ spans: Record<string, any>[] }>(
        `/api/v1/traces/${t.traceId}`,
      );
      expect(res.spans).toHaveLength(2);
      const root = res.spans.find((s) => s.spanId === t.spanId)!;
      const child = res.spans.find((s) => s.spanId === t.childSpanId)!;
      expect(root.kind).toBe('Client');
      expect(root.serviceName).toBe(service);
      expect(root.parentSpanId).toBe('');
      expect(child.parentSpanId).toBe(t.spanId);
      expect(root.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': t.model,
        'gen_ai.usage.input_tokens': String(100 + t.index),
        'gen_ai.response.finish_reasons': '["stop","length"]',
        'e2e.ratio': '0.25',
        'e2e.flag': String(t.index % 3 === 0),
        'e2e.index': String(t.index),
      });
      expect(root.resourceAttributes).toMatchObject({
        'service.name': service,
        'service.version': '1.2.3',
        'aiobs.run': runId,
      });
      expect(root.scope).toEqual({ name: 'e2e-app', version: '0.0.1' });
      expect(root.events).toHaveLength(1);
      expect(root.events[0]).toMatchObject({
        name: 'first_token',
        attributes: { 'e2e.at': String(t.index) },
      });
      expect(root.statusCode).toBe(t.error ? 'Error' : 'Unset');
      if (t.error) expect(root.statusMessage).toBe(`failure ${t.index}`);
      expect(child.attributes).toEqual({ 'e2e.child': 'true' });
      expect(root.durationMs).toBeGreaterThanOrEqual(0);
    }
  });

  test('span attribute filters find traces', async () => {
    const res = await collector.api<{ traces: { traceId: string }[] }>(
      `/api/v1/traces?service=${service}&attr.gen_ai.request.model=gpt-4o&limit=1000&from=${Date.now() - 3_600_000}`,
    );
    const expected = sent.traces
      .filter((t) => t.model === 'gpt-4o')
      .map((t) => t.traceId)
      .sort();
    expect(res.traces.map((t) => t.traceId).sort()).toEqual(expected);
  });

  test('every log record is stored with severity, body, attributes and trace context', async () => {
    const res = await collector.api<{ logs: Record<string, any>[] }>(
      `/api/v1/logs?service=${service}&limit=1000&from=${Date.now() - 3_600_000}`,
    );
    expect(res.logs).toHaveLength(sent.logs.length);
    for (const l of sent.logs) {
      const got = res.logs.find((x) => x.body === `handled request ${l.index}`)!;
      expect(got).toBeDefined();
      expect(got.traceId).toBe(l.traceId);
      expect(got.spanId).toBe(l.spanId);
      expect(got.severityText).toBe(l.index % 5 === 0 ? 'ERROR' : 'INFO');
      expect(got.severityNumber).toBe(l.index % 5 === 0 ? 17 : 9);
      expect(got.attributes['e2e.index']).toBe(String(l.index));
      expect(got.scope).toEqual({ name: 'e2e-app', version: '0.0.1' });
    }
    const errors = await collector.api<{ logs: unknown[] }>(
      `/api/v1/logs?service=${service}&severity=error&limit=1000&from=${Date.now() - 3_600_000}`,
    );
    expect(errors.logs).toHaveLength(sent.logs.filter((l) => l.index % 5 === 0).length);
  });

  test('metrics are listed with type and unit, and their points come back', async () => {
    const list = await collector.api<{
      metrics: { name: string; type: string; unit: string; services: string[] }[];
    }>(`/api/v1/metrics?service=${service}&from=${Date.now() - 3_600_000}`);
    const byName = Object.fromEntries(list.metrics.map((m) => [m.name, m]));
    expect(byName['gen_ai.client.operation.duration']).toMatchObject({
      type: 'histogram',
      unit: 's',
    });
    expect(byName['e2e.tokens']).toMatchObject({ type: 'sum', unit: '{token}' });
    expect(byName['e2e.queue']).toMatchObject({ type: 'sum' });
    expect(byName['e2e.temperature']).toMatchObject({ type: 'gauge', unit: 'Cel' });

    const hist = await collector.api<{ points: Record<string, any>[] }>(
      `/api/v1/metrics/points?name=gen_ai.client.operation.duration&service=${service}&from=${Date.now() - 3_600_000}`,
    );
    expect(hist.points).toHaveLength(2);
    const total = hist.points.reduce((a, p) => a + Number(p.count), 0);
    const sum = hist.points.reduce((a, p) => a + p.sum, 0);
    expect(total).toBe(sent.metrics.histogramCount);
    expect(sum).toBeCloseTo(sent.metrics.histogramSum, 9);
    for (const p of hist.points) {
      expect(['gpt-4o', 'gpt-4o-mini']).toContain(p.attributes['gen_ai.request.model']);
      expect(p.bucketCounts.length).toBe(p.explicitBounds.length + 1);
    }
    const tokens = await collector.api<{ points: Record<string, any>[] }>(
      `/api/v1/metrics/points?name=e2e.tokens&service=${service}&from=${Date.now() - 3_600_000}`,
    );
    expect(tokens.points.map((p) => p.value)).toEqual([
      sent.metrics.tokensPerModel,
      sent.metrics.tokensPerModel,
    ]);
    expect(tokens.points.every((p) => p.isMonotonic === true || p.isMonotonic === 1)).toBe(true);
    const temp = await collector.api<{ points: Record<string, any>[] }>(
      `/api/v1/metrics/points?name=e2e.temperature&service=${service}&from=${Date.now() - 3_600_000}`,
    );
    expect(temp.points).toHaveLength(1);
    expect(temp.points[0]).toMatchObject({
      value: 41.5,
      attributes: { 'hw.id': 'gpu-0' },
      unit: 'Cel',
    });

    const series = await collector.api<{
      series: { group: Record<string, string>; points: { value: number | null }[] }[];
    }>(
      `/api/v1/metrics/series?name=e2e.temperature&service=${service}&groupBy=hw.id&agg=max&step=1h&from=${Date.now() - 3_600_000}`,
    );
    expect(series.series).toHaveLength(1);
    expect(series.series[0]!.group).toEqual({ 'hw.id': 'gpu-0' });
    expect(series.series[0]!.points.map((p) => p.value)).toContain(41.5);
  });
});
