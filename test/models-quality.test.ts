import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from './helpers/collector.js';
import { encodeSpans, type SpanSpec } from './helpers/otlp.js';

// Quality from feedback and canary verdicts end to end: a real collector process; inference
// spans with prediction outputs encoded by the official OTLP protobuf serializer, feedback
// as OTLP/JSON `aiobs.feedback` log records; GET /api/v1/models/quality and the significance
// of GET /api/v1/models/compare over what was sent.

let collector: RunningCollector;
beforeAll(async () => {
  collector = await startCollector();
});
afterAll(async () => {
  expect(await collector.stop()).toBe(0);
});

const MODEL = 'e2e/fraud-clf';
const NOW = Date.now();
const START = NOW - 50 * 60_000;
const N = 300;

interface Sent {
  id: string;
  version: string;
  label: string;
  truth: string;
  score: number;
  durationMs: number;
  error: boolean;
}

/** Deterministic values spread over [0, 1). */
const u = (i: number) => (((i * 0.6180339887498949) % 1) + 1) % 1;

/** v1: fast, few errors, 90% right; v2 (the canary): slower, more errors, 60% right. */
const sent: Sent[] = ['v1', 'v2'].flatMap((version) =>
  Array.from({ length: N }, (_, i): Sent => {
    const label = i % 3 === 0 ? 'fraud' : 'ok';
    const right = version === 'v1' ? u(i) < 0.9 : u(i) < 0.6;
    return {
      id: `${version}-${i}`,
      version,
      label,
      truth: right ? label : label === 'fraud' ? 'ok' : 'fraud',
      score: Math.round(u(i * 7) * 1000) / 1000,
      durationMs: Math.round((version === 'v1' ? 20 : 30) + 40 * u(i * 3)),
      error: version === 'v1' ? i % 50 === 0 : i % 8 === 0,
    };
  }),
);

function spans(): SpanSpec[] {
  return sent.map((s, i) => ({
    name: `predict ${MODEL}`,
    startMs: START + i * 5000,
    durationMs: s.durationMs,
    attributes: {
      'gen_ai.operation.name': 'predict',
      'gen_ai.request.model': MODEL,
      'aiobs.model.version': s.version,
      'aiobs.prediction.id': s.id,
      'aiobs.prediction.label': s.label,
      'aiobs.prediction.score': s.score,
      ...(s.error ? { 'error.type': 'timeout' } : {}),
    },
  }));
}

/** OTLP/JSON logs: one `aiobs.feedback` record per prediction, a minute after it. */
function feedbackLogs() {
  const str = (key: string, v: string) => ({ key, value: { stringValue: v } });
  return {
    resourceLogs: [
      {
        resource: { attributes: [str('service.name', 'labeller')] },
        scopeLogs: [
          {
            logRecords: sent.map((s, i) => ({
              timeUnixNano: `${BigInt(START + i * 5000 + 60_000) * 1_000_000n}`,
              eventName: 'aiobs.feedback',
              attributes: [str('aiobs.prediction.id', s.id), str('aiobs.feedback.label', s.truth)],
            })),
          },
        ],
      },
    ],
  };
}

async function post(path: string, type: string, body: string | Buffer) {
  const res = await fetch(`${collector.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': type, authorization: `Bearer ${collector.apiKey}` },
    body,
  });
  expect(res.status).toBe(200);
}

const range = () =>
  new URLSearchParams({
    model: MODEL,
    from: new Date(START - 60_000).toISOString(),
    to: new Date(NOW + 60_000).toISOString(),
  });

describe('quality and canary verdicts from OTLP spans and feedback logs', () => {
  beforeAll(async () => {
    // Feedback first: it may arrive before its span.
    await post('/v1/logs', 'application/json', JSON.stringify(feedbackLogs()));
    await post('/v1/traces', 'application/x-protobuf', Buffer.from(encodeSpans('scorer', spans())));
  });

  test('GET /api/v1/models/quality: accuracy, F1 and coverage per version', async () => {
    const q = range();
    q.set('groupBy', 'version');
    const body = await collector.api<{
      groups: {
        group: { version: string };
        total: Record<string, number | null> & { labels: { label: string; f1: number }[] };
      }[];
    }>(`/api/v1/models/quality?${q}`);
    expect(body.groups.map((g) => g.group.version).sort()).toEqual(['v1', 'v2']);
    for (const g of body.groups) {
      const rows = sent.filter((s) => s.version === g.group.version);
      const right = rows.filter((s) => s.truth === s.label).length;
      expect(g.total.predictions).toBe(N);
      expect(g.total.labelled).toBe(N);
      expect(g.total.coverage).toBe(1);
      expect(g.total.accuracy).toBeCloseTo(right / N, 12);
      const fraud = g.total.labels.find((l) => l.label === 'fraud')!;
      const tp = rows.filter((s) => s.label === 'fraud' && s.truth === 'fraud').length;
      const predicted = rows.filter((s) => s.label === 'fraud').length;
      const support = rows.filter((s) => s.truth === 'fraud').length;
      expect(fraud.f1).toBeCloseTo((2 * tp) / (predicted + support), 12);
      const brier = rows.reduce((a, s) => a + (s.score - (s.truth === s.label ? 1 : 0)) ** 2, 0);
      expect(g.total.brier).toBeCloseTo(brier / N, 12);
    }
  });

  test('GET /api/v1/models/compare: the canary is worse on latency, errors and accuracy', async () => {
    const q = range();
    q.set('a', 'version:v1');
    q.set('b', 'version:v2');
    const body = await collector.api<{
      significance: Record<string, { verdict: string; nA: number; nB: number }>;
    }>(`/api/v1/models/compare?${q}`);
    const s = body.significance;
    for (const m of ['latency', 'errorRate', 'accuracy']) {
      expect(s[m]!.verdict, m).toBe('worse');
      expect(s[m]!.nA).toBe(N);
      expect(s[m]!.nB).toBe(N);
    }
  });

  test('bad input names the field; an ingest key may not read', async () => {
    const res = await fetch(`${collector.url}/api/v1/models/quality?groupBy=version`, {
      headers: { authorization: `Bearer ${collector.adminToken}` },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe('model');
    const denied = await fetch(`${collector.url}/api/v1/models/quality?${range()}`, {
      headers: { authorization: `Bearer ${collector.apiKey}` },
    });
    expect([401, 403]).toContain(denied.status);
  });
});
