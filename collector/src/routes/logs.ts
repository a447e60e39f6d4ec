import { Hono } from 'hono';
import { BadRequestError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { projectOf } from '../middleware/project-scope.js';
import { toLog } from '../query/convert.js';
import {
  decodeCursor,
  encodeCursor,
  parseAttrFilters,
  parseLimit,
  parseRange,
} from '../query/params.js';
import type { LogsRepo } from '../storage/logs-repo.js';

/** OTLP severity number ranges by name (the log data model's short names). */
const SEVERITY_RANGES: Record<string, [number, number]> = {
  trace: [1, 4],
  debug: [5, 8],
  info: [9, 12],
  warn: [13, 16],
  warning: [13, 16],
  error: [17, 20],
  fatal: [21, 24],
};

function severityRange(value: string | undefined, field: string): [number, number] | undefined {
  if (value === undefined) return undefined;
  const range = SEVERITY_RANGES[value.toLowerCase()];
  if (range) return range;
  const n = Number(value);
  if (Number.isInteger(n) && n >= 0 && n <= 24) return [n, n];
  throw new BadRequestError(
    `${field} must be trace, debug, info, warn, error, fatal or a number 0-24`,
    field,
  );
}

/** `GET /api/v1/logs`: log records, newest first. */
export function logRoutes(repo: LogsRepo) {
  const app = new Hono<AppEnv>();
  app.get('/', async function listLogs(c) {
    const q = c.req.query();
    const exact = severityRange(q.severity, 'severity');
    const min = severityRange(q.minSeverity, 'minSeverity');
    const traceId = q.traceId?.toLowerCase();
    if (traceId !== undefined && !/^[0-9a-f]{32}$/.test(traceId))
      throw new BadRequestError('traceId must be 32 hex characters', 'traceId');
    const limit = parseLimit(q.limit, 100);
    const rows = await repo.findLogs({
      ...parseRange(q),
      project: projectOf(c),
      service: q.service,
      severityMin: exact?.[0] ?? min?.[0],
      severityMax: exact?.[1],
      traceId,
      spanId: q.spanId?.toLowerCase(),
      eventName: q.eventName,
      text: q.q,
      attrs: parseAttrFilters(c.req.url),
      limit,
      after: decodeCursor(q.cursor, ['int64', 'string']) as [string, string] | undefined,
    });
    const last = rows[rows.length - 1];
    return c.json({
      logs: rows.map(toLog),
      nextCursor: rows.length === limit && last ? encodeCursor([last.ts_ns, last.row_id]) : null,
    });
  });
  return app;
}
