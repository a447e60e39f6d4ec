import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type ClickHouseFixture, startClickHouse } from './helpers/clickhouse-server.js';
import { REPO_ROOT, type RunningCollector, startCollector } from './helpers/collector.js';

// The evaluator lease end to end (issue 10, item 3): two collector PROCESSES on one ClickHouse
// server (the HTTP fixture), one rule at 1 s. One of them evaluates it (the other's evaluator
// counts no evaluation) and the receiver gets one firing notification; the holder is
// SIGKILLed, the other takes its shards once the lease expires (15 s) and carries the alert
// on from the stored state: still firing, no second firing notification, the history one
// stream of transitions; when the traffic stops the survivor sends the one resolution.

interface Received {
  name: string;
  webhookId: string;
  verified: boolean;
  body: { status: string; alerts: { status: string; labels: Record<string, string> }[] };
}

interface EvaluatorStats {
  holder: string;
  heldShards: number[];
  evaluations: number;
}

interface HistoryEntry {
  seq: number;
  from: string;
  to: string;
  time: string;
}

let ch: ClickHouseFixture;
let a: RunningCollector;
let b: RunningCollector;
let receiver: { url: string; child: ChildProcess };
const MODEL = `lease-${Date.now()}`;

/** Polls until `fn` returns a value, for at most `ms`. */
async function until<T>(
  fn: () => Promise<T | undefined | false>,
  what: string,
  ms = 90_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

async function received(): Promise<Received[]> {
  const all = (await (await fetch(`${receiver.url}/_received`)).json()) as Received[];
  return all.filter((r) => r.name === 'lease');
}

/** Five GenAI spans of MODEL ending now, as OTLP/JSON, to `c`. */
async function traffic(c: RunningCollector): Promise<void> {
  const now = Date.now();
  const spans = Array.from({ length: 5 }, (_, i) => ({
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    name: `chat ${MODEL}`,
    kind: 3,
    startTimeUnixNano: `${BigInt(now - 200 + i) * 1_000_000n}`,
    endTimeUnixNano: `${BigInt(now - 100 + i) * 1_000_000n}`,
    attributes: [
      ['gen_ai.operation.name', 'chat'],
      ['gen_ai.provider.name', 'openai'],
      ['gen_ai.request.model', MODEL],
    ].map(([key, value]) => ({ key, value: { stringValue: value } })),
  }));
  const res = await fetch(`${c.url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${c.apiKey}` },
    body: JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'e2e-lease' } }] },
          scopeSpans: [{ scope: { name: 'e2e' }, spans }],
        },
      ],
    }),
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  ch = await startClickHouse();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'test', 'apps', 'webhook-receiver.mjs')], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.once('exit', () => child.kill('SIGKILL'));
  const port = await new Promise<number>((ok, fail) => {
    createInterface({ input: child.stdout! }).once('line', (line) =>
      ok((JSON.parse(line) as { listening: number }).listening),
    );
    child.once('exit', (code) => fail(new Error(`receiver exited with ${code}`)));
  });
  receiver = { url: `http://127.0.0.1:${port}`, child };
  // Same credentials on both: they are one deployment on one store.
  const creds = { apiKey: `ingest-${MODEL}`, adminToken: `admin-${MODEL}` };
  const env = { AIOBS_WEBHOOK_ALLOW_HOSTS: '127.0.0.1' };
  a = await startCollector({ clickhouse: ch, env, ...creds });
  b = await startCollector({ clickhouse: ch, env, ...creds });
}, 120_000);

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  receiver?.child.kill('SIGKILL');
  await ch?.stop();
});

