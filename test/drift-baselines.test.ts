import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from './helpers/collector.js';

// Uploaded baselines and stored results end to end: a real collector process with a
// 2-second drift interval; a CSV over the API's 1 MiB limit accepted on this route, one
// over 50 MB refused; spans with typed features sent as OTLP/JSON; the job's stored verdicts read
// back through /api/v1/drift/series.

let collector: RunningCollector;
beforeAll(async () => {
  collector = await startCollector({ args: ['--drift-interval', '2'] });
});
afterAll(async () => {
  expect(await collector.stop()).toBe(0);
});

const MODEL = 'upload-e2e';
/** Deterministic values spread over [0, 1). */
const u = (i: number) => (((i * 0.6180339887498949) % 1) + 1) % 1;

async function post(path: string, body: RequestInit['body'], type: string) {
  return fetch(`${collector.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${collector.adminToken}`, 'content-type': type },
    body,
    duplex: 'half',
  } as RequestInit);
}

describe('uploaded baselines over HTTP', () => {
  let baselineId: string;

  test('a 2 MB CSV (over the API-wide 1 MiB limit) becomes the default baseline', async () => {
    const rows = Array.from(
      { length: 90_000 },
      (_, i) => `${(100 * u(i)).toFixed(6)},${['de', 'fr', 'us'][i % 3]},padding-${i}`,
    );
    const csv = `amount,country,note\n${rows.join('\n')}\n`;
    expect(csv.length).toBeGreaterThan(2 * 1024 * 1024);
    const q = new URLSearchParams({
      name: 'launch',
      model: MODEL,
      types: 'amount:numeric,country:categorical,note:categorical',
      default: 'true',
    });
    const res = await post(`/api/v1/drift/baselines?${q}`, csv, 'text/csv');
    expect(res.status).toBe(201);
    const b = (await res.json()) as {
      id: string;
      isDefault: boolean;
      features: Array<{ feature: string; count: number }>;
    };
    expect(b.isDefault).toBe(true);
    expect(b.features.map((f) => [f.feature, f.count])).toEqual([
      ['amount', 90_000],
      ['country', 90_000],
      ['note', 90_000],
    ]);
    baselineId = b.id;
  });

  test('a body over 50 MB is refused with 413, and other routes keep the 1 MiB limit', async () => {
    // One endless field: cheap for the parser, so the byte count decides, not parse time.
    const chunk = new TextEncoder().encode('7'.repeat(65_536));
    let sent = 0;
    const big = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('x\n'));
      },
      pull(c) {
        if (sent > 51 * 1024 * 1024) return c.close();
        sent += chunk.length;
        c.enqueue(chunk);
      },
    });
    const q = new URLSearchParams({ name: 'big', model: MODEL, types: 'x:numeric' });
    const res = await post(`/api/v1/drift/baselines?${q}`, big, 'text/csv').catch(
      // The server may answer and close before the whole body is sent.
      () => undefined,
    );
    if (res) {
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        'payload_too_large',
      );
    }
    const list = await collector.api<{ baselines: Array<{ name: string; isDefault: boolean }> }>(
      '/api/v1/drift/baselines',
    );
    expect(list.baselines.map((b) => b.name)).toEqual(['launch']);
    const wasDefault = list.baselines[0]!.isDefault;
    const patch = await fetch(`${collector.url}/api/v1/drift/baselines/${baselineId}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${collector.adminToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ default: !wasDefault, pad: 'x'.repeat(2 * 1024 * 1024) }),
    }).catch(
      // As above: the 413 may come, and the connection close, before the body is sent.
      () => undefined,
    );
    if (patch) expect(patch.status).toBe(413);
    // Either way the oversized PATCH changed nothing.
    const after = await collector.api<{ baselines: Array<{ isDefault: boolean }> }>(
      '/api/v1/drift/baselines',
    );
    expect(after.baselines[0]!.isDefault).toBe(wasDefault);
  });

  test('the job stores verdicts against the default baseline; /drift/series reads them', async () => {
    const now = Date.now();
    const nanos = (ms: number) => `${BigInt(ms) * 1_000_000n}`;
    const attr = (key: string, value: object) => ({ key, value });
    const spans = Array.from({ length: 400 }, (_, i) => ({
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: (0x1000 + i).toString(16).padStart(16, '0'),
      name: `predict ${MODEL}`,
      startTimeUnixNano: nanos(now - 1000 + (i % 10)),
      endTimeUnixNano: nanos(now - 990 + (i % 10)),
      attributes: [
        attr('gen_ai.operation.name', { stringValue: 'predict' }),
        attr('gen_ai.request.model', { stringValue: MODEL }),
        attr('aiobs.model.version', { stringValue: 'v2' }),
        attr('aiobs.prediction.id', { stringValue: `e2e-${i}` }),
        // Shifted by half the range: drift.
        attr('aiobs.feature.amount', { doubleValue: 100 * u(i) + 50 }),
        attr('aiobs.feature.country', { stringValue: ['de', 'fr', 'us'][i % 3]! }),
      ],
    }));
    const res = await fetch(`${collector.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${collector.apiKey}` },
      body: JSON.stringify({
        resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }],
      }),
    });
    expect(res.status).toBe(200);
    // The job runs every 2 s and computes a window 1 s after it closes: poll, bounded.
    const q = new URLSearchParams({
      model: MODEL,
      from: String(now - 60_000),
      to: String(now + 60_000),
      feature: 'amount',
    });
    let series:
      | {
          source: string;
          series: Array<{
            version: string;
            points: Array<{ verdict: string; currentCount: number }>;
          }>;
        }
      | undefined;
    for (let i = 0; i < 120; i++) {
      series = await collector.api(`/api/v1/drift/series?${q}`);
      if (series!.source === 'stored' && series!.series.length > 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(series?.source).toBe('stored');
    const v2 = series!.series.find((s) => s.version === 'v2')!;
    const counted = v2.points.reduce((a, p) => a + p.currentCount, 0);
    expect(counted).toBeGreaterThan(0);
    for (const p of v2.points)
      expect(p.verdict).toBe(p.currentCount >= 100 ? 'drift' : 'insufficient_data');
  });
});
