import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../config.js';
import { createDb } from '../storage/db.js';
import { type Engine, openEngine } from '../storage/engine.js';
import { migrate } from '../storage/migrate.js';
import { normal, rng, scipyReference } from './__fixtures__/scipy.js';
import { createDriftRepo } from './repo.js';

// Above 10,000 values a side the KS statistic comes from the sorted values the Wasserstein
// integral uses and its p-value from ks-pvalue.ts: both equal SciPy's ks_2samp to 1e-6, as do
// the bins and distances read from the same sorted values. Above the sampling cap a side's
// values are a uniform sample: the counts stay true, the sample is stated and repeatable.

const HOUR = 3_600_000;
const T0 = Math.floor((Date.now() - 5 * HOUR) / HOUR) * HOUR;
const REF = { fromMs: T0, toMs: T0 + HOUR, version: 'v1' };
const CUR = { fromMs: T0 + 2 * HOUR, toMs: T0 + 3 * HOUR, version: 'v2' };
const rand = rng(2026);
const ints = (n: number, max: number) => Array.from({ length: n }, () => Math.floor(rand() * max));

const LARGE = [
  { feature: 'large_normal', ref: normal(rand, 12_000), cur: normal(rand, 11_000, 0.03) },
  // Ties across both sides and repeated decile edges, above 10,000 values a side.
  { feature: 'large_ints', ref: ints(15_000, 40), cur: ints(12_000, 41) },
];
const SAMPLED = { feature: 'sampled', ref: normal(rand, 20_000), cur: normal(rand, 20_000, 0.5) };

let dir: string;
let engine: Engine;

function rows(feature: string, values: number[], startMs: number, version: string) {
  const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
  return values.map((v, i) => ({
    project_id: 'default',
    model: 'm',
    version,
    variant: '',
    kind: 'feature',
    feature,
    time: iso(startMs + ((i * 97) % 3_500_000)),
    prediction_id: `${feature}-${version}-${i}`,
    is_numeric: 1,
    num: v,
    cat: '',
  }));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-drift-sampling-'));
  engine = await openEngine(loadConfig({ dataDir: dir }, {}));
  await migrate(engine, { retentionDays: 30, fsync: false }, pino({ level: 'silent' }));
  const all: object[] = [];
  for (const s of [...LARGE, SAMPLED]) {
    all.push(...rows(s.feature, s.ref, REF.fromMs, 'v1'));
    all.push(...rows(s.feature, s.cur, CUR.fromMs, 'v2'));
  }
  await engine.client.insert({ table: 'aiobs_feature_values', values: all, format: 'JSONEachRow' });
}, 120_000);

afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

const request = { project: 'default', model: 'm', reference: REF, current: CUR };
const TOL = 1e-6;

describe('above 10,000 values a side', () => {
  test('KS statistic and p-value, Wasserstein, bins and distances equal SciPy', async () => {
    const stats = await createDriftRepo(createDb(engine)).featureStats(request);
    const want = scipyReference(LARGE.map((s) => ({ type: 'numeric', ref: s.ref, cur: s.cur })));
    for (const [i, s] of LARGE.entries()) {
      const got = stats.find((x) => x.feature === s.feature)!;
      const w = want[i]!;
      expect(got.sampled, s.feature).toBeNull();
      expect(got.bins.reference, s.feature).toEqual(w.ref_bins);
      expect(got.bins.current, s.feature).toEqual(w.cur_bins);
      const pairs: Array<[string, number | null, number | null | undefined]> = [
        ['ks statistic', got.ksStatistic, w.ks_d],
        ['ks p-value', got.ksPValue, w.ks_p],
        ['wasserstein', got.wasserstein, w.wasserstein],
        ['normed wasserstein', got.wassersteinNormed, w.wasserstein_normed],
        ['psi', got.psi, w.psi],
        ['jensen-shannon', got.jensenShannon, w.js],
        ...got.bins.edges!.map((e, j): [string, number, number] => [`edge ${j}`, e, w.edges![j]!]),
      ];
      for (const [label, a, b] of pairs)
        expect(Math.abs(a! - b!), `${s.feature} ${label}: ${a} vs SciPy ${b}`).toBeLessThan(TOL);
    }
  });
});

describe('above the sampling cap', () => {
  const CAP = 3_000;

  test('a side above the cap is a stated, repeatable uniform sample; the counts stay true', async () => {
    const repo = createDriftRepo(createDb(engine), { sampleCap: CAP });
    const [a, b] = [await repo.featureStats(request), await repo.featureStats(request)];
    const got = a.find((x) => x.feature === SAMPLED.feature)!;
    expect(got.referenceCount).toBe(20_000);
    expect(got.currentCount).toBe(20_000);
    // A Bernoulli sample at rate cap / n: within 5 binomial standard deviations of the cap.
    const sd = Math.sqrt(CAP * (1 - CAP / 20_000));
    for (const n of [got.sampled!.reference, got.sampled!.current])
      expect(Math.abs(n - CAP)).toBeLessThan(5 * sd);
    expect(got.bins.reference.reduce((x, y) => x + y, 0)).toBe(got.sampled!.reference);
    expect(got.bins.current.reduce((x, y) => x + y, 0)).toBe(got.sampled!.current);
    // The same rows give the same sample.
    expect(b.find((x) => x.feature === SAMPLED.feature)).toEqual(got);
    // The estimates stay near the figures of every value (SciPy on the full samples): the
    // sampling error at 3,000 values is a few hundredths, at the cap of 100,000 a tenth of it.
    const [full] = scipyReference([{ type: 'numeric', ref: SAMPLED.ref, cur: SAMPLED.cur }]);
    // The sample is keyed on each row's time, and the rows' times follow the hour the test
    // runs in, so the sample (and its error) changes by the hour: 0.053 for the normed
    // Wasserstein distance in one of them (2026-12-06, 23 h UTC), hence its wider bound.
    expect(Math.abs(got.wassersteinNormed! - full!.wasserstein_normed!)).toBeLessThan(0.08);
    expect(Math.abs(got.ksStatistic! - full!.ks_d!)).toBeLessThan(0.05);
    expect(Math.abs(got.jensenShannon! - full!.js)).toBeLessThan(0.05);
  });
});
