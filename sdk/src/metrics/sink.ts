import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_AIOBS_DEPLOYMENT_VARIANT,
  ATTR_AIOBS_MODEL_VERSION,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '../semconv.js';

/** Records the GenAI client histograms of one (operation, provider, model, version, variant, server). */
export interface SeriesRecorder {
  /**
   * Records one finished call. `ttft` is only given for streams, tokens only when known.
   * Durations are in seconds.
   */
  record(
    duration: number,
    errorType: string | undefined,
    responseModel: string | undefined,
    inputTokens: number | undefined,
    outputTokens: number | undefined,
    ttft: number | undefined,
  ): void;
}

/** Where `observeInference` sends its metrics: the SDK's own aggregator or the OTel metrics API. */
export interface MetricSink {
  /** Returns the (cached) recorder for this attribute tuple. Called once per inference. */
  seriesFor(
    operation: string,
    provider: string,
    model: string,
    version: string | undefined,
    variant: string | undefined,
    serverAddress: string | undefined,
    serverPort: number | undefined,
  ): SeriesRecorder;
}

const SEP = '\u001f';

/** The cache key of a series: the tuple joined with a separator that names cannot contain in practice. */
export function seriesKey(
  operation: string,
  provider: string,
  model: string,
  version: string | undefined,
  variant: string | undefined,
  serverAddress: string | undefined,
  serverPort: number | undefined,
): string {
  const base =
    operation + SEP + provider + SEP + model + SEP + (version ?? '') + SEP + (variant ?? '');
  return serverAddress === undefined
    ? base
    : `${base}${SEP}${serverAddress}${SEP}${serverPort ?? ''}`;
}

/** The metric attributes shared by every data point of a series. */
export function seriesAttributes(
  operation: string,
  provider: string,
  model: string,
  version: string | undefined,
  variant: string | undefined,
  serverAddress: string | undefined,
  serverPort: number | undefined,
): Attributes {
  const a: Attributes = {
    [ATTR_GEN_AI_OPERATION_NAME]: operation,
    [ATTR_GEN_AI_PROVIDER_NAME]: provider,
    [ATTR_GEN_AI_REQUEST_MODEL]: model,
  };
  if (version !== undefined) a[ATTR_AIOBS_MODEL_VERSION] = version;
  if (variant !== undefined) a[ATTR_AIOBS_DEPLOYMENT_VARIANT] = variant;
  if (serverAddress !== undefined) {
    a[ATTR_SERVER_ADDRESS] = serverAddress;
    if (serverPort !== undefined) a[ATTR_SERVER_PORT] = serverPort;
  }
  return a;
}

/** Attribute set marking the data point that collects measurements past the cardinality limit. */
export const OVERFLOW_ATTRIBUTES: Attributes = Object.freeze({ 'otel.metric.overflow': true });
