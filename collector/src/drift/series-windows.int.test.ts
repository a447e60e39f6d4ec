import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DriftSeriesResponse } from '../api/types.js';
import { loadConfig } from '../config.js';
import type { AppEnv } from '../middleware/auth.js';
import { createDb, type Db } from '../storage/db.js';
import { type Engine, openEngine } from '../storage/engine.js';
import { migrate } from '../storage/migrate.js';
import { trustedProjectScope } from '../testing/project-scope.js';
import { normal, rng } from './__fixtures__/scipy.js';
import { type Baseline, createBaselinesRepo } from './baselines-repo.js';
import { createDriftRepo } from './repo.js';
import { engineTime, resultRows } from './results.js';
import { driftRoutes } from './routes.js';
import { DEFAULT_MIN_SAMPLES } from './verdict.js';

// A computed series of a count-based measure (PSI, Jensen–Shannon, chi-square) reads every
// window in one pass (repo.windowStats): its points must be those of featureStats run on
// each window alone, sampling above the cap included, in a few statements.

const log = pino({ level: 'silent' });
const INTERVAL = 10 * 60_000;
const T0 = Math.floor((Date.now() - 6 * 3_600_000) / INTERVAL) * INTERVAL;
const MODEL = 'ranker';
/** Lowered sampling cap: the third window's 800 values of `x` are sampled. */
const CAP = 250;

let dir: string;
let engine: Engine;
let db: Db;
let baseline: Baseline;
/** Statements the drift repository ran, counted on the real engine's client. */
let statements = 0;

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
    prediction_id: `${feature}-${startMs}-${opts.version}-${i}`,
    is_numeric: typeof v === 'number' ? 1 : 0,
    num: typeof v === 'number' ? v : 0,
    cat: typeof v === 'string' ? v : '',
  }));
}
const cats = (n: number, pick: string[]) =>
  Array.from({ length: n }, (_, i) => pick[i % pick.length]!);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-drift-windows-'));
  engine = await openEngine(loadConfig({ dataDir: dir }, {}));
  await migrate(engine, { retentionDays: 30, fsync: false }, log);
  db = createDb(engine);
  const rand = rng(11);
  const w = (i: number) => T0 + i * INTERVAL;
  const all: object[] = [
    // The reference window.
    ...rows(normal(rand, 500), 'x', w(0)),
    ...rows(cats(500, ['a', 'b', 'c']), 'tier', w(0)),
    ...rows(normal(rand, 500, 0.5), 'score', w(0), { kind: 'prediction' }),
    // Window 1: shifted values, a new category, and another version beside them.
    ...rows(normal(rand, 300, 0.4), 'x', w(1)),
    ...rows(cats(300, ['a', 'b', 'd']), 'tier', w(1)),
    ...rows(normal(rand, 300, 0.5), 'score', w(1), { kind: 'prediction' }),
    ...rows(normal(rand, 200, 2), 'x', w(1), { version: 'v2' }),
    // Window 2: nothing. Window 3: above the cap, a feature the reference lacks, and a
    // name that is both a numeric and a categorical feature.
    ...rows(normal(rand, 800, 0.1, 1.5), 'x', w(3)),
    ...rows(cats(150, ['a', 'c']), 'tier', w(3)),
    ...rows(normal(rand, 400), 'fresh', w(3)),
    ...rows(normal(rand, 120), 'tier', w(3)),
  ];
  await engine.client.insert({ table: 'aiobs_feature_values', values: all, format: 'JSONEachRow' });
  const baselines = createBaselinesRepo(engine, db);
  ({ baseline } = await baselines.create(
    'default',
    'ref',
    MODEL,
    { source: 'range', fromMs: w(0), toMs: w(1) },
    { isDefault: true },
  ));
}, 120_000);

afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

