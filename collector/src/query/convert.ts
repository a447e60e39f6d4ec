import type { TraceSpan, TraceSummary } from '../api/types.js';
import type { LogRow } from '../storage/logs-repo.js';
import type { SpanRow, TraceSummaryRow } from '../storage/traces-repo.js';
import { isoFromNanos } from './params.js';

/** Nanoseconds (decimal string or number) as milliseconds with microsecond precision. */
export function msFromNanos(ns: string | number): number {
  return Math.round(Number(ns) / 1e3) / 1e3;
}

/** A trace in the list. */
export function toTraceSummary(r: TraceSummaryRow): TraceSummary {
  return {
    traceId: r.trace_id,
    rootSpan: { name: r.root_name, serviceName: r.root_service },
    services: r.services,
    spanCount: Number(r.span_count),
    errorCount: Number(r.error_count),
    error: Number(r.error_count) > 0,
    startTime: isoFromNanos(r.start_ns),
    durationMs: msFromNanos(r.duration_ns),
  };
}

/** A span with its events and links. */
export function toSpan(r: SpanRow): TraceSpan {
  return {
    traceId: r.TraceId,
    spanId: r.SpanId,
    parentSpanId: r.ParentSpanId,
    traceState: r.TraceState,
    name: r.SpanName,
    kind: r.SpanKind,
    serviceName: r.ServiceName,
    startTime: isoFromNanos(r.Timestamp_ns),
    startTimeUnixNano: r.Timestamp_ns,
    durationMs: msFromNanos(r.Duration),
    durationNs: r.Duration,
    statusCode: r.StatusCode,
    statusMessage: r.StatusMessage,
    attributes: r.SpanAttributes,
    resourceAttributes: r.ResourceAttributes,
    scope: { name: r.ScopeName, version: r.ScopeVersion },
    events: r['Events.Name'].map((name, i) => ({
      time: isoFromNanos(r['Events.Timestamp_ns'][i]!),
      timeUnixNano: r['Events.Timestamp_ns'][i]!,
      name,
      attributes: r['Events.Attributes'][i] ?? {},
    })),
    links: r['Links.TraceId'].map((traceId, i) => ({
      traceId,
      spanId: r['Links.SpanId'][i] ?? '',
      traceState: r['Links.TraceState'][i] ?? '',
      attributes: r['Links.Attributes'][i] ?? {},
    })),
  };
}

/** A log record. */
export function toLog(r: LogRow) {
  return {
    time: isoFromNanos(r.ts_ns),
    timeUnixNano: r.ts_ns,
    traceId: r.TraceId,
    spanId: r.SpanId,
    traceFlags: Number(r.TraceFlags),
    severityText: r.SeverityText,
    severityNumber: Number(r.SeverityNumber),
    serviceName: r.ServiceName,
    body: r.Body,
    eventName: r.EventName,
    attributes: r.LogAttributes,
    resourceAttributes: r.ResourceAttributes,
    scope: { name: r.ScopeName, version: r.ScopeVersion },
  };
}
