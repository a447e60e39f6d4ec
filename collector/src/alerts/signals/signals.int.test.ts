import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../config.js';
import { engineTime } from '../../drift/results.js';
import { makeInferences, type SeedInference, toTraceRows } from '../../models/__fixtures__/seed.js';
import { costOf, type Price } from '../../models/prices.js';
import { createPricesRepo } from '../../models/prices-repo.js';
import { createDb, type Db } from '../../storage/db.js';
import { type Engine, openEngine } from '../../storage/engine.js';
import { migrate } from '../../storage/migrate.js';
import type { SignalContext, SignalSample } from '../contract.js';
import { judgeBurn } from './burn-rate.js';
import { createSignalEvaluator } from './index.js';
import { signalSchema } from './schema.js';

// Known inferences, GPU samples, metric points, drift results and feedback are written the
// way their writers write them (span rows into otel_traces, points into the metric tables:
// the materialized views build the rollups); each signal's value is compared with one
// computed here from what was sent: counts and sums exactly, quantiles within DDSketch's 1%.

const log = pino({ level: 'silent' });
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const LLM = 'acme/gpt-x:2025';
const T0 = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;
const PRICE: Price = {
  provider: 'openai',
  model: LLM,
  effectiveFrom: '2020-01-01',
  inputPerMillion: 2,
  outputPerMillion: 8,
  cacheReadPerMillion: 0.5,
};

let dir: string;
let engine: Engine;
let db: Db;
let ctx: SignalContext;
let seeds: SeedInference[];
/** `user.id` of each seeded span. */
const userOf = (s: SeedInference) => `u${Number.parseInt(s.spanId, 16) % 3}`;
const signals = createSignalEvaluator();

async function insert(table: string, values: object[]) {
  await engine.client.insert({
    table,
    values,
    format: 'JSONEachRow',
    clickhouse_settings: { date_time_input_format: 'best_effort' },
  });
}

/** Evaluates a signal (parsed as a rule would be) over `[toMs - windowMs, toMs)`. */
function evaluate(signal: unknown, toMs: number, windowMs: number): Promise<SignalSample> {
  return signals.evaluate(ctx, signalSchema.parse(signal), { fromMs: toMs - windowMs, toMs });
}

const within1 = (got: number | null, want: number) => {
  expect(got).not.toBeNull();
  expect(Math.abs(got! / want - 1), `${got} vs ${want}`).toBeLessThanOrEqual(0.01);
};

/** The element DDSketch approximates: rank floor(q(n-1)) of the sorted sample. */
const rankOf = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;

const inWindow = (from: number, to: number, model = LLM) =>
  seeds.filter((s) => s.model === model && s.timeMs >= from && s.timeMs < to);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-signals-int-'));
  engine = await openEngine(loadConfig({ dataDir: dir }, {}));
  await migrate(engine, { retentionDays: 30, fsync: false }, log);
  db = createDb(engine);
  ctx = { db, project: 'default' };
  await createPricesRepo(engine, db).replace('default', [PRICE]);
  seeds = makeInferences({
    project: 'default',
    firstId: 0,
    count: 1800,
    startMs: T0,
    spanMs: 3 * HOUR,
    v2FromMs: T0 + HOUR,
    seed: 7,
  });
  const rows = toTraceRows(seeds) as { SpanId: string; SpanAttributes: Record<string, string> }[];
  for (const [i, r] of rows.entries()) r.SpanAttributes['user.id'] = userOf(seeds[i]!);
  await insert('otel_traces', rows.slice(0, 900));
  await insert('otel_traces', rows.slice(900));
  // Another project's inferences must never count.
  const other = makeInferences({
    project: 'other',
    firstId: 90_000,
    count: 300,
    startMs: T0,
    spanMs: 3 * HOUR,
    v2FromMs: T0,
    seed: 8,
  });
  await insert('otel_traces', toTraceRows(other));
});

afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('inference kinds from the rollups', () => {
  const from = T0 + HOUR;
  const to = T0 + 2 * HOUR;

  test('latency, TTFT and queue wait percentiles within 1% of the exact rank', async () => {
    const rows = inWindow(from, to);
    const p95 = await evaluate({ kind: 'latency', quantile: 0.95, model: LLM }, to, HOUR);
    within1(
      p95.value,
      rankOf(
        rows.map((r) => r.durationNs / 1e6),
        0.95,
      ),
    );
    expect(p95.details?.inferences).toBe(rows.length);
    const ttft = await evaluate({ kind: 'ttft', quantile: 0.9, model: LLM }, to, HOUR);
    const streams = rows.filter((r) => r.ttftS !== undefined);
    within1(
      ttft.value,
      rankOf(
        streams.map((r) => r.ttftS! * 1000),
        0.9,
      ),
    );
    const wait = await evaluate({ kind: 'queueWait', quantile: 0.5, model: LLM }, to, HOUR);
    const queued = rows.filter((r) => r.queueWaitS !== undefined);
    within1(
      wait.value,
      rankOf(
        queued.map((r) => r.queueWaitS! * 1000),
        0.5,
      ),
    );
    // A latency level the rollups do not store (0.75) is read from the same sketch.
    const p75 = await evaluate({ kind: 'latency', quantile: 0.75, model: LLM }, to, HOUR);
    within1(
      p75.value,
      rankOf(
        rows.map((r) => r.durationNs / 1e6),
        0.75,
      ),
    );
  });

  test('error rate, throughput, tokens, cache hit rate and cost exactly', async () => {
    const rows = inWindow(from, to).filter((r) => r.service === 'svc-a');
    const f = { model: LLM, service: 'svc-a' };
    const errors = await evaluate({ kind: 'errorRate', ...f }, to, HOUR);
    expect(errors.value).toBeCloseTo(rows.filter((r) => r.error).length / rows.length, 12);
    const rps = await evaluate({ kind: 'throughput', ...f }, to, HOUR);
    expect(rps.value).toBeCloseTo(rows.length / 3600, 12);
    const out = await evaluate({ kind: 'tokens', tokenType: 'output', ...f }, to, HOUR);
    expect(out.value).toBe(rows.reduce((a, r) => a + r.outputTokens, 0));
    const perS = await evaluate({ kind: 'tokens', per: 's', ...f }, to, HOUR);
    const total = rows.reduce((a, r) => a + r.inputTokens + r.outputTokens, 0);
    expect(perS.value).toBeCloseTo(total / 3600, 9);
    const hits = await evaluate({ kind: 'cacheHitRate', ...f }, to, HOUR);
    expect(hits.value).toBeCloseTo(rows.filter((r) => r.cacheHit).length / rows.length, 12);
    const cost = await evaluate({ kind: 'cost', ...f }, to, HOUR);
    const want = rows.reduce(
      (a, r) =>
        a +
        costOf(
          { input: r.inputTokens, output: r.outputTokens, cacheRead: r.cacheReadTokens ?? 0 },
          PRICE,
        ),
      0,
    );
    expect(want).toBeGreaterThan(0);
    expect(cost.value).toBeCloseTo(want, 9);
  });

  test('a window under 2 minutes reads the raw rows exactly', async () => {
    const at = T0 + HOUR + 30 * MIN + 17_000;
    const rows = inWindow(at - 90_000, at);
    expect(rows.length).toBeGreaterThan(5);
    const r = await evaluate({ kind: 'errorRate', model: LLM }, at, 90_000);
    expect(r.value).toBeCloseTo(rows.filter((x) => x.error).length / rows.length, 12);
    expect(r.details?.inferences).toBe(rows.length);
  });

  test('a window widens to the minute it starts in and counts the minute in progress', async () => {
    const at = T0 + HOUR + 30 * MIN + 17_000;
    const rows = inWindow(T0 + HOUR + 25 * MIN, at + 43_000);
    const r = await evaluate({ kind: 'throughput', model: LLM }, at, 5 * MIN);
    expect(r.details?.inferences).toBe(rows.length);
    expect(r.value).toBeCloseTo(rows.length / ((5 * MIN + 17_000) / 1000), 9);
  });

  test('host and span attribute filters read the raw rows of the window', async () => {
    const host = await evaluate({ kind: 'errorRate', host: 'node-gpu-host-1' }, to, HOUR);
    const onHost = seeds.filter(
      (s) => s.host === 'gpu-host-1' && s.timeMs >= from && s.timeMs < to,
    );
    expect(host.value).toBeCloseTo(onHost.filter((s) => s.error).length / onHost.length, 12);
    const user = await evaluate(
      { kind: 'throughput', model: LLM, attributes: { 'user.id': 'u1' } },
      to,
      HOUR,
    );
    expect(user.details?.inferences).toBe(
      inWindow(from, to).filter((s) => userOf(s) === 'u1').length,
    );
  });

  test('no inferences: ratios and quantiles have no value, sums are 0', async () => {
    expect((await evaluate({ kind: 'errorRate', model: 'nope' }, to, HOUR)).value).toBeNull();
    expect(
      (await evaluate({ kind: 'latency', quantile: 0.5, model: 'nope' }, to, HOUR)).value,
    ).toBeNull();
    expect((await evaluate({ kind: 'throughput', model: 'nope' }, to, HOUR)).value).toBe(0);
    expect((await evaluate({ kind: 'errorRate', model: LLM }, to, HOUR)).value).not.toBeNull();
    const other = await signals.evaluate(
      { db, project: 'nobody' },
      signalSchema.parse({ kind: 'cost' }),
      {
        fromMs: from,
        toMs: to,
      },
    );
    expect(other.value).toBe(0);
  });

  test('the preview series is one evaluation per point, over trailing windows', async () => {
    const signal = signalSchema.parse({ kind: 'latency', quantile: 0.95, model: LLM });
    const series = await signals.series(ctx, signal, 30 * MIN, {
      fromMs: T0 + 30 * MIN,
      toMs: T0 + 170 * MIN,
      stepMs: 20 * MIN,
    });
    expect(series.map((p) => Date.parse(p.time))).toEqual(
      [30, 50, 70, 90, 110, 130, 150, 170].map((m) => T0 + m * MIN),
    );
    for (const p of series) {
      const t = Date.parse(p.time);
      const one = await evaluate(signal, t, 30 * MIN);
      expect(p.value).toBe(one.value);
      within1(
        p.value,
        rankOf(
          inWindow(t - 30 * MIN, t).map((r) => r.durationNs / 1e6),
          0.95,
        ),
      );
    }
  });

  test('top traces: the slowest failed inferences of the window', async () => {
    const signal = signalSchema.parse({ kind: 'errorRate', model: LLM });
    const got = await signals.topTraces(ctx, signal, { fromMs: from, toMs: to }, 5);
    const want = inWindow(from, to)
      .filter((r) => r.error)
      .sort((a, b) => b.durationNs - a.durationNs)
      .slice(0, 5);
    expect(got.map((t) => t.spanId)).toEqual(want.map((r) => r.spanId));
    expect(got[0]!.durationMs).toBeCloseTo(want[0]!.durationNs / 1e6, 6);
  });
});

