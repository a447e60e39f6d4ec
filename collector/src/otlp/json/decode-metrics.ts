import type {
  ExpHistogramBlock,
  GaugeBlock,
  HistogramBlock,
  MetricBlock,
  SumBlock,
  SummaryBlock,
} from '../../storage/tables/metrics-blocks.js';
import type { DecodeContext, DecodeOutcome } from '../outcome.js';
import type { MetricBlocks } from '../protobuf/decode-metrics.js';
import { JsonAttributes, writeAttributesJson } from './attributes.js';
import { AGGREGATION_TEMPORALITY_ENUM } from './enum-names.js';
import {
  array,
  boolean,
  double,
  doubleArray,
  eachObject,
  enumValue,
  hexId,
  inField,
  int32,
  int64Number,
  type JsonObject,
  object,
  parseBody,
  string,
  u64,
  uint64,
  uint64Array,
  within,
} from './values.js';

/**
 * Decodes an OTLP/JSON `ExportMetricsServiceRequest` into the five metric blocks, one row
 * per data point, exactly as `decodeMetricsProto` does for the same data (same rows, same
 * rejections). Invalid JSON or a field of the wrong type throws `OtlpDecodeError`.
 */
export function decodeMetricsJson(
  body: Uint8Array,
  blocks: MetricBlocks,
  ctx: DecodeContext,
  outcome: DecodeOutcome,
): void {
  const root = parseBody(body);
  const list = array(root.resourceMetrics ?? root.resource_metrics, 'resourceMetrics');
  const state = new MetricState(blocks, ctx, outcome);
  eachObject(list, 'resourceMetrics', (o) => state.resourceMetrics(o));
}

const GAUGE = 1;
const SUM = 2;
const HISTOGRAM = 3;
const EXP_HISTOGRAM = 4;
const SUMMARY = 5;

class MetricState {
  readonly resource = new JsonAttributes();
  readonly scope = new JsonAttributes();
  resourceSchema = '';
  scopeSchema = '';
  scopeName = '';
  scopeVersion = '';
  scopeDropped = 0;
  name = '';
  description = '';
  unit = '';
  temporality = 0;
  monotonic = 0;
  readonly mark: number[] = [];
  pointIndex = 0;

  constructor(
    readonly blocks: MetricBlocks,
    readonly ctx: DecodeContext,
    readonly outcome: DecodeOutcome,
  ) {}

  resourceMetrics(rm: JsonObject): void {
    this.resource.reset();
    if (rm.resource != null) {
      inField('resource', () => this.resource.read(object(rm.resource, ''), this.ctx));
    }
    this.resourceSchema = string(rm.schemaUrl ?? rm.schema_url, 'schemaUrl');
    const list = array(rm.scopeMetrics ?? rm.scope_metrics, 'scopeMetrics');
    eachObject(list, 'scopeMetrics', (o) => this.scopeMetrics(o));
  }

  scopeMetrics(sm: JsonObject): void {
    this.scope.reset();
    this.scopeName = '';
    this.scopeVersion = '';
    this.scopeDropped = 0;
    if (sm.scope != null) {
      try {
        const scope = object(sm.scope, '');
        this.scopeName = string(scope.name, 'name');
        this.scopeVersion = string(scope.version, 'version');
        this.scopeDropped = int32(
          scope.droppedAttributesCount ?? scope.dropped_attributes_count,
          'droppedAttributesCount',
          true,
        );
        this.scope.read(scope, this.ctx);
      } catch (e) {
        throw within(e, 'scope');
      }
    }
    this.scopeSchema = string(sm.schemaUrl ?? sm.schema_url, 'schemaUrl');
    const list = array(sm.metrics, 'metrics');
    eachObject(list, 'metrics', (o) => this.metric(o));
  }

  metric(m: JsonObject): void {
    this.name = string(m.name, 'name');
    this.description = string(m.description, 'description');
    this.unit = string(m.unit, 'unit');
    let type = 0;
    let field = '';
    let data: unknown;
    if (m.gauge != null) [type, field, data] = [GAUGE, 'gauge', m.gauge];
    else if (m.sum != null) [type, field, data] = [SUM, 'sum', m.sum];
    else if (m.histogram != null) [type, field, data] = [HISTOGRAM, 'histogram', m.histogram];
    else if ((m.exponentialHistogram ?? m.exponential_histogram) != null)
      [type, field, data] = [
        EXP_HISTOGRAM,
        'exponentialHistogram',
        m.exponentialHistogram ?? m.exponential_histogram,
      ];
    else if (m.summary != null) [type, field, data] = [SUMMARY, 'summary', m.summary];
    if (this.name === '') {
      // OTLP counts rejected data points, not metrics.
      const d = data as { dataPoints?: unknown; data_points?: unknown } | null | undefined;
      const points = d?.dataPoints ?? d?.data_points;
      this.outcome.reject(
        `metric ${this.pointIndex}: metric name is empty`,
        Array.isArray(points) ? points.length : 1,
      );
      return;
    }
    if (type === 0) {
      this.outcome.reject(
        `metric "${this.name}" has no data (gauge, sum, histogram, exponential histogram or summary)`,
      );
      return;
    }
    try {
      const d = object(data, '');
      this.temporality =
        type === SUM || type === HISTOGRAM || type === EXP_HISTOGRAM
          ? enumValue(
              d.aggregationTemporality ?? d.aggregation_temporality,
              'aggregationTemporality',
              AGGREGATION_TEMPORALITY_ENUM,
            )
          : 0;
      this.monotonic =
        type === SUM && boolean(d.isMonotonic ?? d.is_monotonic, 'isMonotonic') ? 1 : 0;
      const points = array(d.dataPoints ?? d.data_points, 'dataPoints');
      eachObject(points, 'dataPoints', (o) => this.point(o, type));
    } catch (e) {
      throw within(e, field);
    }
  }

