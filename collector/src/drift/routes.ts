import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { DriftResponse, DriftSide, FeatureDriftResponse } from '../api/types.js';
import { BadRequestError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { projectOf } from '../middleware/project-scope.js';
import { allInOrder } from '../query/in-order.js';
import { parseName, parseRange } from '../query/params.js';
import { baselineCreateRoutes } from './baseline-create-routes.js';
import type { Baseline, BaselinesRepo, ThresholdMode } from './baselines-repo.js';
import { baselineRoutes } from './baselines-routes.js';
import type { FeatureStats } from './features.js';
import { multivariateOf } from './multivariate-request.js';
import type { QualityWindows } from './ranking.js';
import { rankingRoutes } from './ranking-routes.js';
import { parseTimeReference, sideOf } from './reference-params.js';
import type { DriftRepo, DriftRequest } from './repo.js';
import type { DriftResultsRepo } from './results-repo.js';
import { seriesRoutes } from './series-routes.js';
import type { SideFilter } from './sql.js';
import { chunkKey, judgeByLimits, type ReferenceLimits } from './thresholds.js';
import { DEFAULT_MIN_SAMPLES, type DriftMethod, judge } from './verdict.js';

const name = (q: Record<string, string | undefined>, field: string) => parseName(q[field], field);

function toResponse(
  s: FeatureStats,
  method: DriftMethod,
  minSamples: number,
  limits?: ReferenceLimits | null,
): FeatureDriftResponse {
  const judged = limits ? judgeByLimits(s, limits, minSamples) : judge(s, method, minSamples);
  return {
    feature: s.feature,
    type: s.type,
    referenceCount: s.referenceCount,
    currentCount: s.currentCount,
    psi: s.psi,
    jensenShannon: s.jensenShannon,
    ksStatistic: s.ksStatistic,
    ksPValue: s.ksPValue,
    wassersteinNormed: s.wassersteinNormed,
    chiSquarePValue: s.chiSquarePValue,
    sampled: s.sampled ?? null,
    ...judged,
    ...(limits === undefined
      ? {}
      : {
          limits: limits && {
            lower: limits.lower,
            upper: limits.upper,
            mean: limits.mean,
            sd: limits.sd,
            chunks: limits.values.length,
          },
        }),
  };
}

/** Parses the query of `GET /api/v1/drift` in `project` (exported for tests). */
export function parseDriftQuery(q: Record<string, string | undefined>, project: string) {
  const baseline = name(q, 'baseline');
  const model = name(q, 'model');
  if (model === undefined && baseline === undefined)
    throw new BadRequestError('model is required', 'model');
  const current = parseRange(q);
  if (current.fromMs >= current.toMs) throw new BadRequestError('from must be before to', 'from');
  const reference = parseTimeReference(q);
  if (baseline === undefined && reference === undefined)
    throw new BadRequestError('refFrom is required (or a baseline)', 'refFrom');
  const version = name(q, 'version');
  const variant = name(q, 'variant');
  const method = q.method ?? 'auto';
  if (method !== 'auto' && method !== 'psi')
    throw new BadRequestError('method must be auto or psi', 'method');
  let minSamples = DEFAULT_MIN_SAMPLES;
  if (q.minSamples !== undefined) {
    minSamples = Number(q.minSamples);
    if (!Number.isInteger(minSamples) || minSamples < 1 || minSamples > 1_000_000)
      throw new BadRequestError('minSamples must be an integer from 1 to 1000000', 'minSamples');
  }
  const thresholds = q.thresholds;
  if (thresholds !== undefined && thresholds !== 'fixed' && thresholds !== 'reference')
    throw new BadRequestError('thresholds must be fixed or reference', 'thresholds');
  const cur: SideFilter = { ...current };
  if (version !== undefined) cur.version = version;
  if (variant !== undefined) cur.variant = variant;
  return {
    project,
    model,
    baseline,
    /** The time-range reference; undefined when `baseline` names the reference. */
    reference,
    current: cur,
    method: method as DriftMethod,
    minSamples,
    thresholds: thresholds as ThresholdMode | undefined,
  };
}

/**
 * `GET /api/v1/drift`: per-feature and per-prediction drift of one model, the current
 * window (`from`/`to`, `version`, `variant`) against a time-range reference (`refFrom`/
 * `refTo`, `refVersion`/`refVariant`, which default to `version`/`variant`:
 * {@link parseTimeReference}) or a stored `baseline`. docs/api.md "Drift", docs/drift.md.
 */
export function driftRoutes(
  repo: DriftRepo,
  baselines: BaselinesRepo,
  results?: DriftResultsRepo,
  quality?: QualityWindows,
) {
  const app = new Hono<AppEnv>();
  // Uploads first, with their own 50 MB limit; the module is mounted ahead of the API's
  // 1 MiB limit, so every other route here gets it back below.
  app.route('/baselines', baselineCreateRoutes(baselines));
  app.use('*', bodyLimit({ maxSize: 1024 * 1024 }));
  app.route('/baselines', baselineRoutes(baselines));
  app.route('/', seriesRoutes(repo, baselines, results));
  // The ranking needs the models module's error rate and accuracy; without them, no route.
  if (quality) app.route('/', rankingRoutes(quality, baselines, results));
  app.get('/', async function drift(c) {
    const p = parseDriftQuery(c.req.query(), projectOf(c));
    let model = p.model;
    let reference: DriftRequest['reference'] | undefined = p.reference;
    let refSide: DriftSide = p.reference ? sideOf(p.reference) : {};
    let thresholds: ThresholdMode = p.thresholds ?? 'fixed';
    let baseline: Baseline | undefined;
    if (p.baseline !== undefined) {
      const b = await baselines.get(p.project, p.baseline);
      if (!b) throw new BadRequestError(`no baseline ${p.baseline}`, 'baseline');
      baseline = b;
      if (model !== undefined && model !== b.model)
        throw new BadRequestError(`baseline ${b.id} is of model "${b.model}"`, 'model');
      model = b.model;
      reference = { baselineId: b.id };
      refSide = { baseline: b.id, name: b.name };
      thresholds = p.thresholds ?? b.thresholds;
    }
    const request = {
      project: p.project,
      model: model!,
      reference: reference!,
      current: p.current,
    };
    // The multivariate score reads its own sample: beside the per-feature statistics (and
    // their limits, which need the statistics), not after them.
    const [[stats, limits], multivariate] = await allInOrder([
      (async () => {
        const s = await repo.featureStats(request);
        return [
          s,
          thresholds === 'reference' ? await repo.referenceLimits(request, s) : undefined,
        ] as const;
      })(),
      multivariateOf(repo, request, baseline, p.minSamples),
    ]);
    const judged = stats.map((s) => ({
      kind: s.kind,
      r: toResponse(
        s,
        p.method,
        p.minSamples,
        limits ? (limits.get(chunkKey(s)) ?? null) : undefined,
      ),
    }));
    const body: DriftResponse = {
      model: model!,
      reference: refSide,
      current: sideOf(p.current),
      method: p.method,
      thresholds,
      minSamples: p.minSamples,
      features: judged.filter((j) => j.kind === 'feature').map((j) => j.r),
      predictions: judged.filter((j) => j.kind === 'prediction').map((j) => j.r),
      multivariate,
    };
    return c.json(body);
  });
  return app;
}