describe('batched reads (evaluateMany)', () => {
  test('many signals share one query per stored level, window and end, each equal to its lone read', async () => {
    const at = T0 + HOUR + 30 * MIN + 17_000;
    const kinds = [
      { kind: 'latency', quantile: 0.95 },
      { kind: 'latency', quantile: 0.5 },
      { kind: 'ttft', quantile: 0.9 },
      { kind: 'queueWait', quantile: 0.99 },
      { kind: 'errorRate' },
      { kind: 'throughput' },
      { kind: 'tokens', tokenType: 'output', per: 's' },
      { kind: 'tokens' },
      { kind: 'cacheHitRate' },
      { kind: 'cost' },
    ];
    const filters = [
      { model: LLM },
      { model: LLM, service: 'svc-a' },
      { model: LLM, version: 'v2' },
      { model: 'no-such-model' },
      {},
    ];
    // Windows on each stored level (raw under 2 minutes, minutes to a day, hours beyond);
    // the host-filtered and GPU signals cannot batch and are read alone, in place.
    const windows = [90_000, HOUR, 2 * DAY];
    const items = windows.flatMap((w) =>
      kinds.flatMap((k) =>
        filters.map((f) => ({
          signal: signalSchema.parse({ ...k, ...f }),
          window: { fromMs: at - w, toMs: at },
        })),
      ),
    );
    const alone = [
      { kind: 'errorRate', model: LLM, host: 'h1' },
      { kind: 'gpuUtilization', model: LLM },
    ].map((x) => ({ signal: signalSchema.parse(x), window: { fromMs: at - HOUR, toMs: at } }));
    const all = [...alone, ...items];
    let queries = 0;
    const counting: Db = Object.assign(Object.create(db) as Db, {
      rows: ((sql, params) => {
        queries++;
        return db.rows(sql, params);
      }) as Db['rows'],
    });
    const settled = await signals.evaluateMany!({ db: counting, project: 'default' }, all);
    // Per window: one query for the nine rollup kinds, one for cost (the price join);
    // the two signals that cannot batch take one or two each (GPU reads the host join).
    expect(queries - 2 * windows.length).toBeLessThanOrEqual(alone.length * 2);
    expect(queries).toBeLessThan(all.length / 5);
    for (const [i, r] of settled.entries()) {
      const { signal, window } = all[i]!;
      expect(r.status, JSON.stringify(signal)).toBe('fulfilled');
      const got = (r as PromiseFulfilledResult<SignalSample>).value;
      const want = await signals.evaluate(ctx, signal, window);
      const what = `${JSON.stringify(signal)} over ${window.toMs - window.fromMs} ms`;
      expect(got.details, what).toEqual(want.details);
      if (want.value === null) expect(got.value, what).toBeNull();
      else
        expect(Math.abs(got.value! - want.value), what).toBeLessThanOrEqual(
          1e-9 * Math.max(1, Math.abs(want.value)),
        );
    }
    // The seeded traffic is really there: most samples of the seeded model have data.
    const withData = settled.filter(
      (r, i) =>
        r.status === 'fulfilled' &&
        (all[i]!.signal as { model?: string }).model === LLM &&
        Number(r.value.details?.inferences) > 0,
    );
    expect(withData.length).toBeGreaterThan(items.length / 3);
  });
});

