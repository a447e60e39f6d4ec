import type { ByteSink } from '../../storage/native/byte-sink.js';
import type {
  ExpHistogramBlock,
  GaugeBlock,
  HistogramBlock,
  MetricBlock,
  SumBlock,
  SummaryBlock,
} from '../../storage/tables/metrics-blocks.js';
import { writeHexId } from '../ids.js';
import type { DecodeContext, DecodeOutcome } from '../outcome.js';
import { writeKeyValue } from './attributes.js';
import { eachField, ProtoReader, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './reader.js';
import { EncodedAttributes, readAttributes } from './resource.js';

/** The blocks a metrics request writes into, one per data point type. */
export interface MetricBlocks {
  gauge: GaugeBlock;
  sum: SumBlock;
  histogram: HistogramBlock;
  expHistogram: ExpHistogramBlock;
  summary: SummaryBlock;
}

/**
 * Decodes an `ExportMetricsServiceRequest` straight into the five metric blocks, one row
 * per data point. Invalid points are rejected one by one; malformed bytes throw.
 */
export function decodeMetricsProto(
  buf: Uint8Array,
  blocks: MetricBlocks,
  ctx: DecodeContext,
  outcome: DecodeOutcome,
): void {
  const r = new ProtoReader(buf);
  const s = new MetricState(blocks, ctx, outcome);
  const end = buf.length;
  eachField(r, end, 1, (e) => s.resourceMetrics(r, e));
}

const TYPE_GAUGE = 5;
const TYPE_SUM = 7;
const TYPE_HISTOGRAM = 9;
const TYPE_EXP_HISTOGRAM = 10;
const TYPE_SUMMARY = 11;

/** Byte range helper: [start, end) of a field in the request, -1 when absent. */
class Range {
  start = 0;
  end = 0;
  set(r: ProtoReader, limit: number): void {
    this.end = r.lenEnd(limit);
    this.start = r.pos;
    r.pos = this.end;
  }
  clear(): void {
    this.start = 0;
    this.end = 0;
  }
  write(sink: ByteSink, buf: Uint8Array): void {
    sink.stringBytes(buf, this.start, this.end);
  }
}

class MetricState {
  readonly resource = new EncodedAttributes();
  readonly scope = new EncodedAttributes();
  readonly resourceSchema = new Range();
  readonly scopeSchema = new Range();
  readonly scopeName = new Range();
  readonly scopeVersion = new Range();
  scopeDropped = 0;
  readonly name = new Range();
  readonly description = new Range();
  readonly unit = new Range();
  temporality = 0;
  monotonic = 0;
  readonly attrs: number[] = [];
  readonly exemplars: number[] = [];
  readonly mark: number[] = [];
  pointIndex = 0;
  metricName = '';

  constructor(
    readonly blocks: MetricBlocks,
    readonly ctx: DecodeContext,
    readonly outcome: DecodeOutcome,
  ) {}

  resourceMetrics(r: ProtoReader, end: number): void {
    const start = r.pos;
    this.resource.reset();
    this.resourceSchema.clear();
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag === ((1 << 3) | WIRE_LEN)) {
        const e = r.lenEnd(end);
        readAttributes(r, e, 1, this.resource, this.ctx);
        r.pos = e;
      } else if (tag === ((3 << 3) | WIRE_LEN)) this.resourceSchema.set(r, end);
      else r.skip(tag & 7, end);
    }
    r.pos = start;
    eachField(r, end, 2, (e) => this.scopeMetrics(r, e));
  }

  scopeMetrics(r: ProtoReader, end: number): void {
    const start = r.pos;
    this.scope.reset();
    this.scopeSchema.clear();
    this.scopeName.clear();
    this.scopeVersion.clear();
    this.scopeDropped = 0;
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag === ((1 << 3) | WIRE_LEN)) {
        const e = r.lenEnd(end);
        this.readScope(r, e);
        r.pos = e;
      } else if (tag === ((3 << 3) | WIRE_LEN)) this.scopeSchema.set(r, end);
      else r.skip(tag & 7, end);
    }
    r.pos = start;
    eachField(r, end, 2, (e) => this.metric(r, e));
  }

  readScope(r: ProtoReader, end: number): void {
    const start = r.pos;
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag === ((1 << 3) | WIRE_LEN)) this.scopeName.set(r, end);
      else if (tag === ((2 << 3) | WIRE_LEN)) this.scopeVersion.set(r, end);
      else if (tag === ((4 << 3) | WIRE_VARINT)) this.scopeDropped = r.uint32();
      else r.skip(tag & 7, end);
    }
    r.pos = start;
    readAttributes(r, end, 3, this.scope, this.ctx);
  }

  metric(r: ProtoReader, end: number): void {
    this.name.clear();
    this.description.clear();
    this.unit.clear();
    let type = 0;
    let ds = 0;
    let de = 0;
    while (r.pos < end) {
      const tag = r.uint32();
      const field = tag >>> 3;
      if ((tag & 7) !== WIRE_LEN) {
        r.skip(tag & 7, end);
        continue;
      }
      if (field === 1) this.name.set(r, end);
      else if (field === 2) this.description.set(r, end);
      else if (field === 3) this.unit.set(r, end);
      else if (field >= TYPE_GAUGE && field <= TYPE_SUMMARY && field !== 6 && field !== 8) {
        de = r.lenEnd(end);
        ds = r.pos;
        r.pos = de;
        type = field;
      } else r.skip(WIRE_LEN, end);
    }
    this.metricName = Buffer.from(
      r.buf.buffer,
      r.buf.byteOffset + this.name.start,
      this.name.end - this.name.start,
    ).toString();
    if (this.name.end === this.name.start) {
      // OTLP counts rejected data points, not metrics.
      let points = 0;
      if (type !== 0) {
        r.pos = ds;
        eachField(r, de, 1, () => {
          points++;
        });
      }
      this.outcome.reject(`metric ${this.pointIndex}: metric name is empty`, points);
      return;
    }
    if (type === 0) {
      this.outcome.reject(
        `metric "${this.metricName}" has no data (gauge, sum, histogram, exponential histogram or summary)`,
      );
      return;
    }
    // Temporality and monotonicity sit beside the data points: read them first.
    this.temporality = 0;
    this.monotonic = 0;
    r.pos = ds;
    while (r.pos < de) {
      const tag = r.uint32();
      if (tag === ((2 << 3) | WIRE_VARINT)) this.temporality = r.uint32();
      else if (tag === ((3 << 3) | WIRE_VARINT)) this.monotonic = r.uint32() ? 1 : 0;
      else r.skip(tag & 7, de);
    }
    r.pos = ds;
    eachField(r, de, 1, (e) => this.point(r, e, type));
  }

  point(r: ProtoReader, end: number, type: number): void {
    const index = this.pointIndex++;
    const block = this.blockFor(type);
    const mark = block.mark(this.mark);
    const start = r.pos;
    const why =
      type === TYPE_GAUGE || type === TYPE_SUM
        ? this.numberPoint(r, end, block as GaugeBlock | SumBlock, type === TYPE_SUM)
        : type === TYPE_HISTOGRAM
          ? this.histogramPoint(r, end, block as HistogramBlock)
          : type === TYPE_EXP_HISTOGRAM
            ? this.expHistogramPoint(r, end, block as ExpHistogramBlock)
            : this.summaryPoint(r, end, block as SummaryBlock);
    if (why) {
      block.rollback(mark);
      this.outcome.reject(`metric "${this.metricName}" point ${index}: ${why}`);
      return;
    }
    r.pos = start;
    const common = this.common(
      r,
      end,
      block,
      type === TYPE_EXP_HISTOGRAM ? 1 : type === TYPE_HISTOGRAM ? 9 : 7,
    );
    if (common) {
      block.rollback(mark);
      this.outcome.reject(`metric "${this.metricName}" point ${index}: ${common}`);
      return;
    }
    block.rows++;
    this.outcome.accepted++;
    this.ctx.budget.charge(block);
  }

  blockFor(type: number): MetricBlock {
    const b = this.blocks;
    switch (type) {
      case TYPE_GAUGE:
        return b.gauge;
      case TYPE_SUM:
        return b.sum;
      case TYPE_HISTOGRAM:
        return b.histogram;
      case TYPE_EXP_HISTOGRAM:
        return b.expHistogram;
      default:
        return b.summary;
    }
  }

  /**
   * Writes the columns every point type shares. Field numbers of `attributes`,
   * `start_time_unix_nano`, `time_unix_nano`, `flags` and `exemplars` differ per type.
   */
  common(r: ProtoReader, end: number, b: MetricBlock, attrField: number): string | undefined {
    const buf = r.buf;
    const flagsField = attrField === 1 ? 10 : attrField === 9 ? 10 : 8;
    const exemplarField = attrField === 1 ? 11 : attrField === 9 ? 8 : 5;
    const summary = b === this.blocks.summary;
    let startLo = 0;
    let startHi = 0;
    let timeLo = 0;
    let timeHi = 0;
    let flags = 0;
    const attrs = this.attrs;
    const exemplars = this.exemplars;
    attrs.length = 0;
    exemplars.length = 0;
    while (r.pos < end) {
      const tag = r.uint32();
      const field = tag >>> 3;
      const wire = tag & 7;
      if (field === 2 && wire === WIRE_I64) {
        r.fixed64();
        startLo = r.lo;
        startHi = r.hi;
      } else if (field === 3 && wire === WIRE_I64) {
        r.fixed64();
        timeLo = r.lo;
        timeHi = r.hi;
      } else if (field === attrField && wire === WIRE_LEN) {
        const e = r.lenEnd(end);
        attrs.push(r.pos, e);
        r.pos = e;
      } else if (field === exemplarField && wire === WIRE_LEN && !summary) {
        const e = r.lenEnd(end);
        exemplars.push(r.pos, e);
        r.pos = e;
      } else if (field === flagsField && wire === WIRE_VARINT) flags = r.uint32();
      else r.skip(wire, end);
    }
    if (!this.resource.ok || !this.scope.ok)
      return 'a resource or scope attribute is over the size limit';
    for (let i = 0; i < attrs.length; i += 2) {
      r.pos = attrs[i]!;
      if (!writeKeyValue(r, attrs[i + 1]!, b.attributes, this.ctx))
        return 'an attribute is over the size limit';
    }
    b.attributes.offsets.end();
    if (!summary) {
      for (let i = 0; i < exemplars.length; i += 2) {
        const why = this.exemplar(r, exemplars[i]!, exemplars[i + 1]!, b);
        if (why) return why;
      }
      b.exemplars.end();
    }
    this.resource.copyTo(b.resourceAttributes);
    this.resourceSchema.write(b.resourceSchemaUrl.sink, buf);
    this.scopeName.write(b.scopeName.sink, buf);
    this.scopeVersion.write(b.scopeVersion.sink, buf);
    this.scope.copyTo(b.scopeAttributes);
    b.scopeDroppedAttrCount.sink.u32(this.scopeDropped);
    this.scopeSchema.write(b.scopeSchemaUrl.sink, buf);
    const res = this.resource;
    res.writeService(b.serviceName.sink, buf);
    this.name.write(b.metricName.sink, buf);
    this.description.write(b.metricDescription.sink, buf);
    this.unit.write(b.metricUnit.sink, buf);
    b.startTimeUnix.sink.u64(startLo, startHi);
    b.timeUnix.sink.u64(timeLo, timeHi);
    b.flags.sink.u32(flags);
    b.projectId.sink.bytes(this.ctx.project, 0, this.ctx.project.length);
    return undefined;
  }

  exemplar(r: ProtoReader, start: number, end: number, b: MetricBlock): string | undefined {
    let lo = 0;
    let hi = 0;
    let value = 0;
    let tS = 0;
    let tE = 0;
    let sS = 0;
    let sE = 0;
    r.pos = start;
    while (r.pos < end) {
      const tag = r.uint32();
      const field = tag >>> 3;
      const wire = tag & 7;
      if (field === 2 && wire === WIRE_I64) {
        r.fixed64();
        lo = r.lo;
        hi = r.hi;
      } else if (field === 3 && wire === WIRE_I64) value = r.double();
      else if (field === 6 && wire === WIRE_I64) {
        r.fixed64();
        value = (r.hi | 0) * 0x1_0000_0000 + r.lo;
      } else if (field === 4 && wire === WIRE_LEN) {
        sE = r.lenEnd(end);
        sS = r.pos;
        r.pos = sE;
      } else if (field === 5 && wire === WIRE_LEN) {
        tE = r.lenEnd(end);
        tS = r.pos;
        r.pos = tE;
      } else if (field === 7 && wire === WIRE_LEN) {
        const e = r.lenEnd(end);
        if (!writeKeyValue(r, e, b.exemplarAttributes, this.ctx))
          return 'an exemplar attribute is over the size limit';
        r.pos = e;
      } else r.skip(wire, end);
    }
    if (tE - tS !== 0 && tE - tS !== 16)
      return `exemplar trace id must be 16 bytes, got ${tE - tS}`;
    if (sE - sS !== 0 && sE - sS !== 8) return `exemplar span id must be 8 bytes, got ${sE - sS}`;
    b.exemplarAttributes.offsets.end();
    b.exemplarTime.sink.u64(lo, hi);
    b.exemplarValue.sink.f64(value);
    writeHexId(b.exemplarSpanId.sink, r.buf, sS, sE);
    writeHexId(b.exemplarTraceId.sink, r.buf, tS, tE);
    b.exemplars.count++;
    return undefined;
  }

  numberPoint(
    r: ProtoReader,
    end: number,
    b: GaugeBlock | SumBlock,
    isSum: boolean,
  ): string | undefined {
    let value = 0;
    let has = false;
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag === ((4 << 3) | WIRE_I64)) {
        value = r.double();
        has = true;
      } else if (tag === ((6 << 3) | WIRE_I64)) {
        r.fixed64();
        value = (r.hi | 0) * 0x1_0000_0000 + r.lo;
        has = true;
      } else r.skip(tag & 7, end);
    }
    if (!has) return 'data point has no value (as_double or as_int)';
    b.value.sink.f64(value);
    if (isSum) {
      const s = b as SumBlock;
      s.aggregationTemporality.sink.i32(this.temporality);
      s.isMonotonic.sink.u8(this.monotonic);
    }
    return undefined;
  }

  histogramPoint(r: ProtoReader, end: number, b: HistogramBlock): string | undefined {
    let countLo = 0;
    let countHi = 0;
    let sum = 0;
    let min = 0;
    let max = 0;
    let buckets = 0;
    let bounds = 0;
    while (r.pos < end) {
      const tag = r.uint32();
      const field = tag >>> 3;
      const wire = tag & 7;
      if (field === 4 && wire === WIRE_I64) {
        r.fixed64();
        countLo = r.lo;
        countHi = r.hi;
      } else if (field === 5 && wire === WIRE_I64) sum = r.double();
      else if (field === 11 && wire === WIRE_I64) min = r.double();
      else if (field === 12 && wire === WIRE_I64) max = r.double();
      else if (field === 6) buckets += readFixed64s(r, wire, end, b.bucketCounts.sink);
      else if (field === 7) bounds += readDoubles(r, wire, end, b.explicitBounds.sink);
      else r.skip(wire, end);
    }
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

  expHistogramPoint(r: ProtoReader, end: number, b: ExpHistogramBlock): string | undefined {
    let countLo = 0;
    let countHi = 0;
    let zeroLo = 0;
    let zeroHi = 0;
    let sum = 0;
    let min = 0;
    let max = 0;
    let scale = 0;
    let posOffset = 0;
    let negOffset = 0;
    let posCount = 0;
    let negCount = 0;
    while (r.pos < end) {
      const tag = r.uint32();
      const field = tag >>> 3;
      const wire = tag & 7;
      if (field === 4 && wire === WIRE_I64) {
        r.fixed64();
        countLo = r.lo;
        countHi = r.hi;
      } else if (field === 5 && wire === WIRE_I64) sum = r.double();
      else if (field === 6 && wire === WIRE_VARINT) scale = zigzag32(r.uint32());
      else if (field === 7 && wire === WIRE_I64) {
        r.fixed64();
        zeroLo = r.lo;
        zeroHi = r.hi;
      } else if ((field === 8 || field === 9) && wire === WIRE_LEN) {
        const e = r.lenEnd(end);
        const sink = field === 8 ? b.positiveBucketCounts.sink : b.negativeBucketCounts.sink;
        let offset = 0;
        let n = 0;
        while (r.pos < e) {
          const t = r.uint32();
          if (t === ((1 << 3) | WIRE_VARINT)) offset = zigzag32(r.uint32());
          else if (t >>> 3 === 2) n += readVarint64s(r, t & 7, e, sink);
          else r.skip(t & 7, e);
        }
        if (field === 8) {
          posOffset = offset;
          posCount += n;
        } else {
          negOffset = offset;
          negCount += n;
        }
      } else if (field === 12 && wire === WIRE_I64) min = r.double();
      else if (field === 13 && wire === WIRE_I64) max = r.double();
      else r.skip(wire, end);
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

  summaryPoint(r: ProtoReader, end: number, b: SummaryBlock): string | undefined {
    let countLo = 0;
    let countHi = 0;
    let sum = 0;
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag === ((4 << 3) | WIRE_I64)) {
        r.fixed64();
        countLo = r.lo;
        countHi = r.hi;
      } else if (tag === ((5 << 3) | WIRE_I64)) sum = r.double();
      else if (tag === ((6 << 3) | WIRE_LEN)) {
        const e = r.lenEnd(end);
        let q = 0;
        let v = 0;
        while (r.pos < e) {
          const t = r.uint32();
          if (t === ((1 << 3) | WIRE_I64)) q = r.double();
          else if (t === ((2 << 3) | WIRE_I64)) v = r.double();
          else r.skip(t & 7, e);
        }
        b.quantile.sink.f64(q);
        b.quantileValue.sink.f64(v);
        b.quantiles.count++;
      } else r.skip(tag & 7, end);
    }
    b.quantiles.end();
    b.count.sink.u64(countLo, countHi);
    b.sum.sink.f64(sum);
    return undefined;
  }
}

