import type { InferenceRow, ModelSummary } from '../api/types.js';
import { isoFromNanos } from '../query/params.js';
import type { InferenceDbRow, ModelAggRow } from './repo.js';
import { toStats } from './stats.js';

/** Converters from the repository's rows to the API's camelCase shapes. Pure. */

/** One model of `GET /api/v1/models`. */
export function toModelSummary(r: ModelAggRow): ModelSummary {
  return {
    model: r.model,
    providers: r.providers,
    versions: r.versions,
    variants: r.variants,
    services: r.services,
    operations: r.operations,
    ...toStats(r.agg),
  };
}

function nullableNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** One inference of `GET /api/v1/models/slowest`. */
export function toInferenceRow(r: InferenceDbRow): InferenceRow {
  return {
    time: isoFromNanos(r.time_ns),
    traceId: r.trace_id,
    spanId: r.span_id,
    service: r.service,
    operation: r.operation,
    provider: r.provider,
    model: r.model,
    requestModel: r.request_model,
    responseModel: r.response_model,
    version: r.version,
    variant: r.variant,
    durationMs: Number(r.duration_ms),
    ttftMs: nullableNumber(r.ttft_ms),
    queueWaitMs: nullableNumber(r.queue_wait_ms),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    cacheReadTokens: Number(r.cache_read_tokens),
    cacheHit: Number(r.cache_hit) === 1,
    error: Number(r.is_error) === 1,
    statusCode: r.status_code,
    errorType: r.error_type,
    finishReasons: r.finish_reasons,
    predictionId: r.prediction_id,
    hostName: r.host_name,
    k8sNodeName: r.k8s_node_name,
    k8sPodName: r.k8s_pod_name,
    costUsd: Number(r.cost),
  };
}