const counted = (): Db => ({
  ...db,
  rows(sql, params) {
    statements++;
    return db.rows(sql, params);
  },
});
const repo = () => createDriftRepo(counted(), { sampleCap: CAP });
const app = () =>
  new Hono<AppEnv>()
    .use('*', trustedProjectScope())
    .route('/drift', driftRoutes(repo(), createBaselinesRepo(engine, db)));

/** The points featureStats gives each window alone, as `kind feature` → points. */
async function expected(measure: string, q: { version?: string; feature?: string }) {
  const out = new Map<string, object[]>();
  for (let i = 1; i <= 4; i++) {
    const [from, to] = [T0 + i * INTERVAL, T0 + (i + 1) * INTERVAL];
    const stats = await repo().featureStats({
      project: 'default',
      model: MODEL,
      reference: { baselineId: baseline.id },
      current: { fromMs: from, toMs: to, ...(q.version ? { version: q.version } : {}) },
      ...(q.feature ? { feature: q.feature } : {}),
    });
    const key = {
      project: 'default',
      model: MODEL,
      version: q.version ?? '',
      variant: '',
      baselineId: baseline.id,
      fromMs: from,
      toMs: to,
      computedAtMs: 0,
    };
    for (const r of resultRows(stats, key, DEFAULT_MIN_SAMPLES)) {
      if (r.measure !== measure) continue;
      const k = `${r.kind} ${r.feature}`;
      out.set(k, [
        ...(out.get(k) ?? []),
        {
          score: r.score === 'nan' ? null : r.score,
          verdict: r.verdict,
          referenceCount: r.reference_n,
          currentCount: r.current_n,
        },
      ]);
    }
  }
  return out;
}

describe('GET /drift/series, count-based measures', () => {
  test.each([
    ['psi', {}],
    ['js', {}],
    ['chi2', {}],
    ['psi', { version: 'v1' }],
    ['psi', { feature: 'x' }],
    ['js', { version: 'v2', feature: 'x' }],
  ] as const)('%s %o: every window as featureStats gives it alone', async (measure, q) => {
    const query = new URLSearchParams({
      model: MODEL,
      measure,
      from: String(T0 + INTERVAL),
      to: String(T0 + 5 * INTERVAL),
      step: '10m',
      ...q,
    });
    statements = 0;
    const res = await app().request(`/drift/series?${query}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as DriftSeriesResponse;
    // Counts first, then the bins beside the categories: never a statement per window.
    expect(statements).toBeLessThanOrEqual(3);
    expect(body.source).toBe('computed');
    const got = new Map(
      body.series.map((s) => [
        `${s.kind} ${s.feature}`,
        s.points.map(({ score, verdict, referenceCount, currentCount }) => ({
          score,
          verdict,
          referenceCount,
          currentCount,
        })),
      ]),
    );
    const want = await expected(measure, q);
    expect(want.size).toBeGreaterThan(0);
    expect(got).toEqual(want);
  });

  test('the sampled window and the shifted one are what the series shows', async () => {
    const stats = await repo().featureStats({
      project: 'default',
      model: MODEL,
      reference: { baselineId: baseline.id },
      current: { fromMs: T0 + 3 * INTERVAL, toMs: T0 + 4 * INTERVAL },
      feature: 'x',
    });
    // The case the windowed sampling must match: fewer values used than counted.
    expect(stats.find((s) => s.type === 'numeric')?.sampled?.current).toBeLessThan(800);
    const body = (await (
      await app().request(
        `/drift/series?model=${MODEL}&measure=psi&from=${T0 + INTERVAL}&to=${T0 + 5 * INTERVAL}&step=10m&feature=x&version=v1`,
      )
    ).json()) as DriftSeriesResponse;
    const x = body.series.find((s) => s.kind === 'feature' && s.feature === 'x')!.points;
    expect(x.map((p) => p.currentCount)).toEqual([300, 0, 800, 0]);
    expect(x[0]!.verdict).toBe('drift');
    expect(x[1]!.verdict).toBe('insufficient_data');
  });
});
