import { attributeConditions, type Db } from './db.js';
import { traceSearchWindows } from './trace-windows.js';
import type { TimeRange } from './types.js';

/** Filters of the trace list. */
export interface TraceFilter extends TimeRange {
  project: string;
  service?: string;
  name?: string;
  status?: 'error' | 'ok';
  minDurationMs?: number;
  maxDurationMs?: number;
  attrs: [string, string][];
  sort: 'start' | 'duration';
  limit: number;
  /** Sort key of the last row of the previous page. */
  after?: [string, string];
}

/** One trace in the list, as stored. */
export interface TraceSummaryRow {
  trace_id: string;
  start_ns: string;
  duration_ns: string;
  span_count: string | number;
  error_count: string | number;
  services: string[];
  root_name: string;
  root_service: string;
}

/** One span with everything stored about it. */
export interface SpanRow {
  Timestamp_ns: string;
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  TraceState: string;
  SpanName: string;
  SpanKind: string;
  ServiceName: string;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  ScopeVersion: string;
  SpanAttributes: Record<string, string>;
  Duration: string;
  StatusCode: string;
  StatusMessage: string;
  'Events.Timestamp_ns': string[];
  'Events.Name': string[];
  'Events.Attributes': Record<string, string>[];
  'Links.TraceId': string[];
  'Links.SpanId': string[];
  'Links.TraceState': string[];
  'Links.Attributes': Record<string, string>[];
}

