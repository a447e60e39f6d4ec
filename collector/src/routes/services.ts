import { Hono } from 'hono';
import type { AppEnv } from '../middleware/auth.js';
import { projectOf } from '../middleware/project-scope.js';
import { msFromNanos } from '../query/convert.js';
import { isoFromNanos, parseRange } from '../query/params.js';
import type { TracesRepo } from '../storage/traces-repo.js';

/** `GET /api/v1/services`: services seen in spans, with volume, errors and latency. */
export function serviceRoutes(repo: TracesRepo) {
  const app = new Hono<AppEnv>();
  app.get('/', async function listServices(c) {
    const q = c.req.query();
    const rows = await repo.serviceStats(projectOf(c), parseRange(q));
    return c.json({
      services: rows.map((r) => {
        const spans = Number(r.span_count);
        const errors = Number(r.error_count);
        return {
          name: r.name,
          spanCount: spans,
          errorCount: errors,
          errorRate: spans > 0 ? errors / spans : 0,
          p50Ms: msFromNanos(r.p50_ns),
          p95Ms: msFromNanos(r.p95_ns),
          lastSeen: isoFromNanos(r.last_seen_ns),
        };
      }),
    });
  });
  return app;
}