describe('budgets', () => {
  const at = T0 + 3 * HOUR;
  const cost = (rows: SeedInference[]) =>
    rows.reduce(
      (a, r) =>
        a +
        (r.model === LLM
          ? costOf(
              { input: r.inputTokens, output: r.outputTokens, cacheRead: r.cacheReadTokens ?? 0 },
              PRICE,
            )
          : 0),
      0,
    );

  test('per project, per model and per span attribute, as a share of the limit', async () => {
    const rows = seeds.filter((s) => s.timeMs >= at - 3 * HOUR && s.timeMs < at);
    const project = await evaluate({ kind: 'budget', limitUsd: 0.5, window: '3h' }, at, 5 * MIN);
    expect(project.details?.spentUsd).toBeCloseTo(cost(rows), 9);
    expect(project.value).toBeCloseTo(cost(rows) / 0.5, 9);
    const byModel = await evaluate(
      { kind: 'budget', limitUsd: 1, by: 'model', window: '3h' },
      at,
      5 * MIN,
    );
    expect(byModel.details?.spentUsd).toBeCloseTo(cost(rows), 9);
    expect(byModel.details?.groups).toBe(2);
    const byUser = await evaluate(
      { kind: 'budget', limitUsd: 0.1, by: { attribute: 'user.id' }, window: '3h' },
      at,
      5 * MIN,
    );
    const perUser = ['u0', 'u1', 'u2'].map((u) => cost(rows.filter((r) => userOf(r) === u)));
    expect(byUser.details?.groups).toBe(3);
    expect(byUser.details?.spentUsd).toBeCloseTo(Math.max(...perUser), 9);
    expect(byUser.value).toBeCloseTo(Math.max(...perUser) / 0.1, 9);
  });
});

