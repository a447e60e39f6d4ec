import type { ServiceDefinition } from '@grpc/grpc-js';
import type { Signal } from '../otlp/http.js';

/** The fully-qualified gRPC service of each signal, from `opentelemetry/proto/collector`. */
export const SERVICE_NAMES = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
} as const satisfies Record<Signal, string>;

/** The method path a client calls, e.g. `/opentelemetry.proto.collector.trace.v1.TraceService/Export`. */
export function exportPath(signal: Signal): string {
  return `/${SERVICE_NAMES[signal]}/Export`;
}

const raw = (b: Buffer): Buffer => b;

/**
 * The unary `Export` method of one signal's service, with identity (de)serializers: the
 * handler receives the request's protobuf bytes as grpc-js read them, and the collector's
 * own protobuf decoders (the ones OTLP/HTTP uses) turn them into rows. No proto loading
 * or reflection, and no intermediate message objects on the hot path.
 */
export function exportService(signal: Signal): ServiceDefinition {
  return {
    Export: {
      path: exportPath(signal),
      requestStream: false,
      responseStream: false,
      requestSerialize: raw,
      requestDeserialize: raw,
      responseSerialize: raw,
      responseDeserialize: raw,
    },
  };
}
