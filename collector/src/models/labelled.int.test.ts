import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MeasureSignificance, ModelQualityResponse } from '../api/types.js';
import { loadConfig } from '../config.js';
import type { AppEnv } from '../middleware/auth.js';
import { createDb, type Db } from '../storage/db.js';
import { type Engine, openEngine } from '../storage/engine.js';
import { migrate } from '../storage/migrate.js';
import { trustedProjectScope } from '../testing/project-scope.js';
import { rng } from './__fixtures__/significance-scipy.js';
import { createCompareSignificance } from './compare-significance.js';
import { armAccuracySql } from './compare-significance-sql.js';
import { findUnresolved, labelledTables } from './labelled-repo.js';
import { type LiveJoin, unresolvedSql } from './labelled-sql.js';
import { createQualityRepo } from './quality-repo.js';
import { qualityRoutes } from './quality-routes.js';

// The labelled rows (migration 0050) are a cache of the feedback join: whatever order the
// spans, their prediction outputs and the feedback arrive in, GET /models/quality and the
// compare verdict's accuracy give the same answer, equal to the one computed here; spans
// first, the feedback is read from the labelled rows (written when it arrived), not joined
// with the inference rows.

const log = pino({ level: 'silent' });
const HOUR = 3_600_000;
const DAY = 86_400_000;
const T0 = Math.floor((Date.now() - 4 * HOUR) / HOUR) * HOUR;
const MODEL = 'orders-model';
const LABELS = ['fraud', 'ok'];
let dir: string;
let engine: Engine;
let db: Db;
let app: Hono<AppEnv>;

interface Fb {
  afterMs: number;
  label?: string;
  correct?: boolean;
  score?: number;
}
interface Rec {
  id: string;
  project: string;
  version: string;
  timeMs: number;
  /** Prediction outputs; none for a span that carries no typed output. */
  label?: string;
  score?: number;
  feedback: Fb[];
}

const rand = rng(21);
const recs: Rec[] = [];
for (let i = 0; i < 600; i++) {
  const version = i % 2 ? 'v2' : 'v1';
  const label = LABELS[i % 4 < 2 ? 0 : 1]!;
  const right = rand() < (version === 'v1' ? 0.9 : 0.7);
  const truth = right ? label : label === 'fraud' ? 'ok' : 'fraud';
  const r: Rec = {
    id: `o-${i}`,
    project: 'default',
    version,
    timeMs: T0 + Math.floor((i / 600) * 3 * HOUR),
    label,
    score: Math.round(rand() * 1000) / 1000,
    feedback: [],
  };
  const kind = i % 10;
  if (kind < 5) r.feedback.push({ afterMs: 60_000, label: truth });
  else if (kind === 5)
    // Corrected: the later record wins.
    r.feedback.push(
      { afterMs: 1000, label: truth === 'ok' ? 'fraud' : 'ok' },
      { afterMs: 120_000, label: truth },
    );
  else if (kind === 6) {
    // No typed output: only `correct` judges it.
    delete r.label;
    delete r.score;
    r.feedback.push({ afterMs: 5000, correct: right, score: 1 });
  } else if (kind === 7)
    // Past the label delay: ignored.
    r.feedback.push({ afterMs: 8 * DAY, label: truth });
  recs.push(r);
}
// Another project's feedback for the same ids: never counts.
const other = recs.slice(0, 100).map((r) => ({
  ...r,
  project: 'p2',
  feedback: [{ afterMs: 1000, label: 'zzz' }],
}));

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

const spanRows = (rs: Rec[]) =>
  rs.map((r) => ({
    project_id: r.project,
    time: iso(r.timeMs),
    service: 'svc',
    operation: 'predict',
    provider: 'local',
    model: MODEL,
    version: r.version,
    variant: '',
    duration_ms: 10,
    prediction_id: r.id,
  }));
const outputRows = (rs: Rec[]) =>
  rs.flatMap((r) => {
    const base = {
      project_id: r.project,
      model: MODEL,
      version: r.version,
      variant: '',
      kind: 'prediction',
      time: iso(r.timeMs),
      prediction_id: r.id,
    };
    const out: object[] = [];
    if (r.label !== undefined)
      out.push({ ...base, feature: 'prediction.label', is_numeric: 0, num: 0, cat: r.label });
    if (r.score !== undefined)
      out.push({ ...base, feature: 'prediction.score', is_numeric: 1, num: r.score, cat: '' });
    return out;
  });
const feedbackRows = (rs: Rec[], which: (r: Rec, j: number) => boolean) =>
  rs.flatMap((r) =>
    r.feedback
      .filter((_, j) => which(r, j))
      .map((f) => ({
        project_id: r.project,
        time: iso(r.timeMs + f.afterMs),
        prediction_id: r.id,
        label: f.label ?? null,
        score: f.score ?? null,
        correct: f.correct === undefined ? null : Number(f.correct),
      })),
  );