describe('SLO burn rates from the rollup counts', () => {
  const at = T0 + 3 * HOUR;
  const counts = (from: number, good: (s: SeedInference) => boolean, streamsOnly = false) => {
    const rows = seeds.filter(
      (s) => s.timeMs >= from && s.timeMs < at && (!streamsOnly || s.ttftS !== undefined),
    );
    return { good: rows.filter(good).length, total: rows.length };
  };

  test('errors: each window and the budget left equal the counts sent', async () => {
    const got = await evaluate(
      { kind: 'slo', objective: { kind: 'errors' }, target: 0.99, period: '30d' },
      at,
      5 * MIN,
    );
    const ok = (s: SeedInference) => !s.error;
    const want = judgeBurn({
      windows: {
        [5 * MIN]: counts(at - 5 * MIN, ok),
        [30 * MIN]: counts(at - 30 * MIN, ok),
        [HOUR]: counts(at - HOUR, ok),
        [6 * HOUR]: counts(at - 6 * HOUR, ok),
      },
      period: counts(at - 30 * DAY, ok),
      target: 0.99,
      periodMs: 30 * DAY,
    });
    expect(got).toEqual(want);
    // About 1 in 5 seeded inferences fails: far over a 1% budget, so it pages.
    expect(got.breach).toBe('firing');
    expect(got.details?.errorBudgetRemaining).toBeLessThan(0);
  });

  test('TTFT under a bucket boundary: good streams counted from the fixed buckets', async () => {
    const got = await evaluate(
      { kind: 'slo', objective: { kind: 'ttft', thresholdMs: 160 }, target: 0.5, model: LLM },
      at,
      5 * MIN,
    );
    const ok = (s: SeedInference) => s.model === LLM && s.ttftS! * 1000 <= 160;
    const llmStreams = (from: number) => {
      const c = counts(from, ok, true);
      const total = seeds.filter(
        (s) => s.model === LLM && s.ttftS !== undefined && s.timeMs >= from && s.timeMs < at,
      ).length;
      return { good: c.good, total };
    };
    expect(got).toEqual(
      judgeBurn({
        windows: {
          [5 * MIN]: llmStreams(at - 5 * MIN),
          [30 * MIN]: llmStreams(at - 30 * MIN),
          [HOUR]: llmStreams(at - HOUR),
          [6 * HOUR]: llmStreams(at - 6 * HOUR),
        },
        period: llmStreams(at - 30 * DAY),
        target: 0.5,
        periodMs: 30 * DAY,
      }),
    );
  });
});

