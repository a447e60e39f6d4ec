import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Principal } from '../../auth/authenticator.js';
import { type Config, loadConfig } from '../../config.js';
import { UnavailableError } from '../../errors.js';
import { DecodeBudget } from '../../otlp/decode-budget.js';
import { decodeTraces } from '../../otlp/decoders.js';
import { DecodeOutcome, encodeProject } from '../../otlp/outcome.js';
import { type Engine, openEngine } from '../../storage/engine.js';
import { migrate } from '../../storage/migrate.js';
import { TracesBlock } from '../../storage/tables/traces-block.js';
import { Ingestor } from '../ingestor.js';
import { requestDigest } from './digest.js';
import { IngestDedup } from './ingest-dedup.js';

// The engine's insert dedup, as the ingest dedup relies on it: a block inserted again under
// its token adds nothing where it had committed and completes the views where it had not,
// through the raw table, the typed inference rows, the AggregatingMergeTree rollups (minute,
// hour, model_seen, chained views) and a SummingMergeTree rollup.

const log = pino({ level: 'silent' });
const principal: Principal = { kind: 'ingest', projectId: 'default' };
let dir: string;
let config: Config;
let engine: Engine;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-dedup-'));
  // Answers after the insert, so each `await ingest()` is a committed (or failed) insert.
  config = loadConfig({ dataDir: dir, batchMaxDelayMs: 0, ackAfter: 'insert' }, {});
  engine = await openEngine(config);
  await migrate(engine, { retentionDays: 30, fsync: false }, log);
  const db = engine.database;
  // A switch that makes one view fail: a partly committed insert, as a crash leaves it.
  for (const query of [
    `CREATE TABLE ${db}.t_switch (fail UInt8) ENGINE = Memory`,
    `INSERT INTO ${db}.t_switch VALUES (0)`,
    `CREATE TABLE ${db}.t_fail_sink (span_id String) ENGINE = MergeTree ORDER BY span_id
       SETTINGS non_replicated_deduplication_window = 1000`,
    `CREATE MATERIALIZED VIEW ${db}.t_fail_mv TO ${db}.t_fail_sink AS SELECT span_id FROM ${db}.aiobs_inferences
       WHERE throwIf((SELECT max(fail) FROM ${db}.t_switch) = 1, 'injected view failure') = 0`,
    `CREATE TABLE ${db}.t_summing (model String, requests UInt64, tokens UInt64)
       ENGINE = SummingMergeTree ORDER BY model SETTINGS non_replicated_deduplication_window = 1000`,
    `CREATE MATERIALIZED VIEW ${db}.t_summing_mv TO ${db}.t_summing AS
       SELECT model, count() AS requests, sum(input_tokens) AS tokens FROM ${db}.aiobs_inferences GROUP BY model`,
  ])
    await engine.client.command({ query });
});

afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

let nextSpan = 1;
/** An OTLP/JSON request of `n` inference spans with unique ids (and a feature each). */
function request(n: number): Uint8Array {
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = Array.from({ length: n }, () => {
    const id = (nextSpan++).toString(16).padStart(16, '0');
    return {
      traceId: id.padStart(32, '0'),
      spanId: id,
      name: 'chat m',
      kind: 3,
      startTimeUnixNano: String(now),
      endTimeUnixNano: String(now + 5_000_000n),
      attributes: [
        { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
        { key: 'gen_ai.request.model', value: { stringValue: 'dedup-model' } },
        { key: 'gen_ai.usage.input_tokens', value: { intValue: '3' } },
        { key: 'aiobs.prediction.id', value: { stringValue: id } },
        { key: 'aiobs.feature.x', value: { doubleValue: 1.5 } },
      ],
    };
  });
  const resource = {
    attributes: [
      { key: 'service.name', value: { stringValue: 'dedup' } },
      { key: 'host.name', value: { stringValue: 'h1' } },
    ],
  };
  return Buffer.from(JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ spans }] }] }));
}

