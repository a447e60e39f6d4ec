#!/usr/bin/env node
// Drift benchmark (issue 9, item 8): `--features` features (default 20; a fifth categorical)
// with `--values` stored values each in the current window (default 500,000: 10 million in
// all) against a stored baseline of `--baseline` values per feature (default 100,000), on the
// embedded engine. Times the per-feature statistics and verdicts (GET /api/v1/drift's work:
// the engine queries and the arithmetic), each query alone, the reference-derived
// thresholds and the multivariate score apart. Rows are generated inside the engine (`numbers()`), not sent over OTLP:
// this measures the drift computation, not ingest (bench/ingest.mjs does that).
// Usage: npm run bench -- drift [--features 20] [--values 500000] [--baseline 100000] [--rounds 5]
// [--timeout 600] (seconds per query)
// Needs the built collector (`npm run build`).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { benchArgs } from './lib/args.mjs';
import { ROOT } from './lib/collector-process.mjs';
import { machineLine } from './lib/machine.mjs';

const dist = (p) => import(join(ROOT, 'collector', 'dist', p));
const { loadConfig } = await dist('config.js');
const { openEngine } = await dist('storage/engine.js');
const { migrate } = await dist('storage/migrate.js');
const { createDb, DEFAULT_QUERY_LIMITS } = await dist('storage/db.js');
const { createDriftRepo, testBatches, testPlans, batchParams, SAMPLE_CAP } =
  await dist('drift/repo.js');
const { multivariateDrift, MAX_JOINT_ROWS } = await dist('drift/multivariate.js');
const { judge } = await dist('drift/verdict.js');
const sql = await dist('drift/sql.js');

const { values: opt } = benchArgs('npm run bench -- drift', {
  options: {
    features: { type: 'string', default: '20' },
    values: { type: 'string', default: '500000' },
    baseline: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '5' },
    // The API's 30 s query limit would end a run on a slow or shared machine mid-way.
    timeout: { type: 'string', default: '600' },
  },
});
const FEATURES = Number(opt.features);
const VALUES = Number(opt.values);
const BASELINE = Number(opt.baseline);
const ROUNDS = Number(opt.rounds);
const CATEGORICAL = Math.floor(FEATURES / 5);