describe('GPU kinds through the model → host join', () => {
  const HOSTS = ['node-gpu-host-1', 'node-gpu-host-2', 'node-idle'];
  const samples: {
    host: string;
    gpu: string;
    metric: string;
    reason: string;
    ms: number;
    v: number;
  }[] = [];

  beforeAll(async () => {
    const gauge: object[] = [];
    const sums: object[] = [];
    for (let m = 0; m < 180; m++)
      for (const [h, host] of HOSTS.entries())
        for (const g of [0, 1])
          for (const off of [10_000, 40_000]) {
            const gpu = `GPU-${host}-${g}`;
            const ms = T0 + m * MIN + off;
            const load = ((m * 7 + h * 13 + g * 5 + off / 10_000) % 100) / 100;
            const points: [string, Record<string, string>, number, object[]][] = [
              ['hw.gpu.utilization', { 'hw.gpu.task': 'general' }, load, gauge],
              ['hw.gpu.utilization', { 'hw.gpu.task': 'decoder' }, 0.99, gauge],
              ['hw.temperature', {}, 40 + 40 * load, gauge],
              [
                'aiobs.gpu.throttle.active',
                { 'aiobs.gpu.throttle.reason': 'hw_slowdown' },
                load > 0.8 ? 1 : 0,
                gauge,
              ],
              [
                'aiobs.gpu.throttle.active',
                { 'aiobs.gpu.throttle.reason': 'sw_power_cap' },
                load > 0.5 ? 1 : 0,
                gauge,
              ],
              ['hw.gpu.memory.usage', {}, 1e9 * (1 + load), sums],
              ['hw.gpu.memory.limit', {}, 8e9, sums],
            ];
            for (const [metric, attrs, v, table] of points) {
              table.push({
                ResourceAttributes: { 'host.name': host },
                ServiceName: 'aiobs-agent',
                MetricName: metric,
                Attributes: { 'hw.id': gpu, 'hw.name': `GPU ${g}`, 'hw.type': 'gpu', ...attrs },
                TimeUnix: new Date(ms).toISOString(),
                StartTimeUnix: new Date(ms).toISOString(),
                Value: v,
                ProjectId: 'default',
              });
              const reason = attrs['aiobs.gpu.throttle.reason'] ?? attrs['hw.gpu.task'] ?? '';
              samples.push({ host, gpu, metric, reason, ms, v });
            }
          }
    await insert('otel_metrics_gauge', gauge);
    await insert('otel_metrics_sum', sums);
  });

  const from = T0 + HOUR;
  const to = T0 + HOUR + 30 * MIN;
  /** Per GPU of the serving hosts: `fold` of each reason's samples, then the max reason. */
  function perGpu(metric: string, fold: (xs: number[]) => number, reason?: (r: string) => boolean) {
    const out: number[] = [];
    for (const host of HOSTS.slice(0, 2))
      for (const g of [0, 1]) {
        const s = samples.filter(
          (x) =>
            x.gpu === `GPU-${host}-${g}` &&
            x.metric === metric &&
            x.ms >= from &&
            x.ms < to &&
            (!reason || reason(x.reason)),
        );
        const reasons = [...new Set(s.map((x) => x.reason))];
        out.push(
          Math.max(...reasons.map((r) => fold(s.filter((x) => x.reason === r).map((x) => x.v)))),
        );
      }
    return out;
  }
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  test('utilization (general task), temperature, throttling and memory of the serving GPUs', async () => {
    const util = await evaluate({ kind: 'gpuUtilization', model: LLM }, to, 30 * MIN);
    const want = perGpu('hw.gpu.utilization', avg, (r) => r === 'general');
    expect(util.value).toBeCloseTo(Math.max(...want), 12);
    expect(util.details?.gpus).toBe(4);
    const coolest = await evaluate(
      { kind: 'gpuTemperature', model: LLM, aggregation: 'max', across: 'min' },
      to,
      30 * MIN,
    );
    expect(coolest.value).toBeCloseTo(
      Math.min(...perGpu('hw.temperature', (xs) => Math.max(...xs))),
      12,
    );
    const throttled = await evaluate(
      { kind: 'gpuThrottling', model: LLM, across: 'avg' },
      to,
      30 * MIN,
    );
    expect(throttled.value).toBeCloseTo(avg(perGpu('aiobs.gpu.throttle.active', avg)), 12);
    const mem = await evaluate(
      { kind: 'gpuMemory', host: 'node-idle', gpu: 'GPU-node-idle-1' },
      to,
      30 * MIN,
    );
    const idle = (metric: string) =>
      avg(
        samples
          .filter(
            (x) => x.gpu === 'GPU-node-idle-1' && x.metric === metric && x.ms >= from && x.ms < to,
          )
          .map((x) => x.v),
      );
    expect(mem.value).toBeCloseTo(idle('hw.gpu.memory.usage') / idle('hw.gpu.memory.limit'), 12);
    expect((await evaluate({ kind: 'gpuPower', model: LLM }, to, 30 * MIN)).value).toBeNull();
  });

  test('composite: TTFT p95 while a GPU of the serving hosts is throttled', async () => {
    const rule = {
      kind: 'composite',
      signals: [
        {
          signal: { kind: 'ttft', quantile: 0.95, model: LLM },
          condition: { op: '>', threshold: 1 },
        },
        { signal: { kind: 'gpuThrottling', model: LLM }, condition: { op: '>', threshold: 0.5 } },
      ],
    };
    const got = await evaluate(rule, to, 30 * MIN);
    const streams = inWindow(from, to).filter((r) => r.ttftS !== undefined);
    within1(
      got.details?.ttft ?? null,
      rankOf(
        streams.map((r) => r.ttftS! * 1000),
        0.95,
      ),
    );
    const throttle = Math.max(...perGpu('aiobs.gpu.throttle.active', avg));
    expect(got.details?.gpuThrottling).toBeCloseTo(throttle, 12);
    expect(got.value).toBe(got.details?.ttft);
    expect(got.breach).toBe(throttle > 0.5 ? 'firing' : 'ok');
    const never = structuredClone(rule);
    never.signals[1]!.condition.threshold = 1;
    expect((await evaluate(never, to, 30 * MIN)).breach).toBe('ok');
  });
});

