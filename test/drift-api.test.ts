import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from './helpers/collector.js';
import { encodeSpans, type SpanSpec } from './helpers/otlp.js';

// Drift end to end: a real collector process, spans with feature attributes encoded by the
// official OTLP protobuf serializer, and GET /api/v1/drift over what was sent.

let collector: RunningCollector;
beforeAll(async () => {
  collector = await startCollector();
});
afterAll(async () => {
  expect(await collector.stop()).toBe(0);
});

const HOUR = 3_600_000;
const NOW = Date.now();
const REF_START = NOW - 3 * HOUR;
const CUR_START = NOW - HOUR / 2;
const N = 300;

/** Deterministic values spread over [0, 1). */
const u = (i: number) => (((i * 0.6180339887498949) % 1) + 1) % 1;

function spans(startMs: number, shift: number): SpanSpec[] {
  return Array.from({ length: N }, (_, i) => ({
    name: 'predict fraud-xgb',
    startMs: startMs + i * 1000,
    attributes: {
      'gen_ai.operation.name': 'predict',
      'gen_ai.request.model': 'fraud-xgb',
      'aiobs.model.version': 'v1',
      'aiobs.prediction.id': `p-${startMs}-${i}`,
      'aiobs.feature.amount': 100 * u(i) + shift,
      'aiobs.feature.items': Math.floor(10 * u(i + 7)),
      'aiobs.feature.zip': String(10_000 + (i % 5)),
      'aiobs.feature.stable': u(i * 3),
      'aiobs.prediction.score': u(i),
    },
  }));
}

async function send(specs: SpanSpec[]) {
  const res = await fetch(`${collector.url}/v1/traces`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-protobuf',
      authorization: `Bearer ${collector.apiKey}`,
    },
    body: Buffer.from(encodeSpans('scorer', specs)),
  });
  expect(res.status).toBe(200);
}

interface Feature {
  feature: string;
  type: string;
  psi: number | null;
  ksPValue: number | null;
  wassersteinNormed: number | null;
  jensenShannon: number | null;
  referenceCount: number;
  currentCount: number;
  verdict: string;
  measure: string | null;
}

describe('GET /api/v1/drift', () => {
  test('typed features from OTLP spans, judged against a time-range reference', async () => {
    await send(spans(REF_START, 0));
    await send(spans(CUR_START, 40));
    const q = new URLSearchParams({
      model: 'fraud-xgb',
      from: new Date(CUR_START).toISOString(),
      to: new Date(NOW).toISOString(),
      refFrom: new Date(REF_START).toISOString(),
      refTo: new Date(REF_START + HOUR).toISOString(),
    });
    // Rows are committed before the export is answered: no waiting needed.
    const body = await collector.api<{ features: Feature[]; predictions: Feature[] }>(
      `/api/v1/drift?${q}`,
    );
    const by = Object.fromEntries(body.features.map((f) => [f.feature, f]));
    expect(Object.keys(by).sort()).toEqual(['amount', 'items', 'stable', 'zip']);
    for (const f of body.features) {
      expect(f.referenceCount).toBe(N);
      expect(f.currentCount).toBe(N);
    }
    // Numbers are numeric whether the exporter sent them as int or double; the string zip
    // code stays categorical although it looks like a number.
    expect(by.amount).toMatchObject({ type: 'numeric', measure: 'ks', verdict: 'drift' });
    expect(by.items).toMatchObject({ type: 'numeric', verdict: 'no_drift' });
    expect(by.stable).toMatchObject({ type: 'numeric', verdict: 'no_drift' });
    expect(by.zip).toMatchObject({
      type: 'categorical',
      measure: 'chisquare',
      verdict: 'no_drift',
    });
    expect(body.predictions).toEqual([
      expect.objectContaining({
        feature: 'prediction.score',
        type: 'numeric',
        verdict: 'no_drift',
      }),
    ]);
  });

  test('a stored time-range baseline answers like the range itself', async () => {
    const b = await collector.api<{ id: string; features: { count: number }[] }>(
      '/api/v1/drift/baselines',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'first hour',
          model: 'fraud-xgb',
          from: new Date(REF_START).toISOString(),
          to: new Date(REF_START + HOUR).toISOString(),
        }),
      },
    );
    expect(b.features.map((f) => f.count)).toEqual(Array(5).fill(N));
    const window = `from=${new Date(CUR_START).toISOString()}&to=${new Date(NOW).toISOString()}`;
    const viaBaseline = await collector.api<{ features: Feature[] }>(
      `/api/v1/drift?baseline=${b.id}&${window}`,
    );
    const viaRange = await collector.api<{ features: Feature[] }>(
      `/api/v1/drift?model=fraud-xgb&${window}&refFrom=${new Date(REF_START).toISOString()}&refTo=${new Date(REF_START + HOUR).toISOString()}`,
    );
    // The same rows, summed in another order: equal up to rounding.
    expect(viaBaseline.features.map((f) => [f.feature, f.verdict, f.referenceCount])).toEqual(
      viaRange.features.map((f) => [f.feature, f.verdict, f.referenceCount]),
    );
    for (const [i, f] of viaBaseline.features.entries())
      for (const k of ['psi', 'ksPValue', 'wassersteinNormed', 'jensenShannon'] as const) {
        const want = viaRange.features[i]![k];
        if (want === null) expect(f[k]).toBeNull();
        else expect(Math.abs(f[k]! - want)).toBeLessThan(1e-12);
      }
    const list = await collector.api<{ baselines: { id: string }[] }>('/api/v1/drift/baselines');
    expect(list.baselines.map((x) => x.id)).toEqual([b.id]);
  });

  test('bad input is a 400 naming the field', async () => {
    const res = await fetch(`${collector.url}/api/v1/drift?refFrom=0&refTo=1`, {
      headers: { authorization: `Bearer ${collector.adminToken}` },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'bad_request', field: 'model' } });
  });
});
