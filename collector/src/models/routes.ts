import { type Context, Hono } from 'hono';
import type {
  ChangesResponse,
  ModelCompareResponse,
  ModelDimensionsResponse,
  ModelSeriesResponse,
  ModelsResponse,
  SlowestResponse,
} from '../api/types.js';
import type { AppEnv } from '../middleware/auth.js';
import { projectOf } from '../middleware/project-scope.js';
import { allInOrder } from '../query/in-order.js';
import { parseLimit, parseRange, parseStep } from '../query/params.js';
import { detectChanges } from './changes.js';
import type { CompareSignificanceService } from './compare-significance.js';
import { toInferenceRow, toModelSummary } from './convert.js';
import { parseArm, parseFilter, parseGroupBy, parseMetrics, required } from './params.js';
import type { ModelsRepo } from './repo.js';
import {
  horizonsFor,
  type LevelChoice,
  parseLevel,
  pickSeriesLevel,
  pickSummaryLevel,
} from './rollup-level.js';
import { shapeSeries } from './series.js';
import { diffStats, figuresFor, toStats } from './stats.js';

/** Days each level keeps, for choosing a level that still holds a range. */
export interface RetentionDays {
  raw: number;
  minute: number;
  hour: number;
}

/** Options of the model routes. */
export interface ModelRoutesOptions {
  retention: RetentionDays;
  /** The price list, written (defaults, file) before the first figure with a cost. */
  prices?: { ensure(): Promise<void> };
  /** Clock (tests pin it). */
  now?: () => number;
  /** Significance of `/compare` (compare-significance.ts); absent: figures only. */
  significance?: CompareSignificanceService;
}

function answered(c: LevelChoice) {
  return {
    from: new Date(c.fromMs).toISOString(),
    to: new Date(c.toMs).toISOString(),
    level: c.level,
  };
}

/**
 * `GET /api/v1/models`, `/models/dimensions`, `/models/series`, `/models/compare` and
 * `/models/slowest`: figures per model, version, variant, provider and service from the
 * typed inference rows and their rollups (docs/api.md, "Models").
 */
export function modelRoutes(repo: ModelsRepo, opts: ModelRoutesOptions) {
  const now = opts.now ?? Date.now;
  const app = new Hono<AppEnv>();
  if (opts.prices) {
    const prices = opts.prices;
    app.use('*', async function pricesReady(_c, next) {
      await prices.ensure();
      await next();
    });
  }
  const summaryLevel = (q: Record<string, string>) =>
    pickSummaryLevel(parseRange(q), horizonsFor(now(), opts.retention), parseLevel(q.level));

  // The model lists' parameters: the project, its level over the range, filters and limit.
  const listOf = (c: Context<AppEnv>) => {
    const q = c.req.query();
    const filter = parseFilter(q);
    const limit = parseLimit(q.limit, 100, 1000);
    return [projectOf(c), summaryLevel(q), filter, limit] as const;
  };

  app.get('/', async function listModels(c) {
    const args = listOf(c);
    const rows = await repo.findModels(...args);
    const body: ModelsResponse = { ...answered(args[1]), models: rows.map(toModelSummary) };
    return c.json(body);
  });

  app.get('/dimensions', async function listModelDimensions(c) {
    const args = listOf(c);
    const body: ModelDimensionsResponse = {
      ...answered(args[1]),
      models: await repo.findModelValues(...args),
    };
    return c.json(body);
  });

  app.get('/series', async function modelSeries(c) {
    const q = c.req.query();
    const project = projectOf(c);
    const filter = parseFilter(q);
    const metrics = parseMetrics(c.req.queries('metric'));
    const groupBy = parseGroupBy(q.groupBy);
    const range = parseRange(q);
    const stepMs = parseStep(q.step, range);
    const choice = pickSeriesLevel(range, stepMs, parseLevel(q.level));
    const rows = await repo.series(
      project,
      choice,
      filter,
      stepMs,
      groupBy,
      undefined,
      figuresFor(metrics),
    );
    const body: ModelSeriesResponse = {
      ...answered(choice),
      stepMs,
      metrics,
      series: shapeSeries(rows, { ...choice, stepMs, metrics }),
    };
    return c.json(body);
  });

  app.get('/compare', async function compareArms(c) {
    const q = c.req.query();
    const project = projectOf(c);
    const model = required(q.model, 'model');
    const a = parseArm(q.a, 'a');
    const b = parseArm(q.b, 'b');
    const filter = { ...parseFilter(q), model };
    const choice = summaryLevel(q);
    const summaries = Promise.all([
      repo.summarize(project, choice, { ...filter, [a.dimension]: a.value }),
      repo.summarize(project, choice, { ...filter, [b.dimension]: b.value }),
    ]).then(([aggA, aggB]) => [toStats(aggA), toStats(aggB)] as const);
    // `significance=false` skips it (the accuracy join dominates at millions of rows). Its
    // reads need only the range, so they go beside the two summaries; only the error-rate
    // test waits for the summaries' figures.
    const figures = summaries.then(([sa, sb]) => ({
      requests: [sa.requests, sb.requests] as [number, number],
      errors: [sa.errors, sb.errors] as [number, number],
    }));
    // Marked handled: compute may refuse its options before it awaits the figures, and a
    // failed summary is answered from `summaries` below.
    figures.catch(() => {});
    const significance =
      opts.significance && q.significance !== 'false'
        ? opts.significance.compute({
            project,
            model,
            a,
            b,
            filter,
            fromMs: choice.fromMs,
            toMs: choice.toMs,
            figures,
            query: q,
          })
        : undefined;
    const [[statsA, statsB], sig] = await allInOrder([summaries, significance]);
    const body: ModelCompareResponse = {
      ...answered(choice),
      model,
      a: { ...a, ...statsA },
      b: { ...b, ...statsB },
      delta: diffStats(statsA, statsB, 'delta'),
      ratio: diffStats(statsA, statsB, 'ratio'),
    };
    if (sig !== undefined) body.significance = sig;
    return c.json(body);
  });

  app.get('/slowest', async function slowestInferences(c) {
    const q = c.req.query();
    const project = projectOf(c);
    const filter = parseFilter(q);
    const limit = parseLimit(q.limit, 20, 1000);
    const range = parseRange(q);
    const rows = await repo.slowest(project, range, filter, limit);
    const body: SlowestResponse = {
      from: new Date(range.fromMs).toISOString(),
      to: new Date(range.toMs).toISOString(),
      inferences: rows.map(toInferenceRow),
    };
    return c.json(body);
  });

  return app;
}

/** `GET /api/v1/changes`: models, versions and variants first seen in the range. */
export function changeRoutes(repo: ModelsRepo) {
  const app = new Hono<AppEnv>();
  app.get('/', async function listChanges(c) {
    const q = c.req.query();
    const project = projectOf(c);
    const range = parseRange(q, 86_400_000);
    const rows = await repo.seen(project);
    const body: ChangesResponse = {
      from: new Date(range.fromMs).toISOString(),
      to: new Date(range.toMs).toISOString(),
      changes: detectChanges(rows, range.fromMs, range.toMs),
    };
    return c.json(body);
  });
  return app;
}