describe('stored metrics, absence and anomaly bands', () => {
  const at = T0 + 2 * HOUR;
  const HISTORY = [10, 11, 9, 10, 12, 10, 8, 10, 11, 9];

  beforeAll(async () => {
    const point = (name: string, ms: number, v: number, attrs: Record<string, string>) => ({
      ResourceAttributes: { 'host.name': 'app-1' },
      ServiceName: 'svc-a',
      MetricName: name,
      Attributes: attrs,
      TimeUnix: new Date(ms).toISOString(),
      StartTimeUnix: new Date(ms).toISOString(),
      Value: v,
      ProjectId: 'default',
    });
    const rows: object[] = [];
    for (let i = 0; i < 120; i++)
      rows.push(
        point('aiobs.inference.queue.depth', T0 + i * 30_000, i % 17, {
          'gen_ai.request.model': LLM,
        }),
      );
    rows.push(
      point('aiobs.inference.queue.depth', T0 + 1000, 99, { 'gen_ai.request.model': 'other' }),
    );
    // A seasonal metric: the same minute of the last ten days, then a spike today.
    rows.push(point('test.seasonal', at - 2 * MIN, 30, {}));
    for (const [d, v] of HISTORY.entries())
      rows.push(point('test.seasonal', at - (d + 1) * DAY - 2 * MIN, v, {}));
    await insert('otel_metrics_gauge', rows);
  });

  test('queue depth and any metric by name, folded as asked', async () => {
    const to = T0 + HOUR;
    const depths = Array.from({ length: 120 }, (_, i) => i % 17);
    const max = await evaluate({ kind: 'queueDepth', model: LLM }, to, HOUR);
    expect(max.value).toBe(16);
    const p90 = await evaluate(
      { kind: 'metric', name: 'aiobs.inference.queue.depth', aggregation: 'p90', model: LLM },
      to,
      HOUR,
    );
    // numpy's linear interpolation: position 0.9 · (n − 1) between the sorted neighbours.
    const sorted = [...depths].sort((a, b) => a - b);
    const pos = 0.9 * (sorted.length - 1);
    const lo = Math.floor(pos);
    expect(p90.value).toBeCloseTo(sorted[lo]! + (pos - lo) * (sorted[lo + 1]! - sorted[lo]!), 12);
    const last = await evaluate(
      {
        kind: 'metric',
        name: 'aiobs.inference.queue.depth',
        aggregation: 'last',
        service: 'svc-a',
        model: LLM,
      },
      to,
      HOUR,
    );
    expect(last.value).toBe(119 % 17);
    const all = await evaluate(
      { kind: 'metric', name: 'aiobs.inference.queue.depth', aggregation: 'max' },
      to,
      HOUR,
    );
    expect(all.value).toBe(99);
  });

  test('absence fires when nothing matched and not otherwise', async () => {
    const none = await evaluate({ kind: 'absence', model: 'gone' }, at, 10 * MIN);
    expect(none).toMatchObject({ value: 0, breach: 'firing' });
    const some = await evaluate({ kind: 'absence', model: LLM }, at, 10 * MIN);
    expect(some.breach).toBe('ok');
    expect(some.value).toBe(inWindow(at - 10 * MIN, at).length);
    const metric = await evaluate(
      { kind: 'absence', metric: 'aiobs.inference.queue.depth' },
      at,
      10 * MIN,
    );
    expect(metric).toMatchObject({ value: 0, breach: 'firing' });
  });

  test('anomaly: the same minute of previous days gives the band and the score', async () => {
    const rule = {
      kind: 'anomaly',
      of: { kind: 'metric', name: 'test.seasonal', aggregation: 'avg' },
    };
    const got = await evaluate(rule, at, 5 * MIN);
    // History sorted: 8 9 9 10 10 10 10 11 11 12 → median 10; |deviations| median 1.
    expect(got.value).toBe(30);
    expect(got.breach).toBe('firing');
    expect(got.details?.historyPoints).toBe(10);
    expect(got.details?.median).toBe(10);
    expect(got.details?.score).toBeCloseTo(20 / 1.4826, 9);
    expect(got.band?.lower).toBeCloseTo(10 - 3 * 1.4826, 9);
    expect(got.band?.upper).toBeCloseTo(10 + 3 * 1.4826, 9);
    const strict = await evaluate({ ...rule, minHistory: 12 }, at, 5 * MIN);
    expect(strict).toEqual({ value: null, details: { insufficientHistory: 10, minHistory: 12 } });
    // The preview draws the band at each point; a point an hour earlier has no history.
    const series = await signals.series(ctx, signalSchema.parse(rule), 5 * MIN, {
      fromMs: at - HOUR,
      toMs: at,
      stepMs: 30 * MIN,
    });
    expect(series.map((p) => p.value)).toEqual([null, null, 30]);
    expect(series[2]!.band).toEqual(got.band);
  });
});

