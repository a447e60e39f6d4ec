#!/usr/bin/env node
// Canary/A-B comparison with significance (issue 9, item 8): `--per-arm` inferences for each
// of two versions of one model over the last `--hours`, with a prediction label on every one
// and feedback for a share of them, written into the typed tables inside the embedded engine
// (INSERT … SELECT, so the rollups fill as on ingest). Then GET /api/v1/models/compare is
// called `--rounds` times through the models module's Hono routes (no socket), with and
// without significance: wall time of each call (p50/p95/min) and CPU time of the process, all
// threads (the engine runs in it), which a loaded machine inflates far less. Prints
// figures; asserts nothing (timings on a shared machine are noisy).
//
//   npm run bench -- compare [--per-arm 1000000] [--hours 24] [--feedback 0.1] [--rounds 10]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { loadConfig } from '../collector/dist/config.js';
import { createCompareSignificance } from '../collector/dist/models/compare-significance.js';
import {
  armAccuracySql,
  latencyBucketsSql,
} from '../collector/dist/models/compare-significance-sql.js';
import { findUnresolved, labelledTables } from '../collector/dist/models/labelled-repo.js';
import { unresolvedIdsSql } from '../collector/dist/models/labelled-sql.js';
import { createModelsRepo } from '../collector/dist/models/repo.js';
import { modelRoutes } from '../collector/dist/models/routes.js';
import { createDb } from '../collector/dist/storage/db.js';
import { openEngine } from '../collector/dist/storage/engine.js';
import { migrate } from '../collector/dist/storage/migrate.js';
import { trustedProjectScope } from '../collector/dist/testing/project-scope.js';
import { benchArgs } from './lib/args.mjs';
import { machineLine } from './lib/machine.mjs';

const { values: opt } = benchArgs('npm run bench -- compare', {
  options: {
    'per-arm': { type: 'string', default: '1000000' },
    hours: { type: 'string', default: '24' },
    feedback: { type: 'string', default: '0.1' },
    rounds: { type: 'string', default: '10' },
  },
});
const PER_ARM = Number(opt['per-arm']);
const HOURS = Number(opt.hours);
const FEEDBACK = Number(opt.feedback);
const ROUNDS = Number(opt.rounds);
const MODEL = 'bench/canary';

console.log(machineLine());
const dir = mkdtempSync(join(tmpdir(), 'aiobs-compare-bench-'));
const config = loadConfig({ dataDir: dir }, {});
const engine = await openEngine(config);
await migrate(engine, { retentionDays: 30, fsync: false }, pino({ level: 'silent' }));
const db = createDb(engine);
const run = (query) => engine.client.command({ query });
/** CPU ms of this process, every thread (the embedded engine's too) since `c0`. */
const cpuMs = (c0) => {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1000;
};
const fmt = (x) => x.toFixed(0);

const now = Date.now();
const spanMs = HOURS * 3_600_000;
const fromMs = now - spanMs;
const N = 2 * PER_ARM;
// Row n: arm n % 2 (v1, v2), start time spread over the range, a log-normal latency (v2 2%
// slower), 2% errors (v2 2.2%), a prediction label, and feedback (right 90% / 89%) for the
// first FEEDBACK share of each arm.
const time = `fromUnixTimestamp64Milli(toInt64(${fromMs} + intDiv(number * ${spanMs}, ${N})))`;
const version = "if(number % 2 = 0, 'v1', 'v2')";
const pid = "concat('p', toString(number))";
const t = performance.now();
await run(`INSERT INTO aiobs_inferences
  (project_id, time, service, operation, provider, model, request_model, version, variant,
   duration_ms, is_error, status_code, prediction_id, trace_id, span_id)
  SELECT 'default', ${time}, 'scorer', 'predict', 'local', '${MODEL}', '${MODEL}', ${version}, '',
    exp(4 + 0.5 * randNormal(0, 1, number)) * if(number % 2 = 0, 1, 1.02),
    randUniform(0, 1, number) < if(number % 2 = 0, 0.02, 0.022),
    'Unset', ${pid}, hex(cityHash64(number)), hex(cityHash64(number, 1))
  FROM numbers(${N})`);
