import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type ClickHouseFixture, startClickHouse } from './helpers/clickhouse-server.js';
import { type RunningCollector, startCollector } from './helpers/collector.js';

// Cluster mode (issue 13, item 3) on the fixture acting as a one-shard, one-replica cluster:
// the collector renders local + Distributed tables ON CLUSTER with Replicated engines; the
// fixture renders ON CLUSTER and replication out (they need Keeper) and keeps the rest, so
// inserts and reads really go through Distributed tables and the views run on the locals.
let ch: ClickHouseFixture;
let c: RunningCollector;

async function sql<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const { rows } = await c.api<{ rows: T[] }>('/api/v1/query', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql: query, params }),
  });
  return rows;
}

beforeAll(async () => {
  ch = await startClickHouse({ cluster: 'aiobs_cluster' });
  c = await startCollector({ clickhouse: ch, env: { CLICKHOUSE_CLUSTER: 'aiobs_cluster' } });
});

afterAll(async () => {
  await c?.stop();
  await ch?.stop();
});

test('every table is a local MergeTree table under a Distributed table of the same name', async () => {
  const tables = await sql<{ name: string; engine: string; full: string }>(
    "SELECT name, engine, engine_full AS full FROM system.tables WHERE database = currentDatabase() AND engine NOT IN ('MaterializedView')",
  );
  const byName = new Map(tables.map((t) => [t.name, t]));
  const locals = tables.filter((t) => t.name.endsWith('_local'));
  expect(locals.length).toBeGreaterThan(20);
  for (const l of locals) {
    expect(l.engine, l.name).toMatch(/MergeTree$/);
    const dist = byName.get(l.name.slice(0, -'_local'.length));
    expect(dist?.engine, l.name).toBe('Distributed');
    expect(dist?.full).toContain(`Distributed('aiobs_cluster', 'default', '${l.name}'`);
  }
  // Nothing else: every table the app uses is a Distributed one.
  expect(tables.length).toBe(locals.length * 2);
  const traces = byName.get('otel_traces')!;
  expect(traces.full).toMatch(/cityHash64\(TraceId\)/);
  // The views read and write the local tables.
  const views = await sql<{ q: string }>(
    "SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND engine = 'MaterializedView'",
  );
  expect(views.length).toBeGreaterThan(5);
  for (const v of views) expect(v.q).toMatch(/TO default\.\w+_local/);
});

test('spans go in through the Distributed table, views derive their rows on the shard, reads fan out', async () => {
  const traceId = randomBytes(16).toString('hex');
  const now = BigInt(Date.now()) * 1_000_000n;
  const res = await fetch(`${c.url}/v1/traces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'clustered' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId,
                  spanId: randomBytes(8).toString('hex'),
                  name: 'chat gpt-x',
                  kind: 3,
                  startTimeUnixNano: String(now),
                  endTimeUnixNano: String(now + 250_000_000n),
                  attributes: [
                    { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                    { key: 'gen_ai.request.model', value: { stringValue: 'gpt-x' } },
                    { key: 'gen_ai.usage.input_tokens', value: { intValue: '12' } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    }),
  });
  expect(res.status, await res.text()).toBe(200);
  const stored = await sql<{ local: number; dist: number }>(
    'SELECT (SELECT count() FROM otel_traces_local WHERE TraceId = {t:String}) AS local, (SELECT count() FROM otel_traces WHERE TraceId = {t:String}) AS dist',
    { t: traceId },
  );
  expect(stored).toEqual([{ local: 1, dist: 1 }]);
  const trace = await c.api<{ spans: { name: string }[] }>(`/api/v1/traces/${traceId}`);
  expect(trace.spans.map((s) => s.name)).toEqual(['chat gpt-x']);
  // The typed inference row and the minute rollup come from views on the local tables.
  const inf = await sql<{ n: number }>(
    "SELECT count() AS n FROM aiobs_inferences_local WHERE model = 'gpt-x'",
  );
  expect(inf).toEqual([{ n: 1 }]);
  const models = await c.api<{ models: { model: string; requests: number }[] }>(
    `/api/v1/models?from=${Date.now() - 3_600_000}`,
  );
  expect(models.models.find((m) => m.model === 'gpt-x')?.requests).toBe(1);
});

test('a restart on the same cluster finds every migration applied', async () => {
  await c.stop();
  c = await startCollector({ clickhouse: ch, env: { CLICKHOUSE_CLUSTER: 'aiobs_cluster' } });
  expect(c.output()).not.toMatch(/migration applied/);
  const applied = await sql<{ n: number }>(
    'SELECT count() AS n FROM aiobs_schema_migrations FINAL',
  );
  expect(applied[0]!.n).toBeGreaterThan(15);
});

test('collectors are stateless: two on one cluster share what either stores', async () => {
  const other = await startCollector({
    clickhouse: ch,
    env: { CLICKHOUSE_CLUSTER: 'aiobs_cluster' },
  });
  try {
    const traceId = randomBytes(16).toString('hex');
    const now = BigInt(Date.now()) * 1_000_000n;
    // Ingest through the second collector with the key the first one seeded, read through
    // the first with its own admin token.
    const res = await fetch(`${other.url}/v1/traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [] },
            scopeSpans: [
              {
                spans: [
                  {
                    traceId,
                    spanId: randomBytes(8).toString('hex'),
                    name: 'side-by-side',
                    kind: 2,
                    startTimeUnixNano: String(now),
                    endTimeUnixNano: String(now + 1_000_000n),
                  },
                ],
              },
            ],
          },
        ],
      }),
    });
    expect(res.status, await res.text()).toBe(200);
    const trace = await c.api<{ spans: { name: string }[] }>(`/api/v1/traces/${traceId}`);
    expect(trace.spans.map((s) => s.name)).toEqual(['side-by-side']);
  } finally {
    await other.stop();
  }
});
