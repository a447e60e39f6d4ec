import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from './helpers/collector.js';
import { decodeStatus, encodeSpans } from './helpers/otlp.js';

// Failed attempts regain a token every 1,000 s, so within a test run the count of 401s
// before 429 is exactly the burst, whatever the machine's speed.
const BURST = 100;
const FLOOD = 3_000;
const WORKERS = 32;
const SERVICE = `auth-flood-${process.pid}`;

let flooded: RunningCollector;
let limited: RunningCollector;

beforeAll(async () => {
  [flooded, limited] = await Promise.all([
    startCollector({
      args: ['--auth-failure-rate', '0.001', '--auth-failure-burst', String(BURST)],
    }),
    startCollector({
      args: [
        ...['--ingest-rate-limit', '0.01', '--ingest-rate-burst', '3'],
        ...['--trust-proxy', '--auth-failure-rate', '0.001', '--auth-failure-burst', '5'],
      ],
    }),
  ]);
});
afterAll(async () => {
  expect(await flooded?.stop()).toBe(0);
  expect(await limited?.stop()).toBe(0);
});

function ingest(
  c: RunningCollector,
  token: string,
  spans = 1,
  json = false,
  headers: Record<string, string> = {},
): Promise<Response> {
  const body = json
    ? JSON.stringify({ resourceSpans: [] })
    : Buffer.from(
        encodeSpans(
          SERVICE,
          Array.from({ length: spans }, () => ({})),
        ),
      );
  return fetch(`${c.url}/v1/traces`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': json ? 'application/json' : 'application/x-protobuf',
      ...headers,
    },
    body,
  });
}

/** Checks a 429's `Retry-After` (whole seconds, within `max`) and returns it. */
function retryAfter(res: Response, max: number): number {
  const value = res.headers.get('retry-after');
  expect(value).toMatch(/^\d+$/);
  const seconds = Number(value);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(max);
  return seconds;
}

describe('a flood of bad tokens', () => {
  test('gets 401 up to the burst, then 429, while a valid client keeps ingesting', async () => {
    // The valid client and the admin were already at work before the flood started.
    expect((await ingest(flooded, flooded.apiKey)).status).toBe(200);
    let validSpans = 1;
    await flooded.api('/api/v1/services');

    const statuses = new Map<number, number>();
    let sent = 0;
    let firstRefusal: Response | undefined;
    let flooding = true;
    const attacker = async () => {
      while (sent < FLOOD) {
        const i = sent++;
        // Some tokens repeat (answered from the negative cache), most are new; the made-up
        // X-Forwarded-For must not spread the attempts (no --trust-proxy here).
        const res = await ingest(flooded, i % 10 === 0 ? 'wrong-token' : `wrong-${i}`, 1, false, {
          'x-forwarded-for': `198.51.100.${i % 256}`,
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 429 && !firstRefusal) firstRefusal = res;
        else await res.arrayBuffer();
      }
    };
    const valid: number[] = [];
    const validClient = async () => {
      while (flooding) {
        const res = await ingest(flooded, flooded.apiKey, 5);
        await res.arrayBuffer();
        valid.push(res.status);
        if (res.status === 200) validSpans += 5;
      }
    };
    const client = validClient();
    await Promise.all(Array.from({ length: WORKERS }, attacker));
    flooding = false;
    await client;

    expect(statuses.get(401)).toBe(BURST);
    expect(statuses.get(429)).toBe(FLOOD - BURST);
    expect([...statuses.keys()].sort()).toEqual([401, 429]);
    expect(valid.length).toBeGreaterThan(0);
    expect(valid.filter((s) => s !== 200)).toEqual([]);

    // OTLP clients get a google.rpc.Status RESOURCE_EXHAUSTED in protobuf, and a wait.
    expect(firstRefusal?.headers.get('content-type')).toContain('application/x-protobuf');
    const status = decodeStatus(new Uint8Array(await firstRefusal!.arrayBuffer()));
    expect(status.code).toBe(8);
    expect(status.message).toMatch(/too many failed authentication attempts/);
    retryAfter(firstRefusal!, 1_000);

    // The API answers the same address with the JSON error, and the admin still gets in.
    const api = await fetch(`${flooded.url}/api/v1/services`, {
      headers: { authorization: 'Bearer wrong-admin' },
    });
    expect(api.status).toBe(429);
    retryAfter(api, 1_000);
    expect(await api.json()).toEqual({
      error: {
        code: 'rate_limited',
        message: 'too many failed authentication attempts from this address',
      },
    });
    const missing = await fetch(`${flooded.url}/api/v1/services`);
    expect(missing.status).toBe(401);

    // The collector stayed healthy and every acknowledged span is stored.
    const health = await fetch(`${flooded.url}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('ok');
    const { rows } = await flooded.api<{ rows: { n: string | number }[] }>('/api/v1/query', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        sql: `SELECT count() AS n FROM otel_traces WHERE ServiceName = '${SERVICE}'`,
      }),
    });
    expect(Number(rows[0]?.n)).toBe(validSpans);
  });
});

describe('per-key ingest rate limit (--ingest-rate-limit)', () => {
  test('429 with Retry-After past the burst; other keys and wrong keys are unaffected', async () => {
    for (let i = 0; i < 3; i++) expect((await ingest(limited, limited.apiKey)).status).toBe(200);
    const over = await ingest(limited, limited.apiKey, 1, true);
    expect(over.status).toBe(429);
    expect(over.headers.get('content-type')).toContain('application/json');
    const body = (await over.json()) as { code: number; message: string };
    expect(body.code).toBe(8);
    expect(body.message).toMatch(/ingest rate limit/);
    retryAfter(over, 100);

    const proto = await ingest(limited, limited.apiKey);
    expect(proto.status).toBe(429);
    expect(decodeStatus(new Uint8Array(await proto.arrayBuffer())).code).toBe(8);

    // The admin token has its own bucket; a wrong key is still a plain 401.
    expect((await ingest(limited, limited.adminToken)).status).toBe(200);
    expect((await ingest(limited, 'not-a-key')).status).toBe(401);
  });
});

describe('--trust-proxy', () => {
  test('failed attempts count per right-most X-Forwarded-For address', async () => {
    const via = (client: string) => ({ 'x-forwarded-for': `198.51.100.77, ${client}` });
    for (let i = 0; i < 5; i++)
      expect((await ingest(limited, `bad-${i}`, 1, false, via('203.0.113.1'))).status).toBe(401);
    const refused = await ingest(limited, 'bad-5', 1, false, via('203.0.113.1'));
    expect(refused.status).toBe(429);
    retryAfter(refused, 1_000);
    expect((await ingest(limited, 'bad-6', 1, false, via('203.0.113.2'))).status).toBe(401);
  });
});
