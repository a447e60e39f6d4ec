import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DriftHistogramResponse, DriftSeriesResponse } from '../api/types.js';
import { loadConfig } from '../config.js';
import { AppError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { createDb, type Db } from '../storage/db.js';
import { type Engine, openEngine } from '../storage/engine.js';
import { migrate } from '../storage/migrate.js';
import { trustedProjectScope } from '../testing/project-scope.js';
import { normal, rng } from './__fixtures__/scipy.js';
import { type Baseline, createBaselinesRepo } from './baselines-repo.js';
import { createDriftRepo } from './repo.js';
import { engineTime, resultRows } from './results.js';
import { createDriftResultsRepo } from './results-repo.js';
import { driftRoutes } from './routes.js';
import { DEFAULT_MIN_SAMPLES } from './verdict.js';

// `/drift/series` and `/drift/histogram` against a time range (`refFrom`/`refTo`) instead of
// a stored baseline: the same reference rows must give the same figures either way (a
// range baseline's copy of 500 values is those values), a reference above the sampling cap
// is sampled as featureStats samples it, and the stored results (per baseline) are skipped.

const log = pino({ level: 'silent' });
const INTERVAL = 10 * 60_000;
const T0 = Math.floor((Date.now() - 6 * 3_600_000) / INTERVAL) * INTERVAL;
const w = (i: number) => T0 + i * INTERVAL;
const MODEL = 'ranker';
/** The reference: window 0, v1 only. */
const REF = `refFrom=${w(0)}&refTo=${w(1)}`;
/** The current range: windows 1 to 4. */
const RANGE = `from=${w(1)}&to=${w(5)}&step=10m`;
/** A lowered sampling cap: the reference's 500 values of `x` are sampled. */
const CAP = 250;

let dir: string;
let engine: Engine;
let db: Db;
let baseline: Baseline;

type Value = number | string;
function rows(
  values: Value[],
  feature: string,
  startMs: number,
  opts: { version?: string; kind?: string } = {},
) {
  return values.map((v, i) => ({
    project_id: 'default',
    model: MODEL,
    version: opts.version ?? 'v1',
    variant: '',
    kind: opts.kind ?? 'feature',
    feature,
    time: engineTime(startMs + ((i * 7919) % (INTERVAL - 1))),
    prediction_id: `${startMs}-${opts.version ?? 'v1'}-${i}`,
    is_numeric: typeof v === 'number' ? 1 : 0,
    num: typeof v === 'number' ? v : 0,
    cat: typeof v === 'string' ? v : '',
  }));
}
const cats = (n: number, pick: string[]) =>
  Array.from({ length: n }, (_, i) => pick[i % pick.length]!);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-drift-reference-'));
  engine = await openEngine(loadConfig({ dataDir: dir }, {}));
  await migrate(engine, { retentionDays: 30, fsync: false }, log);
  db = createDb(engine);
  const rand = rng(23);
  const all: object[] = [
    // The reference window: 500 inferences with `x`, `tier` and an output `score`.
    ...rows(normal(rand, 500), 'x', w(0)),
    ...rows(cats(500, ['a', 'b', 'c']), 'tier', w(0)),
    ...rows(normal(rand, 500, 0.5), 'score', w(0), { kind: 'prediction' }),
    // Window 1: shifted values, a new category, and v2 beside v1.
    ...rows(normal(rand, 300, 0.4), 'x', w(1)),
    ...rows(cats(300, ['a', 'b', 'd']), 'tier', w(1)),
    ...rows(normal(rand, 300, 0.5), 'score', w(1), { kind: 'prediction' }),
    ...rows(normal(rand, 200, 2), 'x', w(1), { version: 'v2' }),
    ...rows(cats(200, ['a']), 'tier', w(1), { version: 'v2' }),
    // Window 2: nothing. Window 3: more values, fewer categories.
    ...rows(normal(rand, 400, 0.1, 1.5), 'x', w(3)),
    ...rows(cats(150, ['a', 'c']), 'tier', w(3)),
    ...rows(normal(rand, 150, 0.4), 'score', w(3), { kind: 'prediction' }),
  ];
  await engine.client.insert({ table: 'aiobs_feature_values', values: all, format: 'JSONEachRow' });
  ({ baseline } = await createBaselinesRepo(engine, db).create(
    'default',
    'window 0',
    MODEL,
    { source: 'range', fromMs: w(0), toMs: w(1) },
    { isDefault: true },
  ));
}, 120_000);

afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

const app = (sampleCap?: number) =>
  new Hono<AppEnv>()
    .use('*', trustedProjectScope())
    // The shape app.onError renders: {"error": {"code", "message", "field"}}.
    .onError((err, c) => {
      if (!(err instanceof AppError)) throw err;
      return c.json(
        { error: { code: err.code, message: err.message, field: err.options.field } },
        err.status,
      );
    })
    .route(
      '/drift',
      driftRoutes(
        createDriftRepo(db, sampleCap ? { sampleCap } : {}),
        createBaselinesRepo(engine, db),
        createDriftResultsRepo(engine, db),
      ),
    );

async function get<T>(path: string, a = app()): Promise<T> {
  const res = await a.request(path);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}

/**
 * A series without what names its reference, to compare a baseline's with a range's: the
 * scores to 12 digits (the Wasserstein integral sums the values in the order the engine
 * read them, which differs between the feature table and a baseline's copy in the last bit).
 */
const figures = (body: DriftSeriesResponse) => {
  const { baseline: _b, reference: _r, ...rest } = body;
  const digits = (x: number | null) => (x === null ? null : Number(x.toPrecision(12)));
  return {
    ...rest,
    series: rest.series.map((s) => ({
      ...s,
      points: s.points.map((p) => ({ ...p, score: digits(p.score), pValue: digits(p.pValue) })),
    })),
  };
};

