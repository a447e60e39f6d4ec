import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Config, loadConfig } from '../config.js';
import { Ingestor } from '../ingest/ingestor.js';
import { DecodeOutcome } from '../otlp/outcome.js';
import { createDb } from './db.js';
import { type Engine, openEngine } from './engine.js';
import { loadMigrations, migrate } from './migrate.js';
import { createTracesRepo } from './traces-repo.js';

const log = pino({ level: 'silent' });
let dir: string;
let config: Config;
let engine: Engine;

function hex(n: number, len: number): string {
  return n.toString(16).padStart(len, '0');
}

/** Spans of `traces` traces (4 spans each) starting at `startMs`, 1 ms apart. */
function request(firstTrace: number, traces: number, startMs: number): Uint8Array {
  const resource = resourceFromAttributes({ 'service.name': 'int' });
  const spans = [];
  for (let t = 0; t < traces; t++) {
    const traceId = hex(firstTrace + t + 1, 32);
    for (let s = 0; s < 4; s++) {
      const ms = startMs + (t * 4 + s);
      spans.push({
        name: `op ${s}`,
        kind: 1,
        spanContext: () => ({
          traceId,
          spanId: hex((firstTrace + t) * 4 + s + 1, 16),
          traceFlags: 1,
        }),
        startTime: [Math.floor(ms / 1000), (ms % 1000) * 1e6],
        endTime: [Math.floor(ms / 1000), (ms % 1000) * 1e6 + 500],
        duration: [0, 500],
        status: { code: 0 },
        attributes: { 'gen_ai.request.model': 'm' },
        links: [],
        events: [],
        resource,
        instrumentationScope: { name: 'int' },
        droppedAttributesCount: 0,
        droppedEventsCount: 0,
        droppedLinksCount: 0,
        ended: true,
      });
    }
  }
  return ProtobufTraceSerializer.serializeRequest(spans as never)!;
}

