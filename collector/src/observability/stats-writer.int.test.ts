import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadConfig } from '../config.js';
import { Ingestor } from '../ingest/ingestor.js';
import { DecodeOutcome } from '../otlp/outcome.js';
import { encodeOtlpProtobuf } from '../otlp/testing/otlp-protobuf.js';
import { type Engine, openEngine } from '../storage/engine.js';
import { migrate } from '../storage/migrate.js';
import { createEngineStatsReader } from './engine-stats.js';
import { createStatsWriter } from './stats-writer.js';

// On the real engine: the migration creates aiobs_collector_stats with a TTL, and a row
// written after ingest holds the ingestor's totals and the engine's parts.

const log = pino({ level: 'silent' });
let dir: string;
let engine: Engine;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-stats-'));
  const config = loadConfig({ dataDir: dir }, {});
  engine = await openEngine(config);
  await migrate(engine, config, log);
});
afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

const spans = (n: number) =>
  encodeOtlpProtobuf('ExportTraceServiceRequest', {
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: Array.from({ length: n }, (_, i) => ({
              // A 2-byte trace id: that span is rejected (partial_success), the others stored.
              traceId: i === 0 ? 'abcd' : '5b8efff798038103d269b633813fc60c',
              spanId: `eee19b7ec3c1b1${10 + i}`,
              name: `s${i}`,
              startTimeUnixNano: '1750000000000000000',
              endTimeUnixNano: '1750000000500000000',
            })),
          },
        ],
      },
    ],
  });

test('a row holds the ingestor totals and the engine parts; the table has a TTL', async () => {
  const ingestor = new Ingestor(engine, loadConfig({ batchMaxDelayMs: 0 }, {}), log);
  // 5 spans, one with a bad trace id; then a body that is not protobuf.
  await ingestor.ingest(
    'traces',
    'protobuf',
    spans(5),
    { kind: 'ingest', projectId: 'p' },
    new DecodeOutcome(),
  );
  expect(() =>
    ingestor.ingest(
      'traces',
      'protobuf',
      Uint8Array.from([0x0a, 0xff]),
      { kind: 'ingest', projectId: 'p' },
      new DecodeOutcome(),
    ),
  ).toThrow();
  const writer = createStatsWriter({
    engine,
    ingestor,
    engineStats: createEngineStatsReader(engine),
    // The evaluator's figures as alerts/ reports them (its own tests cover how they are made).
    evaluator: {
      stats: () => ({
        rules: 3,
        heldShards: [0, 1],
        evaluations: 7,
        failures: 1,
        cpuMs: {},
        lagMs: { p99: 12.5 },
        evalMs: { p99: 4 },
      }),
    },
    log,
    intervalMs: 0,
  });
  await writer.writeOnce();
  await ingestor.close();
  const res = await engine.client.query({
    query: `SELECT * FROM ${engine.database}.aiobs_collector_stats`,
    format: 'JSONEachRow',
  });
  const rows = await res.json<Record<string, string | number>>();
  expect(rows).toHaveLength(1);
  const row = rows[0]!;
  expect(Number(row.accepted_records)).toBe(4);
  expect(Number(row.rejected_records)).toBe(1);
  expect(Number(row.decode_errors)).toBe(1);
  expect(Number(row.rows_written)).toBe(4);
  expect(Number(row.inserts)).toBeGreaterThanOrEqual(1);
  expect(Number(row.active_parts)).toBeGreaterThanOrEqual(1);
  expect(Number(row.rss_bytes)).toBeGreaterThan(0);
  expect(String(row.collector)).toContain(`:${process.pid}`);
  // Migration 0077's columns: the inserts' time, and the evaluator's figures.
  expect(Number(row.insert_seconds)).toBeGreaterThan(0);
  expect(Number(row.insert_seconds)).toBe(ingestor.insertSeconds);
  expect([row.alert_rules, row.evaluations, row.evaluation_failures].map(Number)).toEqual([
    3, 7, 1,
  ]);
  expect(Number(row.evaluation_lag_p99_ms)).toBe(12.5);
  expect(Number(row.evaluation_p99_ms)).toBe(4);
  const ddl = await engine.client.query({
    query: `SHOW CREATE TABLE ${engine.database}.aiobs_collector_stats`,
    format: 'TabSeparatedRaw',
  });
  expect(await ddl.text()).toMatch(/TTL ts \+ toIntervalDay\(\d+\)/);
});

test('the engine figures: parts of a table written, merges, and the engine memory tracker', async () => {
  const stats = await createEngineStatsReader(engine, 0)();
  expect(stats.parts.find((p) => p.table === 'otel_traces')?.parts).toBeGreaterThanOrEqual(1);
  expect(stats.merges).toBeGreaterThanOrEqual(0);
  expect(stats.memoryBytes).toBeGreaterThan(0);
});
