import type { Attributes, Histogram, Meter } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  GEN_AI_DURATION_BUCKETS,
  GEN_AI_TOKEN_BUCKETS,
  GEN_AI_TOKEN_TYPE_INPUT,
  GEN_AI_TOKEN_TYPE_OUTPUT,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
} from '../semconv.js';
import { type MetricSink, type SeriesRecorder, seriesAttributes, seriesKey } from './sink.js';

interface Instruments {
  duration: Histogram;
  tokens: Histogram;
  ttft: Histogram;
}

class ApiSeries implements SeriesRecorder {
  private readonly input: Attributes;
  private readonly output: Attributes;
  // The attribute sets of the previous call's outcome (response model, error type): most calls
  // repeat it, and reusing the sets spares three object copies per call.
  private lastModel: string | undefined;
  private lastError: string | undefined;
  private lastSets: [Attributes, Attributes, Attributes] | undefined;

  constructor(
    private readonly inst: Instruments,
    private readonly attrs: Attributes,
  ) {
    this.input = { ...attrs, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_INPUT };
    this.output = { ...attrs, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_OUTPUT };
  }

  record(
    duration: number,
    errorType: string | undefined,
    responseModel: string | undefined,
    inputTokens: number | undefined,
    outputTokens: number | undefined,
    ttft: number | undefined,
  ): void {
    let attrs = this.attrs;
    let input = this.input;
    let output = this.output;
    if (
      this.lastSets !== undefined &&
      responseModel === this.lastModel &&
      errorType === this.lastError
    ) {
      const sets = this.lastSets;
      attrs = sets[0];
      input = sets[1];
      output = sets[2];
    } else if (errorType !== undefined || responseModel !== undefined) {
      const extra: Attributes = {};
      if (responseModel !== undefined) extra[ATTR_GEN_AI_RESPONSE_MODEL] = responseModel;
      if (errorType !== undefined) extra[ATTR_ERROR_TYPE] = errorType;
      attrs = { ...attrs, ...extra };
      input = { ...input, ...extra };
      output = { ...output, ...extra };
      this.lastModel = responseModel;
      this.lastError = errorType;
      this.lastSets = [attrs, input, output];
    }
    this.inst.duration.record(duration, attrs);
    if (ttft !== undefined) this.inst.ttft.record(ttft, attrs);
    if (inputTokens !== undefined) this.inst.tokens.record(inputTokens, input);
    if (outputTokens !== undefined) this.inst.tokens.record(outputTokens, output);
  }
}

/**
 * Records the GenAI histograms through the OpenTelemetry metrics API: before `init()`, and for
 * apps whose MeterProvider is not one the SDK can attach its producer to (see
 * `attachToMeterProvider`). Bucket boundaries travel as the instruments' advice. Costs what
 * the provider costs per `record()` (sdk-metrics hashes the attribute set each time).
 */
export class ApiMetricSink implements MetricSink {
  private readonly inst: Instruments;
  private readonly cache = new Map<string, ApiSeries>();

  constructor(
    meter: Meter,
    private readonly maxCached = 2000,
  ) {
    this.inst = {
      duration: meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
        description: 'GenAI operation duration.',
        unit: 's',
        advice: { explicitBucketBoundaries: [...GEN_AI_DURATION_BUCKETS] },
      }),
      tokens: meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
        description: 'Number of input and output tokens used.',
        unit: '{token}',
        advice: { explicitBucketBoundaries: [...GEN_AI_TOKEN_BUCKETS] },
      }),
      ttft: meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK, {
        description: 'Time to receive the first chunk of a streamed response.',
        unit: 's',
        advice: { explicitBucketBoundaries: [...GEN_AI_DURATION_BUCKETS] },
      }),
    };
  }

  seriesFor(
    operation: string,
    provider: string,
    model: string,
    version: string | undefined,
    variant: string | undefined,
    serverAddress: string | undefined,
    serverPort: number | undefined,
  ): SeriesRecorder {
    const key = seriesKey(operation, provider, model, version, variant, serverAddress, serverPort);
    let s = this.cache.get(key);
    if (s === undefined) {
      const attrs = seriesAttributes(
        operation,
        provider,
        model,
        version,
        variant,
        serverAddress,
        serverPort,
      );
      s = new ApiSeries(this.inst, attrs);
      // sdk-metrics applies its own cardinality limit; this cache only bounds our memory.
      if (this.cache.size < this.maxCached) this.cache.set(key, s);
    }
    return s;
  }
}
