import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../config.js';
import { AppError } from '../../errors.js';
import type { AppEnv } from '../../middleware/auth.js';
import { createDb, type Db } from '../../storage/db.js';
import { type Engine, openEngine } from '../../storage/engine.js';
import { migrate } from '../../storage/migrate.js';
import { trustedProjectScope } from '../../testing/project-scope.js';
import type { AlertNotification } from '../contract.js';
import { createChannelsRepo } from './channels-repo.js';
import { createDelivery, type Delivery } from './index.js';
import { createOutboxRepo } from './outbox-repo.js';

// Delivery on the real engine with a real receiver on loopback: channels, the signed test
// send, retries with the same webhook-id, no retry on 4xx, failing channels, routing and
// grouping of notifications, silences, maintenance windows, resuming after a restart, and
// refusal of a private target.

const log = pino({ level: process.env.TEST_LOG ?? 'silent' });
let dir: string;
let engine: Engine;
let db: Db;

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
/** Status to answer per path, consumed front first; 200 when empty. */
const script = new Map<string, number[]>();

const config = (allow: string[]) =>
  loadConfig(
    { dataDir: '/tmp', publicUrl: 'https://aiobs.example/' },
    { AIOBS_WEBHOOK_ALLOW_HOSTS: allow.join(',') },
  );

function start(allow = ['127.0.0.1'], cacheMs?: number): { delivery: Delivery; app: Hono<AppEnv> } {
  const delivery = createDelivery({
    engine,
    db,
    config: config(allow),
    log,
    backoff: { baseMs: 50, capMs: 200 },
    tickMs: 25,
    cacheMs,
  });
  const app = new Hono<AppEnv>().use('*', trustedProjectScope());
  app.route('/channels', delivery.channels);
  app.route('/silences', delivery.silences);
  app.route('/maintenance-windows', delivery.maintenance);
  app.onError((err, c) => {
    if (err instanceof AppError)
      return c.json(
        { error: { code: err.code, message: err.message, field: err.options.field } },
        err.status,
      );
    throw err;
  });
  delivery.start();
  return { delivery, app };
}

async function call<T = Record<string, unknown>>(
  app: Hono<AppEnv>,
  method: string,
  path: string,
  body?: unknown,
) {
  const res = await app.request(path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (res.status === 204 ? {} : await res.json()) as T };
}

/** Polls until `fn` returns a value, for at most 20 s. */
async function until<T>(
  fn: () => T | undefined | Promise<T | undefined>,
  what: string,
): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const at = (path: string) => received.filter((r) => r.path === path);

/** Waits until no delivery is pending: everything routed has been sent. */
const outboxEmpty = () =>
  until(
    async () => ((await createOutboxRepo(engine, db).pending()).length === 0 ? true : undefined),
    'an empty outbox',
  );

