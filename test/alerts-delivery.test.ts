import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT, type RunningCollector, startCollector } from './helpers/collector.js';

// Alert delivery end to end: a real collector process, a real webhook receiver process that
// verifies every request with the `standardwebhooks` library, only loopback traffic. The
// collector allows 127.0.0.1 as a webhook host (AIOBS_WEBHOOK_ALLOW_HOSTS), as a deployment
// with an internal receiver would; one collector runs without the allow-list to show a
// private target refused.

interface Received {
  name: string;
  webhookId: string;
  verified: boolean;
  status: number;
  body: {
    status: string;
    groupLabels: Record<string, string>;
    alerts: { status: string; labels: Record<string, string>; topTraces: { url?: string }[] }[];
  };
  error?: string;
}

interface Receiver {
  port: number;
  url: string;
  configure(name: string, secret: string, fail?: number[]): Promise<void>;
  received(name?: string): Promise<Received[]>;
  kill(): Promise<void>;
}

/** Starts test/apps/webhook-receiver.mjs and waits for its `{"listening": port}` line. */
async function startReceiver(port = 0): Promise<Receiver> {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(REPO_ROOT, 'test', 'apps', 'webhook-receiver.mjs'), '--port', String(port)],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const bound = await new Promise<number>((ok, fail) => {
    createInterface({ input: child.stdout! }).once('line', (line) =>
      ok((JSON.parse(line) as { listening: number }).listening),
    );
    child.once('exit', (code) => fail(new Error(`receiver exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${bound}`;
  return {
    port: bound,
    url,
    async configure(name, secret, fail = []) {
      const res = await fetch(`${url}/_config/${name}`, {
        method: 'PUT',
        body: JSON.stringify({ secret, fail }),
      });
      expect(res.status).toBe(204);
    },
    async received(name) {
      const all = (await (await fetch(`${url}/_received`)).json()) as Received[];
      return name === undefined ? all : all.filter((r) => r.name === name);
    },
    async kill() {
      const exited = new Promise((ok) => child.once('exit', ok));
      child.kill('SIGKILL');
      await exited;
      process.off('exit', kill);
    },
  };
}

/** Polls until `fn` returns a value, for at most `ms`. */
async function until<T>(
  fn: () => Promise<T | undefined | false>,
  what: string,
  ms = 45_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

interface Channel {
  id: string;
  secret: string;
  health: { status: string; consecutiveFailures: number };
}

let receiver: Receiver;
let collector: RunningCollector;
let dataDir: string;

async function channel(
  c: RunningCollector,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<Channel> {
  const ch = await c.api<Channel>(
    '/api/v1/channels',
    json({
      name,
      type: 'webhook',
      url: `${receiver.url}/hook/${name}`,
      groupWait: '0s',
      groupInterval: '0s',
      ...extra,
    }),
  );
  await receiver.configure(name, ch.secret);
  return ch;
}

const startMain = () =>
  startCollector({
    dataDir,
    cleanup: false,
    env: { AIOBS_PUBLIC_URL: 'http://aiobs.test:8080', AIOBS_WEBHOOK_ALLOW_HOSTS: '127.0.0.1' },
  });

beforeAll(async () => {
  receiver = await startReceiver();
  dataDir = mkdtempSync(join(tmpdir(), 'aiobs-e2e-alerts-'));
  collector = await startMain();
});

afterAll(async () => {
  await collector?.stop();
  await receiver?.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('channels', () => {
  test('a test send arrives signed: the receiver verifies it with standardwebhooks', async () => {
    const ch = await channel(collector, 'signed');
    const report = await collector.api<{ status: string; deliveryId: string; httpStatus: number }>(
      `/api/v1/channels/${ch.id}/test`,
      { method: 'POST' },
    );
    expect(report).toMatchObject({ status: 'delivered', httpStatus: 200 });
    const [got] = await receiver.received('signed');
    expect(got).toMatchObject({ verified: true, status: 200, webhookId: report.deliveryId });
    expect(got!.body).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'signed',
      externalURL: 'http://aiobs.test:8080',
    });
    // The secret is shown once.
    expect(
      (await collector.api<Record<string, unknown>>(`/api/v1/channels/${ch.id}`)).secret,
    ).toBeUndefined();
  });

  test('503s are retried and the delivery arrives with the same webhook-id', async () => {
    const ch = await channel(collector, 'flaky');
    await receiver.configure('flaky', ch.secret, [503, 503]);
    const report = await collector.api<{ status: string; deliveryId: string }>(
      `/api/v1/channels/${ch.id}/test`,
      { method: 'POST' },
    );
    expect(report.status).toBe('pending');
    const all = await until(async () => {
      const r = await receiver.received('flaky');
      return r.some((x) => x.status === 200) && r;
    }, 'the delivery to succeed');
    expect(all.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(new Set(all.map((r) => r.webhookId))).toEqual(new Set([report.deliveryId]));
    expect(all.every((r) => r.verified)).toBe(true);
    const health = await collector.api<Channel>(`/api/v1/channels/${ch.id}`);
    expect(health.health).toMatchObject({ status: 'ok', consecutiveFailures: 0 });
  });

  test('a private or loopback target is refused before any connection without the allow-list', async () => {
    const strict = await startCollector({ env: { AIOBS_WEBHOOK_ALLOW_HOSTS: '' } });
    try {
      for (const [url, reason] of [
        ['http://10.0.0.1/hook', /10\.0\.0\.1 \(private\)/],
        ['http://169.254.169.254/latest/meta-data', /cloud metadata/],
        [`${receiver.url}/hook/strict`, /127\.0\.0\.1 \(loopback\)/],
        [`http://localhost:${receiver.port}/hook/strict`, /loopback/],
      ] as const) {
        const ch = await strict.api<Channel>(
          '/api/v1/channels',
          json({ name: 'strict', type: 'webhook', url }),
        );
        const report = await strict.api<{ status: string; refused?: string; httpStatus?: number }>(
          `/api/v1/channels/${ch.id}/test`,
          { method: 'POST' },
        );
        expect(report.status, url).toBe('failed');
        expect(report.refused, url).toMatch(reason);
        expect(report.httpStatus).toBeUndefined();
      }
      expect(await receiver.received('strict')).toEqual([]);
    } finally {
      await strict.stop();
    }
  });
});

describe('restarts', () => {
  test('deliveries pending when the collector is SIGKILLed arrive after it restarts', async () => {
    const ch = await channel(collector, 'later');
    const port = receiver.port;
    await receiver.kill();
    const report = await collector.api<{ status: string; deliveryId: string; error: string }>(
      `/api/v1/channels/${ch.id}/test`,
      { method: 'POST' },
    );
    expect(report.status).toBe('pending');
    expect(report.error).toMatch(/ECONNREFUSED/);
    expect(await collector.stop('SIGKILL')).toBeNull();
    receiver = await startReceiver(port);
    await receiver.configure('later', ch.secret);
    collector = await startMain();
    const [got] = await until(async () => {
      const r = await receiver.received('later');
      return r.length > 0 && r;
    }, 'the pending delivery after the restart');
    expect(got).toMatchObject({ verified: true, status: 200, webhookId: report.deliveryId });
  });
});

describe('rules', () => {
  /** GenAI spans of `model` as OTLP/JSON, so the inference rows have traffic now. */
  async function traffic(model: string, n: number) {
    const now = Date.now();
    const spans = Array.from({ length: n }, (_, i) => ({
      traceId: randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      name: `chat ${model}`,
      kind: 3,
      startTimeUnixNano: `${BigInt(now - 200 + i) * 1_000_000n}`,
      endTimeUnixNano: `${BigInt(now - 100 + i) * 1_000_000n}`,
      attributes: [
        ['gen_ai.operation.name', 'chat'],
        ['gen_ai.provider.name', 'openai'],
        ['gen_ai.request.model', model],
      ].map(([key, value]) => ({ key, value: { stringValue: value } })),
    }));
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'e2e-alerts' } }] },
          scopeSpans: [{ scope: { name: 'e2e' }, spans }],
        },
      ],
    };
    const res = await fetch(`${collector.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${collector.apiKey}` },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
  }

  const rule = (
    name: string,
    model: string,
    channelId: string,
    labels: Record<string, string>,
  ) => ({
    name,
    signal: { kind: 'throughput', model },
    // Long enough to outlast the first evaluation plus `for` (the evaluator spreads rules over
    // their interval), short enough that the rule resolves soon after the traffic stops.
    window: '15s',
    condition: { op: '>', threshold: 0 },
    for: '2s',
    interval: '1s',
    noDataState: 'ok',
    labels,
    annotations: { summary: `{{ $value }} requests of ${model}` },
    channels: [channelId],
  });

  test('a rule fires after `for` and resolves; a silenced rule sends nothing', async () => {
    // After the restart test, the evaluator waits out the killed process's leases (15 s)
    // before it evaluates anything; the traffic below must still be in the 15 s window then.
    await until(
      async () =>
        (await collector.api<{ heldShards: number[] }>('/api/v1/alerts/evaluator')).heldShards
          .length === 8,
      'the evaluator to hold every shard',
    );
    const ch = await channel(collector, 'rules');
    const hour = new Date(Date.now() + 3_600_000).toISOString();
    await collector.api(
      '/api/v1/silences',
      json({ matchers: ['team="muted"'], endsAt: hour, comment: 'e2e', createdBy: 'test' }),
    );
    const loud = await collector.api<{ id: string }>(
      '/api/v1/alert-rules',
      json(rule('e2e traffic', 'e2e-model', ch.id, { team: 'loud' })),
    );
    const muted = await collector.api<{ id: string }>(
      '/api/v1/alert-rules',
      json(rule('e2e muted traffic', 'e2e-muted', ch.id, { team: 'muted' })),
    );
    await traffic('e2e-model', 5);
    await traffic('e2e-muted', 5);
    const firing = await until(
      async () => (await receiver.received('rules')).find((r) => r.body.status === 'firing'),
      'the firing notification',
    );
    // `for` is 2 s: the rule was pending at least that long before it fired.
    const steps = await collector.api<{ entries: { to: string; time: string }[] }>(
      `/api/v1/alerts/history?ruleId=${loud.id}`,
    );
    const at = (to: string) => Date.parse(steps.entries.find((e) => e.to === to)!.time);
    expect(at('firing') - at('pending')).toBeGreaterThanOrEqual(2_000);
    expect(firing.verified).toBe(true);
    expect(firing.body.alerts[0]!.labels).toMatchObject({ alertname: 'e2e traffic', team: 'loud' });
    const resolved = await until(
      async () => (await receiver.received('rules')).find((r) => r.body.status === 'resolved'),
      'the resolved notification',
    );
    expect(resolved.body.alerts[0]!.labels.alertname).toBe('e2e traffic');
    expect(resolved.webhookId).not.toBe(firing.webhookId);
    // The muted rule fired too (its history says so) but nothing was sent for it.
    const history = await collector.api<{ entries: { to: string }[] }>(
      `/api/v1/alerts/history?ruleId=${muted.id}`,
    );
    expect(history.entries.map((e) => e.to)).toContain('firing');
    const names = (await receiver.received('rules')).flatMap((r) =>
      r.body.alerts.map((a) => a.labels.alertname),
    );
    expect(names).not.toContain('e2e muted traffic');
  });
});