await run(`INSERT INTO aiobs_feature_values
  (project_id, model, version, variant, kind, feature, time, prediction_id, is_numeric, num, cat)
  SELECT 'default', '${MODEL}', ${version}, '', 'prediction', 'prediction.label', ${time}, ${pid},
    0, 0, if(cityHash64(number, 2) % 3 = 0, 'fraud', 'ok')
  FROM numbers(${N})`);
const tFeedback = performance.now();
const cFeedback = process.cpuUsage();
await run(`INSERT INTO aiobs_feedback (project_id, time, prediction_id, label)
  SELECT 'default', ${time} + toIntervalMinute(5), ${pid},
    if((cityHash64(number, 3) % 1000) < if(number % 2 = 0, 900, 890),
       if(cityHash64(number, 2) % 3 = 0, 'fraud', 'ok'),
       if(cityHash64(number, 2) % 3 = 0, 'ok', 'fraud'))
  FROM numbers(${N}) WHERE number < ${Math.round(N * FEEDBACK)}`);
const feedbackMs = performance.now() - tFeedback;
const feedbackCpu = cpuMs(cFeedback);
console.log(
  `seeded ${PER_ARM.toLocaleString('en')} inferences per arm over ${HOURS} h, ${Math.round(N * FEEDBACK).toLocaleString('en')} feedback rows: ${((performance.now() - t) / 1000).toFixed(1)} s (the feedback insert with its labelled-rows view: ${fmt(feedbackMs)} ms, CPU ${fmt(feedbackCpu)} ms)`,
);

// Background merges of the parts just written would count in the CPU time of the first
// calls: wait until the engine has none (at most two minutes).
for (const t0 = performance.now(); performance.now() - t0 < 120_000; ) {
  const [m] = await db.rows('SELECT count() AS n FROM system.merges');
  if (Number(m.n) === 0) break;
  await new Promise((r) => setTimeout(r, 500));
}

const retention = { raw: 30, minute: 90, hour: 730 };
// Routes read the project the scope middleware set (the default one here, as in the tests).
const plain = new Hono()
  .use('*', trustedProjectScope())
  .route('/models', modelRoutes(createModelsRepo(db), { retention }));
const withSignificance = new Hono().use('*', trustedProjectScope()).route(
  '/models',
  modelRoutes(createModelsRepo(db), {
    retention,
    significance: createCompareSignificance({ db }),
  }),
);
const query = new URLSearchParams({
  model: MODEL,
  a: 'version:v1',
  b: 'version:v2',
  from: String(fromMs),
  to: String(now + 60_000),
});

async function time1(app) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const res = await app.request(`/models/compare?${query}`);
  const body = await res.json();
  if (res.status !== 200) throw new Error(JSON.stringify(body));
  return { ms: performance.now() - t0, cpu: cpuMs(c0), body };
}
const pct = (xs, p) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

/** Times GET /models/compare on each app: a warm-up, then ROUNDS calls. */
async function timeCompare(apps) {
  for (const [name, app] of apps) {
    await time1(app); // warm-up
    const ms = [];
    const cpu = [];
    let last;
    for (let i = 0; i < ROUNDS; i++) {
      const r = await time1(app);
      ms.push(r.ms);
      cpu.push(r.cpu);
      last = r.body;
    }
    console.log(
      `${name.padEnd(18)} p50 ${fmt(pct(ms, 0.5))} ms  p95 ${fmt(pct(ms, 0.95))} ms  min ${fmt(Math.min(...ms))} ms  CPU p50 ${fmt(pct(cpu, 0.5))} ms  (level ${last.level}, ${ROUNDS} rounds)`,
    );
    if (last.significance) {
      const s = last.significance;
      for (const m of ['latency', 'errorRate', 'accuracy'])
        console.log(
          `  ${m.padEnd(10)} ${s[m].verdict.padEnd(26)} n ${s[m].nA}/${s[m].nB}  effect ${s[m].effect?.toFixed(5)}  CI [${s[m].ci?.map((x) => x.toFixed(5)).join(', ')}]  p ${s[m].pValue?.toExponential(2)}  always-valid p ${s[m].alwaysValidPValue?.toExponential(2)}`,
        );
    }
  }
}
await timeCompare([
  ['figures only', plain],
  ['with significance', withSignificance],
]);
// What significance adds, query by query (the figures' two summaries are the "figures only" line).
const tables = labelledTables(db);
const A = { dimension: 'version', value: 'v1' };
const B = { dimension: 'version', value: 'v2' };
const where = `project_id = {project:String} AND model = {model:String}
  AND time >= fromUnixTimestamp64Milli({fromMs:Int64}) AND time < fromUnixTimestamp64Milli({toMs:Int64})`;
