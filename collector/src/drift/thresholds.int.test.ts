import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DriftResponse } from '../api/types.js';
import { loadConfig } from '../config.js';
import type { AppEnv } from '../middleware/auth.js';
import { createDb, type Db } from '../storage/db.js';
import { type Engine, openEngine } from '../storage/engine.js';
import { migrate } from '../storage/migrate.js';
import { trustedProjectScope } from '../testing/project-scope.js';
import { normal, rng } from './__fixtures__/scipy.js';
import { createBaselinesRepo } from './baselines-repo.js';
import type { FeatureStats } from './features.js';
import { createDriftRepo } from './repo.js';
import { engineTime } from './results.js';
import { driftRoutes } from './routes.js';
import { referenceChunksSql } from './sql.js';
import { jensenShannon } from './stats.js';
import { type ChunkRow, chunkKey, judgeByLimits, limitsOf } from './thresholds.js';

// NannyML-style thresholds: the reference split into chunks of the current window's size,
// the band mean ± 3σ of the chunks' Jensen–Shannon distances to the reference.

const log = pino({ level: 'silent' });
const HOUR = 3_600_000;
const T0 = Math.floor((Date.now() - 5 * HOUR) / HOUR) * HOUR;
const MODEL = 'limits';
const rand = rng(3);
const cats = (n: number, w: number[]) =>
  Array.from({ length: n }, () => {
    let u = rand() * w.reduce((a, b) => a + b, 0);
    for (let i = 0; i < w.length; i++) {
      u -= w[i]!;
      if (u < 0) return `k${i}`;
    }
    return `k${w.length - 1}`;
  });

let dir: string;
let engine: Engine;
let db: Db;
let app: Hono<AppEnv>;
let baselineId: string;

function rows(version: string, startMs: number, xs: number[], cs: string[]) {
  const base = { project_id: 'default', model: MODEL, version, variant: '', kind: 'feature' };
  return [
    ...xs.map((x, i) => ({
      ...base,
      feature: 'x',
      time: engineTime(startMs + i * 100),
      prediction_id: `${version}-x-${i}`,
      is_numeric: 1,
      num: x,
      cat: '',
    })),
    ...cs.map((c, i) => ({
      ...base,
      feature: 'c',
      time: engineTime(startMs + i * 100),
      prediction_id: `${version}-c-${i}`,
      is_numeric: 0,
      num: 0,
      cat: c,
    })),
  ];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-drift-limits-'));
  engine = await openEngine(loadConfig({ dataDir: dir }, {}));
  await migrate(engine, { retentionDays: 30, fsync: false }, log);
  db = createDb(engine);
  const w = [5, 3, 2];
  await engine.client.insert({
    table: 'aiobs_feature_values',
    values: [
      ...rows('ref', T0, normal(rand, 6000), cats(6000, w)),
      ...rows('same', T0 + 2 * HOUR, normal(rand, 500), cats(500, w)),
      ...rows('shifted', T0 + 2 * HOUR, normal(rand, 500, 0.5), cats(500, [3, 3, 4])),
      ...rows('big', T0 + 2 * HOUR, normal(rand, 1500), cats(1500, w)),
    ],
    format: 'JSONEachRow',
  });
  const baselines = createBaselinesRepo(engine, db);
  baselineId = (
    await baselines.create(
      'default',
      'ref',
      MODEL,
      { source: 'version', version: 'ref' },
      { thresholds: 'reference' },
    )
  ).baseline.id;
  app = new Hono<AppEnv>()
    .use('*', trustedProjectScope())
    .route('/drift', driftRoutes(createDriftRepo(db), baselines));
}, 120_000);

afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function drift(version: string, extra = ''): Promise<DriftResponse> {
  const res = await app.request(
    `/drift?baseline=${baselineId}&from=${T0 + 2 * HOUR}&to=${T0 + 3 * HOUR}&version=${version}${extra}`,
  );
  expect(res.status).toBe(200);
  return (await res.json()) as DriftResponse;
}

