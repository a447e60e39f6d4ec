import { Hono } from 'hono';
import type {
  DriftHistogramBin,
  DriftHistogramResponse,
  DriftSeries,
  DriftSeriesResponse,
  DriftSide,
} from '../api/types.js';
import { BadRequestError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { projectOf } from '../middleware/project-scope.js';
import { allInOrder, mapInOrder } from '../query/in-order.js';
import { parseDuration, parseName, parseRange } from '../query/params.js';
import type { Baseline, BaselinesRepo } from './baselines-repo.js';
import type { FeatureStats } from './features.js';
import { multivariateOf, type ReferenceCache } from './multivariate-request.js';
import { parseTimeReference, sideOf } from './reference-params.js';
import type { DriftRepo, DriftRequest } from './repo.js';
import { multivariateRow, resultRows, type StoredMeasure } from './results.js';
import type { DriftResultsRepo, StoredPoint } from './results-repo.js';
import type { SideFilter } from './sql.js';
import { chunkKey, judgeByLimits } from './thresholds.js';
import { DEFAULT_MIN_SAMPLES, judge } from './verdict.js';

/** Most windows a computed series may have (each costs up to four engine queries). */
export const MAX_COMPUTED_WINDOWS = 100;
/**
 * Computed windows read at once: the embedded engine's client spreads statements over 4
 * query connections (storage/connection-pool.ts); more would only queue there.
 */
const WINDOWS_AT_ONCE = 4;
/** Measures of bin or category counts alone: computed for every window at once. */
const COUNT_MEASURES: StoredMeasure[] = ['psi', 'js', 'chi2'];
const MEASURES: StoredMeasure[] = [
  'auto',
  'psi',
  'ks',
  'wasserstein',
  'js',
  'chi2',
  'multivariate',
];

const name = (q: Record<string, string | undefined>, field: string) => parseName(q[field], field);
const iso = (ms: number | string) => new Date(Number(ms)).toISOString();
const num = (x: number | 'nan' | null) => (x === 'nan' || x === null ? null : x);

/**
 * The baseline a series, histogram or ranking reads: the one named (`baseline`), else the
 * model's default.
 */
export async function baselineFor(
  baselines: BaselinesRepo,
  project: string,
  q: Record<string, string | undefined>,
): Promise<Baseline> {
  const id = name(q, 'baseline');
  const model = name(q, 'model');
  if (id !== undefined) {
    const b = await baselines.get(project, id);
    if (!b) throw new BadRequestError(`no baseline ${id}`, 'baseline');
    if (model !== undefined && model !== b.model)
      throw new BadRequestError(`baseline ${b.id} is of model "${b.model}"`, 'model');
    return b;
  }
  if (model === undefined) throw new BadRequestError('model or baseline is required', 'model');
  const b = (await baselines.defaults()).find((d) => d.project === project && d.model === model);
  if (!b)
    throw new BadRequestError(
      `model "${model}" has no default baseline: name one with baseline=`,
      'baseline',
    );
  return b;
}

/**
 * What a series or histogram compares with: a stored baseline, or a time range of the
 * model's own rows (`refFrom`/`refTo`).
 */
interface Reference {
  model: string;
  /** The stored baseline, when the reference is one. */
  baseline?: Baseline;
  /** The reference as the repository reads it. */
  request: DriftRequest['reference'];
  /** The reference as the answer names it. */
  side: DriftSide;
}

const baselineReference = (b: Baseline): Reference => ({
  model: b.model,
  baseline: b,
  request: { baselineId: b.id },
  side: { baseline: b.id, name: b.name },
});

/** A time-range reference of the model named: required, as no baseline names one. */
function timeReference(q: Record<string, string | undefined>, time: SideFilter): Reference {
  const model = name(q, 'model');
  if (model === undefined)
    throw new BadRequestError('model is required with a time-range reference (refFrom)', 'model');
  return { model, request: time, side: sideOf(time) };
}

/**
 * `GET /api/v1/drift/series` and `GET /api/v1/drift/histogram` (docs/api.md "Drift").
 *
 * The reference is a stored baseline ({@link baselineFor}) or a time range (`refFrom`/
 * `refTo`: {@link parseTimeReference}). Against a baseline the series reads the scheduled
 * job's stored results when it has any for the range (one window per `--drift-interval`);
 * otherwise, and always against a time range (the stored results are per baseline), it
 * computes windows of `step` on request (at most {@link MAX_COMPUTED_WINDOWS}).
 */
export function seriesRoutes(
  repo: DriftRepo,
  baselines: BaselinesRepo,
  results?: DriftResultsRepo,
) {
  const app = new Hono<AppEnv>();

  app.get('/series', async function driftSeries(c) {
    const q = c.req.query();
    const project = projectOf(c);
    const range = parseRange(q, 24 * 3_600_000);
    if (range.fromMs >= range.toMs) throw new BadRequestError('from must be before to', 'from');
    const measure = (q.measure ?? 'auto') as StoredMeasure;
    if (!MEASURES.includes(measure))
      throw new BadRequestError(`measure must be one of ${MEASURES.join(', ')}`, 'measure');
    const feature = name(q, 'feature');
    const version = name(q, 'version');
    const variant = name(q, 'variant');
    const source = q.source ?? 'any';
    if (source !== 'any' && source !== 'stored')
      throw new BadRequestError('source must be any or stored', 'source');
    const time = parseTimeReference(q);
    if (time && source === 'stored')
      throw new BadRequestError(
        'source=stored reads the scheduled job’s results, which are against a baseline: not with refFrom',
        'source',
      );
    const read = (model: string, baselineId?: string) =>
      results?.series({
        project,
        model,
        ...(baselineId !== undefined ? { baselineId } : {}),
        measure,
        ...range,
        ...(feature !== undefined ? { feature } : {}),
        ...(version !== undefined ? { version } : {}),
        ...(variant !== undefined ? { variant } : {}),
      }) ?? Promise.resolve([]);
    // With the model named, the stored results are read beside the baseline lookup (the
    // default baseline's id is known only from it: then every baseline's rows of the model
    // are read, and the baseline's kept); without, the model comes from the baseline.
    // Parsed in baselineFor's order, so a bad pair is refused naming the same field.
    // A time-range reference has no stored results: they are each against a baseline.
    const fromBaseline = async (): Promise<[Reference, StoredPoint[]]> => {
      const baselineId = name(q, 'baseline');
      const model = name(q, 'model');
      const [b, rows] =
        model !== undefined
          ? await allInOrder([baselineFor(baselines, project, q), read(model, baselineId)])
          : await baselineFor(baselines, project, q).then(
              async (x) => [x, await read(x.model, x.id)] as const,
            );
      return [baselineReference(b), rows.filter((p) => p.baseline_id === b.id)];
    };
    const [ref, stored] = time ? [timeReference(q, time), []] : await fromBaseline();
    const b = ref.baseline;
    const head = {
      model: ref.model,
      ...(b ? { baseline: b.id } : {}),
      ...(time ? { reference: sideOf(time) } : {}),
      measure,
      from: iso(range.fromMs),
      to: iso(range.toMs),
    };

    if (stored.length > 0) {
      const series = new Map<string, DriftSeries>();
      for (const p of stored) {
        const k = [p.kind, p.feature, p.version, p.variant].join('\u0000');
        let s = series.get(k);
        if (!s) {
          s = {
            kind: p.kind as DriftSeries['kind'],
            feature: p.feature,
            version: p.version,
            variant: p.variant,
            points: [],
          };
          series.set(k, s);
        }
        s.points.push({
          from: iso(p.from_ms),
          to: iso(p.to_ms),
          score: p.score,
          pValue: p.p_value,
          verdict: p.verdict as DriftSeries['points'][number]['verdict'],
          referenceCount: Number(p.reference_n),
          currentCount: Number(p.current_n),
        });
      }
      const first = stored[0]!;
      const body: DriftSeriesResponse = {
        ...head,
        source: 'stored',
        stepMs: Number(first.to_ms) - Number(first.from_ms),
        series: [...series.values()],
      };
      return c.json(body);
    }
    // `source=stored`: a caller that only shows the scheduled job's verdicts (the Overview's
    // annotations) would throw a computed answer away, and computing costs four engine
    // queries per window.
    if (source === 'stored') {
      const body: DriftSeriesResponse = { ...head, source: 'stored', stepMs: 0, series: [] };
      return c.json(body);
    }

    const span = range.toMs - range.fromMs;
    const stepMs =
      q.step !== undefined ? parseDuration(q.step, 'step') : Math.max(60_000, Math.ceil(span / 24));
    if (Math.ceil(span / stepMs) > MAX_COMPUTED_WINDOWS)
      throw new BadRequestError(
        `step is too small: at most ${MAX_COMPUTED_WINDOWS} windows are computed on request (stored results have no such limit)`,
        'step',
      );
    const windows: Array<{ from: number; to: number }> = [];
    for (let from = range.fromMs; from < range.toMs; from += stepMs)
      windows.push({ from, to: Math.min(from + stepMs, range.toMs) });
    const requestOf = (from: number, to: number): DriftRequest => ({
      project,
      model: ref.model,
      reference: ref.request,
      current: {
        fromMs: from,
        toMs: to,
        ...(version !== undefined ? { version } : {}),
        ...(variant !== undefined ? { variant } : {}),
      },
      ...(feature !== undefined ? { feature } : {}),
    });
    const keyOf = (from: number, to: number) => ({
      project,
      model: ref.model,
      version: version ?? '',
      variant: variant ?? '',
      baselineId: b?.id ?? '',
      fromMs: from,
      toMs: to,
      computedAtMs: 0,
    });
    const references: ReferenceCache = new Map();
    // The count-based measures of every window come from one pass over the range; the
    // others sort each window's values, so windows are read apart: a few at a time, side by
    // side on the engine's query connections, answered in window order with the error the
    // first failing window would have given one after another.
    const perWindow = COUNT_MEASURES.includes(measure)
      ? (await repo.windowStats(requestOf(range.fromMs, range.toMs), stepMs)).map((stats, i) =>
          resultRows(stats, keyOf(windows[i]!.from, windows[i]!.to), DEFAULT_MIN_SAMPLES),
        )
      : await mapInOrder(windows, WINDOWS_AT_ONCE, (w) => computedWindow(w.from, w.to));
    async function computedWindow(from: number, to: number) {
      const request = requestOf(from, to);
      const key = keyOf(from, to);
      if (measure === 'multivariate') {
        const m = await multivariateOf(repo, request, b, DEFAULT_MIN_SAMPLES, references);
        return [multivariateRow(m, key)];
      }
      const stats = await repo.featureStats(request);
      // Limits from the reference's own variation are a baseline's setting (thresholds.ts).
      const limits =
        b?.thresholds === 'reference' && measure === 'auto'
          ? await repo.referenceLimits(request, stats)
          : undefined;
      return resultRows(stats, key, DEFAULT_MIN_SAMPLES, (s: FeatureStats) => {
        const l = limits?.get(chunkKey(s));
        return l ? judgeByLimits(s, l, DEFAULT_MIN_SAMPLES) : judge(s, 'auto', DEFAULT_MIN_SAMPLES);
      });
    }
    const series = new Map<string, DriftSeries>();
    for (const [i, rows] of perWindow.entries()) {
      const { from, to } = windows[i]!;
      for (const r of rows) {
        if (r.measure !== measure) continue;
        const k = `${r.kind}\u0000${r.feature}`;
        let s = series.get(k);
        if (!s) {
          s = {
            kind: r.kind as DriftSeries['kind'],
            feature: r.feature,
            version: version ?? null,
            variant: variant ?? null,
            points: [],
          };
          series.set(k, s);
        }
        s.points.push({
          from: iso(from),
          to: iso(to),
          score: num(r.score),
          pValue: r.p_value,
          verdict: r.verdict,
          referenceCount: r.reference_n,
          currentCount: r.current_n,
        });
      }
    }
    const body: DriftSeriesResponse = {
      ...head,
      source: 'computed',
      stepMs,
      series: [...series.values()].sort((x, y) =>
        x.kind + x.feature < y.kind + y.feature ? -1 : 1,
      ),
    };
    return c.json(body);
  });

  app.get('/histogram', async function driftHistogram(c) {
    const q = c.req.query();
    const project = projectOf(c);
    const feature = name(q, 'feature');
    if (feature === undefined) throw new BadRequestError('feature is required', 'feature');
    const kind = q.kind ?? 'feature';
    if (kind !== 'feature' && kind !== 'prediction')
      throw new BadRequestError('kind must be feature or prediction', 'kind');
    const range = parseRange(q);
    if (range.fromMs >= range.toMs) throw new BadRequestError('from must be before to', 'from');
    const version = name(q, 'version');
    const variant = name(q, 'variant');
    const time = parseTimeReference(q);
    const ref = time
      ? timeReference(q, time)
      : baselineReference(await baselineFor(baselines, project, q));
    const stats = await repo.featureStats({
      project,
      model: ref.model,
      reference: ref.request,
      current: {
        ...range,
        ...(version !== undefined ? { version } : {}),
        ...(variant !== undefined ? { variant } : {}),
      },
      feature,
    });
    // A feature sent both as numbers and as text has two distributions: the numeric one
    // unless type=categorical asks for the other.
    const type = q.type ?? 'numeric';
    const s =
      stats.find((x) => x.kind === kind && x.type === type) ??
      (q.type === undefined ? stats.find((x) => x.kind === kind) : undefined);
    if (!s)
      throw new BadRequestError(
        `no values of ${kind} "${feature}" in the ${ref.baseline ? 'baseline' : 'reference'} or the window`,
        'feature',
      );
    const body: DriftHistogramResponse = {
      model: ref.model,
      kind: kind as DriftHistogramResponse['kind'],
      feature,
      type: s.type,
      reference: ref.side,
      current: {
        from: iso(range.fromMs),
        to: iso(range.toMs),
        ...(version !== undefined ? { version } : {}),
        ...(variant !== undefined ? { variant } : {}),
      },
      referenceCount: s.referenceCount,
      currentCount: s.currentCount,
      bins: histogramBins(s),
    };
    return c.json(body);
  });
  return app;
}

/**
 * The bins of one feature as shares of each side: numeric, the reference's 10 decile bins
 * `[e_i, e_{i+1})` with open outer ends; categorical, one per category. Pure.
 */
export function histogramBins(s: FeatureStats): DriftHistogramBin[] {
  const { reference, current } = s.bins;
  const share = (n: number, total: number) => (total > 0 ? n / total : 0);
  const nr = reference.reduce((a, b) => a + b, 0);
  const nc = current.reduce((a, b) => a + b, 0);
  return reference.map((r, i) => {
    const c = current[i] ?? 0;
    const counts = {
      reference: share(r, nr),
      current: share(c, nc),
      referenceCount: r,
      currentCount: c,
    };
    if (s.type === 'categorical') return { category: s.bins.categories![i]!, ...counts };
    const edges = s.bins.edges ?? [];
    return { lower: i === 0 ? null : edges[i - 1]!, upper: i === 9 ? null : edges[i]!, ...counts };
  });
}