function note(
  over: Partial<AlertNotification> & { id: string; channels: string[] },
): AlertNotification {
  return {
    project: 'default',
    ruleId: 'r1',
    ruleName: 'p95 latency',
    status: 'firing',
    labels: { alertname: 'p95 latency', severity: 'page' },
    annotations: { summary: 'p95 above 2000 ms' },
    fingerprint: 'fp1',
    startsAt: '2026-01-01T00:00:00.000Z',
    value: 2450,
    topTraces: [{ traceId: '0af7651916cd43dd8448eb211c80319c', durationMs: 5100 }],
    ...over,
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-delivery-'));
  engine = await openEngine(loadConfig({ dataDir: dir }, {}));
  await migrate(engine, { retentionDays: 30, fsync: false }, log);
  db = createDb(engine);
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(script.get(path)?.shift() ?? 200).end();
    });
  });
  await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  receiver?.closeAllConnections();
  await new Promise((ok) => receiver?.close(ok));
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('channels', () => {
  test('create shows the secret once; fields are validated by name', async () => {
    const { delivery, app } = start();
    const made = await call(app, 'POST', '/channels', {
      name: 'a',
      type: 'webhook',
      url: `${receiverUrl}/a`,
      headers: { authorization: 'Bearer t' },
    });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({
      name: 'a',
      format: 'alertmanager',
      groupWait: '30s',
      groupInterval: '5m',
      repeatInterval: '4h',
      groupBy: ['alertname'],
    });
    expect(made.json.secret).toMatch(/^whsec_/);
    const got = await call(app, 'GET', `/channels/${made.json.id}`);
    expect(got.json.secret).toBeUndefined();
    expect(got.json.headers).toEqual({ authorization: '<hidden>' });
    const list = await call<{ channels: { id: string }[] }>(app, 'GET', '/channels');
    expect(list.json.channels.map((c) => c.id)).toContain(made.json.id);

    const bad = async (body: unknown) =>
      (await call<{ error: { field?: string } }>(app, 'POST', '/channels', body)).json.error.field;
    const ok = { name: 'b', type: 'webhook', url: `${receiverUrl}/b` };
    expect(await bad({ ...ok, url: 'ftp://x' })).toBe('url');
    expect(await bad({ ...ok, type: 'email' })).toBe('type');
    expect(await bad({ ...ok, format: 'template' })).toBe('template');
    expect(await bad({ ...ok, format: 'template', template: '{{#a}}' })).toBe('template');
    expect(await bad({ ...ok, matchers: ['sev~page'] })).toBe('matchers.0');
    expect(await bad({ ...ok, groupWait: '5 minutes' })).toBe('groupWait');
    expect(await bad({ ...ok, headers: { 'webhook-id': 'x' } })).toBe('headers.webhook-id');
    expect(await bad({ ...ok, extra: 1 })).toBe('extra');
    expect((await call(app, 'GET', '/channels/nope')).status).toBe(404);
    expect((await call(app, 'DELETE', `/channels/${made.json.id}`)).status).toBe(204);
    expect((await call(app, 'GET', `/channels/${made.json.id}`)).status).toBe(404);
    await delivery.close();
  });

  test('the test send arrives signed and verifies with standardwebhooks', async () => {
    const { delivery, app } = start();
    const ch = (
      await call(app, 'POST', '/channels', {
        name: 'signed',
        type: 'webhook',
        url: `${receiverUrl}/signed`,
      })
    ).json;
    const r = await call(app, 'POST', `/channels/${ch.id}/test`);
    expect(r.json).toMatchObject({ status: 'delivered', attempt: 1, httpStatus: 200 });
    const [req] = at('/signed');
    expect(req!.headers['webhook-id']).toBe(r.json.deliveryId);
    const body = new Webhook(ch.secret as string).verify(
      req!.body,
      req!.headers as Record<string, string>,
    ) as Record<string, unknown>;
    expect(body).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'signed',
      externalURL: 'https://aiobs.example',
    });
    await delivery.close();
  });

  test('503s are retried with the same webhook-id; the channel is failing until one succeeds', async () => {
    const { delivery, app } = start();
    const ch = (
      await call(app, 'POST', '/channels', {
        name: 'flaky',
        type: 'webhook',
        url: `${receiverUrl}/flaky`,
      })
    ).json;
    // 503 until the test has seen the channel failing: with retries 50-200 ms apart, a
    // fixed three left a window too short for a loaded machine to see.
    script.set('/flaky', Array(1000).fill(503));
    const first = await call(app, 'POST', `/channels/${ch.id}/test`);
    expect(first.json).toMatchObject({ status: 'pending', httpStatus: 503, error: 'HTTP 503' });
    await until(() => at('/flaky').length >= 3 || undefined, 'three attempts');
    const health = await until(async () => {
      const h = (
        await call<{ health: { status: string; consecutiveFailures: number } }>(
          app,
          'GET',
          `/channels/${ch.id}`,
        )
      ).json.health;
      return h.status === 'failing' && h.consecutiveFailures >= 3 ? h : undefined;
    }, 'the channel to be failing');
    expect(health).toMatchObject({ lastStatus: 503 });
    script.set('/flaky', []);
    const failed = at('/flaky').length;
    await until(() => at('/flaky').length > failed || undefined, 'an attempt that succeeds');
    const ids = new Set(at('/flaky').map((r) => r.headers['webhook-id']));
    expect([...ids]).toEqual([first.json.deliveryId]);
    await until(async () => {
      const h = (await call<{ health: { status: string } }>(app, 'GET', `/channels/${ch.id}`)).json
        .health;
      return h.status === 'ok' || undefined;
    }, 'the channel to recover');
    await delivery.close();
  });

  test('a 4xx other than 408/429 is not retried; a private target is refused before connecting', async () => {
    const { delivery, app } = start([]);
    const ch = (
      await call(app, 'POST', '/channels', {
        name: 'gone',
        type: 'webhook',
        url: 'http://10.0.0.1/hook',
      })
    ).json;
    const r = await call(app, 'POST', `/channels/${ch.id}/test`);
    expect(r.json).toMatchObject({ status: 'failed', attempt: 1 });
    expect(r.json.refused).toMatch(/10\.0\.0\.1 \(private\)/);
    expect(r.json.httpStatus).toBeUndefined();
    const local = (
      await call(app, 'POST', '/channels', {
        name: 'local',
        type: 'webhook',
        url: `${receiverUrl}/local`,
      })
    ).json;
    const before = received.length;
    const l = await call(app, 'POST', `/channels/${local.id}/test`);
    expect(l.json.refused).toMatch(/loopback/);
    expect(received.length).toBe(before);
    await delivery.close();

    const allowed = start();
    const four = (
      await call(allowed.app, 'POST', '/channels', {
        name: '4xx',
        type: 'webhook',
        url: `${receiverUrl}/4xx`,
      })
    ).json;
    script.set('/4xx', [400, 400]);
    const f = await call(allowed.app, 'POST', `/channels/${four.id}/test`);
    expect(f.json).toMatchObject({ status: 'failed', httpStatus: 400 });
    expect((await createOutboxRepo(engine, db).get(f.json.deliveryId as string))?.status).toBe(
      'failed',
    );
    expect(at('/4xx')).toHaveLength(1);
    await allowed.delivery.close();
  });
});