/** Reads traces and spans from `otel_traces`. */
export function createTracesRepo(db: Db) {
  const spans = db.table('otel_traces');
  const lookup = db.table('otel_traces_trace_id_ts');
  /**
   * The page of traces matching `f` from the spans between `fromMs` and the range's end
   * (a trace's figures are those of its spans there).
   */
  async function listTraces(f: TraceFilter, fromMs: number): Promise<TraceSummaryRow[]> {
    const params: Record<string, unknown> = {
      project: f.project,
      from: fromMs,
      to: f.toMs,
      limit: f.limit,
    };
    const spanConds: string[] = [];
    if (f.service !== undefined) {
      spanConds.push('ServiceName = {service:String}');
      params.service = f.service;
    }
    if (f.name !== undefined) {
      spanConds.push('SpanName = {name:String}');
      params.name = f.name;
    }
    spanConds.push(...attributeConditions('SpanAttributes', f.attrs, params));
    const range =
      'ProjectId = {project:String} AND Timestamp >= fromUnixTimestamp64Milli({from:Int64}) ' +
      'AND Timestamp <= fromUnixTimestamp64Milli({to:Int64})';
    const having: string[] = [];
    if (f.status === 'error') having.push('error_count > 0');
    if (f.status === 'ok') having.push('error_count = 0');
    if (f.minDurationMs !== undefined) {
      having.push('duration_key >= {minNs:UInt64}');
      params.minNs = Math.round(f.minDurationMs * 1e6);
    }
    if (f.maxDurationMs !== undefined) {
      having.push('duration_key <= {maxNs:UInt64}');
      params.maxNs = Math.round(f.maxDurationMs * 1e6);
    }
    const sortKey = f.sort === 'duration' ? 'duration_key' : 'start_key';
    if (f.after) {
      having.push(`(${sortKey}, trace_id) < ({afterKey:UInt64}, {afterId:String})`);
      params.afterKey = f.after[0];
      params.afterId = f.after[1];
    }
    const sql = `
      SELECT
        TraceId AS trace_id,
        min(toUnixTimestamp64Nano(Timestamp)) AS start_key,
        max(toUnixTimestamp64Nano(Timestamp) + Duration) - start_key AS duration_key,
        toString(start_key) AS start_ns,
        toString(duration_key) AS duration_ns,
        count() AS span_count,
        countIf(StatusCode = 'Error') AS error_count,
        arraySort(groupUniqArray(ServiceName)) AS services,
        if(countIf(ParentSpanId = '') > 0, argMinIf(SpanName, Timestamp, ParentSpanId = ''), argMin(SpanName, Timestamp)) AS root_name,
        if(countIf(ParentSpanId = '') > 0, argMinIf(ServiceName, Timestamp, ParentSpanId = ''), argMin(ServiceName, Timestamp)) AS root_service
      FROM ${spans}
      WHERE ${range}
        ${spanConds.length ? `AND TraceId IN (SELECT TraceId FROM ${spans} WHERE ${range} AND ${spanConds.join(' AND ')})` : ''}
      GROUP BY TraceId
      ${having.length ? `HAVING ${having.join(' AND ')}` : ''}
      ORDER BY ${sortKey} DESC, trace_id DESC
      LIMIT {limit:UInt32}`;
    return db.rows<TraceSummaryRow>(sql, params);
  }

  /** Whether any of `rows`' traces has a span before `fromMs` (a whole second). */
  async function startedBefore(
    project: string,
    rows: readonly TraceSummaryRow[],
    fromMs: number,
  ): Promise<boolean> {
    const [r] = await db.rows<{ n: string }>(
      `SELECT count() AS n FROM (
         SELECT TraceId FROM ${lookup}
         WHERE ProjectId = {project:String} AND TraceId IN {ids:Array(String)}
         GROUP BY TraceId HAVING min(Start) < toDateTime({from:UInt32}))`,
      { project, ids: rows.map((t) => t.trace_id), from: fromMs / 1000 },
    );
    return Number(r?.n ?? 0) > 0;
  }

  return {
    /**
     * One row per trace matching `f`, sorted and paged. Newest first, the search reads the
     * last hour, 6 h and 24 h of the range before all of it: a window answers when it holds
     * a whole page of traces that all started inside it (the trace-id lookup table says
     * none has a span before it), since every other trace of the range started earlier.
     * Over a week of spans, the first window reads about 1/168 of them.
     */
    async findTraces(f: TraceFilter): Promise<TraceSummaryRow[]> {
      if (f.sort === 'start')
        for (const windowFrom of traceSearchWindows(f.fromMs, f.toMs, f.after?.[0])) {
          const rows = await listTraces(f, windowFrom);
          if (rows.length < f.limit) continue;
          if (!(await startedBefore(f.project, rows, windowFrom))) return rows;
        }
      return listTraces(f, f.fromMs);
    },

    /**
     * Every span of one trace. The trace-id lookup table bounds the time range first,
     * so the read touches only that range's partitions and granules (`rowsRead`).
     */
    async getTrace(
      project: string,
      traceId: string,
    ): Promise<{ spans: SpanRow[]; rowsRead: number }> {
      const bounds = await db.rowsWithStats<{ start: string; end: string; n: string }>(
        `SELECT toString(toUnixTimestamp(min(Start))) AS start, toString(toUnixTimestamp(max(End))) AS end, count() AS n
         FROM ${lookup} WHERE TraceId = {id:String} AND ProjectId = {project:String}`,
        { id: traceId, project },
      );
      const b = bounds.rows[0];
      if (!b || Number(b.n) === 0) return { spans: [], rowsRead: bounds.rowsRead };
      const res = await db.rowsWithStats<SpanRow>(
        `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS Timestamp_ns, TraceId, SpanId, ParentSpanId,
                TraceState, SpanName, SpanKind, ServiceName, ResourceAttributes, ScopeName, ScopeVersion,
                SpanAttributes, toString(Duration) AS Duration, StatusCode, StatusMessage,
                arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Events.Timestamp) AS \`Events.Timestamp_ns\`,
                Events.Name, Events.Attributes, Links.TraceId, Links.SpanId, Links.TraceState, Links.Attributes
         FROM ${spans}
         WHERE TraceId = {id:String} AND ProjectId = {project:String}
           AND Timestamp >= fromUnixTimestamp64Milli({startMs:Int64}) AND Timestamp < fromUnixTimestamp64Milli({endMs:Int64})
         ORDER BY Timestamp, SpanId`,
        // Compared as DateTime64: comparing the DateTime64 column with a DateTime value makes
        // the engine's min-max index round the bound to whole seconds and skip the part.
        {
          id: traceId,
          project,
          startMs: Number(b.start) * 1000,
          endMs: (Number(b.end) + 1) * 1000,
        },
      );
      return { spans: res.rows, rowsRead: bounds.rowsRead + res.rowsRead };
    },

    /** Services seen in spans, with request counts, errors and latency percentiles. */
    async serviceStats(project: string, range: TimeRange) {
      return db.rows<{
        name: string;
        span_count: string | number;
        error_count: string | number;
        p50_ns: number;
        p95_ns: number;
        last_seen_ns: string;
      }>(
        `SELECT ServiceName AS name, count() AS span_count,
                countIf(StatusCode = 'Error') AS error_count,
                quantile(0.5)(Duration) AS p50_ns, quantile(0.95)(Duration) AS p95_ns,
                toString(max(toUnixTimestamp64Nano(Timestamp))) AS last_seen_ns
         FROM ${spans}
         WHERE ProjectId = {project:String}
           AND Timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND Timestamp <= fromUnixTimestamp64Milli({to:Int64})
         GROUP BY ServiceName ORDER BY ServiceName`,
        { project, from: range.fromMs, to: range.toMs },
      );
    },
  };
}

/** The repository's interface. */
export type TracesRepo = ReturnType<typeof createTracesRepo>;