const delayMs = 7 * 86_400_000;
const params = {
  project: 'default',
  model: MODEL,
  fromMs,
  toMs: now + 60_000,
  aValue: 'v1',
  bValue: 'v2',
  delayMs,
  fbFromMs: fromMs - delayMs,
  fbToMs: now + 60_000 + delayMs,
};
/** Times each query ROUNDS times: wall and CPU. */
async function timeQueries(queries) {
  for (const [name, sql, p] of queries) {
    const ms = [];
    const cpu = [];
    let rows = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      rows = (await db.rows(sql, p)).length;
      ms.push(performance.now() - t0);
      cpu.push(cpuMs(c0));
    }
    console.log(
      `  ${name.padEnd(44)} p50 ${fmt(pct(ms, 0.5))} ms  min ${fmt(Math.min(...ms))} ms  CPU p50 ${fmt(pct(cpu, 0.5))} ms  (${rows} rows)`,
    );
  }
}
await timeQueries([
  [
    'latency counts (Mann-Whitney input)',
    latencyBucketsSql(tables.inferences, A, B, where),
    params,
  ],
  ['unresolved feedback ids', unresolvedIdsSql(tables), params],
  ['accuracy (labelled rows)', armAccuracySql(tables, A, B, where, 'none'), params],
]);

// 1,000 more predictions per arm whose spans carry no typed output, judged by `correct`:
// their feedback stays unresolved and is joined at query time by a bound list of ids.
const EXTRA = 1000;
await run(`INSERT INTO aiobs_inferences
  (project_id, time, service, operation, provider, model, request_model, version, variant,
   duration_ms, is_error, status_code, prediction_id, trace_id, span_id)
  SELECT 'default', ${time}, 'scorer', 'predict', 'local', '${MODEL}', '${MODEL}', ${version}, '',
    50, 0, 'Unset', concat('x', toString(number)), '', ''
  FROM numbers(${2 * EXTRA})`);
await run(`INSERT INTO aiobs_feedback (project_id, time, prediction_id, correct)
  SELECT 'default', ${time} + toIntervalMinute(5), concat('x', toString(number)), number % 10 != 0
  FROM numbers(${2 * EXTRA})`);
const few = await findUnresolved(db, tables, params);
console.log(
  `with ${few.params.unresolved?.length ?? 0} unresolved feedback records (${few.live}):`,
);
await timeQueries([
  ['unresolved feedback ids', unresolvedIdsSql(tables), params],
  [
    'accuracy (labelled rows + bound list)',
    armAccuracySql(tables, A, B, where, few.live),
    { ...params, ...few.params },
  ],
]);
await timeCompare([['with significance', withSignificance]]);

// As if every feedback record had come before its span (no labelled row): the join at
// query time of all of them, by subquery, which the labelled rows save.
await run(`TRUNCATE TABLE ${tables.labelled}`);
console.log('without labelled rows (all feedback joined at query time):');
await timeQueries([
  ['unresolved feedback ids', unresolvedIdsSql(tables), params],
  ['accuracy (all live, subquery)', armAccuracySql(tables, A, B, where, 'query'), params],
]);
console.log(
  `load after: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
await engine.close();
rmSync(dir, { recursive: true, force: true });
