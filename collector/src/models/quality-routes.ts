import { Hono } from 'hono';
import type { ModelQualityResponse } from '../api/types.js';
import { BadRequestError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { projectOf } from '../middleware/project-scope.js';
import { MAX_TIME_MS, parseLabelDelay, parseName, parseRange, parseStep } from '../query/params.js';
import { required } from './params.js';
import type { QualityRepo } from './quality-repo.js';
import { shapeQuality } from './quality-shape.js';
import { filterParams, type QualityFilter } from './quality-sql.js';

/** Parses the query of `GET /api/v1/models/quality` (exported for tests). */
export function parseQualityQuery(
  q: Record<string, string | undefined>,
  project: string,
  nowMs: number,
) {
  const model = required(q.model, 'model');
  const groupBy = q.groupBy === undefined || q.groupBy === '' ? 'version' : q.groupBy;
  if (groupBy !== 'version' && groupBy !== 'variant')
    throw new BadRequestError('groupBy must be version or variant', 'groupBy');
  const range = parseRange(q, 86_400_000);
  const stepMs = parseStep(q.step, range);
  const labelDelayMs = parseLabelDelay(q.labelDelay);
  // Whole buckets on the epoch-aligned grid, like /models/series.
  const fromMs = Math.floor(range.fromMs / stepMs) * stepMs;
  const toMs = Math.min(
    MAX_TIME_MS,
    Math.max(fromMs + stepMs, Math.ceil(range.toMs / stepMs) * stepMs),
  );
  return {
    project,
    model,
    groupBy: groupBy as 'version' | 'variant',
    version: parseName(q.version, 'version'),
    variant: parseName(q.variant, 'variant'),
    positive: parseName(q.positive, 'positive'),
    fromMs,
    toMs,
    stepMs,
    labelDelayMs,
    finalBeforeMs: Math.max(0, nowMs - labelDelayMs - stepMs),
  };
}

/**
 * `GET /api/v1/models/quality`: accuracy, precision/recall/F1, MAE/RMSE, calibration and
 * coverage of one model's predictions from their feedback, per version or variant and over
 * time (docs/api.md "Models", docs/models.md "Quality from feedback").
 */
export function qualityRoutes(repo: QualityRepo, opts: { now?: () => number } = {}) {
  const now = opts.now ?? Date.now;
  const app = new Hono<AppEnv>();
  app.get('/', async function modelQuality(c) {
    const p = parseQualityQuery(c.req.query(), projectOf(c), now());
    const filter: QualityFilter = {};
    if (p.version !== undefined) filter.version = p.version;
    if (p.variant !== undefined) filter.variant = p.variant;
    const buckets = await repo.buckets(
      { groupBy: p.groupBy, filter },
      {
        project: p.project,
        model: p.model,
        fromMs: p.fromMs,
        toMs: p.toMs,
        stepMs: p.stepMs,
        delayMs: p.labelDelayMs,
        fbFromMs: Math.max(0, p.fromMs - p.labelDelayMs),
        fbToMs: Math.min(MAX_TIME_MS, p.toMs + p.labelDelayMs),
        ...filterParams(filter),
      },
    );
    const body: ModelQualityResponse = {
      model: p.model,
      from: new Date(p.fromMs).toISOString(),
      to: new Date(p.toMs).toISOString(),
      stepMs: p.stepMs,
      groupBy: p.groupBy,
      labelDelayMs: p.labelDelayMs,
      finalBefore: new Date(p.finalBeforeMs).toISOString(),
      groups: shapeQuality(buckets, { dimension: p.groupBy, ...p }),
    };
    return c.json(body);
  });
  return app;
}
