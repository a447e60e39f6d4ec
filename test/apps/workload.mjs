// The telemetry both e2e apps emit through whatever OpenTelemetry SDK they started (OTLP/HTTP
// in otel-app.mjs, OTLP/gRPC in otel-grpc-app.mjs), so the two receivers are checked against
// the same spans, logs and metrics. Returns what was sent, for the suites to compare.
import { metrics, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';

/**
 * Emits `spanCount` chat spans (each with an event, a child span and a log record) and the
 * metrics beside them, under instrumentation scope `scope` version 0.0.1.
 */
export function emitWorkload(scope, spanCount) {
  const tracer = trace.getTracer(scope, '0.0.1');
  const meter = metrics.getMeter(scope, '0.0.1');
  const logger = logs.getLogger(scope, '0.0.1');
  const sent = { traces: [], metrics: {}, logs: [] };

  const duration = meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' });
  const tokens = meter.createCounter('e2e.tokens', { unit: '{token}' });
  const queue = meter.createUpDownCounter('e2e.queue');
  const gauge = meter.createObservableGauge('e2e.temperature', { unit: 'Cel' });
  gauge.addCallback((r) => r.observe(41.5, { 'hw.id': 'gpu-0' }));

  for (let i = 0; i < spanCount; i++) {
    const model = i % 2 ? 'gpt-4o' : 'gpt-4o-mini';
    tracer.startActiveSpan(`chat ${model}`, { kind: SpanKind.CLIENT }, (parent) => {
      parent.setAttributes({
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': model,
        'gen_ai.usage.input_tokens': 100 + i,
        'gen_ai.response.finish_reasons': ['stop', 'length'],
        'e2e.ratio': 0.25,
        'e2e.flag': i % 3 === 0,
        'e2e.index': i,
      });
      parent.addEvent('first_token', { 'e2e.at': i });
      const child = tracer.startSpan('tokenize', { attributes: { 'e2e.child': true } });
      child.end();
      if (i % 5 === 0) parent.setStatus({ code: SpanStatusCode.ERROR, message: `failure ${i}` });
      const ctx = parent.spanContext();
      sent.traces.push({
        traceId: ctx.traceId,
        spanId: ctx.spanId,
        childSpanId: child.spanContext().spanId,
        model,
        index: i,
        error: i % 5 === 0,
      });
      logger.emit({
        severityNumber: i % 5 === 0 ? SeverityNumber.ERROR : SeverityNumber.INFO,
        severityText: i % 5 === 0 ? 'ERROR' : 'INFO',
        body: `handled request ${i}`,
        attributes: { 'e2e.index': i, 'gen_ai.request.model': model },
      });
      sent.logs.push({ index: i, traceId: ctx.traceId, spanId: ctx.spanId });
      duration.record(0.1 * (i + 1), { 'gen_ai.request.model': model });
      tokens.add(10, { 'gen_ai.request.model': model });
      queue.add(i % 2 ? 1 : -1);
      parent.end();
    });
  }
  sent.metrics = {
    histogramCount: spanCount,
    histogramSum: Array.from({ length: spanCount }, (_, i) => 0.1 * (i + 1)).reduce(
      (a, b) => a + b,
      0,
    ),
    tokensPerModel: (spanCount / 2) * 10,
  };
  return sent;
}