/** One row in ClickHouse's Native format: `a UInt32`, and `b String` when given. */
function nativeBlock(a: number, b?: string): Buffer[] {
  const str = (v: string) => Buffer.concat([Buffer.from([Buffer.byteLength(v)]), Buffer.from(v)]);
  const u32 = Buffer.alloc(4);
  u32.writeUInt32LE(a);
  const parts = [Buffer.from([b === undefined ? 1 : 2, 1]), str('a'), str('UInt32'), u32];
  if (b !== undefined) parts.push(str('b'), str('String'), str(b));
  return parts;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-int-'));
  config = loadConfig({ dataDir: dir, batchMaxRows: 1_000_000 }, {});
  engine = await openEngine(config);
  await migrate(engine, { retentionDays: config.retentionDays, fsync: false }, log);
});
afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('embedded engine storage', () => {
  test('migrations are idempotent and follow the retention setting', async () => {
    await migrate(engine, { retentionDays: config.retentionDays, fsync: false }, log);
    const db = createDb(engine);
    const versions = await db.rows<{ version: number }>(
      'SELECT version FROM aiobs_schema_migrations FINAL ORDER BY version',
    );
    expect(versions.map((v) => Number(v.version))).toEqual(loadMigrations().map((m) => m.version));
    await migrate(engine, { retentionDays: 7, fsync: true }, log);
    const ttl = await db.rows<{ q: string }>(
      "SELECT create_table_query AS q FROM system.tables WHERE name = 'otel_traces'",
    );
    expect(ttl[0]!.q).toContain('toIntervalDay(7)');
    expect(ttl[0]!.q).toContain('fsync_after_insert = 1');
    // Every table with a day-based TTL follows its level's setting: a table added without an
    // entry in migrate.ts's retention table would keep the days it was created with.
    await migrate(
      engine,
      { retentionDays: 7, rollupMinuteDays: 3, rollupHourDays: 5, fsync: false },
      log,
    );
    const withTtl = await db.rows<{ name: string; days: string }>(
      "SELECT name, extract(create_table_query, 'TTL [^\\n]*?toIntervalDay\\((\\d+)\\)') AS days " +
        "FROM system.tables WHERE database = currentDatabase() AND create_table_query LIKE '%TTL%toIntervalDay(%'",
    );
    expect(withTtl.length).toBeGreaterThan(10);
    for (const t of withTtl) expect(['7', '3', '5'], t.name).toContain(t.days);
    await migrate(engine, { retentionDays: config.retentionDays, fsync: false }, log);
  });

  test('the tables every span batch writes merge less eagerly than the rollups', async () => {
    // Migration 0076: merge threads took more CPU than the inserts at the ingest benchmark's
    // load; a larger merge_selector_base rewrites each row about half as often.
    const db = createDb(engine);
    const tables = await db.rows<{ name: string; q: string }>(
      `SELECT name, create_table_query AS q FROM system.tables WHERE database = currentDatabase()
         AND name IN ('otel_traces', 'otel_traces_trace_id_ts', 'aiobs_inferences',
                      'aiobs_feature_values', 'aiobs_inference_1m', 'aiobs_inference_1h')
       ORDER BY name`,
    );
    const base = Object.fromEntries(
      tables.map((t) => [t.name, /merge_selector_base = (\d+)/.exec(t.q)?.[1] ?? 'default']),
    );
    expect(base).toEqual({
      aiobs_feature_values: '20',
      aiobs_inference_1h: 'default',
      aiobs_inference_1m: 'default',
      aiobs_inferences: '20',
      otel_traces: '20',
      otel_traces_trace_id_ts: '20',
    });
  });

  test('concurrent requests are grouped into few inserts and every row lands', async () => {
    const ingestor = new Ingestor(engine, config, log);
    const principal = {
      kind: 'ingest' as const,
      projectId: 'default',
    };
    const day = Date.now() - 4 * 86_400_000;
    const commits: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i++) {
      commits.push(
        ingestor.ingest(
          'traces',
          'protobuf',
          request(i * 100, 100, day + i * 1000),
          principal,
          new DecodeOutcome(),
        ),
      );
    }
    await Promise.all(commits);
    expect(ingestor.traces.rowsWritten).toBe(50 * 100 * 4);
    // The first request flushes at once; the other 49 arrive during that insert.
    expect(ingestor.traces.inserts).toBeLessThanOrEqual(3);
    await ingestor.close();
  });

  test('inserts of one table with other columns each read their own block', async () => {
    // The embedded engine rewrites one file per table for its inserts: a block with other
    // columns right after (a spooled block of an earlier version) must not be read with
    // the columns of the one before.
    await engine.client.command({
      query: `CREATE TABLE ${engine.database}.insert_file_probe (a UInt32, b String DEFAULT 'none') ENGINE = MergeTree ORDER BY a`,
    });
    await engine.insertNative('insert_file_probe', ['a', 'b'], nativeBlock(1, 'one'), {});
    await engine.insertNative('insert_file_probe', ['a'], nativeBlock(2), {});
    await engine.insertNative('insert_file_probe', ['a', 'b'], nativeBlock(3, 'three'), {});
    const rows = await createDb(engine).rows<{ a: number; b: string }>(
      'SELECT a, b FROM insert_file_probe ORDER BY a',
    );
    expect(rows.map((r) => [Number(r.a), r.b])).toEqual([
      [1, 'one'],
      [2, 'none'],
      [3, 'three'],
    ]);
  });

  test('a trace by id reads a bounded number of rows, whatever the table size', async () => {
    const ingestor = new Ingestor(engine, config, log);
    const principal = {
      kind: 'ingest' as const,
      projectId: 'default',
    };
    // 3 days x 25,000 traces x 4 spans = 300,000 more spans in several parts per day.
    for (let d = 0; d < 3; d++) {
      // Recent days: rows past the retention (TTL) would be dropped by the engine.
      const dayMs = Date.now() - (3 - d) * 86_400_000 - 3_600_000;
      for (let part = 0; part < 5; part++) {
        const first = 1_000_000 + d * 100_000 + part * 5_000;
        await ingestor.ingest(
          'traces',
          'protobuf',
          request(first, 5_000, dayMs + part * 20_000),
          principal,
          new DecodeOutcome(),
        );
      }
    }
    await ingestor.close();
    const db = createDb(engine);
    const total = Number(
      (await db.rows<{ n: string }>('SELECT count() AS n FROM otel_traces'))[0]!.n,
    );
    expect(total).toBe(20_000 + 300_000);
    const repo = createTracesRepo(db);
    const id = hex(1_000_000 + 100_000 + 2 * 5_000 + 1234 + 1, 32);
    const { spans, rowsRead } = await repo.getTrace('default', id);
    expect(spans).toHaveLength(4);
    expect(spans.every((s) => s.TraceId === id)).toBe(true);
    // One day's partition, granules kept by the TraceId bloom filter, plus the lookup:
    // a few index granules (8,192 rows each), not the table.
    expect(rowsRead).toBeLessThanOrEqual(4 * 8192);
    expect(rowsRead).toBeLessThan(total / 8);
  });
});
