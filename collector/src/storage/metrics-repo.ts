import { attributeConditions, type Db } from './db.js';
import type { TimeRange } from './types.js';

/** The metric tables by data point type. */
export const METRIC_TABLES = {
  gauge: 'otel_metrics_gauge',
  sum: 'otel_metrics_sum',
  histogram: 'otel_metrics_histogram',
  exponential_histogram: 'otel_metrics_exponential_histogram',
  summary: 'otel_metrics_summary',
} as const;

/** A metric data point type. */
export type MetricType = keyof typeof METRIC_TABLES;

/** A metric name seen in a range. */
export interface MetricInfoRow {
  name: string;
  type: MetricType;
  unit: string;
  description: string;
  points: string | number;
  last_ns: string;
  services: string[];
}

/** Where and how a series is grouped: `service.name`, `resource.<key>` or a point attribute. */
export interface GroupKey {
  label: string;
  expr: 'service' | 'resource' | 'attribute';
  key: string;
}

/** Filters shared by points and series. */
export interface MetricQuery extends TimeRange {
  project: string;
  name: string;
  service?: string;
  attrs: [string, string][];
}

function baseConds(q: MetricQuery, params: Record<string, unknown>): string[] {
  Object.assign(params, { project: q.project, name: q.name, from: q.fromMs, to: q.toMs });
  const conds = [
    'ProjectId = {project:String}',
    'MetricName = {name:String}',
    'TimeUnix >= fromUnixTimestamp64Milli({from:Int64})',
    'TimeUnix <= fromUnixTimestamp64Milli({to:Int64})',
  ];
  if (q.service !== undefined) {
    conds.push('ServiceName = {service:String}');
    params.service = q.service;
  }
  conds.push(...attributeConditions('Attributes', q.attrs, params));
  return conds;
}

function groupExprs(groupBy: GroupKey[], params: Record<string, unknown>): string[] {
  return groupBy.map((g, i) => {
    params[`gk${i}`] = g.key;
    if (g.expr === 'service') return 'ServiceName';
    return g.expr === 'resource'
      ? `ResourceAttributes[{gk${i}:String}]`
      : `Attributes[{gk${i}:String}]`;
  });
}

/** A series row: bucket start (ms), group values, and type-specific aggregates. */
export interface SeriesRow {
  t: string | number;
  g: string[];
  v?: number | null;
  count?: number | string;
  sum?: number;
  min?: number;
  max?: number;
  buckets?: (number | string)[];
  bounds?: number[];
  quantiles?: number[];
  qvalues?: number[];
}

/** SQL of the per-bucket aggregations over a `Value` column. */
export const VALUE_AGGS: Record<string, string> = {
  avg: 'avg(Value)',
  min: 'min(Value)',
  max: 'max(Value)',
  sum: 'sum(Value)',
  count: 'toFloat64(count())',
  last: 'argMax(Value, TimeUnix)',
};

