import { Hono } from 'hono';
import type { DriftRankingResponse } from '../api/types.js';
import { BadRequestError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { projectOf } from '../middleware/project-scope.js';
import { parseDuration, parseLabelDelay, parseName, parseRange } from '../query/params.js';
import type { BaselinesRepo } from './baselines-repo.js';
import {
  bucketOf,
  type QualityWindows,
  type QualityWindowsQuery,
  type RankAgainst,
  rankFeatures,
} from './ranking.js';
import type { DriftResultsRepo } from './results-repo.js';
import { baselineFor } from './series-routes.js';
import { MIN_PAIRS } from './spearman.js';

/** Stored measures a ranking may use: those where a higher score is more drift. */
const MEASURES = ['js', 'psi', 'wasserstein', 'ks', 'chi2'];
const AGAINST: RankAgainst[] = ['error_rate', 'accuracy'];
const MINUTE = 60_000;
/** Most buckets one ranking pairs. */
export const MAX_RANKING_BUCKETS = 10_000;

const name = (q: Record<string, string | undefined>, field: string) => parseName(q[field], field);
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * `GET /api/v1/drift/ranking` (docs/api.md "Drift"): the model's features ranked by the
 * Spearman correlation of their stored per-window drift score with the per-window error
 * rate or accuracy (ranking.ts). Reads the scheduled job's results against the named
 * baseline (or the model's default); with none stored in the range the ranking is empty.
 */
export function rankingRoutes(
  source: QualityWindows,
  baselines: BaselinesRepo,
  results?: DriftResultsRepo,
) {
  const app = new Hono<AppEnv>();
  app.get('/ranking', async function driftRanking(c) {
    const q = c.req.query();
    const project = projectOf(c);
    const range = parseRange(q, 7 * 86_400_000);
    if (range.fromMs >= range.toMs) throw new BadRequestError('from must be before to', 'from');
    const measure = q.measure ?? 'js';
    if (!MEASURES.includes(measure))
      throw new BadRequestError(
        `measure must be one of ${MEASURES.join(', ')} (a distance or statistic, higher meaning more drift)`,
        'measure',
      );
    const wanted = q.against as RankAgainst | undefined;
    if (wanted !== undefined && !AGAINST.includes(wanted))
      throw new BadRequestError('against must be error_rate or accuracy', 'against');
    const version = name(q, 'version');
    const variant = name(q, 'variant');
    const step = q.step !== undefined ? parseDuration(q.step, 'step') : undefined;
    const labelDelayMs = parseLabelDelay(q.labelDelay);
    const b = await baselineFor(baselines, project, q);

    const points = await (results?.series({
      project,
      model: b.model,
      baselineId: b.id,
      measure,
      ...range,
      ...(version !== undefined ? { version } : {}),
      ...(variant !== undefined ? { variant } : {}),
    }) ?? []);
    const body: DriftRankingResponse = {
      model: b.model,
      baseline: b.id,
      measure,
      against: wanted ?? 'error_rate',
      from: iso(range.fromMs),
      to: iso(range.toMs),
      stepMs: step ?? 0,
      ranking: [],
    };
    if (points.length === 0) return c.json(body);

    const windowMs = Number(points[0]!.to_ms) - Number(points[0]!.from_ms);
    const stepMs = step ?? windowMs;
    if (stepMs % windowMs !== 0)
      throw new BadRequestError(
        `step must be a multiple of the stored windows' length (${windowMs} ms)`,
        'step',
      );
    if (stepMs % MINUTE !== 0)
      throw new BadRequestError(
        `step must be a whole number of minutes (the error rate comes from per-minute rollups); the stored windows are ${windowMs} ms`,
        'step',
      );
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    for (const p of points) {
      first = Math.min(first, Number(p.from_ms));
      last = Math.max(last, Number(p.to_ms));
    }
    const window: QualityWindowsQuery = {
      project,
      model: b.model,
      fromMs: bucketOf(first, stepMs),
      toMs: bucketOf(last - 1, stepMs) + stepMs,
      stepMs,
      labelDelayMs,
      ...(version !== undefined ? { version } : {}),
      ...(variant !== undefined ? { variant } : {}),
    };
    if ((window.toMs - window.fromMs) / stepMs > MAX_RANKING_BUCKETS)
      throw new BadRequestError(
        `step is too small: at most ${MAX_RANKING_BUCKETS} windows are ranked`,
        'step',
      );
    // Accuracy where feedback judged predictions in enough windows, else the error rate.
    let against = wanted;
    let quality: Map<number, number> | undefined;
    if (against === undefined) {
      const accuracy = await source.qualityWindows(window, 'accuracy');
      if (accuracy.size >= MIN_PAIRS) {
        against = 'accuracy';
        quality = accuracy;
      } else against = 'error_rate';
    }
    quality ??= await source.qualityWindows(window, against);
    return c.json({
      ...body,
      against,
      stepMs,
      ranking: rankFeatures(points, quality, stepMs, against),
    } satisfies DriftRankingResponse);
  });
  return app;
}