describe('GET /drift/series with refFrom/refTo', () => {
  test.each([
    ['psi', ''],
    ['js', ''],
    ['chi2', ''],
    ['auto', ''],
    ['ks', '&feature=x'],
    ['wasserstein', ''],
    ['multivariate', ''],
    ['psi', '&version=v2&refVersion=v1'],
    ['auto', '&feature=tier&version=v2&refVersion=v1'],
  ])('%s%s: the figures the range baseline of the same rows gives', async (measure, extra) => {
    const byBaseline = await get<DriftSeriesResponse>(
      `/drift/series?model=${MODEL}&measure=${measure}&${RANGE}${extra.replace('&refVersion=v1', '')}`,
    );
    const byRange = await get<DriftSeriesResponse>(
      `/drift/series?model=${MODEL}&measure=${measure}&${RANGE}&${REF}${extra}`,
    );
    expect(byBaseline.baseline).toBe(baseline.id);
    expect(byBaseline.reference).toBeUndefined();
    expect(byRange.baseline).toBeUndefined();
    expect(byRange.reference).toEqual({
      from: new Date(w(0)).toISOString(),
      to: new Date(w(1)).toISOString(),
      ...(extra.includes('refVersion=v1') ? { version: 'v1' } : {}),
    });
    expect(byRange.source).toBe('computed');
    expect(byRange.series.length).toBeGreaterThan(0);
    expect(byRange.series.flatMap((s) => s.points).some((p) => p.score !== null)).toBe(true);
    expect(figures(byRange)).toEqual(figures(byBaseline));
  });

  test('refVersion defaults to version: v2 has no values in the reference', async () => {
    const body = await get<DriftSeriesResponse>(
      `/drift/series?model=${MODEL}&measure=psi&${RANGE}&${REF}&version=v2`,
    );
    expect(body.reference?.version).toBe('v2');
    const x = body.series.find((s) => s.feature === 'x')!;
    // Windows without values on either side have no point.
    expect(x.points.map((p) => [p.referenceCount, p.currentCount, p.verdict])).toEqual([
      [0, 200, 'insufficient_data'],
    ]);
  });

  test('a reference above the cap: every window as featureStats gives it alone', async () => {
    const repo = createDriftRepo(db, { sampleCap: CAP });
    const reference = { fromMs: w(0), toMs: w(1) };
    const body = await get<DriftSeriesResponse>(
      `/drift/series?model=${MODEL}&measure=psi&${RANGE}&${REF}`,
      app(CAP),
    );
    const want = new Map<string, Array<number | null>>();
    for (let i = 1; i <= 4; i++) {
      const stats = await repo.featureStats({
        project: 'default',
        model: MODEL,
        reference,
        current: { fromMs: w(i), toMs: w(i + 1) },
      });
      if (i === 1)
        // The case the windowed sampling must match: fewer reference values used than counted.
        expect(stats.find((s) => s.feature === 'x')?.sampled?.reference).toBeLessThan(500);
      const key = {
        project: 'default',
        model: MODEL,
        version: '',
        variant: '',
        baselineId: '',
        fromMs: w(i),
        toMs: w(i + 1),
        computedAtMs: 0,
      };
      for (const r of resultRows(stats, key, DEFAULT_MIN_SAMPLES)) {
        if (r.measure !== 'psi') continue;
        const k = `${r.kind} ${r.feature}`;
        want.set(k, [...(want.get(k) ?? []), r.score === 'nan' ? null : r.score]);
      }
    }
    const got = new Map(
      body.series.map((s) => [`${s.kind} ${s.feature}`, s.points.map((p) => p.score)]),
    );
    expect(got).toEqual(want);
    // Sampled, the reference's figures differ from the whole reference's.
    const whole = await get<DriftSeriesResponse>(
      `/drift/series?model=${MODEL}&measure=psi&${RANGE}&${REF}&feature=x`,
    );
    expect(whole.series[0]!.points[0]!.score).not.toBe(got.get('feature x')![0]);
  });

  test('the stored results are the baseline’s: a time-range reference computes', async () => {
    const repo = createDriftRepo(db);
    const stats = await repo.featureStats({
      project: 'default',
      model: MODEL,
      reference: { baselineId: baseline.id },
      current: { fromMs: w(1), toMs: w(2), version: 'v1' },
    });
    await createDriftResultsRepo(engine, db).insert(
      resultRows(
        stats,
        {
          project: 'default',
          model: MODEL,
          version: 'v1',
          variant: '',
          baselineId: baseline.id,
          fromMs: w(1),
          toMs: w(2),
          computedAtMs: Date.now(),
        },
        DEFAULT_MIN_SAMPLES,
      ),
    );
    const range = `model=${MODEL}&measure=psi&from=${w(1)}&to=${w(3)}&step=10m`;
    const stored = await get<DriftSeriesResponse>(`/drift/series?${range}`);
    expect(stored.source).toBe('stored');
    expect(stored.series.every((s) => s.version === 'v1')).toBe(true);
    const computed = await get<DriftSeriesResponse>(`/drift/series?${range}&${REF}`);
    expect(computed.source).toBe('computed');
    expect(computed.stepMs).toBe(INTERVAL);
    expect(computed.series.every((s) => s.version === null && s.points.length === 2)).toBe(true);
    // The first window's v1 figure is the stored one: the same rows against the same values.
    const x = (b: DriftSeriesResponse) => b.series.find((s) => s.feature === 'x')!.points[0]!;
    const v1 = await get<DriftSeriesResponse>(`/drift/series?${range}&${REF}&version=v1`);
    expect(x(v1).score).toBe(x(stored).score);
    expect(x(v1).currentCount).toBe(300);
    expect(x(computed).currentCount).toBe(500);
  });
});

