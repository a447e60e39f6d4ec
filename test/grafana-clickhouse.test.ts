import { createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from './helpers/collector.js';
import { encodeSpans } from './helpers/otlp.js';

// The ClickHouse-compatible endpoint of a real collector, as Grafana's ClickHouse data
// source is configured against it (server = the collector, protocol HTTP, path /clickhouse,
// user anything, password a read-only token): spans sent over OTLP are read back through
// `@clickhouse/client` and as the plugin's Go driver asks (Native, gzip), one project per
// token. (The replayed plugin SQL: collector/src/grafana/clickhouse-endpoint.int.test.ts.)

let collector: RunningCollector;
let defaultToken: string;
let otherToken: string;

async function post<T>(path: string, body: unknown): Promise<T> {
  return collector.api<T>(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  collector = await startCollector();
  const res = await fetch(`${collector.url}/v1/traces`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-protobuf',
      authorization: `Bearer ${collector.apiKey}`,
    },
    body: encodeSpans(
      'grafana-e2e',
      Array.from({ length: 4 }, (_, i) => ({ name: `op ${i}`, durationMs: 10 + i })),
    ),
  });
  expect(res.status).toBe(200);
  await post('/api/v1/projects', { id: 'team-b', name: 'Team B' });
  defaultToken = (
    await post<{ key: string }>('/api/v1/projects/default/keys', { kind: 'read', name: 'grafana' })
  ).key;
  otherToken = (
    await post<{ key: string }>('/api/v1/projects/team-b/keys', { kind: 'read', name: 'grafana' })
  ).key;
}, 120_000);

afterAll(async () => {
  expect(await collector.stop()).toBe(0);
});

function client(password: string) {
  return createClient({
    url: collector.url,
    pathname: '/clickhouse',
    username: 'grafana',
    password,
  });
}

describe('/clickhouse on a running collector', () => {
  test('@clickhouse/client with a read token sees its project; another project sees nothing', async () => {
    const mine = client(defaultToken);
    expect((await mine.ping()).success).toBe(true);
    const deadline = Date.now() + 30_000;
    let n = 0;
    while (n < 4 && Date.now() < deadline) {
      const rs = await mine.query({
        query: "SELECT count() AS n FROM otel_traces WHERE ServiceName = 'grafana-e2e'",
        format: 'JSONEachRow',
      });
      n = Number((await rs.json<{ n: number }>())[0]!.n);
      if (n < 4) await new Promise((r) => setTimeout(r, 200));
    }
    expect(n).toBe(4);
    await mine.close();
    const theirs = client(otherToken);
    const rs = await theirs.query({
      query: 'SELECT count() AS n FROM otel_traces',
      format: 'JSONEachRow',
    });
    expect(Number((await rs.json<{ n: number }>())[0]!.n)).toBe(0);
    await theirs.close();
  });

  test('as the Go driver asks: Native over gzip; the ingest key is refused', async () => {
    const ask = (password: string) =>
      fetch(`${collector.url}/clickhouse?default_format=Native&enable_http_compression=1`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`grafana:${password}`).toString('base64')}`,
          'accept-encoding': 'gzip',
        },
        body: 'SELECT timeZone(), version()',
      });
    const ok = await ask(defaultToken);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-encoding')).toBe('gzip');
    expect(ok.headers.get('x-clickhouse-format')).toBe('Native');
    expect((await ok.arrayBuffer()).byteLength).toBeGreaterThan(10);
    const ingest = await ask(collector.apiKey);
    expect(ingest.status).toBe(403);
    expect(ingest.headers.get('x-clickhouse-exception-code')).toBe('516');
  });
});