/** Rows per table (the rollups as summed request counts). */
async function counts(): Promise<Record<string, number>> {
  const db = engine.database;
  const rs = await engine.client.query({
    query: `SELECT
      (SELECT count() FROM ${db}.otel_traces) AS spans,
      (SELECT count() FROM ${db}.otel_traces_trace_id_ts) AS trace_index,
      (SELECT count() FROM ${db}.aiobs_inferences) AS inferences,
      (SELECT sum(requests) FROM ${db}.aiobs_inference_1m) AS minute,
      (SELECT sum(requests) FROM ${db}.aiobs_inference_1h) AS hour,
      (SELECT sum(requests) FROM ${db}.aiobs_model_seen) AS seen,
      (SELECT sum(requests) FROM ${db}.aiobs_model_hosts_1h) AS hosts,
      (SELECT sum(requests) FROM ${db}.t_summing) AS summing,
      (SELECT count() FROM ${db}.t_fail_sink) AS failing_view,
      (SELECT count() FROM ${db}.aiobs_feature_values) AS features`,
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<Record<string, string>>();
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
}

function all(n: number): Record<string, number> {
  return {
    spans: n,
    trace_index: n,
    inferences: n,
    minute: n,
    hour: n,
    seen: n,
    hosts: n,
    summing: n,
    failing_view: n,
    features: n,
  };
}

async function setFailing(fail: boolean): Promise<void> {
  await engine.client.command({ query: `TRUNCATE TABLE ${engine.database}.t_switch` });
  await engine.client.command({
    query: `INSERT INTO ${engine.database}.t_switch VALUES (${fail ? 1 : 0})`,
  });
}

async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 20_000;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ingest dedup on the embedded engine', () => {
  let dedup: IngestDedup;
  let ingestor: Ingestor;
  const spoolDir = () => join(dir, 'ingest-spool');
  const open = () =>
    IngestDedup.open({
      engine,
      spoolDir: spoolDir(),
      tables: Ingestor.TABLES,
      log,
      recordDelayMs: 10,
    });
  const ingest = (body: Uint8Array) =>
    ingestor.ingest('traces', 'json', body, principal, new DecodeOutcome());

  test('a resend of a committed request stores nothing again', async () => {
    dedup = await open();
    ingestor = new Ingestor(engine, config, log, dedup);
    const body = request(5);
    await ingest(body);
    await ingest(body);
    // Twice at once: the second copy waits for the first one's insert.
    const again = request(3);
    await Promise.all([ingest(again), ingest(again)]);
    expect(await counts()).toEqual(all(8));
    expect(dedup.skipped.otel_traces).toBe(2);
  });

  test('an insert that failed in one view is retried under its token and completes every table once', async () => {
    const body = request(4);
    await setFailing(true);
    await expect(ingest(body)).rejects.toThrow(/injected view failure/);
    // Partly committed: the failing view has none of its rows (what else committed is up
    // to the engine's order of views).
    const partial = await counts();
    expect(partial.failing_view).toBe(8);
    expect(partial).not.toEqual(all(8));
    // Its resend, while the block waits for a retry: 503, nothing written.
    expect(() => ingest(body)).toThrow(UnavailableError);
    await setFailing(false);
    const digest = requestDigest('default', 'traces', body);
    await until(() => !dedup.inDoubt(digest), 'the retry');
    expect(await counts()).toEqual(all(12));
    await ingest(body);
    expect(await counts()).toEqual(all(12));
    await ingestor.close();
    await until(() => readdirSync(spoolDir()).length === 0, 'the digests recorded');
  });

  test('a restart re-inserts spooled blocks (committed or not) and knows their requests', async () => {
    const committedBody = request(6);
    const lostBody = request(7);
    // Two spooled blocks as a crash leaves them: one committed (its digests unrecorded),
    // one whose insert never ran.
    const spool = (await open()).spool;
    const blocks: { body: Uint8Array; token: string }[] = [];
    for (const body of [committedBody, lostBody]) {
      const block = new TracesBlock();
      const budget = new DecodeBudget(1e9, 1e9);
      budget.begin([block]);
      decodeTraces(
        'json',
        body,
        block,
        {
          project: encodeProject('default'),
          maxAttributeBytes: 4096,
          maxAttributes: 128,
          droppedAttributes: 0,
          budget,
          features: undefined,
        },
        new DecodeOutcome(),
      );
      const token = `t-${blocks.length}-${Date.now()}`;
      const digest = requestDigest('default', 'traces', body);
      await spool.write(block.table, block.columnNames(), block.encode(), token, [digest]);
      if (body === committedBody)
        await engine.insertNative(block.table, block.columnNames(), block.encode(), {
          insert_deduplicate: 1,
          insert_deduplication_token: token,
          deduplicate_blocks_in_dependent_materialized_views: 1,
        });
      blocks.push({ body, token });
    }
    const before = await counts();
    expect(before.spans).toBe(12 + 6);
    dedup = await open();
    expect(dedup.recovered).toBe(2);
    const after = await counts();
    // The committed block is not written again; the lost one is written (spans only:
    // features ride a separate block, written by the resend below).
    expect(after.spans).toBe(12 + 6 + 7);
    expect(after.inferences).toBe(12 + 6 + 7);
    expect(after.minute).toBe(12 + 6 + 7);
    ingestor = new Ingestor(engine, config, log, dedup);
    await ingest(committedBody);
    await ingest(lostBody);
    const final = await counts();
    expect(final).toEqual(all(12 + 13));
    await ingestor.close();
  });
});
