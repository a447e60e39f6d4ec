import { NativeBlock } from '../native/block.js';
import { ArrayColumn, type Column, MapColumn, Offsets, SinkColumn } from '../native/columns.js';

/**
 * The columns every `otel_metrics_*` table shares: resource, scope, metric identity, the
 * data point's attributes and times, exemplars, flags and project.
 */
export abstract class MetricBlock extends NativeBlock {
  readonly resourceAttributes = new MapColumn('ResourceAttributes');
  readonly resourceSchemaUrl = new SinkColumn('ResourceSchemaUrl', 'String');
  readonly scopeName = new SinkColumn('ScopeName', 'String');
  readonly scopeVersion = new SinkColumn('ScopeVersion', 'String');
  readonly scopeAttributes = new MapColumn('ScopeAttributes');
  readonly scopeDroppedAttrCount = new SinkColumn('ScopeDroppedAttrCount', 'UInt32');
  readonly scopeSchemaUrl = new SinkColumn('ScopeSchemaUrl', 'String');
  readonly serviceName = new SinkColumn('ServiceName', 'String');
  readonly metricName = new SinkColumn('MetricName', 'String');
  readonly metricDescription = new SinkColumn('MetricDescription', 'String');
  readonly metricUnit = new SinkColumn('MetricUnit', 'String');
  readonly attributes = new MapColumn('Attributes');
  readonly startTimeUnix = new SinkColumn('StartTimeUnix', 'DateTime64(9)');
  readonly timeUnix = new SinkColumn('TimeUnix', 'DateTime64(9)');
  readonly flags = new SinkColumn('Flags', 'UInt32');
  readonly exemplars = new Offsets();
  readonly exemplarAttributes = new MapColumn('FilteredAttributes');
  readonly exemplarTime = new SinkColumn('TimeUnix', 'DateTime64(9)', 1024);
  readonly exemplarValue = new SinkColumn('Value', 'Float64', 1024);
  readonly exemplarSpanId = new SinkColumn('SpanId', 'String', 1024);
  readonly exemplarTraceId = new SinkColumn('TraceId', 'String', 1024);
  readonly projectId = new SinkColumn('ProjectId', 'String');

  protected setColumns(specific: Column[], withExemplars: boolean): void {
    const ex = this.exemplars;
    this.columns = [
      this.resourceAttributes,
      this.resourceSchemaUrl,
      this.scopeName,
      this.scopeVersion,
      this.scopeAttributes,
      this.scopeDroppedAttrCount,
      this.scopeSchemaUrl,
      this.serviceName,
      this.metricName,
      this.metricDescription,
      this.metricUnit,
      this.attributes,
      this.startTimeUnix,
      this.timeUnix,
      this.flags,
      ...specific,
      ...(withExemplars
        ? [
            new ArrayColumn('Exemplars.FilteredAttributes', ex, this.exemplarAttributes, true),
            new ArrayColumn('Exemplars.TimeUnix', ex, this.exemplarTime, false),
            new ArrayColumn('Exemplars.Value', ex, this.exemplarValue, false),
            new ArrayColumn('Exemplars.SpanId', ex, this.exemplarSpanId, false),
            new ArrayColumn('Exemplars.TraceId', ex, this.exemplarTraceId, false),
          ]
        : []),
      this.projectId,
    ];
  }
}

/** `otel_metrics_gauge`. */
export class GaugeBlock extends MetricBlock {
  readonly value = new SinkColumn('Value', 'Float64');
  constructor() {
    super('otel_metrics_gauge');
    this.setColumns([this.value], true);
  }
}

/** `otel_metrics_sum`. */
export class SumBlock extends MetricBlock {
  readonly value = new SinkColumn('Value', 'Float64');
  readonly aggregationTemporality = new SinkColumn('AggregationTemporality', 'Int32');
  readonly isMonotonic = new SinkColumn('IsMonotonic', 'Bool');
  constructor() {
    super('otel_metrics_sum');
    this.setColumns([this.value, this.aggregationTemporality, this.isMonotonic], true);
  }
}

/** `otel_metrics_histogram`. */
export class HistogramBlock extends MetricBlock {
  readonly count = new SinkColumn('Count', 'UInt64');
  readonly sum = new SinkColumn('Sum', 'Float64');
  readonly buckets = new Offsets();
  readonly bucketCounts = new SinkColumn('BucketCounts', 'UInt64');
  readonly bounds = new Offsets();
  readonly explicitBounds = new SinkColumn('ExplicitBounds', 'Float64');
  readonly min = new SinkColumn('Min', 'Float64');
  readonly max = new SinkColumn('Max', 'Float64');
  readonly aggregationTemporality = new SinkColumn('AggregationTemporality', 'Int32');
  constructor() {
    super('otel_metrics_histogram');
    this.setColumns(
      [
        this.count,
        this.sum,
        new ArrayColumn('BucketCounts', this.buckets, this.bucketCounts, true),
        new ArrayColumn('ExplicitBounds', this.bounds, this.explicitBounds, true),
        this.min,
        this.max,
        this.aggregationTemporality,
      ],
      true,
    );
  }
}

/** `otel_metrics_exponential_histogram`. */
export class ExpHistogramBlock extends MetricBlock {
  readonly count = new SinkColumn('Count', 'UInt64');
  readonly sum = new SinkColumn('Sum', 'Float64');
  readonly scale = new SinkColumn('Scale', 'Int32');
  readonly zeroCount = new SinkColumn('ZeroCount', 'UInt64');
  readonly positiveOffset = new SinkColumn('PositiveOffset', 'Int32');
  readonly positive = new Offsets();
  readonly positiveBucketCounts = new SinkColumn('PositiveBucketCounts', 'UInt64');
  readonly negativeOffset = new SinkColumn('NegativeOffset', 'Int32');
  readonly negative = new Offsets();
  readonly negativeBucketCounts = new SinkColumn('NegativeBucketCounts', 'UInt64');
  readonly min = new SinkColumn('Min', 'Float64');
  readonly max = new SinkColumn('Max', 'Float64');
  readonly aggregationTemporality = new SinkColumn('AggregationTemporality', 'Int32');
  constructor() {
    super('otel_metrics_exponential_histogram');
    this.setColumns(
      [
        this.count,
        this.sum,
        this.scale,
        this.zeroCount,
        this.positiveOffset,
        new ArrayColumn('PositiveBucketCounts', this.positive, this.positiveBucketCounts, true),
        this.negativeOffset,
        new ArrayColumn('NegativeBucketCounts', this.negative, this.negativeBucketCounts, true),
        this.min,
        this.max,
        this.aggregationTemporality,
      ],
      true,
    );
  }
}

/** `otel_metrics_summary` (no exemplars in OTLP summaries). */
export class SummaryBlock extends MetricBlock {
  readonly count = new SinkColumn('Count', 'UInt64');
  readonly sum = new SinkColumn('Sum', 'Float64');
  readonly quantiles = new Offsets();
  readonly quantile = new SinkColumn('Quantile', 'Float64');
  readonly quantileValue = new SinkColumn('Value', 'Float64');
  constructor() {
    super('otel_metrics_summary');
    this.setColumns(
      [
        this.count,
        this.sum,
        new ArrayColumn('ValueAtQuantiles.Quantile', this.quantiles, this.quantile, true),
        new ArrayColumn('ValueAtQuantiles.Value', this.quantiles, this.quantileValue, false),
      ],
      false,
    );
  }
}