/** Reads the `otel_metrics_*` tables. */
export function createMetricsRepo(db: Db) {
  return {
    /** Metric names in a range with their type, unit and point count. */
    async listMetrics(
      project: string,
      range: TimeRange,
      service?: string,
      search?: string,
    ): Promise<MetricInfoRow[]> {
      const params: Record<string, unknown> = { project, from: range.fromMs, to: range.toMs };
      const conds = [
        'ProjectId = {project:String}',
        'TimeUnix >= fromUnixTimestamp64Milli({from:Int64})',
        'TimeUnix <= fromUnixTimestamp64Milli({to:Int64})',
      ];
      if (service !== undefined) {
        conds.push('ServiceName = {service:String}');
        params.service = service;
      }
      if (search !== undefined) {
        conds.push('positionCaseInsensitive(MetricName, {search:String}) > 0');
        params.search = search;
      }
      const parts = Object.entries(METRIC_TABLES).map(
        ([type, table]) =>
          `SELECT MetricName AS name, '${type}' AS type, any(MetricUnit) AS unit, any(MetricDescription) AS description,
                  count() AS points, toString(max(toUnixTimestamp64Nano(TimeUnix))) AS last_ns,
                  arraySort(groupUniqArray(ServiceName)) AS services
           FROM ${db.table(table)} WHERE ${conds.join(' AND ')} GROUP BY MetricName`,
      );
      return db.rows<MetricInfoRow>(
        `SELECT * FROM (${parts.join(' UNION ALL ')}) ORDER BY name, type`,
        params,
      );
    },

    /** The types a metric name was stored as in a range (usually one). */
    async typesOf(q: MetricQuery): Promise<MetricType[]> {
      const rows = await this.listMetrics(q.project, q, q.service, undefined);
      return rows.filter((r) => r.name === q.name).map((r) => r.type);
    },

    /** Raw data points of one metric, oldest first, paged by (time, row id). */
    async points(
      q: MetricQuery,
      type: MetricType,
      limit: number,
      after?: [string, string],
    ): Promise<Record<string, unknown>[]> {
      const params: Record<string, unknown> = { limit };
      const conds = baseConds(q, params);
      const rowId =
        'toString(cityHash64(Attributes, ResourceAttributes, ScopeName, StartTimeUnix))';
      if (after) {
        conds.push(
          `(toUnixTimestamp64Nano(TimeUnix), ${rowId}) > ({afterTs:Int64}, {afterId:String})`,
        );
        params.afterTs = after[0];
        params.afterId = after[1];
      }
      const specific: Record<MetricType, string> = {
        gauge:
          'Value, Exemplars.FilteredAttributes, arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Exemplars.TimeUnix) AS `Exemplars.TimeUnix_ns`, Exemplars.Value, Exemplars.SpanId, Exemplars.TraceId',
        sum: 'Value, AggregationTemporality, IsMonotonic, Exemplars.FilteredAttributes, arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Exemplars.TimeUnix) AS `Exemplars.TimeUnix_ns`, Exemplars.Value, Exemplars.SpanId, Exemplars.TraceId',
        histogram:
          'toString(Count) AS Count, Sum, arrayMap(x -> toString(x), BucketCounts) AS BucketCounts, ExplicitBounds, Min, Max, AggregationTemporality, Exemplars.FilteredAttributes, arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Exemplars.TimeUnix) AS `Exemplars.TimeUnix_ns`, Exemplars.Value, Exemplars.SpanId, Exemplars.TraceId',
        exponential_histogram:
          'toString(Count) AS Count, Sum, Scale, toString(ZeroCount) AS ZeroCount, PositiveOffset, arrayMap(x -> toString(x), PositiveBucketCounts) AS PositiveBucketCounts, NegativeOffset, arrayMap(x -> toString(x), NegativeBucketCounts) AS NegativeBucketCounts, Min, Max, AggregationTemporality, Exemplars.FilteredAttributes, arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Exemplars.TimeUnix) AS `Exemplars.TimeUnix_ns`, Exemplars.Value, Exemplars.SpanId, Exemplars.TraceId',
        summary: 'toString(Count) AS Count, Sum, ValueAtQuantiles.Quantile, ValueAtQuantiles.Value',
      };
      return db.rows(
        `SELECT toString(toUnixTimestamp64Nano(TimeUnix)) AS time_ns, ${rowId} AS row_id,
                toString(toUnixTimestamp64Nano(StartTimeUnix)) AS start_ns, ServiceName, MetricUnit,
                Attributes, ResourceAttributes, ScopeName, ScopeVersion, Flags, ${specific[type]}
         FROM ${db.table(METRIC_TABLES[type])}
         WHERE ${conds.join(' AND ')}
         ORDER BY toUnixTimestamp64Nano(TimeUnix), row_id
         LIMIT {limit:UInt32}`,
        params,
      );
    },

    /**
     * Gauge or sum values per time bucket and group. `agg` is avg/min/max/sum/count/last;
     * `rate` turns a sum into a per-second increase (cumulative sums are differenced per
     * series, counter resets restart from the new value).
     */
    async numberSeries(
      q: MetricQuery,
      type: 'gauge' | 'sum',
      stepMs: number,
      agg: string,
      groupBy: GroupKey[],
    ): Promise<SeriesRow[]> {
      const params: Record<string, unknown> = { step: stepMs };
      const conds = baseConds(q, params);
      const groups = groupExprs(groupBy, params);
      const g = `[${groups.join(', ')}]`;
      const table = db.table(METRIC_TABLES[type]);
      if (agg === 'rate') {
        return db.rows<SeriesRow>(
          `SELECT t, g, sum(inc) / ({step:UInt64} / 1000) AS v FROM (
             SELECT intDiv(toUnixTimestamp64Milli(TimeUnix), {step:UInt64}) * {step:UInt64} AS t, ${g} AS g,
                    if(AggregationTemporality = 1, Value,
                       if(prev_time = 0, 0, if(Value >= prev, Value - prev, Value))) AS inc
             FROM (
               SELECT *, lagInFrame(Value, 1, 0) OVER w AS prev,
                      lagInFrame(toUnixTimestamp64Nano(TimeUnix), 1, 0) OVER w AS prev_time
               FROM ${table} WHERE ${conds.join(' AND ')}
               WINDOW w AS (PARTITION BY ResourceAttributes, Attributes, StartTimeUnix ORDER BY TimeUnix
                            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
             )
           ) GROUP BY t, g ORDER BY t`,
          params,
        );
      }
      return db.rows<SeriesRow>(
        `SELECT intDiv(toUnixTimestamp64Milli(TimeUnix), {step:UInt64}) * {step:UInt64} AS t, ${g} AS g,
                ${VALUE_AGGS[agg]} AS v
         FROM ${table} WHERE ${conds.join(' AND ')}
         GROUP BY t, g ORDER BY t`,
        params,
      );
    },

    /**
     * Histogram buckets per time bucket and group, as increments: cumulative points are
     * differenced per series (the first point of a series that started before the range
     * is skipped, since its increment is unknown).
     */
    async histogramSeries(
      q: MetricQuery,
      stepMs: number,
      groupBy: GroupKey[],
    ): Promise<SeriesRow[]> {
      const params: Record<string, unknown> = { step: stepMs };
      const conds = baseConds(q, params);
      const groups = groupExprs(groupBy, params);
      return db.rows<SeriesRow>(
        `SELECT t, g, sum(dcount) AS count, sum(dsum) AS sum, min(Min) AS min, max(Max) AS max,
                sumForEach(dbuckets) AS buckets, any(ExplicitBounds) AS bounds
         FROM (
           SELECT intDiv(toUnixTimestamp64Milli(TimeUnix), {step:UInt64}) * {step:UInt64} AS t, [${groups.join(', ')}] AS g,
                  Min, Max, ExplicitBounds,
                  if(AggregationTemporality = 1 OR prev_time = 0, toInt64(Count), toInt64(Count) - toInt64(prev_count)) AS dcount,
                  if(AggregationTemporality = 1 OR prev_time = 0, Sum, Sum - prev_sum) AS dsum,
                  if(AggregationTemporality = 1 OR prev_time = 0 OR length(prev_buckets) != length(BucketCounts),
                     arrayMap(x -> toInt64(x), BucketCounts),
                     arrayMap((a, b) -> toInt64(a) - toInt64(b), BucketCounts, prev_buckets)) AS dbuckets,
                  prev_time, StartTimeUnix
           FROM (
             SELECT *, lagInFrame(Count, 1, 0) OVER w AS prev_count, lagInFrame(Sum, 1, 0) OVER w AS prev_sum,
                    lagInFrame(BucketCounts, 1, []) OVER w AS prev_buckets,
                    lagInFrame(toUnixTimestamp64Nano(TimeUnix), 1, 0) OVER w AS prev_time
             FROM ${db.table(METRIC_TABLES.histogram)} WHERE ${conds.join(' AND ')}
             WINDOW w AS (PARTITION BY ResourceAttributes, Attributes, StartTimeUnix ORDER BY TimeUnix
                          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
           )
           WHERE NOT (AggregationTemporality = 2 AND prev_time = 0
                      AND StartTimeUnix < fromUnixTimestamp64Milli({from:Int64}))
         )
         GROUP BY t, g ORDER BY t`,
        params,
      );
    },

    /** Summary quantile values (averaged) and counts per time bucket and group. */
    async summarySeries(q: MetricQuery, stepMs: number, groupBy: GroupKey[]): Promise<SeriesRow[]> {
      const params: Record<string, unknown> = { step: stepMs };
      const conds = baseConds(q, params);
      const groups = groupExprs(groupBy, params);
      return db.rows<SeriesRow>(
        `SELECT intDiv(toUnixTimestamp64Milli(TimeUnix), {step:UInt64}) * {step:UInt64} AS t, [${groups.join(', ')}] AS g,
                argMax(Count, TimeUnix) AS count, argMax(Sum, TimeUnix) AS sum,
                any(ValueAtQuantiles.Quantile) AS quantiles, avgForEach(ValueAtQuantiles.Value) AS qvalues
         FROM ${db.table(METRIC_TABLES.summary)} WHERE ${conds.join(' AND ')}
         GROUP BY t, g ORDER BY t`,
        params,
      );
    },
  };
}

/** The repository's interface. */
export type MetricsRepo = ReturnType<typeof createMetricsRepo>;