/** The same feedback as `aiobs.feedback` log records (otel_logs: two views down). */
const feedbackLogRows = (rs: Rec[]) =>
  rs.flatMap((r) =>
    r.feedback.map((f) => {
      const attrs: Record<string, string> = { 'aiobs.prediction.id': r.id };
      if (f.label !== undefined) attrs['aiobs.feedback.label'] = f.label;
      if (f.score !== undefined) attrs['aiobs.feedback.score'] = String(f.score);
      if (f.correct !== undefined) attrs['aiobs.feedback.correct'] = String(f.correct);
      return {
        ProjectId: r.project,
        Timestamp: iso(r.timeMs + f.afterMs),
        EventName: 'aiobs.feedback',
        LogAttributes: attrs,
      };
    }),
  );

const all = [...recs, ...other];
const insert = (table: string, values: object[]) =>
  values.length ? engine.client.insert({ table, values, format: 'JSONEachRow' }) : undefined;

/** Orders of arrival: each a list of inserts, in turn. */
const ORDERS: Record<string, () => [string, object[]][]> = {
  'spans, outputs, feedback': () => [
    ['aiobs_inferences', spanRows(all)],
    ['aiobs_feature_values', outputRows(all)],
    ['aiobs_feedback', feedbackRows(all, () => true)],
  ],
  'feedback before its span': () => [
    ['aiobs_feedback', feedbackRows(all, () => true)],
    ['aiobs_inferences', spanRows(all)],
    ['aiobs_feature_values', outputRows(all)],
  ],
  // Half the feedback first (and the first record of each correction), the rest after.
  mixed: () => [
    ['aiobs_feedback', feedbackRows(all, (r, j) => j === 0 && Number(r.id.slice(2)) % 3 !== 0)],
    ['aiobs_inferences', spanRows(all)],
    ['aiobs_feature_values', outputRows(all)],
    ['aiobs_feedback', feedbackRows(all, (r, j) => j > 0 || Number(r.id.slice(2)) % 3 === 0)],
  ],
  // Through otel_logs, as ingest writes feedback (the view on aiobs_feedback runs on the
  // rows another view wrote).
  'feedback as log records': () => [
    ['aiobs_inferences', spanRows(all)],
    ['aiobs_feature_values', outputRows(all)],
    ['otel_logs', feedbackLogRows(all)],
  ],
  // The span row is in, its outputs not yet, when the feedback arrives (separate inserts).
  'outputs after feedback': () => [
    ['aiobs_inferences', spanRows(all)],
    ['aiobs_feedback', feedbackRows(all, () => true)],
    ['aiobs_feature_values', outputRows(all)],
  ],
};

async function reset(): Promise<void> {
  for (const t of [
    'otel_logs',
    'aiobs_inferences',
    'aiobs_feature_values',
    'aiobs_feedback',
    'aiobs_labelled_predictions',
  ])
    await engine.client.command({ query: `TRUNCATE TABLE ${t}` });
}

async function seed(order: string): Promise<void> {
  await reset();
  for (const [table, values] of ORDERS[order]!()) await insert(table, values);
}

/** What the test expects per version: judged and correct predictions. */
function expected(version: string) {
  let judged = 0;
  let correct = 0;
  for (const r of recs) {
    if (r.version !== version) continue;
    const fb = r.feedback.filter((f) => f.afterMs <= 7 * DAY);
    if (fb.length === 0) continue;
    const last = <K extends keyof Fb>(k: K) =>
      [...fb].sort((a, b) => b.afterMs - a.afterMs).find((f) => f[k] !== undefined)?.[k];
    const c = last('correct');
    const truth = last('label');
    const ok =
      c !== undefined
        ? c
        : r.label !== undefined && truth !== undefined
          ? truth === r.label
          : undefined;
    if (ok === undefined) continue;
    judged++;
    if (ok) correct++;
  }
  return { judged, correct };
}

async function answers() {
  const q = new URLSearchParams({
    model: MODEL,
    groupBy: 'version',
    step: '3600000',
    from: String(T0),
    to: String(T0 + 3 * HOUR),
  });
  const res = await app.request(`/quality?${q}`);
  expect(res.status, await res.clone().text()).toBe(200);
  const quality = (await res.json()) as ModelQualityResponse;
  const significance = await createCompareSignificance({ db }).compute({
    project: 'default',
    model: MODEL,
    a: { dimension: 'version', value: 'v1' },
    b: { dimension: 'version', value: 'v2' },
    filter: {},
    fromMs: T0,
    toMs: T0 + 3 * HOUR,
    figures: { requests: [300, 300], errors: [0, 0] },
    query: {},
  });
  // A mean summed in another order may differ in its last bit (CI saw
  // 0.4564782608695652 against 0.45647826086956517), so fractions are compared
  // to 12 significant digits: the same answer to anyone reading it.
  return toPrecision12({ quality: quality.groups, accuracy: significance.accuracy });
}