describe('limits from the reference', () => {
  test('the baseline setting applies; six or more whole chunks of the current size', async () => {
    const body = await drift('same');
    expect(body.thresholds).toBe('reference');
    for (const f of body.features) {
      // 6,000 reference values in chunks of 500: 12 whole chunks.
      expect(f.limits?.chunks, f.feature).toBe(12);
      expect(f.measure).toBe('jensenShannon');
      expect(f.threshold).toBe(f.limits!.upper);
      expect(f.limits!.upper).toBeCloseTo(f.limits!.mean + 3 * f.limits!.sd, 12);
      expect(f.verdict, f.feature).toBe('no_drift');
    }
  });

  test('a shifted window falls outside the band', async () => {
    const body = await drift('shifted');
    for (const f of body.features) {
      expect(f.jensenShannon!, f.feature).toBeGreaterThan(f.limits!.upper);
      expect(f.verdict, f.feature).toBe('drift');
    }
  });

  test('with fewer than six chunks the fixed thresholds decide', async () => {
    // 1,500 current values: 4 chunks of 6,000.
    const body = await drift('big');
    for (const f of body.features) {
      expect(f.limits).toBeNull();
      expect(f.measure).toBe(f.feature === 'x' ? 'wasserstein' : 'jensenShannon');
    }
    // thresholds=fixed overrides the baseline's setting: no limits at all.
    const fixed = await drift('same', '&thresholds=fixed');
    expect(fixed.thresholds).toBe('fixed');
    expect(fixed.features.every((f) => f.limits === undefined)).toBe(true);
  });

  test('each chunk is a disjoint part of the reference of the current size', async () => {
    const repo = createDriftRepo(db);
    const request = {
      project: 'default',
      model: MODEL,
      reference: { baselineId },
      current: { fromMs: T0 + 2 * HOUR, toMs: T0 + 3 * HOUR, version: 'same' },
    };
    const stats = await repo.featureStats(request);
    const q = {
      ...request,
      table: 'aiobs_feature_values',
      reference: { baselineId, table: 'aiobs_baseline_values' },
    };
    const chunkRows = await db.rows<ChunkRow>(referenceChunksSql(q), {
      project: 'default',
      model: MODEL,
      cFrom: 0,
      cTo: 0,
      baseline: baselineId,
      chunkKeys: stats.map(chunkKey),
      chunkSizes: stats.map((s) => s.currentCount),
      maxChunks: 1000,
    });
    for (const s of stats) {
      const mine = chunkRows.filter((r) => r.feature === s.feature);
      const sizes = new Map<number, number>();
      const byKey = new Map<string, number>();
      for (const r of mine) {
        sizes.set(Number(r.chunk), (sizes.get(Number(r.chunk)) ?? 0) + Number(r.n));
        byKey.set(r.key, (byKey.get(r.key) ?? 0) + Number(r.n));
      }
      // 12 whole chunks of 500; together the whole reference, bin by bin.
      expect([...sizes.values()]).toEqual(Array(12).fill(500));
      const keys =
        s.type === 'numeric' ? s.bins.reference.map((_, i) => String(i)) : s.bins.categories!;
      expect(keys.map((k) => byKey.get(k) ?? 0)).toEqual(s.bins.reference);
      // And limitsOf's band is mean ± 3σ (ddof 0) of each chunk's JS distance.
      const limits = limitsOf(s, mine)!;
      const js = [...sizes.keys()].map((c) =>
        jensenShannon(
          s.bins.reference,
          keys.map((k) => Number(mine.find((r) => Number(r.chunk) === c && r.key === k)?.n ?? 0)),
        ),
      );
      const mean = js.reduce((a, b) => a + b, 0) / js.length;
      const sd = Math.sqrt(js.reduce((a, v) => a + (v - mean) ** 2, 0) / js.length);
      expect(limits.mean).toBeCloseTo(mean, 12);
      expect(limits.sd).toBeCloseTo(sd, 12);
    }
  });
});

describe('judgeByLimits', () => {
  const s = (js: number, n = 500) =>
    ({ referenceCount: 6000, currentCount: n, jensenShannon: js }) as FeatureStats;
  const limits = { values: [], mean: 0.05, sd: 0.01, lower: 0.02, upper: 0.08 };
  test('outside the band is drift, inside is not, and too few values is insufficient', () => {
    expect(judgeByLimits(s(0.081), limits, 100).verdict).toBe('drift');
    expect(judgeByLimits(s(0.079), limits, 100).verdict).toBe('no_drift');
    expect(judgeByLimits(s(0.019), limits, 100).verdict).toBe('drift');
    expect(judgeByLimits(s(0.2, 50), limits, 100).verdict).toBe('insufficient_data');
  });
});
