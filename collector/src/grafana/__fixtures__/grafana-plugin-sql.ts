import { expect } from 'vitest';

/**
 * SQL the Grafana ClickHouse data source sends, copied from its source at
 * grafana/clickhouse-datasource@1d04063a31fb30f9582cd0b3aeaacb7d350b0dcf:
 * - schema browser and health check: src/data/CHDatasource.ts (fetchDatabases `SHOW DATABASES`,
 *   fetchTables `SHOW TABLES FROM "db"`, fetchColumnsFromTable `DESC TABLE "db"."table"`,
 *   fetchColumns `SELECT name, type, table FROM system.columns WHERE ...`, fetchSqlFunctions,
 *   fetchUniqueMapKeys, fetchDistinctMapValues, `SELECT version()`);
 * - query builder: src/data/sqlGenerator.ts, with the exact output its tests pin in
 *   src/data/sqlGenerator.test.ts ("generates trace search query", "generates trace ID query
 *   with OTel enabled" / "without OTel enabled", "emits TimestampTime when FilterTime is mapped"
 *   for the logs view over the OTel 1.2.9 schema of src/otel.ts, and the aggregate time
 *   series shape of generateAggregateTimeSeriesQuery);
 * - macros expanded as the backend does before sending (pkg/macros/macros.go):
 *   $__fromTime -> toDateTime(<unix s>), $__toTime likewise,
 *   $__timeInterval(col) -> toStartOfInterval(toDateTime(col), INTERVAL <s> second).
 * Only the database name is ours ("default", where the embedded engine keeps the tables).
 */
export const GRAFANA_PLUGIN_COMMIT = '1d04063a31fb30f9582cd0b3aeaacb7d350b0dcf';

/** One replayed statement and what its JSON rows must show (p1's token: project p1 only). */
export interface ReplayedQuery {
  name: string;
  sql: string;
  check(rows: Record<string, unknown>[]): void;
}

