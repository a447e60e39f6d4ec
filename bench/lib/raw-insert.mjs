// The engine's own limit on this machine: the same span rows, already serialized in
// ClickHouse's Native format, inserted straight into a fresh embedded engine (same
// tables, indexes and materialized view as the collector creates), one insert after
// another. The first insert warms the engine up and is not timed. Prints JSON.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import { DecodeBudget } from '../../collector/dist/otlp/decode-budget.js';
import { DecodeOutcome, encodeProject } from '../../collector/dist/otlp/outcome.js';
import { decodeTracesProto } from '../../collector/dist/otlp/protobuf/decode-traces.js';
import { loadMigrations, renderMigration } from '../../collector/dist/storage/migrate.js';
import { TracesBlock } from '../../collector/dist/storage/tables/traces-block.js';

const [requestsFile, batchRows = '50000', totalRows = '600000'] = process.argv.slice(2);
const bodies = JSON.parse(readFileSync(requestsFile, 'utf8')).map((b) => Buffer.from(b, 'base64'));
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

// Prepare Native files of `batchRows` rows each (not timed).
// No limits: the collector's own checks are not what this measures.
const ctx = {
  project: encodeProject('default'),
  maxAttributeBytes: 1 << 20,
  maxAttributes: 65_535,
  droppedAttributes: 0,
  budget: new DecodeBudget(Number.POSITIVE_INFINITY),
};
const files = [];
let block = new TracesBlock();
const columns = block
  .columnNames()
  .map((c) => `\`${c}\``)
  .join(', ');
let decoded = 0;
let decodeMs = 0;
for (let i = 0; decoded < Number(totalRows) + Number(batchRows); i++) {
  const d0 = performance.now();
  decodeTracesProto(bodies[i % bodies.length], block, ctx, new DecodeOutcome());
  decodeMs += performance.now() - d0;
  if (block.rows >= Number(batchRows)) {
    const path = join(dir, `batch-${files.length}.native`);
    writeFileSync(path, Buffer.concat(block.encode()));
    files.push({ path, rows: block.rows });
    decoded += block.rows;
    block = new TracesBlock();
  }
}
const insert = (f) =>
  session.queryAsync(
    `INSERT INTO otel_traces (${columns}) SELECT * FROM file('${f.path}', 'Native')`,
  );
await insert(files[0]);
let rows = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (const f of files.slice(1)) {
  await insert(f);
  rows += f.rows;
}
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
session.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ rows, seconds, rowsPerSecond: rows / seconds, inserts: files.length - 1, batchRows: Number(batchRows), cpuMicrosPerRow: (cpu.user + cpu.system) / rows, decodeSpansPerSecond: decoded / (decodeMs / 1000) })}\n`,
);