  point(p: JsonObject, type: number): void {
    const index = this.pointIndex++;
    const block = this.blockFor(type);
    const mark = block.mark(this.mark);
    const why =
      type === GAUGE || type === SUM
        ? this.numberPoint(p, block as GaugeBlock | SumBlock, type === SUM)
        : type === HISTOGRAM
          ? this.histogramPoint(p, block as HistogramBlock)
          : type === EXP_HISTOGRAM
            ? this.expHistogramPoint(p, block as ExpHistogramBlock)
            : this.summaryPoint(p, block as SummaryBlock);
    const problem = why ?? this.common(p, block);
    if (problem) {
      block.rollback(mark);
      this.outcome.reject(`metric "${this.name}" point ${index}: ${problem}`);
      return;
    }
    block.rows++;
    this.outcome.accepted++;
    this.ctx.budget.charge(block);
  }

  blockFor(type: number): MetricBlock {
    const b = this.blocks;
    switch (type) {
      case GAUGE:
        return b.gauge;
      case SUM:
        return b.sum;
      case HISTOGRAM:
        return b.histogram;
      case EXP_HISTOGRAM:
        return b.expHistogram;
      default:
        return b.summary;
    }
  }

  /** The columns every point type shares, in the protobuf decoder's order. */
  common(p: JsonObject, b: MetricBlock): string | undefined {
    const summary = b === this.blocks.summary;
    uint64(p.startTimeUnixNano ?? p.start_time_unix_nano, 'startTimeUnixNano');
    const startLo = u64.lo;
    const startHi = u64.hi;
    uint64(p.timeUnixNano ?? p.time_unix_nano, 'timeUnixNano');
    const timeLo = u64.lo;
    const timeHi = u64.hi;
    const flags = int32(p.flags, 'flags', true);
    if (!this.resource.ok || !this.scope.ok)
      return 'a resource or scope attribute is over the size limit';
    if (!writeAttributesJson(p.attributes, 'attributes', b.attributes, this.ctx))
      return 'an attribute is over the size limit';
    b.attributes.offsets.end();
    if (!summary) {
      const exemplars = array(p.exemplars, 'exemplars');
      for (let i = 0; i < exemplars.length; i++) {
        let why: string | undefined;
        try {
          why = this.exemplar(object(exemplars[i], ''), b);
        } catch (e) {
          throw within(e, 'exemplars', i);
        }
        if (why) return why;
      }
      b.exemplars.end();
    }
    this.resource.copyTo(b.resourceAttributes);
    b.resourceSchemaUrl.sink.string(this.resourceSchema);
    b.scopeName.sink.string(this.scopeName);
    b.scopeVersion.sink.string(this.scopeVersion);
    this.scope.copyTo(b.scopeAttributes);
    b.scopeDroppedAttrCount.sink.u32(this.scopeDropped);
    b.scopeSchemaUrl.sink.string(this.scopeSchema);
    this.resource.writeService(b.serviceName.sink);
    b.metricName.sink.string(this.name);
    b.metricDescription.sink.string(this.description);
    b.metricUnit.sink.string(this.unit);
    b.startTimeUnix.sink.u64(startLo, startHi);
    b.timeUnix.sink.u64(timeLo, timeHi);
    b.flags.sink.u32(flags);
    b.projectId.sink.bytes(this.ctx.project, 0, this.ctx.project.length);
    return undefined;
  }

  exemplar(ex: JsonObject, b: MetricBlock): string | undefined {
    uint64(ex.timeUnixNano ?? ex.time_unix_nano, 'timeUnixNano');
    const lo = u64.lo;
    const hi = u64.hi;
    const value = pointValue(ex);
    const traceId = hexId(ex.traceId ?? ex.trace_id, 'traceId');
    const spanId = hexId(ex.spanId ?? ex.span_id, 'spanId');
    const attrs = ex.filteredAttributes ?? ex.filtered_attributes;
    if (!writeAttributesJson(attrs, 'filteredAttributes', b.exemplarAttributes, this.ctx))
      return 'an exemplar attribute is over the size limit';
    if (traceId.length !== 0 && traceId.length !== 32)
      return `exemplar trace id must be 16 bytes, got ${traceId.length / 2}`;
    if (spanId.length !== 0 && spanId.length !== 16)
      return `exemplar span id must be 8 bytes, got ${spanId.length / 2}`;
    b.exemplarAttributes.offsets.end();
    b.exemplarTime.sink.u64(lo, hi);
    b.exemplarValue.sink.f64(value ?? 0);
    b.exemplarSpanId.sink.string(spanId);
    b.exemplarTraceId.sink.string(traceId);
    b.exemplars.count++;
    return undefined;
  }