/** The statements for a time range (Unix seconds) and a trace id stored in both projects. */
export function grafanaQueries(r: { fromSec: number; toSec: number; traceId: string }): ReplayedQuery[] {
  const from = `toDateTime(${r.fromSec})`;
  const to = `toDateTime(${r.toSec})`;
  const traceColumns = [
    'SELECT "TraceId" as traceID, "SpanId" as spanID, "ParentSpanId" as parentSpanID,',
    '"ServiceName" as serviceName, "SpanName" as operationName, multiply(toUnixTimestamp64Nano("Timestamp"), 0.000001) as startTime,',
    'multiply("Duration", 0.000001) as duration,',
    `arrayMap(key -> map('key', key, 'value',"SpanAttributes"[key]),`,
    `mapKeys("SpanAttributes")) as tags,`,
    `arrayMap(key -> map('key', key, 'value',"ResourceAttributes"[key]), mapKeys("ResourceAttributes")) as serviceTags,`,
    `if("StatusCode" IN ('Error', 'STATUS_CODE_ERROR'), 2, 0) as statusCode`,
  ];
  const onlyP1Spans = (rows: Record<string, unknown>[]) => {
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row.serviceName).toBe('p1-svc');
  };
  return [
    {
      name: 'health check: SELECT version()',
      sql: 'SELECT version()',
      check: (rows) => expect(rows).toHaveLength(1),
    },
    {
      name: 'schema browser: SHOW DATABASES',
      sql: 'SHOW DATABASES',
      check: (rows) => expect(rows.map((x) => x.name)).toContain('default'),
    },
    {
      name: 'schema browser: SHOW TABLES FROM "default"',
      sql: 'SHOW TABLES FROM "default"',
      check: (rows) => expect(rows.map((x) => x.name)).toEqual(expect.arrayContaining(['otel_traces', 'otel_logs'])),
    },
    {
      name: 'schema browser: DESC TABLE',
      sql: 'DESC TABLE "default"."otel_traces"',
      check: (rows) => expect(rows.map((x) => x.name)).toEqual(expect.arrayContaining(['TraceId', 'SpanAttributes'])),
    },
    {
      name: 'schema browser: system.columns',
      sql: "SELECT name, type, table FROM system.columns WHERE database IN ('default') AND table = 'otel_logs'",
      check: (rows) => expect(rows.map((x) => x.name)).toContain('SeverityText'),
    },
    {
      name: 'editor: system.functions',
      sql: `
      SELECT
        name, is_aggregate, case_insensitive, alias_to, origin, description,
        syntax, arguments, returned_value, examples, categories
      FROM system.functions
      LIMIT 10000
    `,
      check: (rows) => expect(rows.length).toBeGreaterThan(100),
    },
    {
      name: 'filter editor: map keys',
      sql: `SELECT DISTINCT arrayJoin(mapKeys("SpanAttributes")) as keys FROM "default"."otel_traces" WHERE "Timestamp" >= now() - INTERVAL 6 HOUR LIMIT 1000`,
      check: (rows) => expect(rows.map((x) => x.keys).sort()).toEqual(['gen_ai.request.model', 'http.route']),
    },
    {
      name: 'filter editor: map values',
      sql: `SELECT DISTINCT "ResourceAttributes"['service.name'] FROM "default"."otel_traces" WHERE mapContains("ResourceAttributes", 'service.name') LIMIT 1000`,
      check: (rows) => expect(rows.map((x) => Object.values(x)[0])).toEqual(['p1-svc']),
    },
    {
      name: 'trace view: search',
      sql: [
        'SELECT "TraceId" as traceID, "ServiceName" as serviceName, "SpanName" as operationName,',
        '"Timestamp" as startTime, multiply("Duration", 0.000001) as duration',
        `FROM "default"."otel_traces" WHERE ( Timestamp >= ${from} AND Timestamp <= ${to} )`,
        "AND ( ParentSpanId = '' ) AND ( Duration > 0 ) ORDER BY Timestamp DESC, Duration DESC LIMIT 1000",
      ].join(' '),
      check: (rows) => {
        expect(rows).toHaveLength(1);
        expect(rows[0]!.serviceName).toBe('p1-svc');
      },
    },
    {
      name: 'trace view: trace by id, OTel, with the trace id timestamp table',
      sql: [
        `WITH '${r.traceId}' as __gf_trace_id, (SELECT min(Start) FROM "default"."otel_traces_trace_id_ts" WHERE TraceId = __gf_trace_id) as __gf_trace_start,`,
        `(SELECT max(End) + 1 FROM "default"."otel_traces_trace_id_ts" WHERE TraceId = __gf_trace_id) as __gf_trace_end`,
        ...traceColumns,
        `FROM "default"."otel_traces" WHERE traceID = __gf_trace_id AND "Timestamp" >= __gf_trace_start AND "Timestamp" <= __gf_trace_end`,
      ].join(' '),
      check: onlyP1Spans,
    },
    {
      name: 'trace view: trace by id, without OTel',
      sql: [...traceColumns, `FROM "default"."otel_traces" WHERE traceID = '${r.traceId}'`].join(' '),
      check: onlyP1Spans,
    },
    {
      name: 'log view: OTel 1.2.9 schema (TimestampTime)',
      sql: [
        'SELECT Timestamp as "timestamp", Body as "body", SeverityText as "level"',
        'FROM "default"."otel_logs"',
        `WHERE ( TimestampTime >= ${from} AND TimestampTime <= ${to} )`,
        'ORDER BY (TimestampTime, timestamp) DESC LIMIT 1000',
      ].join(' '),
      check: (rows) => expect(rows.map((x) => x.body)).toEqual(['p1 line 1', 'p1 line 0']),
    },
    {
      name: 'time series: aggregate by interval',
      sql: [
        'SELECT toStartOfInterval(toDateTime(Timestamp), INTERVAL 3600 second) as "time", ServiceName, count(SpanId) as spans',
        `FROM "default"."otel_traces" WHERE ( Timestamp >= ${from} AND Timestamp <= ${to} )`,
        'GROUP BY ServiceName, time ORDER BY time ASC LIMIT 1000',
      ].join(' '),
      check: (rows) => {
        expect(rows.every((x) => x.ServiceName === 'p1-svc')).toBe(true);
        expect(rows.reduce((a, x) => a + Number(x.spans), 0)).toBe(5);
      },
    },
  ];
}
