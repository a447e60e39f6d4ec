import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ModelCompareResponse } from '../api/types.js';
import { loadConfig } from '../config.js';
import { createBaselinesRepo } from '../drift/baselines-repo.js';
import { createDriftRepo } from '../drift/repo.js';
import { AppError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { createDb } from '../storage/db.js';
import { type Engine, openEngine } from '../storage/engine.js';
import { migrate } from '../storage/migrate.js';
import { trustedProjectScope } from '../testing/project-scope.js';
import { gauss, rng, scipySignificance } from './__fixtures__/significance-scipy.js';
import { createCompareSignificance } from './compare-significance.js';
import { createModelsRepo } from './repo.js';
import { modelRoutes } from './routes.js';
import { alwaysValidPValue, effectiveN } from './significance.js';

// A canary (v2) slower, failing more often, less accurate and drifted against v1, and two
// variants with no difference, written into the typed tables; the significance of
// GET /models/compare is compared with SciPy on the same values and with the rules.

const log = pino({ level: 'silent' });
const HOUR = 3_600_000;
const T0 = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;
const MODEL = 'canary-model';
let dir: string;
let engine: Engine;
let app: Hono<AppEnv>;
let baselineId: string;

interface Inf {
  version: string;
  variant: string;
  timeMs: number;
  /** Whole milliseconds: each distinct value falls in its own 0.1% bucket. */
  durationMs: number;
  error: boolean;
  id: string;
  label: string;
  /** Feedback's true label, if any. */
  truth?: string;
  amount: number;
}

const rand = rng(5);
function arm(
  version: string,
  variant: string,
  n: number,
  slow: number,
  errors: number,
  acc: number,
  shift: number,
): Inf[] {
  return Array.from({ length: n }, (_, i) => {
    // Alternating, so the label's own distribution never drifts.
    const label = i % 4 < 2 ? 'fraud' : 'ok';
    return {
      version,
      variant,
      timeMs: T0 + Math.floor((i / n) * 2 * HOUR),
      durationMs: Math.max(1, Math.round(Math.exp(4 + 0.5 * gauss(rand)) * slow)),
      error: rand() < errors,
      id: `${version}-${variant}-${i}`,
      label,
      truth: i % 2 ? undefined : rand() < acc ? label : label === 'fraud' ? 'ok' : 'fraud',
      amount: 50 + 10 * gauss(rand) + shift,
    };
  });
}

const v1 = [...arm('v1', 'x', 600, 1, 0.02, 0.9, 0), ...arm('v1', 'y', 600, 1, 0.02, 0.9, 0)];
const v2 = arm('v2', 'x', 700, 1.3, 0.1, 0.7, 8);
const v0 = arm('v0', '', 500, 1, 0.02, 0.9, 0).map((r) => ({ ...r, timeMs: r.timeMs - HOUR }));

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-compare-int-'));
  engine = await openEngine(loadConfig({ dataDir: dir }, {}));
  await migrate(engine, { retentionDays: 30, fsync: false }, log);
  const all = [...v0, ...v1, ...v2];
  const base = (r: Inf) => ({
    project_id: 'default',
    time: iso(r.timeMs),
    model: MODEL,
    version: r.version,
    variant: r.variant,
    prediction_id: r.id,
  });
  await engine.client.insert({
    table: 'aiobs_inferences',
    values: [
      ...all.map((r) => ({
        ...base(r),
        service: 'svc',
        operation: 'predict',
        provider: 'local',
        duration_ms: r.durationMs,
        is_error: r.error ? 1 : 0,
      })),
      // Another project's slow inferences: must not count.
      ...v1.slice(0, 300).map((r) => ({ ...base(r), project_id: 'p2', duration_ms: 5000 })),
    ],
    format: 'JSONEachRow',
  });
  const feature = (r: Inf, kind: string, name: string, v: number | string) => ({
    ...base(r),
    kind,
    feature: name,
    is_numeric: typeof v === 'number' ? 1 : 0,
    num: typeof v === 'number' ? v : 0,
    cat: typeof v === 'string' ? v : '',
  });
  await engine.client.insert({
    table: 'aiobs_feature_values',
    values: all.flatMap((r) => [
      feature(r, 'feature', 'amount', r.amount),
      feature(r, 'prediction', 'prediction.label', r.label),
    ]),
    format: 'JSONEachRow',
  });
  await engine.client.insert({
    table: 'aiobs_feedback',
    values: all
      .filter((r) => r.truth !== undefined)
      .map((r) => ({
        project_id: 'default',
        time: iso(r.timeMs + 60_000),
        prediction_id: r.id,
        label: r.truth,
      })),
    format: 'JSONEachRow',
  });
  const db = createDb(engine);
  const baselines = createBaselinesRepo(engine, db);
  baselineId = (
    await baselines.create('default', 'v0', MODEL, { source: 'version', version: 'v0' })
  ).baseline.id;
  const significance = createCompareSignificance({
    db,
    drift: { repo: createDriftRepo(db), baselines },
  });
  app = new Hono<AppEnv>()
    .use('*', trustedProjectScope())
    .onError((err, c) => {
      if (!(err instanceof AppError)) throw err;
      return c.json(
        { error: { code: err.code, message: err.message, field: err.options.field } },
        err.status,
      );
    })
    .route(
      '/models',
      modelRoutes(createModelsRepo(db), {
        retention: { raw: 30, minute: 90, hour: 730 },
        significance,
      }),
    );
}, 120_000);

afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function compare(q: Record<string, string>): Promise<ModelCompareResponse> {
  const res = await app.request(
    `/models/compare?${new URLSearchParams({ model: MODEL, from: String(T0), to: String(T0 + 2 * HOUR), level: 'raw', ...q })}`,
  );
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as ModelCompareResponse;
}

const accuracyOf = (rs: Inf[]) => {
  const judged = rs.filter((r) => r.truth !== undefined);
  return { n: judged.length, x: judged.filter((r) => r.truth === r.label).length };
};

describe('GET /models/compare: significance', () => {
  test('a slower, failing, less accurate, drifted canary is worse on every measure', async () => {
    const body = await compare({ a: 'version:v1', b: 'version:v2', baseline: baselineId });
    const s = body.significance!;
    const [ref] = scipySignificance([
      { type: 'mwu', a: v1.map((r) => r.durationMs), b: v2.map((r) => r.durationMs) },
    ]);
    const [errs, acc] = scipySignificance([
      {
        type: 'prop',
        xa: v1.filter((r) => r.error).length,
        na: v1.length,
        xb: v2.filter((r) => r.error).length,
        nb: v2.length,
      },
      {
        type: 'prop',
        xa: accuracyOf(v1).x,
        na: accuracyOf(v1).n,
        xb: accuracyOf(v2).x,
        nb: accuracyOf(v2).n,
      },
    ]);
    // Latency: the same U and p-value as SciPy on the raw durations.
    expect(s.latency).toMatchObject({ test: 'mann-whitney-u', nA: v1.length, nB: v2.length });
    const uA = (1 - s.latency.effect!) * v1.length * v2.length;
    expect(Math.abs(uA - ref!.u!)).toBeLessThan(1e-6);
    expect(Math.abs(s.latency.pValue! - ref!.p!)).toBeLessThan(1e-12 + 1e-9 * ref!.p!);
    expect(s.latency.verdict).toBe('worse');
    expect(s.latency.ci![0]).toBeGreaterThan(0.5);
    // Error rate and accuracy: the z-test's p-value, the rates, and the sequential p-value.
    expect(s.errorRate.verdict).toBe('worse');
    expect(Math.abs(s.errorRate.pValue! - errs!.p!)).toBeLessThan(1e-12 + 1e-9 * errs!.p!);
    expect(s.errorRate.alwaysValidPValue).toBeCloseTo(
      alwaysValidPValue(errs!.z!, effectiveN(v1.length, v2.length)),
      12,
    );
    expect(s.errorRate.b! - s.errorRate.a!).toBeCloseTo(s.errorRate.effect!, 15);
    expect(s.accuracy).toMatchObject({
      verdict: 'worse',
      nA: accuracyOf(v1).n,
      nB: accuracyOf(v2).n,
    });
    expect(s.accuracy.a).toBeCloseTo(accuracyOf(v1).x / accuracyOf(v1).n, 12);
    expect(Math.abs(s.accuracy.pValue! - acc!.p!)).toBeLessThan(1e-12 + 1e-9 * acc!.p!);
    expect(s.accuracy.ci![1]).toBeLessThan(0);
    // Drift against one baseline: v2's amount moved, v1's did not.
    expect(s.drift).toMatchObject({ baseline: baselineId, verdict: 'worse' });
    expect(s.drift!.a.drift).toEqual([]);
    expect(s.drift!.b.drift).toEqual(['amount']);
    // Seen from the other side, the old version is better.
    const back = (await compare({ a: 'version:v2', b: 'version:v1' })).significance!;
    expect([back.latency.verdict, back.errorRate.verdict, back.accuracy.verdict]).toEqual([
      'better',
      'better',
      'better',
    ]);
    expect(back.drift).toBeUndefined();
  }, 180_000);

  test('two arms drawn alike show no significant difference', async () => {
    const s = (await compare({ a: 'variant:x', b: 'variant:y', version: 'v1' })).significance!;
    expect(s.latency.nA).toBe(600);
    expect(s.latency.nB).toBe(600);
    for (const m of [s.latency, s.errorRate, s.accuracy])
      expect(m.verdict).toBe('no_significant_difference');
  });

  test('significance=false leaves the block out', async () => {
    expect(
      (await compare({ a: 'version:v1', b: 'version:v2', significance: 'false' })).significance,
    ).toBeUndefined();
  });

  test('too few values per arm is insufficient data', async () => {
    const s = (await compare({ a: 'version:v1', b: 'version:v2', minSamples: '5000' }))
      .significance!;
    for (const m of [s.latency, s.errorRate, s.accuracy]) {
      expect(m.verdict).toBe('insufficient_data');
      expect(m.effect).toBeNull();
    }
  });

  test("baseline=default: the model's baseline without naming it; none: no drift block", async () => {
    const named = await compare({ a: 'version:v1', b: 'version:v2', baseline: baselineId });
    const picked = await compare({ a: 'version:v1', b: 'version:v2', baseline: 'default' });
    expect(picked.significance?.drift).toEqual(named.significance?.drift);
    expect(picked.significance?.drift?.baseline).toBe(baselineId);
    const res = await app.request(
      `/models/compare?${new URLSearchParams({ model: 'no-baseline-model', a: 'version:v1', b: 'version:v2', from: String(T0), to: String(T0 + 2 * HOUR), baseline: 'default' })}`,
    );
    expect(res.status, await res.clone().text()).toBe(200);
    const none = (await res.json()) as ModelCompareResponse;
    expect(none.significance).toBeDefined();
    expect(none.significance?.drift).toBeUndefined();
  });

  test('bad options name their field', async () => {
    for (const [q, field] of [
      [{ alpha: '0' }, 'alpha'],
      [{ alpha: '0.5' }, 'alpha'],
      [{ minSamples: '1.5' }, 'minSamples'],
      [{ labelDelay: 'later' }, 'labelDelay'],
      [{ baseline: 'no-such-baseline' }, 'baseline'],
    ] as const) {
      const res = await app.request(
        `/models/compare?${new URLSearchParams({ model: MODEL, a: 'version:v1', b: 'version:v2', ...q })}`,
      );
      expect(res.status, JSON.stringify(q)).toBe(400);
      expect(((await res.json()) as { error: { field: string } }).error.field).toBe(field);
    }
  });
});
