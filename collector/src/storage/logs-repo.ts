import { attributeConditions, type Db } from './db.js';
import type { TimeRange } from './types.js';

/** Filters of the log search. */
export interface LogFilter extends TimeRange {
  project: string;
  service?: string;
  /** Severity numbers to keep, inclusive. */
  severityMin?: number;
  severityMax?: number;
  traceId?: string;
  spanId?: string;
  eventName?: string;
  /** Case-insensitive substring of the body. */
  text?: string;
  attrs: [string, string][];
  limit: number;
  /** Sort key of the last row of the previous page: [timestamp ns, row id]. */
  after?: [string, string];
}

/** One stored log record. */
export interface LogRow {
  ts_ns: string;
  row_id: string;
  TraceId: string;
  SpanId: string;
  TraceFlags: number;
  SeverityText: string;
  SeverityNumber: number;
  ServiceName: string;
  Body: string;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  ScopeVersion: string;
  LogAttributes: Record<string, string>;
  EventName: string;
}

/** Reads `otel_logs`. */
export function createLogsRepo(db: Db) {
  const logs = db.table('otel_logs');
  return {
    /** Log records matching `f`, newest first. */
    async findLogs(f: LogFilter): Promise<LogRow[]> {
      const params: Record<string, unknown> = {
        project: f.project,
        from: f.fromMs,
        to: f.toMs,
        limit: f.limit,
      };
      const conds = [
        'ProjectId = {project:String}',
        'Timestamp >= fromUnixTimestamp64Milli({from:Int64})',
        'Timestamp <= fromUnixTimestamp64Milli({to:Int64})',
      ];
      const add = (cond: string, name: string, value: unknown) => {
        conds.push(cond);
        params[name] = value;
      };
      if (f.service !== undefined) add('ServiceName = {service:String}', 'service', f.service);
      if (f.severityMin !== undefined)
        add('SeverityNumber >= {sevMin:UInt8}', 'sevMin', f.severityMin);
      if (f.severityMax !== undefined)
        add('SeverityNumber <= {sevMax:UInt8}', 'sevMax', f.severityMax);
      if (f.traceId !== undefined) add('TraceId = {traceId:String}', 'traceId', f.traceId);
      if (f.spanId !== undefined) add('SpanId = {spanId:String}', 'spanId', f.spanId);
      if (f.eventName !== undefined)
        add('EventName = {eventName:String}', 'eventName', f.eventName);
      if (f.text !== undefined)
        add('positionCaseInsensitiveUTF8(Body, {text:String}) > 0', 'text', f.text);
      conds.push(...attributeConditions('LogAttributes', f.attrs, params));
      // Rows have no id of their own; a hash of their content breaks timestamp ties
      // deterministically for pagination.
      const rowId = 'toString(cityHash64(TraceId, SpanId, Body, LogAttributes, ServiceName))';
      if (f.after) {
        conds.push(
          `(toUnixTimestamp64Nano(Timestamp), ${rowId}) < ({afterTs:Int64}, {afterId:String})`,
        );
        params.afterTs = f.after[0];
        params.afterId = f.after[1];
      }
      return db.rows<LogRow>(
        `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS ts_ns, ${rowId} AS row_id, TraceId, SpanId,
                TraceFlags, SeverityText, SeverityNumber, ServiceName, Body, ResourceAttributes,
                ScopeName, ScopeVersion, LogAttributes, EventName
         FROM ${logs}
         WHERE ${conds.join(' AND ')}
         ORDER BY Timestamp DESC, row_id DESC
         LIMIT {limit:UInt32}`,
        params,
      );
    },
  };
}

/** The repository's interface. */
export type LogsRepo = ReturnType<typeof createLogsRepo>;
