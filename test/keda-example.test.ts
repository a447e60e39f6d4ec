// The KEDA example (deploy/keda/scaledobject.yaml) parsed and checked, then each trigger's
// URL called on a real collector as KEDA's metrics-api scaler would (bearer token), with
// its valueLocation read from the answer: every trigger must find a number.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { type RunningCollector, startCollector } from './helpers/collector.js';

const run = promisify(execFile);
const FILE = resolve(import.meta.dirname, '..', 'deploy', 'keda', 'scaledobject.yaml');

interface Trigger {
  type: string;
  metadata: Record<string, string>;
  authenticationRef: { name: string };
}

function manifests() {
  const docs = parseAllDocuments(readFileSync(FILE, 'utf8'));
  for (const d of docs) expect(d.errors).toEqual([]);
  return docs.map((d) => d.toJS() as Record<string, any>);
}

/** KEDA reads valueLocation as a GJSON path; the example uses plain top-level fields. */
function valueAt(body: Record<string, unknown>, location: string): unknown {
  return location.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], body);
}

describe('KEDA ScaledObject example', () => {
  const docs = manifests();
  const auth = docs.find((d) => d.kind === 'TriggerAuthentication')!;
  const scaled = docs.find((d) => d.kind === 'ScaledObject')!;
  const triggers = scaled.spec.triggers as Trigger[];
  let collector: RunningCollector;
  let model: string;

  beforeAll(async () => {
    collector = await startCollector();
    model = new URL(triggers[0]!.metadata.url!).searchParams.get('model')!;
    const { stdout } = await run(
      process.execPath,
      [join(import.meta.dirname, 'apps', 'genai-app.mjs')],
      {
        env: {
          ...process.env,
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
          OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer ${collector.apiKey}`,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
          OTEL_SERVICE_NAME: 'llama-server',
          OTEL_LOG_LEVEL: 'error',
          RUN_ID: 'keda',
          LLM_MODEL: model,
          BASE_MS: String(Date.now() - 60_000),
          STEP_MS: '100',
          SPANS: '200',
        },
      },
    );
    expect(JSON.parse(stdout.trim().split('\n').pop()!).length).toBe(200);
  });
  afterAll(async () => {
    expect(await collector?.stop()).toBe(0);
  });

  test('KEDA resources: a ScaledObject of metrics-api triggers with bearer auth', () => {
    expect(auth.apiVersion).toBe('keda.sh/v1alpha1');
    expect(auth.spec.secretTargetRef).toContainEqual(
      expect.objectContaining({ parameter: 'token', name: 'aiobs-api', key: 'token' }),
    );
    expect(scaled.apiVersion).toBe('keda.sh/v1alpha1');
    expect(scaled.spec.scaleTargetRef.name).toBeTruthy();
    expect(scaled.spec.minReplicaCount).toBeLessThanOrEqual(scaled.spec.maxReplicaCount);
    expect(triggers.map((t) => t.metadata.valueLocation).sort()).toEqual([
      'gpuUtilization',
      'latencyMs',
      'queueDepth',
      'requestRate',
    ]);
    for (const t of triggers) {
      expect(t.type).toBe('metrics-api');
      expect(t.metadata.authMode).toBe('bearer');
      expect(t.authenticationRef.name).toBe(auth.metadata.name);
      expect(Number.isFinite(Number(t.metadata.targetValue))).toBe(true);
      const url = new URL(t.metadata.url!);
      expect(url.port).toBe('4318');
      expect(url.pathname).toBe('/api/v1/scaling');
      expect(url.searchParams.get('model')).toContain('/');
    }
  });

  test('each trigger reads a number from the collector with a read-only token, as KEDA would', async () => {
    // KEDA's secret holds a read-only token of the project (issue 11), not the admin token.
    const created = await collector.api<{ key: string }>('/api/v1/projects/default/keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'read', name: 'keda' }),
    });
    const values: Record<string, unknown> = {};
    for (const t of triggers) {
      const url = new URL(t.metadata.url!);
      const res = await fetch(`${collector.url}${url.pathname}${url.search}`, {
        headers: { authorization: `Bearer ${created.key}` },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body.model).toBe(model);
      const v = valueAt(body, t.metadata.valueLocation!);
      expect(typeof v, t.metadata.valueLocation).toBe('number');
      values[t.metadata.valueLocation!] = v;
    }
    // Spans of the last minute were sent: the window (2 minutes) holds requests.
    expect(values.requestRate).toBeGreaterThan(0);
    expect(values.latencyMs).toBeGreaterThan(0);
    // No agent and no queue gauge here: zeros, which KEDA reads as "nothing to scale for".
    expect(values.queueDepth).toBe(0);
    expect(values.gpuUtilization).toBe(0);
  });

  test('without the token the scaler gets 401', async () => {
    const url = new URL(triggers[0]!.metadata.url!);
    const res = await fetch(`${collector.url}${url.pathname}${url.search}`);
    expect(res.status).toBe(401);
  });
});
