import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from './helpers/collector.js';

// Alert rules end to end: a real collector process, inferences sent over OTLP, rules
// created, previewed, evaluated every second; the alert fires after `for`, survives a
// restart without a second notification, and resolves. Notifications are watched at a
// local webhook receiver and in the history.

let collector: RunningCollector;
let dataDir: string;
let receiver: Server;
let receiverUrl: string;
/** Every webhook request received: its id header and body. */
const received: { id: string; body: any }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      received.push({
        id: String(req.headers['webhook-id'] ?? ''),
        body: JSON.parse(body || '{}'),
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  collector = await startCollector({ cleanup: false });
  dataDir = collector.dataDir;
});

afterAll(async () => {
  await collector?.stop();
  await startCollector({ dataDir, cleanup: true }).then((c) => c.stop());
  receiver?.close();
});

/** `fetch` on the API with the admin token; returns the status and the parsed body. */
async function call(path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(collector.url + path, {
    ...init,
    headers: {
      authorization: `Bearer ${collector.adminToken}`,
      'content-type': 'application/json',
      ...(init.headers ?? {}),
    },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
const post = (path: string, body: unknown) =>
  call(path, { method: 'POST', body: JSON.stringify(body) });

/** A span as the test builds it; sent as OTLP/JSON. */
interface SpanSpec {
  name: string;
  startMs: number;
  durationMs: number;
  attributes: Record<string, string | number>;
}

const attr = (key: string, v: string | number) => ({
  key,
  value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v },
});

async function send(specs: SpanSpec[]) {
  const ns = (ms: number) => (BigInt(ms) * 1_000_000n).toString();
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [attr('service.name', 'support-bot')] },
        scopeSpans: [
          {
            scope: { name: 'e2e' },
            spans: specs.map((s) => ({
              traceId: randomBytes(16).toString('hex'),
              spanId: randomBytes(8).toString('hex'),
              name: s.name,
              kind: 3,
              startTimeUnixNano: ns(s.startMs),
              endTimeUnixNano: ns(s.startMs + s.durationMs),
              attributes: Object.entries(s.attributes).map(([k, v]) => attr(k, v)),
              status: {},
            })),
          },
        ],
      },
    ],
  };
  const res = await fetch(`${collector.url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${collector.apiKey}` },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`POST /v1/traces -> ${res.status}: ${await res.text()}`);
}

/** `n` chat inferences of `model`, each `durationMs` long, started at `startMs` + i. */
function inferences(
  model: string,
  n: number,
  durationMs: number,
  startMs = Date.now() - durationMs,
) {
  return Array.from({ length: n }, (_, i) => ({
    name: `chat ${model}`,
    startMs: startMs + i,
    durationMs,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': model,
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 20,
    },
  }));
}

/** Polls `probe` until it returns a value (not undefined) or the deadline passes. */
async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  deadlineMs = 60_000,
): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// The README example, verbatim.
const README_RULE = `{"name": "support-bot p95 latency", "signal": {"kind": "latency", "quantile": 0.95, "model": "gpt-4o-mini"},
 "window": "5m", "condition": {"op": ">", "threshold": 2000}, "for": "2m", "keepFiringFor": "5m",
 "interval": "30s", "labels": {"severity": "page"}, "channels": ["<channel id>"]}`;