describe('drift results and accuracy from feedback', () => {
  const at = T0 + HOUR;

  beforeAll(async () => {
    const row = (feature: string, endMin: number, score: number | 'nan', computedMs: number) => ({
      project_id: 'default',
      model: LLM,
      version: 'v1',
      variant: '',
      kind: 'feature',
      feature,
      window_start: engineTime(T0 + (endMin - 10) * MIN),
      window_end: engineTime(T0 + endMin * MIN),
      measure: 'psi',
      score,
      p_value: null,
      verdict: 'no_drift',
      reference_n: 100,
      current_n: 100,
      baseline_id: 'b1',
      computed_at: engineTime(computedMs),
    });
    await insert('aiobs_drift_results', [
      row('a', 40, 0.05, T0),
      row('a', 50, 0.12, T0),
      row('a', 60, 0.3, T0),
      row('a', 60, 0.25, T0 + 1000), // recomputed: the newest row wins
      row('b', 50, 0.4, T0),
      row('b', 60, 0.2, T0),
      row('c', 60, 'nan', T0),
      row('a', 70, 0.9, T0), // after the window
    ]);
    // Feedback five minutes after each prediction; correct when the span id is even.
    const feedback = seeds.map((s) => ({
      Timestamp: new Date(s.timeMs + 5 * MIN).toISOString(),
      EventName: 'aiobs.feedback',
      LogAttributes: {
        'aiobs.prediction.id': `p-${s.spanId}`,
        'aiobs.feedback.correct': String(Number.parseInt(s.spanId, 16) % 2 === 0),
      },
      ProjectId: 'default',
    }));
    await insert('otel_logs', feedback);
  });

  test('drift: the latest window per feature, the worst feature unless one is named', async () => {
    const worst = await evaluate({ kind: 'drift', model: LLM }, at, 30 * MIN);
    expect(worst.value).toBe(0.25);
    expect(worst.details?.features).toBe(2);
    expect((await evaluate({ kind: 'drift', model: LLM, feature: 'b' }, at, 30 * MIN)).value).toBe(
      0.2,
    );
    expect(
      (await evaluate({ kind: 'drift', model: LLM, measure: 'ks' }, at, 30 * MIN)).value,
    ).toBeNull();
    expect((await evaluate({ kind: 'drift', model: LLM }, at, 5 * MIN)).value).toBe(0.25);
    expect((await evaluate({ kind: 'drift', model: LLM }, at - MIN, 5 * MIN)).value).toBeNull();
  });

  test('accuracy: share correct of the feedback received in the window', async () => {
    const to = T0 + 2 * HOUR;
    const got = (s: SeedInference) => s.timeMs + 5 * MIN >= to - HOUR && s.timeMs + 5 * MIN < to;
    const correct = (s: SeedInference) => Number.parseInt(s.spanId, 16) % 2 === 0;
    const all = seeds.filter(got);
    const acc = await evaluate({ kind: 'accuracy' }, to, HOUR);
    expect(acc.value).toBeCloseTo(all.filter(correct).length / all.length, 12);
    const resnet = all.filter((s) => s.model !== LLM);
    const classic = await evaluate({ kind: 'accuracy', model: 'local/resnet-50' }, to, HOUR);
    expect(classic.details?.feedback).toBe(resnet.length);
    expect(classic.value).toBeCloseTo(resnet.filter(correct).length / resnet.length, 12);
  });
});
