import { Hono } from 'hono';
import type { CollectorHealthResponse } from '../api/types.js';
import type { AppEnv } from '../middleware/auth.js';
import { requireInstanceAdmin } from '../middleware/project-scope.js';
import { parseRange, parseStep } from '../query/params.js';
import type { Db } from '../storage/db.js';
import {
  HEALTH_COUNTERS,
  HEALTH_GAUGES,
  type HealthBucketRow,
  toCollectorHealth,
} from './health.js';

/**
 * Reads `aiobs_collector_stats` per collector run and bucket: each counter's total at the
 * bucket's last row, each gauge's highest value.
 */
export function createHealthRepo(db: Db) {
  const columns = [
    ...HEALTH_COUNTERS.map((k) => `argMax(${k}, ts) AS ${k}`),
    ...HEALTH_GAUGES.map((k) => `max(${k}) AS ${k}`),
  ].join(', ');
  return {
    /** Buckets of `stepS` seconds from `fromS` to `toS` (Unix seconds, both included). */
    buckets(fromS: number, toS: number, stepS: number): Promise<HealthBucketRow[]> {
      return db.rows<HealthBucketRow>(
        `SELECT collector, started_ms,
                toUnixTimestamp(toStartOfInterval(ts, toIntervalSecond({step:UInt32}))) AS bucket,
                toUnixTimestamp(max(ts)) AS last_ts, ${columns}
         FROM ${db.table('aiobs_collector_stats')}
         WHERE ts >= toDateTime({from:UInt32}) AND ts <= toDateTime({to:UInt32})
         GROUP BY collector, started_ms, bucket
         ORDER BY collector, started_ms, bucket`,
        { from: fromS, to: toS, step: stepS },
      );
    },
  };
}

/**
 * `GET /api/v1/collectors`: every collector's health over a range, from the rows each writes
 * every `--stats-interval` (docs/api.md "Self-observability"). Instance-wide figures, so only
 * the instance admin reads them, as with `/metrics`.
 */
export function collectorHealthRoutes({ db, intervalMs }: { db: Db; intervalMs: number }) {
  const repo = createHealthRepo(db);
  const app = new Hono<AppEnv>();
  app.get('/', async function collectorHealth(c) {
    requireInstanceAdmin(c);
    const q = c.req.query();
    const range = parseRange(q);
    // Not finer than the rows by default: a bucket without a row would be a gap in each line.
    const step = parseStep(q.step, range);
    const stepMs =
      Math.ceil((q.step === undefined ? Math.max(step, intervalMs) : step) / 1000) * 1000;
    const lookbackFromMs = Math.max(0, range.fromMs - stepMs);
    const rows = await repo.buckets(
      Math.floor(lookbackFromMs / 1000),
      Math.ceil(range.toMs / 1000),
      stepMs / 1000,
    );
    const res: CollectorHealthResponse = {
      from: new Date(range.fromMs).toISOString(),
      to: new Date(range.toMs).toISOString(),
      stepMs,
      intervalMs,
      collectors: toCollectorHealth(rows, { fromMs: range.fromMs, lookbackFromMs }),
    };
    return c.json(res);
  });
  return app;
}