describe('notifications', () => {
  test('routed by rule and by matchers, grouped, firing then resolved, each id once', async () => {
    const { delivery, app } = start();
    const timing = { groupWait: '0s', groupInterval: '0s', repeatInterval: '4h' };
    const named = (
      await call(app, 'POST', '/channels', {
        name: 'named',
        type: 'webhook',
        url: `${receiverUrl}/named`,
        ...timing,
      })
    ).json;
    await call(app, 'POST', '/channels', {
      name: 'pager',
      type: 'webhook',
      url: `${receiverUrl}/pager`,
      format: 'slack',
      matchers: ['severity="page"'],
      ...timing,
    });
    const firing = note({ id: 'r1:fp1:1', channels: [named.id as string] });
    await delivery.notifier.enqueue([firing]);
    await delivery.notifier.enqueue([firing]); // the lifecycle re-enqueues after a crash
    const [fired] = await until(
      () => (at('/named').length ? at('/named') : undefined),
      'the firing notification',
    );
    const body = new Webhook(named.secret as string).verify(
      fired!.body,
      fired!.headers as Record<string, string>,
    ) as {
      status: string;
      alerts: {
        status: string;
        fingerprint: string;
        generatorURL: string;
        topTraces: { url: string }[];
      }[];
    };
    expect(body.status).toBe('firing');
    expect(body.alerts).toHaveLength(1);
    expect(body.alerts[0]).toMatchObject({
      fingerprint: 'fp1',
      generatorURL: 'https://aiobs.example/alerts?rule=r1',
    });
    expect(body.alerts[0]!.topTraces[0]!.url).toBe(
      'https://aiobs.example/traces/view?id=0af7651916cd43dd8448eb211c80319c',
    );
    const slack = await until(() => at('/pager')[0], 'the routed slack notification');
    expect(JSON.parse(slack.body).text).toBe('[FIRING:1] p95 latency');

    await delivery.notifier.enqueue([
      { ...firing, id: 'r1:fp1:2', status: 'resolved', endsAt: '2026-01-01T00:10:00.000Z' },
    ]);
    const resolved = await until(() => at('/named')[1], 'the resolved notification');
    expect(JSON.parse(resolved.body)).toMatchObject({
      status: 'resolved',
      alerts: [{ status: 'resolved', endsAt: '2026-01-01T00:10:00.000Z' }],
    });
    expect(resolved.headers['webhook-id']).not.toBe(fired!.headers['webhook-id']);
    await outboxEmpty();
    expect(at('/named')).toHaveLength(2);
    await delivery.close();
  });

  test('a silence and a maintenance window mute matching alerts only', async () => {
    const { delivery, app } = start();
    const ch = (
      await call(app, 'POST', '/channels', {
        name: 'mute',
        type: 'webhook',
        url: `${receiverUrl}/mute`,
        groupWait: '0s',
        groupInterval: '0s',
      })
    ).json;
    const hour = new Date(Date.now() + 3_600_000).toISOString();
    const s = await call(app, 'POST', '/silences', {
      matchers: ['alertname="silenced"'],
      endsAt: hour,
      comment: 'deploy',
      createdBy: 'ops',
    });
    expect(s.status).toBe(201);
    expect(s.json.status).toEqual({ state: 'active' });
    const w = await call(app, 'POST', '/maintenance-windows', {
      name: 'db upgrade',
      matchers: [{ name: 'service', op: '=~', value: 'db-.*' }],
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: hour,
    });
    expect(w.json).toMatchObject({ name: 'db upgrade', active: true });
    expect(
      (
        await call<{ error: { field: string } }>(app, 'POST', '/silences', {
          matchers: [],
          endsAt: hour,
          comment: 'x',
        })
      ).json.error.field,
    ).toBe('matchers');
    const channels = [ch.id as string];
    await delivery.notifier.enqueue([
      note({ id: 'm:1', channels, fingerprint: 'm1', labels: { alertname: 'silenced' } }),
      note({
        id: 'm:2',
        channels,
        fingerprint: 'm2',
        labels: { alertname: 'db', service: 'db-main' },
      }),
      note({ id: 'm:3', channels, fingerprint: 'm3', labels: { alertname: 'loud' } }),
    ]);
    await until(() => at('/mute')[0], 'the unmuted alert');
    await outboxEmpty();
    expect(at('/mute').map((r) => JSON.parse(r.body).groupLabels.alertname)).toEqual(['loud']);
    const expired = await call(app, 'DELETE', `/silences/${s.json.id}`);
    expect(expired.json.status).toEqual({ state: 'expired' });
    await delivery.close();
  });

  // An hour-long cache makes these races deterministic: the first alert fills the worker's
  // caches, the second depends on a change made after that.
  test('a channel another collector created after the list was cached still gets its alert', async () => {
    const { delivery, app } = start(['127.0.0.1'], 3_600_000);
    const spec = (name: string) => ({
      name,
      type: 'webhook' as const,
      url: `${receiverUrl}/${name}`,
      headers: {},
      format: 'alertmanager' as const,
      matchers: [],
      groupBy: ['alertname'],
      groupWait: '0s',
      groupInterval: '5m',
      repeatInterval: '4h',
    });
    const early = (await call(app, 'POST', '/channels', spec('early'))).json.id as string;
    await delivery.notifier.enqueue([note({ id: 'c:1', channels: [early], fingerprint: 'c1' })]);
    await until(() => at('/early')[0], 'the alert to the cached channel');
    // Written past this collector's routes, as another collector's would be.
    const late = (await createChannelsRepo(engine, db).create('default', spec('late'))).id;
    await delivery.notifier.enqueue([note({ id: 'c:2', channels: [late], fingerprint: 'c2' })]);
    await until(() => at('/late')[0], 'the alert to the channel created later');
    await delivery.close();
  });

  test('a silence created through the API mutes from its answer on', async () => {
    const { delivery, app } = start(['127.0.0.1'], 3_600_000);
    const ch = (
      await call(app, 'POST', '/channels', {
        name: 'hush',
        type: 'webhook',
        url: `${receiverUrl}/hush`,
        groupWait: '0s',
        groupBy: ['alertname'],
      })
    ).json.id as string;
    await delivery.notifier.enqueue([
      note({ id: 'h:1', channels: [ch], fingerprint: 'h1', labels: { alertname: 'first' } }),
    ]);
    await until(() => at('/hush')[0], 'the alert that fills the cache');
    const s = await call(app, 'POST', '/silences', {
      matchers: ['alertname="quiet"'],
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      comment: 'maintenance',
    });
    expect(s.status).toBe(201);
    await delivery.notifier.enqueue([
      note({ id: 'h:2', channels: [ch], fingerprint: 'h2', labels: { alertname: 'quiet' } }),
      note({ id: 'h:3', channels: [ch], fingerprint: 'h3', labels: { alertname: 'loud' } }),
    ]);
    await until(() => at('/hush')[1], 'the unsilenced alert');
    await outboxEmpty();
    expect(at('/hush').map((r) => JSON.parse(r.body).groupLabels.alertname)).toEqual([
      'first',
      'loud',
    ]);
    await call(app, 'DELETE', `/silences/${s.json.id}`);
    await delivery.close();
  });

  test('pending deliveries survive a restart and go out with the same webhook-id', async () => {
    const first = start();
    const ch = (
      await call(first.app, 'POST', '/channels', {
        name: 'later',
        type: 'webhook',
        url: `${receiverUrl}/later`,
        groupWait: '0s',
      })
    ).json;
    script.set('/later', Array(1000).fill(503));
    await first.delivery.notifier.enqueue([
      note({ id: 'k:1', channels: [ch.id as string], fingerprint: 'k1' }),
    ]);
    await until(() => at('/later')[0], 'a first failed attempt');
    await first.delivery.close();
    const id = at('/later')[0]!.headers['webhook-id'];
    script.set('/later', []);
    const second = start();
    const ok = await until(
      () => at('/later').find((r) => r.headers['webhook-id'] === id && r !== at('/later')[0]),
      'the delivery after restart',
    );
    expect(
      new Webhook(ch.secret as string).verify(ok.body, ok.headers as Record<string, string>),
    ).toMatchObject({ status: 'firing' });
    await outboxEmpty();
    await second.delivery.close();
  });
});
