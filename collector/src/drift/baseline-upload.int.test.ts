import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DriftResponse } from '../api/types.js';
import { loadConfig } from '../config.js';
import { AppError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { createDb, type Db } from '../storage/db.js';
import { type Engine, openEngine } from '../storage/engine.js';
import { migrate } from '../storage/migrate.js';
import { trustedProjectScope } from '../testing/project-scope.js';
import { normal, rng } from './__fixtures__/scipy.js';
import { baselineCreateRoutes } from './baseline-create-routes.js';
import { createBaselinesRepo } from './baselines-repo.js';
import { createDriftRepo } from './repo.js';
import { engineTime } from './results.js';
import { driftRoutes } from './routes.js';

// Uploaded samples (JSON, CSV streamed, multipart) on the real engine: typed, validated
// with the row and column named, capped, limited in size, and giving the same figures as
// a baseline of the same values taken from stored rows.

const log = pino({ level: 'silent' });
const HOUR = 3_600_000;
const T0 = Math.floor((Date.now() - 5 * HOUR) / HOUR) * HOUR;
const REF = { fromMs: T0, toMs: T0 + HOUR };
const CUR = { fromMs: T0 + 2 * HOUR, toMs: T0 + 3 * HOUR };
const MODEL = 'uploaded';

const rand = rng(11);
const refX = normal(rand, 600, 10, 2);
const refC = Array.from({ length: 600 }, (_, i) => ['a', 'b', 'c'][i % 3]!);
const refScore = normal(rand, 600, 0.5, 0.1);

let dir: string;
let engine: Engine;
let db: Db;
let app: Hono<AppEnv>;

function onError(err: Error, c: import('hono').Context) {
  if (err instanceof AppError)
    return c.json(
      { error: { code: err.code, message: err.message, field: err.options.field } },
      err.status as 400,
    );
  throw err;
}

function featureRows(startMs: number, xs: number[], cs: string[], scores: number[]) {
  const base = { project_id: 'default', model: MODEL, version: 'v1', variant: '' };
  const at = (i: number) => engineTime(startMs + i * 1000);
  return [
    ...xs.map((x, i) => ({
      ...base,
      kind: 'feature',
      feature: 'x',
      time: at(i),
      prediction_id: `x${startMs}-${i}`,
      is_numeric: 1,
      num: x,
      cat: '',
    })),
    ...cs.map((c, i) => ({
      ...base,
      kind: 'feature',
      feature: 'c',
      time: at(i),
      prediction_id: `c${startMs}-${i}`,
      is_numeric: 0,
      num: 0,
      cat: c,
    })),
    ...scores.map((s, i) => ({
      ...base,
      kind: 'prediction',
      feature: 'prediction.score',
      time: at(i),
      prediction_id: `s${startMs}-${i}`,
      is_numeric: 1,
      num: s,
      cat: '',
    })),
  ];
}

const csvText = () =>
  `x,c,prediction.score\n${refX.map((x, i) => `${x},${refC[i]},${refScore[i]}`).join('\n')}\n`;

/** A body that arrives in small pieces and has no Content-Length. */
function streamed(text: string, piece = 997): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + piece));
      at += piece;
    },
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-drift-upload-'));
  engine = await openEngine(loadConfig({ dataDir: dir }, {}));
  await migrate(engine, { retentionDays: 30, fsync: false }, log);
  db = createDb(engine);
  await engine.client.insert({
    table: 'aiobs_feature_values',
    values: [
      ...featureRows(REF.fromMs, refX, refC, refScore),
      ...featureRows(
        CUR.fromMs,
        normal(rand, 400, 10.5, 2),
        Array.from({ length: 400 }, (_, i) => ['a', 'b', 'c'][i % 4 === 3 ? 0 : i % 3]!),
        normal(rand, 400, 0.5, 0.1),
      ),
    ],
    format: 'JSONEachRow',
  });
  app = new Hono<AppEnv>()
    .use('*', trustedProjectScope())
    .route('/drift', driftRoutes(createDriftRepo(db), createBaselinesRepo(engine, db)))
    .onError(onError);
}, 120_000);

afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Created {
  id: string;
  source: string;
  valueTypes?: Record<string, string>;
  isDefault: boolean;
  thresholds: string;
  features: Array<{ kind: string; feature: string; type: string; count: number }>;
}

async function post(path: string, init: RequestInit & { duplex?: 'half' }) {
  const res = await app.request(path, { method: 'POST', ...init });
  return {
    status: res.status,
    body: (await res.json()) as Created & { error?: { field?: string; message: string } },
  };
}

async function driftAgainst(baseline: string): Promise<DriftResponse> {
  const q = new URLSearchParams({
    baseline,
    from: String(CUR.fromMs),
    to: String(CUR.toMs),
    version: 'v1',
  });
  const res = await app.request(`/drift?${q}`);
  expect(res.status).toBe(200);
  return (await res.json()) as DriftResponse;
}

function sameFigures(a: DriftResponse, b: DriftResponse) {
  const all = (r: DriftResponse) => [...r.features, ...r.predictions];
  expect(all(a).map((f) => f.feature)).toEqual(all(b).map((f) => f.feature));
  for (const [i, f] of all(a).entries()) {
    const g = all(b)[i]!;
    expect(f.referenceCount).toBe(g.referenceCount);
    expect(f.verdict).toBe(g.verdict);
    for (const k of [
      'psi',
      'jensenShannon',
      'ksPValue',
      'wassersteinNormed',
      'chiSquarePValue',
    ] as const)
      if (f[k] === null) expect(g[k]).toBeNull();
      else expect(Math.abs(f[k]! - g[k]!), `${f.feature} ${k}`).toBeLessThan(1e-12);
  }
}