describe('alert rules CRUD', () => {
  test('the README rule as written; read, list, replace, delete; 404 for unknown ids', async () => {
    const channel = await post('/api/v1/channels', {
      name: 'readme',
      type: 'webhook',
      url: receiverUrl,
    });
    expect(channel.status).toBe(201);
    // The README's placeholder filled in, the rest as written.
    const readme = README_RULE.replace('<channel id>', channel.body.id);
    const unknown = await call('/api/v1/alert-rules', { method: 'POST', body: README_RULE });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'bad_request', field: 'channels.0' });
    const created = await call('/api/v1/alert-rules', { method: 'POST', body: readme });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ...JSON.parse(readme),
      project: 'default',
      enabled: true,
      annotations: {},
      noDataState: 'no_data',
      errorState: 'error',
    });
    const id = created.body.id as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await call(`/api/v1/alert-rules/${id}`)).body).toEqual(created.body);
    const list = await call('/api/v1/alert-rules');
    expect(list.body.rules.map((r: { id: string }) => r.id)).toContain(id);
    expect((await call(`/api/v1/alert-rules?project=other`)).body).toEqual({ rules: [] });

    const elsewhere = await call(`/api/v1/alert-rules/${id}`, {
      method: 'PUT',
      body: JSON.stringify({ ...JSON.parse(readme), channels: [channel.body.id, 'gone'] }),
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.field).toBe('channels.1');
    const changed = {
      ...JSON.parse(readme),
      condition: { op: '>', threshold: 2500, warning: 2000 },
    };
    const put = await call(`/api/v1/alert-rules/${id}`, {
      method: 'PUT',
      body: JSON.stringify(changed),
    });
    expect(put.status).toBe(200);
    expect(put.body.condition).toEqual({ op: '>', threshold: 2500, warning: 2000 });
    expect(put.body.createdAt).toBe(created.body.createdAt);
    expect((await call(`/api/v1/alert-rules/${id}`)).body.condition.threshold).toBe(2500);

    const alerts = await call('/api/v1/alerts');
    expect(alerts.body.alerts.find((a: { ruleId: string }) => a.ruleId === id)).toMatchObject({
      state: 'inactive',
      ruleName: 'support-bot p95 latency',
      labels: { alertname: 'support-bot p95 latency', model: 'gpt-4o-mini', severity: 'page' },
    });

    expect((await call(`/api/v1/alert-rules/${id}`, { method: 'DELETE' })).status).toBe(204);
    for (const [method, body] of [['GET'], ['PUT', JSON.stringify(changed)], ['DELETE']] as const) {
      const r = await call(`/api/v1/alert-rules/${id}`, { method, ...(body ? { body } : {}) });
      expect(r.status, method).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    }
    expect((await call('/api/v1/alert-rules/no-such-rule')).status).toBe(404);
  });

  test('bad input: 400 with the field named', async () => {
    const rule = JSON.parse(README_RULE);
    const cases: [unknown, string | undefined][] = [
      [{ ...rule, condition: { op: '>', threshold: 'high' } }, 'condition.threshold'],
      [{ ...rule, condition: undefined }, 'condition'],
      [{ ...rule, signal: { kind: 'latency', quantile: 1.5 } }, 'signal.quantile'],
      [{ ...rule, signal: { kind: 'nope' } }, 'signal.kind'],
      [{ ...rule, window: 'five minutes' }, 'window'],
      [{ ...rule, interval: '100ms' }, 'interval'],
      [{ ...rule, noDataState: 'maybe' }, 'noDataState'],
      [{ ...rule, colour: 'red' }, 'colour'],
      [[], undefined],
    ];
    for (const [body, field] of cases) {
      const r = await post('/api/v1/alert-rules', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('bad_request');
      expect(r.body.error.field).toBe(field);
    }
    const notJson = await call('/api/v1/alert-rules', { method: 'POST', body: '{"name":' });
    expect(notJson.status).toBe(400);
    expect((await call('/api/v1/alerts?state=burning')).body.error.field).toBe('state');
    expect((await call('/api/v1/alerts/history?cursor=xyz')).body.error.field).toBe('cursor');
    expect((await call('/api/v1/alert-rules?project=a%20b')).body.error.field).toBe('project');
  });
});

describe('preview', () => {
  test('a draft over seeded inferences: the series, the threshold and where it would fire', async () => {
    const now = Date.now();
    // 10 minutes of inferences: fast for 5 minutes, then slow.
    const specs: SpanSpec[] = [];
    for (let m = 10; m >= 1; m--)
      specs.push(...inferences('preview-model', 20, m > 5 ? 100 : 3000, now - m * 60_000));
    await send(specs);
    const r = await post(`/api/v1/alert-rules/preview?from=${now - 11 * 60_000}&to=${now}`, {
      signal: { kind: 'latency', quantile: 0.95, model: 'preview-model' },
      window: '1m',
      interval: '1m',
      condition: { op: '>', threshold: 2000 },
      for: '1m',
    });
    expect(r.status).toBe(200);
    expect(r.body.condition).toEqual({ op: '>', threshold: 2000 });
    expect(r.body.stepMs).toBe(60_000);
    const values = r.body.points.map((p: { value: number | null }) => p.value);
    expect(values.some((v: number | null) => v !== null && v < 2000)).toBe(true);
    expect(values.some((v: number | null) => v !== null && v > 2000)).toBe(true);
    expect(r.body.firing.length).toBe(1);
    const f = r.body.firing[0];
    expect(f.severity).toBe('critical');
    // The first window holding slow inferences ends 4 minutes ago (pending); `for` is 1m.
    expect(f.from).toBe(new Date(now - 3 * 60_000).toISOString());
    expect(f.to).toBeNull();
    const pendingAt = r.body.points.find((p: { state: string }) => p.state === 'pending');
    expect(pendingAt.time).toBe(new Date(now - 4 * 60_000).toISOString());
    // Not saved.
    expect(
      (await call('/api/v1/alert-rules')).body.rules.some(
        (x: { name: string }) => x.name === 'preview',
      ),
    ).toBe(false);
  });
});

