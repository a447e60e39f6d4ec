import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ModelQualityResponse, QualityFigures } from '../api/types.js';
import { loadConfig } from '../config.js';
import { AppError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { createDb } from '../storage/db.js';
import { type Engine, openEngine } from '../storage/engine.js';
import { migrate } from '../storage/migrate.js';
import { trustedProjectScope } from '../testing/project-scope.js';
import { rng } from './__fixtures__/significance-scipy.js';
import { createQualityRepo } from './quality-repo.js';
import { qualityRoutes } from './quality-routes.js';

// Known predictions and feedback are written into the typed tables (inference rows,
// prediction outputs, feedback rows); every figure of GET /models/quality is compared with
// one computed here, from the same records, with the textbook formulas.

const log = pino({ level: 'silent' });
const HOUR = 3_600_000;
const DAY = 86_400_000;
const T0 = Math.floor((Date.now() - 4 * HOUR) / HOUR) * HOUR;
const LABELS = ['fraud', 'ok', 'review'];
let dir: string;
let engine: Engine;
let app: Hono<AppEnv>;

/** One prediction and what the feedback said, as the test knows it. */
interface Rec {
  id: string;
  project: string;
  model: string;
  version: string;
  variant: string;
  timeMs: number;
  label?: string;
  value?: number;
  score?: number;
  /** Feedback rows: offset after the prediction and fields. */
  feedback: {
    afterMs: number;
    label?: string;
    value?: number;
    score?: number;
    correct?: boolean;
  }[];
}

const rand = rng(9);
const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;

function makeRecords(): Rec[] {
  const out: Rec[] = [];
  for (let i = 0; i < 1200; i++) {
    const version = i % 3 === 0 ? 'v2' : 'v1';
    const label = pick(LABELS);
    const truth = rand() < 0.7 ? label : pick(LABELS);
    const score = i % 10 === 0 ? 1 : Math.round(rand() * 1000) / 1000;
    const r: Rec = {
      id: `q-${i}`,
      project: 'default',
      model: 'clf',
      version,
      variant: i % 2 ? 'a' : 'b',
      timeMs: T0 + ((i * 7919) % (3 * HOUR)),
      label,
      score,
      feedback: [],
    };
    const kind = i % 11;
    if (kind < 6) r.feedback.push({ afterMs: 60_000 * (i % 50), label: truth });
    else if (kind === 6) r.feedback.push({ afterMs: 1000, correct: rand() < 0.5 });
    else if (kind === 7)
      // Both: the explicit flag decides correctness, the label still counts for P/R/F1.
      r.feedback.push({ afterMs: 1000, label: truth, correct: truth !== label });
    else if (kind === 8)
      // A correction: the later row wins.
      r.feedback.push(
        { afterMs: 1000, label: truth === 'ok' ? 'fraud' : 'ok', score: 0 },
        { afterMs: 5000, label: truth, score: 1 },
      );
    else if (kind === 9)
      // Too late: recorded after the 7-day label delay.
      r.feedback.push({ afterMs: 7 * DAY + 1000, label: truth });
    // kind 10: no feedback
    out.push(r);
  }
  // A regression model: numeric values.
  for (let i = 0; i < 300; i++) {
    const value = Math.round(rand() * 100 * 1000) / 1000;
    out.push({
      id: `r-${i}`,
      project: 'default',
      model: 'reg',
      version: 'v1',
      variant: '',
      timeMs: T0 + i * 1000,
      value,
      feedback: i % 4 ? [{ afterMs: 2000, value: value + (rand() - 0.4) * 10 }] : [],
    });
  }
  // A binary model with two labels.
  for (let i = 0; i < 200; i++) {
    const label = rand() < 0.3 ? 'fraud' : 'legit';
    out.push({
      id: `b-${i}`,
      project: 'default',
      model: 'bin',
      version: 'v1',
      variant: '',
      timeMs: T0 + i * 1000,
      label,
      feedback: [
        { afterMs: 1000, label: rand() < 0.8 ? label : label === 'fraud' ? 'legit' : 'fraud' },
      ],
    });
  }
  // Another project, same model and prediction ids as the first ones: must never count.
  for (let i = 0; i < 50; i++)
    out.push({
      id: `q-${i}`,
      project: 'p2',
      model: 'clf',
      version: 'v1',
      variant: 'a',
      timeMs: T0 + i * 1000,
      label: 'ok',
      score: 0.5,
      feedback: [{ afterMs: 1000, label: 'fraud' }],
    });
  return out;
}

const recs = makeRecords();

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-quality-int-'));
  engine = await openEngine(loadConfig({ dataDir: dir }, {}));
  await migrate(engine, { retentionDays: 30, fsync: false }, log);
  const inferences = recs.map((r) => ({
    project_id: r.project,
    time: iso(r.timeMs),
    service: 'svc',
    operation: 'predict',
    provider: 'local',
    model: r.model,
    version: r.version,
    variant: r.variant,
    duration_ms: 5,
    prediction_id: r.id,
  }));
  // An inference without a prediction id is not a prediction.
  inferences.push({ ...inferences[0]!, prediction_id: '' });
  const features: object[] = [];
  const out = (r: Rec, feature: string, v: number | string) =>
    features.push({
      project_id: r.project,
      model: r.model,
      version: r.version,
      variant: r.variant,
      kind: 'prediction',
      feature,
      time: iso(r.timeMs),
      prediction_id: r.id,
      is_numeric: typeof v === 'number' ? 1 : 0,
      num: typeof v === 'number' ? v : 0,
      cat: typeof v === 'string' ? v : '',
    });
  const feedback: object[] = [];
  for (const r of recs) {
    if (r.label !== undefined) out(r, 'prediction.label', r.label);
    if (r.value !== undefined) out(r, 'prediction.value', r.value);
    if (r.score !== undefined) out(r, 'prediction.score', r.score);
    for (const f of r.feedback)
      feedback.push({
        project_id: r.project,
        time: iso(r.timeMs + f.afterMs),
        prediction_id: r.id,
        label: f.label ?? null,
        value: f.value ?? null,
        score: f.score ?? null,
        correct: f.correct === undefined ? null : Number(f.correct),
      });
  }
  for (const [table, values] of [
    ['aiobs_inferences', inferences],
    ['aiobs_feature_values', features],
    ['aiobs_feedback', feedback],
  ] as const)
    await engine.client.insert({ table, values, format: 'JSONEachRow' });
  // The shape app.onError renders: {"error": {"code", "message", "field"}}.
  app = new Hono<AppEnv>()
    .use('*', trustedProjectScope())
    .onError((err, c) => {
      if (!(err instanceof AppError)) throw err;
      return c.json(
        { error: { code: err.code, message: err.message, field: err.options.field } },
        err.status,
      );
    })
    .route('/quality', qualityRoutes(createQualityRepo(createDb(engine))));
}, 120_000);

afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The figures of some records, computed from scratch with the textbook formulas. */
function expected(rs: Rec[], delayMs = 7 * DAY) {
  const labelled: { r: Rec; label?: string; value?: number; score?: number; correct?: boolean }[] =
    [];
  for (const r of rs) {
    const fb = r.feedback.filter((f) => f.afterMs <= delayMs).sort((a, b) => a.afterMs - b.afterMs);
    if (fb.length === 0) continue;
    const last = <K extends 'label' | 'value' | 'score' | 'correct'>(k: K) =>
      fb.filter((f) => f[k] !== undefined).at(-1)?.[k];
    labelled.push({
      r,
      label: last('label'),
      value: last('value'),
      score: last('score'),
      correct: last('correct'),
    });
  }
  const judged = labelled
    .map((l) => ({
      l,
      ok:
        l.correct !== undefined
          ? l.correct
          : l.label !== undefined && l.r.label !== undefined
            ? l.label === l.r.label
            : undefined,
    }))
    .filter((x) => x.ok !== undefined);
  const pairs = labelled.filter((l) => l.label !== undefined && l.r.label !== undefined);
  const labels = [...new Set(pairs.flatMap((l) => [l.label!, l.r.label!]))];
  const per = labels.map((L) => {
    const tp = pairs.filter((p) => p.label === L && p.r.label === L).length;
    const predicted = pairs.filter((p) => p.r.label === L).length;
    const support = pairs.filter((p) => p.label === L).length;
    return {
      label: L,
      precision: predicted ? tp / predicted : 0,
      recall: support ? tp / support : 0,
      f1: predicted + support ? (2 * tp) / (predicted + support) : 0,
      support,
      predicted,
    };
  });
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  const reg = labelled.filter((l) => l.value !== undefined && l.r.value !== undefined);
  const scored = judged.filter(
    (x) => x.l.r.score !== undefined && x.l.r.score >= 0 && x.l.r.score <= 1,
  );
  const bins = Array.from({ length: 10 }, (_, b) =>
    scored.filter((x) => Math.min(Math.floor(x.l.r.score! * 10), 9) === b),
  );
  const rated = labelled.filter((l) => l.score !== undefined);
  return {
    predictions: rs.length,
    labelled: labelled.length,
    coverage: rs.length ? labelled.length / rs.length : null,
    judged: judged.length,
    accuracy: mean(judged.map((x) => (x.ok ? 1 : 0))),
    classified: pairs.length,
    macroPrecision: mean(per.map((p) => p.precision)),
    macroRecall: mean(per.map((p) => p.recall)),
    macroF1: mean(per.map((p) => p.f1)),
    regressed: reg.length,
    mae: mean(reg.map((l) => Math.abs(l.r.value! - l.value!))),
    rmse: reg.length ? Math.sqrt(mean(reg.map((l) => (l.r.value! - l.value!) ** 2))!) : null,
    meanError: mean(reg.map((l) => l.r.value! - l.value!)),
    scored: scored.length,
    brier: mean(scored.map((x) => (x.l.r.score! - (x.ok ? 1 : 0)) ** 2)),
    ece: scored.length
      ? bins.reduce(
          (a, b) =>
            a +
            (b.length
              ? (b.length / scored.length) *
                Math.abs(mean(b.map((x) => (x.ok ? 1 : 0)))! - mean(b.map((x) => x.l.r.score!))!)
              : 0),
          0,
        )
      : null,
    rated: rated.length,
    meanFeedbackScore: mean(rated.map((l) => l.score!)),
    per,
    bins: bins.map((b) => ({
      count: b.length,
      accuracy: mean(b.map((x) => (x.ok ? 1 : 0))),
      meanScore: mean(b.map((x) => x.l.r.score!)),
    })),
  };
}

