// `npm run demo` against a collector process: first run back-fills history, then live traffic
// of ≥3 models, 2 versions each, A/B variants, caches, errors, feedback and drifted features.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type RunningCollector, startCollector } from './helpers/collector.js';

const RATE = 25;
const DURATION_S = 10;
const DRIFT_AFTER_S = 4;

describe('npm run demo', () => {
  let collector: RunningCollector;
  let dataDir: string;
  let output = '';
  let servingAt = 0;
  let exitCode: number | null = null;

  const query = async <T = Record<string, string>>(
    sql: string,
    params: Record<string, unknown> = {},
  ) =>
    (
      await collector.api<{ rows: T[] }>('/api/v1/query', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sql, params }),
      })
    ).rows;

  beforeAll(async () => {
    collector = await startCollector();
    // the demo finds the ingest key in <AIOBS_DATA_DIR>/credentials.json, as the collector writes it
    dataDir = mkdtempSync(join(tmpdir(), 'aiobs-demo-'));
    writeFileSync(
      join(dataDir, 'credentials.json'),
      JSON.stringify({ apiKey: collector.apiKey, adminToken: collector.adminToken }),
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AIOBS_DATA_DIR: dataDir,
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    };
    delete env.AIOBS_API_KEY;
    const child = spawn(
      process.execPath,
      [
        join(REPO_ROOT, 'examples', 'demo', 'dist', 'main.js'),
        '--duration',
        `${DURATION_S}s`,
        '--rate',
        String(RATE),
        '--backfill-hours',
        '0.25',
        '--drift-after',
        `${DRIFT_AFTER_S}s`,
      ],
      { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    createInterface({ input: child.stdout }).on('line', (l) => {
      output += `${l}\n`;
      if (l.startsWith('serving on')) servingAt = Date.now();
    });
    exitCode = await new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  }, 120_000);

  afterAll(async () => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (collector) expect(await collector.stop()).toBe(0);
  });

  it('runs for the chosen duration, printing progress, and exits 0', () => {
    expect(exitCode, output).toBe(0);
    expect(output).toContain('ingest key from');
    expect(output).toMatch(/\[demo 0:0\d\/0:10\] \d+ req/);
    const sent = Number(/done: (\d+) requests/.exec(output)?.[1]);
    // Poisson arrivals at 25/s for 10 s: 250 expected, sd ≈ 16
    expect(sent).toBeGreaterThan(RATE * DURATION_S * 0.8);
    expect(existsSync(join(dataDir, 'demo-backfill.json'))).toBe(true);
  });

  it('sends ≥3 models with 2 versions each and A/B variants, live and back-filled', async () => {
    const rows = await query<{ model: string; versions: string[]; variants: string[] }>(
      `SELECT SpanAttributes['gen_ai.request.model'] AS model,
              arraySort(groupUniqArray(SpanAttributes['aiobs.model.version'])) AS versions,
              arraySort(groupUniqArray(SpanAttributes['aiobs.deployment.variant'])) AS variants
       FROM otel_traces WHERE ServiceName = 'aiobs-demo' AND SpanKind = 'Client' GROUP BY model ORDER BY model`,
    );
    expect(rows.map((r) => r.model)).toEqual([
      'fraud-detector',
      'support-chat',
      'text-embedding-3-small',
    ]);
    const by = Object.fromEntries(rows.map((r) => [r.model, r]));
    expect(by['fraud-detector']?.versions).toEqual(['v3', 'v4']);
    expect(by['fraud-detector']?.variants).toEqual(['canary', 'control']);
    expect(by['support-chat']?.versions).toEqual(['v1', 'v2']);
    expect(by['support-chat']?.variants).toEqual(['control', 'treatment']);

    const [row] = await query<{
      oldest_min: number;
      live: string;
      cache_hits: string;
      errors: string;
      streamed: string;
    }>(
      `SELECT dateDiff('minute', min(Timestamp), now64()) AS oldest_min,
              countIf(Timestamp >= fromUnixTimestamp64Milli({since:Int64})) AS live,
              countIf(SpanAttributes['aiobs.cache.hit'] = 'true') AS cache_hits,
              countIf(StatusCode = 'Error') AS errors,
              countIf(SpanAttributes['gen_ai.response.time_to_first_chunk'] != '') AS streamed
       FROM otel_traces WHERE ServiceName = 'aiobs-demo'`,
      { since: servingAt - 1000 },
    );
    expect(Number(row?.oldest_min)).toBeGreaterThanOrEqual(14); // 15 min back-filled
    expect(Number(row?.live)).toBeGreaterThan(RATE * DURATION_S);
    expect(Number(row?.cache_hits)).toBeGreaterThan(0);
    expect(Number(row?.errors)).toBeGreaterThan(0);
    expect(Number(row?.streamed)).toBeGreaterThan(0);
  });

  it('traces cross from the web service to the inference service', async () => {
    const [row] = await query<{ n: string }>(
      `SELECT count() AS n FROM otel_traces s JOIN otel_traces w ON s.ParentSpanId = w.SpanId AND s.TraceId = w.TraceId
       WHERE s.ServiceName = 'aiobs-demo' AND w.ServiceName = 'aiobs-demo-web' AND s.SpanKind = 'Server'`,
    );
    expect(Number(row?.n)).toBeGreaterThan(RATE * DURATION_S * 0.5);
  });

  it('records feedback, queue depth and the GenAI histograms (with history)', async () => {
    const [fb] = await query<{ with_label: string; with_score: string }>(
      `SELECT countIf(LogAttributes['aiobs.feedback.label'] != '') AS with_label,
              countIf(LogAttributes['aiobs.feedback.score'] != '') AS with_score
       FROM otel_logs WHERE ServiceName = 'aiobs-demo' AND EventName = 'aiobs.feedback'`,
    );
    expect(Number(fb?.with_label)).toBeGreaterThan(0);
    expect(Number(fb?.with_score)).toBeGreaterThan(0);
    const metrics = await query<{ MetricName: string; oldest_min: number }>(
      `SELECT MetricName, dateDiff('minute', min(TimeUnix), now64()) AS oldest_min FROM otel_metrics_histogram
       WHERE ServiceName = 'aiobs-demo' GROUP BY MetricName ORDER BY MetricName`,
    );
    expect(metrics.map((m) => m.MetricName)).toEqual([
      'gen_ai.client.operation.duration',
      'gen_ai.client.operation.time_to_first_chunk',
      'gen_ai.client.token.usage',
    ]);
    for (const m of metrics) expect(Number(m.oldest_min)).toBeGreaterThanOrEqual(10);
    const [q] = await query<{ n: string }>(
      `SELECT count() AS n FROM otel_metrics_gauge WHERE ServiceName = 'aiobs-demo' AND MetricName = 'aiobs.inference.queue.depth'`,
    );
    expect(Number(q?.n)).toBeGreaterThan(0);
  });

  it('drifts the input features after --drift-after', async () => {
    const [row] = await query<{ before: number; after: number; n_after: string }>(
      `SELECT quantileExactIf(0.5)(toFloat64OrZero(SpanAttributes['aiobs.feature.amount']), Timestamp < fromUnixTimestamp64Milli({live:Int64})) AS before,
              quantileExactIf(0.5)(toFloat64OrZero(SpanAttributes['aiobs.feature.amount']), Timestamp >= fromUnixTimestamp64Milli({drift:Int64})) AS after,
              countIf(Timestamp >= fromUnixTimestamp64Milli({drift:Int64})) AS n_after
       FROM otel_traces WHERE ServiceName = 'aiobs-demo' AND SpanAttributes['gen_ai.request.model'] = 'fraud-detector'`,
      { live: servingAt - 1000, drift: servingAt + DRIFT_AFTER_S * 1000 + 500 },
    );
    expect(Number(row?.n_after)).toBeGreaterThan(20);
    // median amount ≈ $36 before, ≈ $75 after the drift
    expect(Number(row?.after)).toBeGreaterThan(Number(row?.before) * 1.3);
  });
});
