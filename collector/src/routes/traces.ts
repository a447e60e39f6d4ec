import { Hono } from 'hono';
import { BadRequestError, NotFoundError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { projectOf } from '../middleware/project-scope.js';
import { toSpan, toTraceSummary } from '../query/convert.js';
import {
  decodeCursor,
  encodeCursor,
  MAX_DURATION_FILTER_MS,
  parseAttrFilters,
  parseLimit,
  parseNonNegative,
  parseRange,
} from '../query/params.js';
import type { TracesRepo } from '../storage/traces-repo.js';

/** `GET /api/v1/traces` (one row per trace) and `GET /api/v1/traces/:traceId`. */
export function traceRoutes(repo: TracesRepo) {
  const app = new Hono<AppEnv>();

  app.get('/', async function listTraces(c) {
    const q = c.req.query();
    const status = q.status;
    if (status !== undefined && status !== 'error' && status !== 'ok')
      throw new BadRequestError('status must be "error" or "ok"', 'status');
    const sort = q.sort ?? 'start';
    if (sort !== 'start' && sort !== 'duration')
      throw new BadRequestError('sort must be "start" or "duration"', 'sort');
    const limit = parseLimit(q.limit);
    const after = decodeCursor(q.cursor, ['int64', 'string']) as [string, string] | undefined;
    const rows = await repo.findTraces({
      ...parseRange(q),
      project: projectOf(c),
      service: q.service,
      name: q.name,
      status,
      minDurationMs: parseNonNegative(q.minDurationMs, 'minDurationMs', MAX_DURATION_FILTER_MS),
      maxDurationMs: parseNonNegative(q.maxDurationMs, 'maxDurationMs', MAX_DURATION_FILTER_MS),
      attrs: parseAttrFilters(c.req.url),
      sort,
      limit,
      after,
    });
    const last = rows[rows.length - 1];
    return c.json({
      traces: rows.map(toTraceSummary),
      nextCursor:
        rows.length === limit && last
          ? encodeCursor([sort === 'duration' ? last.duration_ns : last.start_ns, last.trace_id])
          : null,
    });
  });

  app.get('/:traceId', async function getTrace(c) {
    const id = c.req.param('traceId').toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(id))
      throw new BadRequestError('traceId must be 32 hex characters', 'traceId');
    const { spans } = await repo.getTrace(projectOf(c), id);
    if (spans.length === 0) throw new NotFoundError(`trace ${id} not found`);
    return c.json({ traceId: id, spans: spans.map(toSpan) });
  });

  return app;
}
