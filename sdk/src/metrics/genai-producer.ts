import { type Attributes, type HrTime, ValueType } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  type CollectionResult,
  type DataPoint,
  DataPointType,
  type Histogram,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import {
  ATTR_GEN_AI_TOKEN_TYPE,
  GEN_AI_TOKEN_TYPE_INPUT,
  GEN_AI_TOKEN_TYPE_OUTPUT,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  SCOPE_NAME,
} from '../semconv.js';
import { SDK_VERSION } from '../version.js';
import type { GenAiAggregator } from './genai-aggregator.js';
import type { HistogramCell, HistogramSnapshot } from './histogram-cell.js';

const DESCRIPTORS = {
  duration: {
    name: METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
    description: 'GenAI operation duration.',
    unit: 's',
    valueType: ValueType.DOUBLE,
  },
  tokens: {
    name: METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
    description: 'Number of input and output tokens used.',
    unit: '{token}',
    valueType: ValueType.INT,
  },
  ttft: {
    name: METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
    description:
      'Time to receive the first chunk, from when the client issues the request to when the first chunk of the response stream arrives.',
    unit: 's',
    valueType: ValueType.DOUBLE,
  },
} as const;

/**
 * A MetricProducer that exports a {@link GenAiAggregator}'s histograms as
 * `gen_ai.client.operation.duration`, `gen_ai.client.token.usage` and
 * `gen_ai.client.operation.time_to_first_chunk`, with the conventions' bucket boundaries.
 *
 * Cumulative by default; with delta temporality each collection reports the change since the
 * previous one (min/max are then omitted, as they cannot be derived from cumulative cells).
 */
export class GenAiMetricProducer implements MetricProducer {
  private readonly previous = new WeakMap<HistogramCell, HistogramSnapshot>();
  private lastCollectMs: number | undefined;

  constructor(
    private readonly aggregator: GenAiAggregator,
    private readonly temporality: AggregationTemporality = AggregationTemporality.CUMULATIVE,
    private readonly now: () => number = Date.now,
  ) {}

  async collect(): Promise<CollectionResult> {
    return {
      resourceMetrics: {
        resource: emptyResource(),
        scopeMetrics: [
          { scope: { name: SCOPE_NAME, version: SDK_VERSION }, metrics: this.metrics() },
        ],
      },
      errors: [],
    };
  }

  /** The histograms as sdk-metrics MetricData (also used by tests). */
  metrics(): MetricData[] {
    const nowMs = this.now();
    const end = millisToHrTime(nowMs);
    const prevMs = this.lastCollectMs;
    this.lastCollectMs = nowMs;
    const duration: DataPoint<Histogram>[] = [];
    const tokens: DataPoint<Histogram>[] = [];
    const ttft: DataPoint<Histogram>[] = [];
    for (const c of this.aggregator.allCells()) {
      const start = millisToHrTime(
        this.temporality === AggregationTemporality.DELTA && prevMs !== undefined
          ? Math.max(prevMs, c.startMs)
          : c.startMs,
      );
      this.push(duration, c.duration, c.attributes, start, end);
      if (c.ttft) this.push(ttft, c.ttft, c.attributes, start, end);
      if (c.inputTokens) {
        const a = { ...c.attributes, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_INPUT };
        this.push(tokens, c.inputTokens, a, start, end);
      }
      if (c.outputTokens) {
        const a = { ...c.attributes, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_OUTPUT };
        this.push(tokens, c.outputTokens, a, start, end);
      }
    }
    const out: MetricData[] = [];
    const add = (
      d: (typeof DESCRIPTORS)[keyof typeof DESCRIPTORS],
      points: DataPoint<Histogram>[],
    ) => {
      if (points.length === 0) return;
      out.push({
        descriptor: d,
        aggregationTemporality: this.temporality,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: points,
      });
    };
    add(DESCRIPTORS.duration, duration);
    add(DESCRIPTORS.tokens, tokens);
    add(DESCRIPTORS.ttft, ttft);
    return out;
  }

  private push(
    into: DataPoint<Histogram>[],
    cell: HistogramCell,
    attributes: Attributes,
    startTime: HrTime,
    endTime: HrTime,
  ): void {
    const now = cell.snapshot();
    let value: Histogram;
    if (this.temporality === AggregationTemporality.DELTA) {
      const prev = this.previous.get(cell);
      this.previous.set(cell, now);
      const count = now.count - (prev?.count ?? 0);
      if (count === 0) return;
      value = {
        buckets: {
          boundaries: cell.boundaries.slice(),
          counts: now.counts.map((n, i) => n - (prev?.counts[i] ?? 0)),
        },
        sum: now.sum - (prev?.sum ?? 0),
        count,
      };
    } else {
      if (now.count === 0) return;
      value = {
        buckets: { boundaries: cell.boundaries.slice(), counts: now.counts },
        sum: now.sum,
        count: now.count,
        min: now.min,
        max: now.max,
      };
    }
    into.push({ attributes, startTime, endTime, value });
  }
}