function toPrecision12<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (_k, x) =>
      typeof x === 'number' && !Number.isInteger(x) ? Number(x.toPrecision(12)) : x,
    ),
  ) as T;
}

const count = async (sql: string) =>
  Number(
    (
      await db.rows<{ n: string }>(sql, {
        project: 'default',
        fbFromMs: 0,
        fbToMs: Date.now() + 30 * DAY,
      })
    )[0]!.n,
  );

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-labelled-int-'));
  engine = await openEngine(loadConfig({ dataDir: dir }, {}));
  await migrate(engine, { retentionDays: 30, fsync: false }, log);
  db = createDb(engine);
  app = new Hono<AppEnv>()
    .use('*', trustedProjectScope())
    .route('/quality', qualityRoutes(createQualityRepo(db)));
}, 120_000);

afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('labelled predictions: the same answer in every order of arrival', () => {
  let reference: Awaited<ReturnType<typeof answers>>;

  test('spans first: feedback is read from the labelled rows, figures as computed here', async () => {
    await seed('spans, outputs, feedback');
    const t = labelledTables(db);
    // One labelled row per feedback record of a span in the same project (p2's records
    // label p2's spans); with outputs for every span that has them.
    const withOutputs = recs.filter((r) => r.label !== undefined);
    const fbOf = (rs: Rec[]) => rs.reduce((n, r) => n + r.feedback.length, 0);
    expect(
      await count(
        `SELECT count() AS n FROM ${t.labelled} WHERE project_id = 'default' AND outputs = 1`,
      ),
    ).toBe(fbOf(withOutputs));
    expect(
      await count(
        `SELECT count() AS n FROM ${t.labelled} WHERE project_id = 'default' AND outputs = 0`,
      ),
    ).toBe(fbOf(recs) - fbOf(withOutputs));
    // Only the feedback of spans without outputs is left to the query-time join.
    expect(await count(`SELECT count() AS n FROM (${unresolvedSql(t)})`)).toBe(
      fbOf(recs) - fbOf(withOutputs),
    );

    reference = await answers();
    const acc = reference.accuracy as MeasureSignificance;
    const [a, b] = [expected('v1'), expected('v2')];
    expect(a.judged).toBeGreaterThan(200);
    expect([acc.nA, acc.nB]).toEqual([a.judged, b.judged]);
    expect(acc.a).toBeCloseTo(a.correct / a.judged, 10);
    expect(acc.b).toBeCloseTo(b.correct / b.judged, 10);
    const v1 = reference.quality.find((g) => g.group.version === 'v1')!;
    expect(v1.total.accuracy).toBeCloseTo(a.correct / a.judged, 10);
  });

  for (const order of Object.keys(ORDERS).slice(1))
    test(`${order}: same answer`, async () => {
      await seed(order);
      if (order === 'feedback as log records') {
        const withOutputs = recs.filter((r) => r.label !== undefined);
        const n = withOutputs.reduce((k, r) => k + r.feedback.length, 0);
        expect(
          await count(
            "SELECT count() AS n FROM aiobs_labelled_predictions WHERE project_id = 'default' AND outputs = 1",
          ),
        ).toBe(n);
      }
      expect(await answers()).toEqual(reference);
    });

  test('unresolved ids bound as a list or left to a subquery: same counts', async () => {
    await seed('feedback before its span');
    const tables = labelledTables(db);
    const scan = { project: 'default', fbFromMs: T0 - 7 * DAY, fbToMs: T0 + 3 * HOUR + 7 * DAY };
    const u = await findUnresolved(db, tables, scan);
    expect(u.live).toBe('ids');
    const where = `project_id = {project:String} AND model = {model:String}
      AND time >= fromUnixTimestamp64Milli({fromMs:Int64}) AND time < fromUnixTimestamp64Milli({toMs:Int64})`;
    const params = {
      ...scan,
      model: MODEL,
      fromMs: T0,
      toMs: T0 + 3 * HOUR,
      delayMs: 7 * DAY,
      aValue: 'v1',
      bValue: 'v2',
    };
    const arm = (v: string) => ({ dimension: 'version' as const, value: v });
    const run = (live: LiveJoin, extra: object) =>
      db.rows(armAccuracySql(tables, arm('v1'), arm('v2'), where, live), { ...params, ...extra });
    const byList = await run('ids', u.params);
    expect(byList).toHaveLength(2);
    expect(await run('query', {})).toEqual(byList);
  });

  test('without any labelled row (all joined at query time): same answer', async () => {
    await seed('spans, outputs, feedback');
    await engine.client.command({ query: 'TRUNCATE TABLE aiobs_labelled_predictions' });
    expect(await answers()).toEqual(reference);
  });
});