console.log(machineLine());
const dir = mkdtempSync(join(tmpdir(), 'aiobs-bench-drift-'));
const engine = await openEngine(loadConfig({ dataDir: dir }, {}));
try {
  await migrate(engine, { retentionDays: 30, fsync: false }, pino({ level: 'silent' }));
  const db = createDb(engine, { ...DEFAULT_QUERY_LIMITS, timeoutSeconds: Number(opt.timeout) });
  const HOUR = 3_600_000;
  const toMs = Math.floor(Date.now() / HOUR) * HOUR;
  const fromMs = toMs - HOUR;
  const total = FEATURES * VALUES;
  // Feature i: numeric normal (every third shifted by 0.2 sd) or categorical over 12
  // categories (the last one skewed). Times spread evenly over the hour.
  const value = (n, shift) => `
    'feature' AS kind, concat('f', leftPad(toString(${n} % ${FEATURES}), 2, '0')) AS feature,
    (${n} % ${FEATURES}) >= ${CATEGORICAL} AS is_num,
    randNormal(0, 1, ${n}) + if((${n} % ${FEATURES}) % 3 = 0, ${shift}, 0) AS x`;
  let t = performance.now();
  await engine.client.command({
    query: `INSERT INTO aiobs_feature_values
      (project_id, model, version, variant, kind, feature, time, prediction_id, is_numeric, num, cat)
      SELECT 'default', 'bench', 'v1', '', kind, feature,
        fromUnixTimestamp64Milli(toInt64(${fromMs} + intDiv(number, ${FEATURES}) * ${HOUR / VALUES})),
        toString(intDiv(number, ${FEATURES})), is_num, if(is_num, x, 0),
        if(is_num, '', concat('c', toString(least(11, toUInt32(abs(x) * 4 + if((number % ${FEATURES}) = ${CATEGORICAL - 1}, 1, 0))))))
      FROM (SELECT number, ${value('number', 0.2)} FROM numbers(${total}))`,
  });
  console.log(
    `stored ${total.toLocaleString()} values in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  t = performance.now();
  await engine.client.command({
    query: `INSERT INTO aiobs_baseline_values (project_id, baseline_id, kind, feature, is_numeric, num, cat)
      SELECT 'default', 'bench-baseline', kind, feature, is_num, if(is_num, x, 0),
        if(is_num, '', concat('c', toString(least(11, toUInt32(abs(x) * 4)))))
      FROM (SELECT number, ${value('number', 0)} FROM numbers(${FEATURES * BASELINE}))`,
  });
  console.log(
    `baseline of ${(FEATURES * BASELINE).toLocaleString()} values in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  // One part per table and no merge left running: the rounds below measure the drift
  // queries, not the tail of the inserts (background merges spend the same process's CPU).
  await engine.client.command({ query: 'OPTIMIZE TABLE aiobs_feature_values FINAL' });
  await engine.client.command({ query: 'OPTIMIZE TABLE aiobs_baseline_values FINAL' });
  const deadline = Date.now() + 120_000;
  for (;;) {
    const rs = await engine.client.query({
      query: 'SELECT count() AS n FROM system.merges',
      format: 'JSONEachRow',
    });
    const [{ n }] = await rs.json();
    if (Number(n) === 0) break;
    if (Date.now() > deadline) throw new Error('background merges still running after 120 s');
    await new Promise((r) => setTimeout(r, 200));
  }

  const repo = createDriftRepo(db);
  const request = {
    project: 'default',
    model: 'bench',
    reference: { baselineId: 'bench-baseline' },
    current: { fromMs, toMs, version: 'v1' },
  };
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const fmt = (ms) => `${ms.toFixed(0)} ms`;

  // CPU time of the whole process (the embedded engine's threads included) beside wall
  // time: on a shared machine wall time measures the neighbours as much as the query.
  const cpuMs = (u) => (u.user + u.system) / 1000;
  const whole = [];
  const cpu = [];
  let judged;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const stats = await repo.featureStats(request);
    judged = stats.map((s) => ({ s, j: judge(s, 'auto', 100) }));
    whole.push(performance.now() - t0);
    cpu.push(cpuMs(process.cpuUsage(c0)));
  }
  const counts = judged.map(({ s }) => `${s.referenceCount}/${s.currentCount}`);
  if (new Set(counts).size !== 1 || counts.length !== FEATURES)
    throw new Error(`unexpected counts: ${counts.join(', ')}`);
  const verdicts = {};
  for (const { j } of judged) verdicts[j.verdict] = (verdicts[j.verdict] ?? 0) + 1;
  console.log(
    `\nper-feature statistics and verdicts, ${FEATURES} features × ${VALUES.toLocaleString()} values vs ${BASELINE.toLocaleString()}:` +
      `\n  wall: median ${fmt(median(whole))}, min ${fmt(Math.min(...whole))}, max ${fmt(Math.max(...whole))} over ${ROUNDS} rounds` +
      `\n  CPU (process, engine threads included): median ${fmt(median(cpu))}` +
      `\n  verdicts: ${JSON.stringify(verdicts)}` +
      `\n  sampled (values used per side, numeric features): ${JSON.stringify([...new Set(judged.filter(({ s }) => s.sampled).map(({ s }) => `${s.sampled.reference}/${s.sampled.current}`))].slice(0, 4))}…`,
  );

  const q = {
    ...request,
    table: 'aiobs_feature_values',
    reference: { baselineId: 'bench-baseline', table: 'aiobs_baseline_values' },
  };
  const params = sql.driftParams(q);
  const countRows = await db.rows(sql.countsSql(q), params);
  // The numeric statistics run a few features at a time (repo.ts testBatches); the current
  // side above SAMPLE_CAP values is sampled (the baseline's copy never is).
  const batches = testBatches(testPlans(countRows, SAMPLE_CAP, false));
  const catFeatures = countRows.filter((c) => Number(c.is_numeric) !== 1).map((c) => c.feature);
  const tests = async () => {
    for (const batch of batches)
      await db.rows(sql.numericTestsSql(q, batch[0].exact), { ...params, ...batchParams(batch) });
  };
  console.log('each query alone (medians):');
  for (const [name, text] of [
    ['counts', sql.countsSql(q)],
    [`numeric statistics (deciles, bins, KS, Wasserstein; ${batches.length} batches)`, tests],
    ['category counts', () => db.rows(sql.categoriesSql(q), { ...params, catFeatures })],
  ]) {
    const times = [];
    const cpus = [];
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await (typeof text === 'function' ? text() : db.rows(text, params));
      times.push(performance.now() - t0);
      cpus.push(cpuMs(process.cpuUsage(c0)));
    }
    console.log(`  ${name}: wall ${fmt(median(times))}, CPU ${fmt(median(cpus))}`);
  }

  const stats = await repo.featureStats(request);
  const limits = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    await repo.referenceLimits(request, stats);
    limits.push(performance.now() - t0);
  }
  console.log(
    `reference-derived thresholds, whole window (no 6 chunks fit: skipped before querying): ${fmt(median(limits))}`,
  );
  // The case the chunks are for: a window well under the baseline's size (1 minute: about
  // 8,300 values per feature at the default rate, 12 chunks of 100,000).
  const small = { ...request, current: { fromMs: toMs - 60_000, toMs, version: 'v1' } };
  const smallStats = await repo.featureStats(small);
  const smallTimes = [];
  let chunked = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    const l = await repo.referenceLimits(small, smallStats);
    smallTimes.push(performance.now() - t0);
    chunked = [...l.values()].filter((x) => x !== null).length;
  }
  console.log(
    `reference-derived thresholds, 1-minute window (${smallStats[0]?.currentCount} values per feature, ${chunked} features with limits): ${fmt(median(smallTimes))}`,
  );
  // The multivariate score needs inference ids, which a baseline's copy does not keep: the
  // first half-hour of the stored values (250,000 per feature) against the second.
  const half = {
    ...request,
    reference: { fromMs, toMs: fromMs + HOUR / 2, version: 'v1' },
    current: { fromMs: fromMs + HOUR / 2, toMs, version: 'v1' },
  };
  const mvTimes = [];
  const mvCpu = [];
  let mv;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    mv = multivariateDrift(await repo.jointRows(half, MAX_JOINT_ROWS), 100);
    mvTimes.push(performance.now() - t0);
    mvCpu.push(cpuMs(process.cpuUsage(c0)));
  }
  console.log(
    `multivariate score (jointRows + multivariateDrift, ${mv.referenceRows}/${mv.currentRows} inferences of ${mv.features.length} features, half an hour against the other): wall ${fmt(median(mvTimes))}, CPU ${fmt(median(mvCpu))}, verdict ${mv.verdict}`,
  );
  console.log(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
}
