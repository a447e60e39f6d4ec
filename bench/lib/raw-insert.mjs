// The engine's own limit on this machine: the same span rows, already serialized in
// ClickHouse's Native format, inserted straight into a fresh embedded engine (same
// tables, indexes and materialized views as the collector creates: typed inference rows,
// their minute/hour rollups, first/last seen, the model->host map, the trace-id lookup),
// one insert after another, each followed by the insert of the same spans' drift-input rows
// (aiobs_feature_values, which the decoder writes beside the spans). The first batch warms
// the engine up and is not timed. Prints JSON.
// Usage: node raw-insert.mjs <requests.json> [batchRows] [totalRows]
//   [collector|attr-indexes|attr-value-indexes]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import { DecodeBudget } from '../../collector/dist/otlp/decode-budget.js';
import { DecodeOutcome, encodeProject } from '../../collector/dist/otlp/outcome.js';
import { decodeTracesProto } from '../../collector/dist/otlp/protobuf/decode-traces.js';
import { loadMigrations, renderMigration } from '../../collector/dist/storage/migrate.js';
import { FeatureValuesBlock } from '../../collector/dist/storage/tables/feature-values-block.js';
import { TracesBlock } from '../../collector/dist/storage/tables/traces-block.js';
import { firstTraceIdAt } from './trace-id-at.mjs';

const [requestsFile, batchRows = '50000', totalRows = '600000', variant = 'collector'] =
  process.argv.slice(2);
const bodies = JSON.parse(readFileSync(requestsFile, 'utf8')).map((b) => Buffer.from(b, 'base64'));
const idAt = bodies.map(firstTraceIdAt);
const dir = mkdtempSync(join(tmpdir(), 'aiobs-raw-'));
const session = new Session(join(dir, 'engine'));
const params = {
  db: 'default',
  on_cluster: '',
  engine: 'MergeTree',
  replacing_engine: 'ReplacingMergeTree',
  aggregating_engine: 'AggregatingMergeTree',
  ttl_days: '30',
  rollup_1m_ttl_days: '90',
  rollup_1h_ttl_days: '730',
};
for (const m of loadMigrations()) for (const s of renderMigration(m.sql, params)) session.query(s);
// The four attribute-map bloom filters that 0001 created and 0017 dropped (issue 8, item 9:
// decided by this measurement). 'collector' runs the schema as the migrations leave it;
// 'attr-indexes' adds them back (the schema before 0017), 'attr-value-indexes' only the two
// on map values (keys repeat in every granule of GenAI spans and filter little).
const ATTR_INDEXES = {
  idx_res_attr_key: 'mapKeys(ResourceAttributes)',
  idx_res_attr_value: 'mapValues(ResourceAttributes)',
  idx_span_attr_key: 'mapKeys(SpanAttributes)',
  idx_span_attr_value: 'mapValues(SpanAttributes)',
};
const present = session
  .query(`SELECT name FROM system.data_skipping_indices WHERE table = 'otel_traces'`, 'JSONEachRow')
  .toString();
const add =
  variant === 'attr-indexes'
    ? Object.keys(ATTR_INDEXES)
    : variant === 'attr-value-indexes'
      ? Object.keys(ATTR_INDEXES).filter((i) => i.endsWith('_value'))
      : [];
for (const idx of add)
  if (!present.includes(`"${idx}"`))
    session.query(
      `ALTER TABLE otel_traces ADD INDEX ${idx} ${ATTR_INDEXES[idx]} TYPE bloom_filter(0.01) GRANULARITY 1`,
    );

// Prepare Native files of `batchRows` span rows each, with their feature rows (not timed).
// No limits: the collector's own checks are not what this measures.
const files = [];
let block = new TracesBlock();
let features = new FeatureValuesBlock();
const names = (b) =>
  b
    .columnNames()
    .map((c) => `\`${c}\``)
    .join(', ');
const spanColumns = names(block);
const featureColumns = names(features);
let decoded = 0;
let decodeMs = 0;
for (let i = 0; decoded < Number(totalRows) + Number(batchRows); i++) {
  const ctx = {
    project: encodeProject('default'),
    maxAttributeBytes: 1 << 20,
    maxAttributes: 65_535,
    droppedAttributes: 0,
    budget: new DecodeBudget(Number.POSITIVE_INFINITY),
    features,
  };
  // Each pass over the requests gets trace ids of its own: the tables keep a deduplication
  // window (migration 0075), so a block equal to one inserted before would be dropped.
  const body = Buffer.from(bodies[i % bodies.length]);
  body.writeUInt32BE(i, idAt[i % bodies.length]);
  const d0 = performance.now();
  decodeTracesProto(body, block, ctx, new DecodeOutcome());
  decodeMs += performance.now() - d0;
  if (block.rows >= Number(batchRows)) {
    const n = files.length;
    const spans = join(dir, `spans-${n}.native`);
    const feats = join(dir, `features-${n}.native`);
    writeFileSync(spans, Buffer.concat(block.encode()));
    writeFileSync(feats, Buffer.concat(features.encode()));
    files.push({ spans, feats, rows: block.rows, featureRows: features.rows });
    decoded += block.rows;
    block = new TracesBlock();
    features = new FeatureValuesBlock();
  }
}
// Extra insert settings to try (e.g. RAW_INSERT_SETTINGS='parallel_view_processing = 1').
const settings = process.env.RAW_INSERT_SETTINGS
  ? ` SETTINGS ${process.env.RAW_INSERT_SETTINGS}`
  : '';
async function insert(f) {
  await session.queryAsync(
    `INSERT INTO otel_traces (${spanColumns}) SELECT * FROM file('${f.spans}', 'Native')${settings}`,
  );
  if (f.featureRows > 0)
    await session.queryAsync(
      `INSERT INTO aiobs_feature_values (${featureColumns}) SELECT * FROM file('${f.feats}', 'Native')`,
    );
}
await insert(files[0]);
let rows = 0;
let featureRows = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (const f of files.slice(1)) {
  await insert(f);
  rows += f.rows;
  featureRows += f.featureRows;
}
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const inferences = Number(
  JSON.parse(session.query('SELECT count() AS n FROM aiobs_inferences', 'JSONEachRow').toString())
    .n,
);
session.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ variant, rows, featureRows, inferences, seconds, rowsPerSecond: rows / seconds, inserts: files.length - 1, batchRows: Number(batchRows), cpuMicrosPerRow: (cpu.user + cpu.system) / rows, decodeSpansPerSecond: decoded / (decodeMs / 1000) })}\n`,
);