describe('evaluation', () => {
  test('fires after for, survives a restart without a second notification, resolves', async () => {
    const channel = await post('/api/v1/channels', {
      name: 'e2e receiver',
      type: 'webhook',
      url: receiverUrl,
      groupWait: '0s',
      groupInterval: '1s',
    });
    expect(channel.status).toBe(201);
    const model = `fire-${Date.now()}`;
    const created = await post('/api/v1/alert-rules', {
      name: 'e2e p95 latency',
      signal: { kind: 'latency', quantile: 0.95, model },
      window: '20s',
      condition: { op: '>', threshold: 1000 },
      for: '2s',
      interval: '1s',
      noDataState: 'ok',
      annotations: { summary: 'p95 {{ $value }} ms on {{ $labels.model }}' },
      channels: [channel.body.id],
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const alertOf = async () =>
      (await call('/api/v1/alerts')).body.alerts.find((a: { ruleId: string }) => a.ruleId === id);

    // Slow inferences keep arriving until the restart has been checked (the collector is down
    // for a moment in between: those sends fail and are simply not counted).
    await send(inferences(model, 20, 2500));
    let feeding = true;
    const feed = (async () => {
      while (feeding) {
        await send(inferences(model, 5, 2500)).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    const firing = await until('firing', async () => {
      const a = await alertOf();
      return a.state === 'firing' ? a : undefined;
    });
    expect(firing.severity).toBe('critical');
    expect(firing.value).toBeGreaterThan(1000);
    // `for` is 2 s: it was pending first, and fired no sooner than 2 s after it began.
    expect(Date.parse(firing.firingSince) - Date.parse(firing.activeAt)).toBeGreaterThanOrEqual(
      2000,
    );
    const firingNotes = () =>
      received.flatMap((r) =>
        (r.body.alerts ?? []).filter(
          (a: any) => a.labels?.alertname === 'e2e p95 latency' && a.status === 'firing',
        ),
      );
    await until('the firing webhook', async () => (firingNotes().length > 0 ? true : undefined));
    expect(firingNotes()[0].annotations.summary).toMatch(/^p95 \d+(\.\d+)? ms on fire-/);

    // Restart while firing: the state is read back, nothing is sent again.
    expect(await collector.stop()).toBe(0);
    collector = await startCollector({ dataDir, cleanup: false });
    const evaluated = Date.parse(firing.lastEvaluatedAt);
    const after = await until('evaluations after the restart', async () => {
      const a = await alertOf();
      return Date.parse(a.lastEvaluatedAt) > evaluated + 3000 ? a : undefined;
    });
    expect(after.state).toBe('firing');
    expect(after.seq).toBe(firing.seq);
    expect(after.firingSince).toBe(firing.firingSince);
    feeding = false;
    await feed;

    // The slow inferences leave the 20 s window: resolved (no data counts as ok here).
    const resolved = await until('resolved', async () => {
      const a = await alertOf();
      return a.state === 'resolved' ? a : undefined;
    });
    expect(resolved.seq).toBe(firing.seq + 1);
    const resolvedNotes = () =>
      received.flatMap((r) =>
        (r.body.alerts ?? []).filter(
          (a: any) => a.labels?.alertname === 'e2e p95 latency' && a.status === 'resolved',
        ),
      );
    await until('the resolved webhook', async () =>
      resolvedNotes().length > 0 ? true : undefined,
    );
    // One firing notification in all, across the restart.
    expect(firingNotes().length).toBe(1);

    const history = await call(`/api/v1/alerts/history?ruleId=${id}`);
    expect(history.status).toBe(200);
    expect(history.body.entries.map((e: any) => [e.from, e.to])).toEqual([
      ['firing', 'resolved'],
      ['pending', 'firing'],
      ['inactive', 'pending'],
    ]);
    expect(history.body.entries[0].notificationId).toMatch(
      new RegExp(`^${id}:[0-9a-f]{16}:${resolved.seq}$`),
    );
    expect(history.body.entries[2].notificationId).toBeNull();
    // Paging: one at a time, the same three.
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: any } = await call(
        `/api/v1/alerts/history?ruleId=${id}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      paged.push(...page.body.entries.map((e: any) => e.to));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(['resolved', 'firing', 'pending']);
    const stats = await call('/api/v1/alerts/evaluator');
    expect(stats.body.heldShards.length).toBe(8);
    expect(stats.body.evaluations).toBeGreaterThan(0);
  }, 180_000);
});