test('one of two collectors evaluates a rule; after the holder is SIGKILLed the other carries the alert on without a second notification', async () => {
  const channel = await a.api<{ id: string; secret: string }>(
    '/api/v1/channels',
    json({
      name: 'lease',
      type: 'webhook',
      url: `${receiver.url}/hook/lease`,
      groupWait: '0s',
      groupInterval: '0s',
    }),
  );
  const cfg = await fetch(`${receiver.url}/_config/lease`, {
    method: 'PUT',
    body: JSON.stringify({ secret: channel.secret, fail: [] }),
  });
  expect(cfg.status).toBe(204);
  // The shards settle into a fair split (4 and 4) before the rule exists, so the rule's
  // shard is not handed over by a rebalance during the test.
  const stats = async (c: RunningCollector) => c.api<EvaluatorStats>('/api/v1/alerts/evaluator');
  await until(async () => {
    const [sa, sb] = await Promise.all([stats(a), stats(b)]);
    return sa.heldShards.length === 4 && sb.heldShards.length === 4;
  }, 'the shards split between the two collectors');
  const rule = await b.api<{ id: string }>(
    '/api/v1/alert-rules',
    json({
      name: 'lease traffic',
      signal: { kind: 'throughput', model: MODEL },
      window: '20s',
      condition: { op: '>', threshold: 0 },
      for: '1s',
      interval: '1s',
      noDataState: 'ok',
      channels: [channel.id],
    }),
  );

  // Traffic to whichever collectors are up, until the takeover has been checked.
  const up = new Set([a, b]);
  let feeding = true;
  let survivor: RunningCollector | undefined;
  const feed = (async () => {
    while (feeding) {
      for (const c of up) await traffic(c).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 500));
    }
  })();

  try {
    const firing = await until(
      async () => (await received()).find((r) => r.body.status === 'firing'),
      'the firing notification',
    );
    expect(firing.verified).toBe(true);
    expect(firing.body.alerts[0]!.labels.alertname).toBe('lease traffic');

    // One evaluator did the work: the other has not evaluated anything (this store holds
    // only this rule), and between them they hold each shard once.
    const [sa, sb] = await Promise.all([stats(a), stats(b)]);
    expect(sa.evaluations > 0 !== sb.evaluations > 0, JSON.stringify([sa, sb])).toBe(true);
    expect(sa.heldShards.filter((s) => sb.heldShards.includes(s))).toEqual([]);
    const [holder, other] = sa.evaluations > 0 ? [a, b] : [b, a];
    survivor = other;
    const holderStats = sa.evaluations > 0 ? sa : sb;
    // A few more evaluations while firing: still one notification.
    await until(
      async () => (await stats(holder)).evaluations >= holderStats.evaluations + 3,
      'three more evaluations by the holder',
    );
    expect((await received()).filter((r) => r.body.status === 'firing')).toHaveLength(1);
    expect((await stats(other)).evaluations).toBe(0);

    // The holder dies without releasing its leases; the other waits out their expiry.
    up.delete(holder);
    expect(await holder.stop('SIGKILL')).toBeNull();
    const takenOver = await until(async () => {
      const s = await stats(other);
      return s.evaluations >= 3 && s;
    }, 'the other collector to evaluate the rule');
    expect(takenOver.heldShards).toHaveLength(8);
    const alert = (
      await other.api<{ alerts: { ruleId: string; state: string }[] }>('/api/v1/alerts')
    ).alerts.find((x) => x.ruleId === rule.id);
    expect(alert?.state).toBe('firing');
    expect((await received()).filter((r) => r.body.status === 'firing')).toHaveLength(1);
  } finally {
    feeding = false;
    await feed;
  }

  // Traffic stopped: the survivor resolves the alert, once.
  const resolved = await until(
    async () => (await received()).find((r) => r.body.status === 'resolved'),
    'the resolved notification',
  ).catch(async (err: Error) => {
    const history = await survivor?.api(`/api/v1/alerts/history?ruleId=${rule.id}`);
    const alerts = await survivor?.api('/api/v1/alerts');
    throw new Error(`${err.message}: ${JSON.stringify({ history, alerts })}`);
  });
  expect(resolved.verified).toBe(true);
  const { entries } = await survivor!.api<{ entries: HistoryEntry[] }>(
    `/api/v1/alerts/history?ruleId=${rule.id}`,
  );
  // One stream of transitions: each seq once, pending → firing → resolved, no second firing.
  const steps = [...entries].sort((x, y) => x.seq - y.seq);
  expect(steps.map((e) => e.seq)).toEqual(steps.map((_, k) => k + 1));
  expect(steps.slice(0, 3).map((e) => e.to)).toEqual(['pending', 'firing', 'resolved']);
  expect(steps.filter((e) => e.to === 'firing')).toHaveLength(1);
  const all = await received();
  expect(all.map((r) => r.body.status)).toEqual(['firing', 'resolved']);
}, 240_000);
