import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from './config.js';
import { type RunningCollector, startCollector } from './server.js';

const dir = mkdtempSync(join(tmpdir(), 'aiobs-server-int-'));
const printed: string[] = [];
let c: RunningCollector;
let creds: { apiKey: string; adminToken: string };

beforeAll(async () => {
  // Nothing seeded, and one minute between inserts so a second request's rows stay pending.
  // Answered from the WAL, the second request's rows can arrive while the first insert runs:
  // close() must then flush them at once, not a minute later.
  const config = loadConfig(
    {
      port: 0,
      grpcPort: 0,
      host: '127.0.0.1',
      dataDir: dir,
      batchMaxDelayMs: 60_000,
      ackAfter: 'spool',
    },
    {},
  );
  c = await startCollector(config, {
    log: pino({ level: 'silent' }),
    credentialsOutput: { interactive: true, write: (t) => printed.push(t) },
  });
  creds = JSON.parse(readFileSync(join(dir, 'credentials.json'), 'utf8'));
});
afterAll(async () => {
  await c.close();
  rmSync(dir, { recursive: true, force: true });
});

function postSpan(name: string) {
  const span = {
    traceId: '0123456789abcdef0123456789abcdef',
    spanId: '0123456789abcdef',
    name,
    kind: 2,
    startTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
    endTimeUnixNano: String(BigInt(Date.now() + 1) * 1_000_000n),
  };
  return fetch(`${c.url}/v1/traces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${creds.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'int' } }] },
          scopeSpans: [{ spans: [span] }],
        },
      ],
    }),
  });
}

describe('startCollector', () => {
  test('listens on the bound port, and generated credentials reach the terminal and work', async () => {
    expect(c.port).toBeGreaterThan(0);
    expect(c.url).toBe(`http://127.0.0.1:${c.port}`);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain(creds.apiKey);
    expect(printed[0]).toContain(creds.adminToken);
    const res = await fetch(`${c.url}/api/v1/services`, {
      headers: { authorization: `Bearer ${creds.adminToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  test('close() lets a pending request be acknowledged, then stops listening', async () => {
    expect((await postSpan('first')).status).toBe(200);
    const pending = postSpan('pending');
    // Its rows wait for the next insert a minute away; wait for that state, not for time.
    for (;;) {
      const h = (await (await fetch(`${c.url}/api/v1/health`)).json()) as {
        ingest: { pendingBytes: number };
      };
      if (h.ingest.pendingBytes > 0) break;
    }
    const closing = c.close();
    expect(c.close()).toBe(closing);
    expect((await pending).status).toBe(200);
    await closing;
    await expect(fetch(`${c.url}/api/v1/health`)).rejects.toThrow();
  });
});