describe('uploaded baseline samples', () => {
  let rangeId: string;
  beforeAll(async () => {
    const { body } = await post('/drift/baselines', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'range', model: MODEL, from: REF.fromMs, to: REF.toMs }),
    });
    rangeId = body.id;
  });

  test('JSON: typed by JSON type, the same figures as the same values stored', async () => {
    const sample = refX.map((x, i) => ({ x, c: refC[i], 'prediction.score': refScore[i] }));
    const { status, body } = await post('/drift/baselines', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'json', model: MODEL, sample, default: true }),
    });
    expect(status).toBe(201);
    expect(body.source).toBe('sample');
    expect(body.isDefault).toBe(true);
    expect(body.valueTypes).toEqual({
      x: 'numeric',
      c: 'categorical',
      'prediction.score': 'numeric',
    });
    expect(body.features).toEqual([
      { kind: 'feature', feature: 'c', type: 'categorical', count: 600 },
      { kind: 'feature', feature: 'x', type: 'numeric', count: 600 },
      { kind: 'prediction', feature: 'prediction.score', type: 'numeric', count: 600 },
    ]);
    sameFigures(await driftAgainst(body.id), await driftAgainst(rangeId));
  });

  test('CSV, streamed with no length: the same figures', async () => {
    const q = new URLSearchParams({
      name: 'csv',
      model: MODEL,
      types: 'x:numeric,c:categorical,prediction.score:numeric',
    });
    const { status, body } = await post(`/drift/baselines?${q}`, {
      headers: { 'content-type': 'text/csv; charset=utf-8' },
      body: streamed(csvText()),
      duplex: 'half',
    });
    expect(status).toBe(201);
    expect(body.isDefault).toBe(false);
    sameFigures(await driftAgainst(body.id), await driftAgainst(rangeId));
  });

  test('multipart: fields and a CSV file part', async () => {
    const form = new FormData();
    form.set('name', 'multipart');
    form.set('model', MODEL);
    form.set('types', 'x:numeric,c:categorical,prediction.score:numeric');
    form.set('thresholds', 'reference');
    form.set('sample', new Blob([csvText()], { type: 'text/csv' }), 'ref.csv');
    const { status, body } = await post('/drift/baselines', { body: form });
    expect(status).toBe(201);
    expect(body.thresholds).toBe('reference');
    sameFigures(await driftAgainst(body.id), await driftAgainst(rangeId));
  });

  test('bad input is refused with the row and column named', async () => {
    const csv = (types: string, text: string) =>
      post(`/drift/baselines?${new URLSearchParams({ name: 'bad', model: MODEL, types })}`, {
        headers: { 'content-type': 'text/csv' },
        body: text,
      });
    const cell = await csv('x:numeric,c:categorical', 'x,c\n1,a\n2,b\nthree,c\n');
    expect(cell.status).toBe(400);
    expect(cell.body.error?.field).toBe('rows[3].x');
    expect((await csv('', 'x\n1\n')).body.error?.field).toBe('types');
    expect((await csv('x:numeric', 'x,y\n1,2\n')).body.error?.field).toBe('types');
    const ragged = await csv('x:numeric,c:categorical', 'x,c\n1,a\n2\n');
    expect(ragged.status).toBe(400);
    expect(ragged.body.error?.message).toMatch(/CSV line 3/);
    const json = await post('/drift/baselines', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bad', model: MODEL, sample: [{ x: 1 }, { x: 'one' }] }),
    });
    expect(json.status).toBe(400);
    expect(json.body.error?.field).toBe('sample[1].x');
    const empty = await post('/drift/baselines', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'empty', model: MODEL, sample: [{ x: null }] }),
    });
    expect(empty.status).toBe(400);
    expect(empty.body.error?.field).toBe('sample');
    const xml = await post('/drift/baselines', {
      headers: { 'content-type': 'application/xml' },
      body: '<x/>',
    });
    expect(xml.status).toBe(415);
    // None of the refused uploads left a baseline behind.
    const listed = (await (await app.request('/drift/baselines')).json()) as {
      baselines: Array<{ name: string }>;
    };
    expect(listed.baselines.map((b) => b.name).sort()).toEqual([
      'csv',
      'json',
      'multipart',
      'range',
    ]);
  });

  test('the size limit holds for streamed bodies and declared lengths', async () => {
    const small = new Hono<AppEnv>()
      .use('*', trustedProjectScope())
      .route('/b', baselineCreateRoutes(createBaselinesRepo(engine, db), 10_000))
      .onError(onError);
    const q = new URLSearchParams({ name: 'big', model: MODEL, types: 'x:numeric' });
    const big = `x\n${'1.5\n'.repeat(5000)}`;
    const res = await small.request(`/b?${q}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: streamed(big),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    const declared = await small.request(`/b?${q}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', 'content-length': String(big.length) },
      body: big,
    });
    expect(declared.status).toBe(413);
    // Under it, the same route takes it.
    const ok = await small.request(`/b?${q}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: `x\n${'1.5\n'.repeat(100)}`,
    });
    expect(ok.status).toBe(201);
  });

  test('an uploaded sample is capped per column', async () => {
    const capped = new Hono<AppEnv>()
      .use('*', trustedProjectScope())
      .route('/d', driftRoutes(createDriftRepo(db), createBaselinesRepo(engine, db, 200)))
      .onError(onError);
    const sample = Array.from({ length: 2000 }, (_, i) => ({ x: i, c: `k${i % 7}` }));
    const res = await capped.request('/d/baselines', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'capped', model: MODEL, sample }),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Created;
    expect(body.features.map((f) => f.count)).toEqual([200, 200]);
  });

  test('PATCH makes a baseline the default; one default per model', async () => {
    const listed = (await (await app.request('/drift/baselines')).json()) as {
      baselines: Array<{ id: string; name: string; isDefault: boolean }>;
    };
    const csv = listed.baselines.find((b) => b.name === 'csv')!;
    const res = await app.request(`/drift/baselines/${csv.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ default: true }),
    });
    expect(res.status).toBe(200);
    const after = (await (await app.request('/drift/baselines')).json()) as typeof listed;
    expect(after.baselines.filter((b) => b.isDefault).map((b) => b.name)).toEqual(['csv']);
    const bad = await app.request(`/drift/baselines/${csv.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ thresholds: 'sometimes' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('thresholds');
    const missing = await app.request('/drift/baselines/nope', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ default: true }),
    });
    expect(missing.status).toBe(404);
  });
});
