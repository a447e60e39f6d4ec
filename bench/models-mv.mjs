// Insert cost of the model analytics materialized views (typed inference rows, minute and
// hourly rollups, first/last seen): the same span rows, in ClickHouse Native format, are
// inserted into otel_traces of two databases of one embedded engine, one with only the
// exporter tables and one with the model tables and their views too, alternating, after a
// warm-up insert. Prints the median rows/s and CPU time (of all the process's threads) of
// each, per mix of GenAI spans. Prints JSON; asserts
// nothing (timings on a shared machine are noisy: compare the two figures of one run).
//
//   npm run bench -- models-mv [rowsPerInsert=50000] [inserts=8]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import { loadMigrations, renderMigration } from '../collector/dist/storage/migrate.js';

const [rowsArg = '50000', insertsArg = '8'] = process.argv.slice(2);
const rows = Number(rowsArg);
const inserts = Number(insertsArg);
const dir = mkdtempSync(join(tmpdir(), 'aiobs-mv-bench-'));
const session = new Session(join(dir, 'engine'));
const dist = join(import.meta.dirname, '..', 'collector', 'dist');

function create(db, folders) {
  session.query(`CREATE DATABASE IF NOT EXISTS ${db}`);
  const params = {
    db,
    on_cluster: '',
    engine: 'MergeTree',
    replacing_engine: 'ReplacingMergeTree',
    aggregating_engine: 'AggregatingMergeTree',
    ttl_days: '30',
    rollup_1m_ttl_days: '90',
    rollup_1h_ttl_days: '730',
  };
  for (const m of loadMigrations(folders.map((f) => join(dist, f))))
    for (const s of renderMigration(m.sql, params)) session.query(s);
}
create('plain', ['storage/migrations']);
create('models', ['storage/migrations', 'models/migrations']);

/** A Native file of `rows` spans of which `genaiShare` carry GenAI attributes. */
function spansFile(genaiShare) {
  const path = join(dir, `spans-${genaiShare}.native`);
  const every = Math.round(1 / genaiShare);
  session.query(`INSERT INTO FUNCTION file('${path}', 'Native')
    SELECT
      now64(9) - toIntervalMillisecond(number % 3600000) AS Timestamp,
      lower(hex(cityHash64(number, 1))) || lower(hex(cityHash64(number, 2))) AS TraceId,
      lower(hex(cityHash64(number, 3))) AS SpanId, '' AS ParentSpanId, '' AS TraceState,
      'chat' AS SpanName, 'Client' AS SpanKind, 'svc-' || toString(number % 5) AS ServiceName,
      map('service.name', 'svc-' || toString(number % 5), 'host.name', 'host-' || toString(number % 20)) AS ResourceAttributes,
      'bench' AS ScopeName, '' AS ScopeVersion,
      if(number % ${every} = 0,
        map('gen_ai.operation.name', 'chat', 'gen_ai.provider.name', 'openai',
            'gen_ai.request.model', 'model-' || toString(number % 8),
            'aiobs.model.version', 'v' || toString(number % 3),
            'aiobs.deployment.variant', if(number % 2 = 0, 'a', 'b'),
            'gen_ai.usage.input_tokens', toString(number % 1000),
            'gen_ai.usage.output_tokens', toString(number % 300),
            'gen_ai.response.time_to_first_chunk', toString((number % 997) / 1000),
            'gen_ai.response.finish_reasons', '["stop"]',
            'aiobs.cache.hit', if(number % 4 = 0, 'true', 'false'),
            'aiobs.prediction.id', toString(number)),
        map('http.route', '/v1/items', 'http.response.status_code', '200')) AS SpanAttributes,
      (number % 5000 + 1) * 1000000 AS Duration,
      if(number % 50 = 0, 'Error', 'Unset') AS StatusCode, '' AS StatusMessage,
      [] :: Array(DateTime64(9)) AS \`Events.Timestamp\`, [] :: Array(String) AS \`Events.Name\`,
      [] :: Array(Map(String, String)) AS \`Events.Attributes\`,
      [] :: Array(String) AS \`Links.TraceId\`, [] :: Array(String) AS \`Links.SpanId\`,
      [] :: Array(String) AS \`Links.TraceState\`, [] :: Array(Map(String, String)) AS \`Links.Attributes\`,
      'default' AS ProjectId
    FROM numbers(${rows})`);
  return path;
}

/** Wall and CPU time (all threads of this process: the engine's too) of one insert, in ms. */
function timeInsert(db, path) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  session.query(`INSERT INTO ${db}.otel_traces SELECT * FROM file('${path}', 'Native')`);
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
for (const share of [1, 0.25]) {
  const path = spansFile(share);
  timeInsert('plain', path);
  timeInsert('models', path);
  const ms = { plain: [], models: [] };
  for (let i = 0; i < inserts; i++) {
    // Alternate so that background merges and machine noise hit both alike.
    for (const db of i % 2 ? ['models', 'plain'] : ['plain', 'models'])
      ms[db].push(timeInsert(db, path));
  }
  const fig = (db, k) => median(ms[db].map((m) => m[k]));
  const pct = (k) => Math.round((fig('models', k) / fig('plain', k) - 1) * 1000) / 10;
  results.push({
    genaiShare: share,
    rowsPerInsert: rows,
    inserts,
    plainRowsPerS: Math.round(rows / (fig('plain', 'wall') / 1000)),
    withModelViewsRowsPerS: Math.round(rows / (fig('models', 'wall') / 1000)),
    extraWallPct: pct('wall'),
    plainCpuMsPer1kRows: Math.round((fig('plain', 'cpu') / rows) * 1000 * 100) / 100,
    withModelViewsCpuMsPer1kRows: Math.round((fig('models', 'cpu') / rows) * 1000 * 100) / 100,
    extraCpuPct: pct('cpu'),
  });
}
const count = (db, t) => session.query(`SELECT count() FROM ${db}.${t}`, 'TSV').trim();
console.log(
  JSON.stringify(
    {
      results,
      check: {
        inferences: count('models', 'aiobs_inferences'),
        minuteRows: count('models', 'aiobs_inference_1m'),
      },
    },
    null,
    2,
  ),
);
session.cleanup?.();
rmSync(dir, { recursive: true, force: true });