function expectFigures(got: QualityFigures, want: ReturnType<typeof expected>, label: string) {
  const keys = Object.keys(want).filter((k) => k !== 'per' && k !== 'bins');
  for (const k of keys as (keyof QualityFigures)[]) {
    const w = want[k];
    const g = got[k];
    if (w === null || g === null) expect(g, `${label} ${k}`).toBe(w);
    else expect(Math.abs(g - w), `${label} ${k}: ${g} vs ${w}`).toBeLessThan(1e-9);
  }
}

async function quality(q: Record<string, string>): Promise<ModelQualityResponse> {
  const res = await app.request(`/quality?${new URLSearchParams(q)}`);
  expect(res.status).toBe(200);
  return (await res.json()) as ModelQualityResponse;
}

const range = { from: String(T0), to: String(T0 + 3 * HOUR) };

describe('GET /models/quality', () => {
  test('per version: every figure equals the one computed from the records', async () => {
    const body = await quality({ model: 'clf', ...range, step: '1h' });
    expect(body.groupBy).toBe('version');
    expect(body.labelDelayMs).toBe(7 * DAY);
    expect(body.groups.map((g) => g.group)).toEqual([{ version: 'v1' }, { version: 'v2' }]);
    for (const g of body.groups) {
      const rs = recs.filter(
        (r) => r.project === 'default' && r.model === 'clf' && r.version === g.group.version,
      );
      const want = expected(rs);
      expect(want.labelled).toBeGreaterThan(100);
      expectFigures(g.total, want, `total ${g.group.version}`);
      // Per label (P/R/F1) and the reliability bins.
      expect(g.total.labels.map((l) => l.label).sort()).toEqual([...LABELS].sort());
      for (const l of g.total.labels) {
        const w = want.per.find((p) => p.label === l.label)!;
        expect(l.support).toBe(w.support);
        expect(l.predicted).toBe(w.predicted);
        expect(l.precision).toBeCloseTo(w.precision, 12);
        expect(l.recall).toBeCloseTo(w.recall, 12);
        expect(l.f1).toBeCloseTo(w.f1, 12);
      }
      expect(g.total.positive).toBeNull();
      for (const [i, b] of g.total.reliability.entries()) {
        expect(b.count).toBe(want.bins[i]!.count);
        if (b.count > 0) {
          expect(b.accuracy).toBeCloseTo(want.bins[i]!.accuracy!, 12);
          expect(b.meanScore).toBeCloseTo(want.bins[i]!.meanScore!, 12);
        }
      }
      // One point per hour, each equal to that hour's records.
      expect(g.points.map((p) => Date.parse(p.time))).toEqual([T0, T0 + HOUR, T0 + 2 * HOUR]);
      for (const p of g.points) {
        const t = Date.parse(p.time);
        expectFigures(
          p,
          expected(rs.filter((r) => r.timeMs >= t && r.timeMs < t + HOUR)),
          `${g.group.version} @ ${p.time}`,
        );
      }
    }
  });

  test('per variant, filtered to one version', async () => {
    const body = await quality({ model: 'clf', ...range, groupBy: 'variant', version: 'v1' });
    expect(body.groups.map((g) => g.group.variant).sort()).toEqual(['a', 'b']);
    for (const g of body.groups) {
      const rs = recs.filter(
        (r) =>
          r.project === 'default' &&
          r.model === 'clf' &&
          r.version === 'v1' &&
          r.variant === g.group.variant,
      );
      expectFigures(g.total, expected(rs), `variant ${g.group.variant}`);
    }
  });

  test('a shorter label delay drops the feedback that came later', async () => {
    const body = await quality({ model: 'clf', ...range, labelDelay: '30m' });
    const v1 = body.groups.find((g) => g.group.version === 'v1')!;
    const rs = recs.filter(
      (r) => r.project === 'default' && r.model === 'clf' && r.version === 'v1',
    );
    const want = expected(rs, 30 * 60_000);
    expect(want.labelled).toBeLessThan(expected(rs).labelled);
    expectFigures(v1.total, want, 'delay 30m');
  });

  test('regression figures: MAE, RMSE and bias', async () => {
    const body = await quality({ model: 'reg', ...range });
    const want = expected(recs.filter((r) => r.model === 'reg'));
    expect(want.regressed).toBe(225);
    expectFigures(body.groups[0]!.total, want, 'reg');
  });

  test('a binary model reports its positive label', async () => {
    const body = await quality({ model: 'bin', ...range });
    const t = body.groups[0]!.total;
    const want = expected(recs.filter((r) => r.model === 'bin'));
    expectFigures(t, want, 'bin');
    // The rarer true label is the positive one unless asked otherwise.
    expect(t.positive?.label).toBe('fraud');
    const w = want.per.find((p) => p.label === 'fraud')!;
    expect(t.positive?.precision).toBeCloseTo(w.precision, 12);
    expect(t.positive?.recall).toBeCloseTo(w.recall, 12);
    expect(t.positive?.f1).toBeCloseTo(w.f1, 12);
    const asked = await quality({ model: 'bin', ...range, positive: 'legit' });
    expect(asked.groups[0]!.total.positive?.label).toBe('legit');
  });

  test('a model without predictions answers no groups; bad input names the field', async () => {
    expect((await quality({ model: 'nope', ...range })).groups).toEqual([]);
    for (const [q, field] of [
      [{}, 'model'],
      [{ model: 'clf', groupBy: 'service' }, 'groupBy'],
      [{ model: 'clf', labelDelay: 'soon' }, 'labelDelay'],
      [{ model: 'clf', labelDelay: '400d' }, 'labelDelay'],
      [{ model: 'clf', from: 'yesterday' }, 'from'],
      [{ model: 'clf', step: '1ms' }, 'step'],
    ] as const) {
      const res = await app.request(`/quality?${new URLSearchParams(q)}`);
      expect(res.status, JSON.stringify(q)).toBe(400);
      const body = (await res.json()) as { error: { field: string } };
      expect(body.error.field).toBe(field);
    }
  });
});