describe('GET /drift/histogram with refFrom/refTo', () => {
  test('a categorical feature: the shares counted by hand', async () => {
    const body = await get<DriftHistogramResponse>(
      `/drift/histogram?model=${MODEL}&feature=tier&from=${w(1)}&to=${w(2)}&version=v1&${REF}`,
    );
    expect(body.reference).toEqual({
      from: new Date(w(0)).toISOString(),
      to: new Date(w(1)).toISOString(),
      version: 'v1',
    });
    expect(body.current).toMatchObject({ version: 'v1' });
    expect([body.type, body.referenceCount, body.currentCount]).toEqual(['categorical', 500, 300]);
    // The reference cycles a, b, c over 500 values; the window a, b, d over 300.
    expect(body.bins.map((b) => [b.category, b.referenceCount, b.currentCount])).toEqual([
      ['a', 167, 100],
      ['b', 167, 100],
      ['c', 166, 0],
      ['d', 0, 100],
    ]);
    expect(body.bins[0]!.reference).toBeCloseTo(167 / 500, 12);
    expect(body.bins[3]!.current).toBeCloseTo(1 / 3, 12);
  });

  test.each([
    ['feature=x', 'numeric'],
    ['feature=tier', 'categorical'],
    ['feature=score&kind=prediction', 'numeric'],
  ])('%s: the bins the range baseline of the same rows gives', async (q, type) => {
    const path = `/drift/histogram?model=${MODEL}&${q}&from=${w(1)}&to=${w(4)}`;
    const byBaseline = await get<DriftHistogramResponse>(path);
    const byRange = await get<DriftHistogramResponse>(`${path}&${REF}`);
    expect(byBaseline.reference).toEqual({ baseline: baseline.id, name: 'window 0' });
    expect(byRange.type).toBe(type);
    expect(byRange.referenceCount).toBe(500);
    expect(byRange.bins).toEqual(byBaseline.bins);
    expect(byRange.currentCount).toBe(byBaseline.currentCount);
    if (type === 'numeric') {
      // Decile bins of the reference: a tenth of its values each (ties aside).
      expect(byRange.bins).toHaveLength(10);
      for (const b of byRange.bins) expect(b.referenceCount).toBeGreaterThanOrEqual(49);
    }
  });
});

describe('the reference is a baseline or a time range', () => {
  const both = `baseline=${'x'.repeat(8)}&${REF}`;
  test.each([
    [`/drift/series?model=${MODEL}&${both}`, 'refFrom'],
    [`/drift/series?model=${MODEL}&refFrom=${w(0)}`, 'refTo'],
    [`/drift/series?model=${MODEL}&refTo=${w(1)}`, 'refFrom'],
    [`/drift/series?model=${MODEL}&refVersion=v1`, 'refFrom'],
    [`/drift/series?model=${MODEL}&refFrom=${w(1)}&refTo=${w(1)}`, 'refFrom'],
    [`/drift/series?model=${MODEL}&refFrom=${w(2)}&refTo=${w(1)}`, 'refFrom'],
    [`/drift/series?model=${MODEL}&refFrom=yesterday&refTo=${w(1)}`, 'refFrom'],
    [`/drift/series?${REF}`, 'model'],
    [`/drift/series?model=${MODEL}&${REF}&source=stored`, 'source'],
    [`/drift/histogram?model=${MODEL}&feature=x&${both}`, 'refFrom'],
    [`/drift/histogram?model=${MODEL}&feature=x&refFrom=${w(0)}`, 'refTo'],
    [`/drift/histogram?model=${MODEL}&feature=x&refFrom=${w(1)}&refTo=${w(0)}`, 'refFrom'],
    [`/drift/histogram?feature=x&${REF}`, 'model'],
    [`/drift/histogram?model=${MODEL}&feature=nope&${REF}`, 'feature'],
    [`/drift?model=${MODEL}&baseline=${'x'.repeat(8)}&refTo=${w(1)}`, 'refTo'],
  ])('%s: 400 naming %s', async (path, field) => {
    const res = await app().request(path);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { field: string } };
    expect(body.error.field).toBe(field);
  });
});