function zigzag32(v: number): number {
  return (v >>> 1) ^ -(v & 1);
}

/** `repeated fixed64`, packed or not; returns the number of values appended. */
function readFixed64s(r: ProtoReader, wire: number, end: number, out: ByteSink): number {
  if (wire === WIRE_I64) {
    r.fixed64();
    out.u64(r.lo, r.hi);
    return 1;
  }
  if (wire !== WIRE_LEN) throw r.error(`repeated fixed64 field has wire type ${wire}`);
  const e = r.lenEnd(end);
  if ((e - r.pos) % 8 !== 0) throw r.error('packed fixed64 field length is not a multiple of 8');
  const n = (e - r.pos) / 8;
  out.bytes(r.buf, r.pos, e);
  r.pos = e;
  return n;
}

/** `repeated double`, packed or not: little-endian doubles copied as they are. */
function readDoubles(r: ProtoReader, wire: number, end: number, out: ByteSink): number {
  return readFixed64s(r, wire, end, out);
}

/** `repeated uint64` varints, packed or not. */
function readVarint64s(r: ProtoReader, wire: number, end: number, out: ByteSink): number {
  if (wire === WIRE_VARINT) {
    r.varint64();
    out.u64(r.lo, r.hi);
    return 1;
  }
  if (wire !== WIRE_LEN) throw r.error(`repeated uint64 field has wire type ${wire}`);
  const e = r.lenEnd(end);
  let n = 0;
  while (r.pos < e) {
    r.varint64();
    out.u64(r.lo, r.hi);
    n++;
  }
  return n;
}