  numberPoint(p: JsonObject, b: GaugeBlock | SumBlock, isSum: boolean): string | undefined {
    const value = pointValue(p);
    if (value === undefined) return 'data point has no value (as_double or as_int)';
    b.value.sink.f64(value);
    if (isSum) {
      const s = b as SumBlock;
      s.aggregationTemporality.sink.i32(this.temporality);
      s.isMonotonic.sink.u8(this.monotonic);
    }
    return undefined;
  }

  histogramPoint(p: JsonObject, b: HistogramBlock): string | undefined {
    uint64(p.count, 'count');
    const countLo = u64.lo;
    const countHi = u64.hi;
    const sum = double(p.sum, 'sum');
    const min = double(p.min, 'min');
    const max = double(p.max, 'max');
    const buckets = uint64Array(
      p.bucketCounts ?? p.bucket_counts,
      'bucketCounts',
      b.bucketCounts.sink,
    );
    const bounds = doubleArray(
      p.explicitBounds ?? p.explicit_bounds,
      'explicitBounds',
      b.explicitBounds.sink,
    );
    if (buckets > 0 && buckets !== bounds + 1)
      return `histogram has ${buckets} bucket counts for ${bounds} explicit bounds (want bounds + 1)`;
    b.buckets.count += buckets;
    b.buckets.end();
    b.bounds.count += bounds;
    b.bounds.end();
    b.count.sink.u64(countLo, countHi);
    b.sum.sink.f64(sum);
    b.min.sink.f64(min);
    b.max.sink.f64(max);
    b.aggregationTemporality.sink.i32(this.temporality);
    return undefined;
  }

  expHistogramPoint(p: JsonObject, b: ExpHistogramBlock): string | undefined {
    uint64(p.count, 'count');
    const countLo = u64.lo;
    const countHi = u64.hi;
    uint64(p.zeroCount ?? p.zero_count, 'zeroCount');
    const zeroLo = u64.lo;
    const zeroHi = u64.hi;
    const sum = double(p.sum, 'sum');
    const min = double(p.min, 'min');
    const max = double(p.max, 'max');
    const scale = int32(p.scale, 'scale', false);
    let posOffset = 0;
    let negOffset = 0;
    let posCount = 0;
    let negCount = 0;
    if (p.positive != null) {
      try {
        const pos = object(p.positive, '');
        posOffset = int32(pos.offset, 'offset', false);
        posCount = uint64Array(
          pos.bucketCounts ?? pos.bucket_counts,
          'bucketCounts',
          b.positiveBucketCounts.sink,
        );
      } catch (e) {
        throw within(e, 'positive');
      }
    }
    if (p.negative != null) {
      try {
        const neg = object(p.negative, '');
        negOffset = int32(neg.offset, 'offset', false);
        negCount = uint64Array(
          neg.bucketCounts ?? neg.bucket_counts,
          'bucketCounts',
          b.negativeBucketCounts.sink,
        );
      } catch (e) {
        throw within(e, 'negative');
      }
    }
    b.positive.count += posCount;
    b.positive.end();
    b.negative.count += negCount;
    b.negative.end();
    b.count.sink.u64(countLo, countHi);
    b.sum.sink.f64(sum);
    b.scale.sink.i32(scale);
    b.zeroCount.sink.u64(zeroLo, zeroHi);
    b.positiveOffset.sink.i32(posOffset);
    b.negativeOffset.sink.i32(negOffset);
    b.min.sink.f64(min);
    b.max.sink.f64(max);
    b.aggregationTemporality.sink.i32(this.temporality);
    return undefined;
  }

  summaryPoint(p: JsonObject, b: SummaryBlock): string | undefined {
    uint64(p.count, 'count');
    const countLo = u64.lo;
    const countHi = u64.hi;
    const sum = double(p.sum, 'sum');
    const list = array(p.quantileValues ?? p.quantile_values, 'quantileValues');
    for (let i = 0; i < list.length; i++) {
      try {
        const q = object(list[i], '');
        b.quantile.sink.f64(double(q.quantile, 'quantile'));
        b.quantileValue.sink.f64(double(q.value, 'value'));
      } catch (e) {
        throw within(e, 'quantileValues', i);
      }
      b.quantiles.count++;
    }
    b.quantiles.end();
    b.count.sink.u64(countLo, countHi);
    b.sum.sink.f64(sum);
    return undefined;
  }
}

/** `as_double` or `as_int` of a number data point or exemplar; undefined when neither. */
function pointValue(p: JsonObject): number | undefined {
  const d = p.asDouble ?? p.as_double;
  if (d != null) return double(d, 'asDouble');
  const i = p.asInt ?? p.as_int;
  if (i != null) return int64Number(i, 'asInt');
  return undefined;
}
