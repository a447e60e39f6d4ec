// W3C trace context across two Node services over HTTP: a gateway calls a model service, both
// set up with @aiobs/sdk's init(); the collector must hold one trace with both services' spans.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type RunningCollector, startCollector } from './helpers/collector.js';

// One script, two roles. Context crosses the process boundary only through the HTTP headers
// that the registered W3C propagator writes and reads.
const SERVICE = `
import http from 'node:http';
import { init, observeInference } from '@aiobs/sdk';
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
const aiobs = init({ serviceName: process.env.SERVICE_NAME, endpoint: process.env.ENDPOINT, apiKey: process.env.API_KEY });
const tracer = trace.getTracer('e2e');
const json = (res, v) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(v)); };
const server = http.createServer((req, res) => {
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  tracer.startActiveSpan('POST ' + req.url, { kind: SpanKind.SERVER }, parent, async (span) => {
    try {
      if (process.env.ROLE === 'model') {
        json(res, await observeInference({ model: 'ranker', operation: 'predict', provider: 'onnxruntime', version: 'v7' },
          async (inf) => { inf.setPrediction({ score: 0.42 }); return { predictionId: inf.predictionId }; }));
      } else {
        const out = await tracer.startActiveSpan('POST /rank', { kind: SpanKind.CLIENT }, async (client) => {
          const headers = { 'content-type': 'application/json' };
          propagation.inject(context.active(), headers);
          const r = await fetch(process.env.MODEL_URL + '/rank', { method: 'POST', headers, body: '{}' });
          client.end();
          return r.json();
        });
        json(res, { ...out, traceId: span.spanContext().traceId, traceparentSent: true });
      }
    } finally { span.end(); }
  });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
process.on('SIGTERM', async () => {
  server.close();
  await aiobs.shutdown();
  console.log(JSON.stringify({ stats: aiobs.stats() }));
  process.exit(0);
});
`;

interface Service {
  child: ChildProcess;
  url: string;
  /** Sends SIGTERM and resolves with the stats line the service prints after its flush. */
  stop(): Promise<{
    spans: { exported: number; droppedQueueFull: number; droppedExportFailed: number };
  }>;
}

async function startService(env: Record<string, string>): Promise<Service> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SERVICE], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const messages: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  lines.on('line', (l) => {
    messages.push(JSON.parse(l) as Record<string, unknown>);
    for (const w of waiters.splice(0)) w();
  });
  const next = async (key: string) => {
    for (;;) {
      const m = messages.find((x) => key in x);
      if (m) return m[key];
      if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}`);
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  const port = (await next('port')) as number;
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      return (await next('stats')) as Awaited<ReturnType<Service['stop']>>;
    },
  };
}

describe('W3C trace context across two services', () => {
  let collector: RunningCollector;
  let gateway: Service;
  let model: Service;
  beforeAll(async () => {
    collector = await startCollector();
    const common = { ENDPOINT: collector.url, API_KEY: collector.apiKey };
    model = await startService({ ...common, ROLE: 'model', SERVICE_NAME: 'e2e-model' });
    gateway = await startService({
      ...common,
      ROLE: 'gateway',
      SERVICE_NAME: 'e2e-gateway',
      MODEL_URL: model.url,
    });
  });
  afterAll(async () => {
    for (const s of [gateway, model]) if (s && s.child.exitCode === null) s.child.kill('SIGKILL');
    if (collector) expect(await collector.stop()).toBe(0);
  });

  it('stores one trace with the spans of both services, correctly parented', async () => {
    const res = await fetch(`${gateway.url}/score`, { method: 'POST' });
    const body = (await res.json()) as { traceId: string; predictionId: string };
    // Both services flush on SIGTERM (shutdown); the collector answers 200 only once stored.
    const [g, m] = await Promise.all([gateway.stop(), model.stop()]);
    expect(g.spans).toMatchObject({ exported: 2, droppedQueueFull: 0, droppedExportFailed: 0 });
    expect(m.spans).toMatchObject({ exported: 2, droppedQueueFull: 0, droppedExportFailed: 0 });

    const { spans } = await collector.api<{
      spans: {
        spanId: string;
        parentSpanId: string;
        name: string;
        kind: string;
        serviceName: string;
        attributes: Record<string, string>;
      }[];
    }>(`/api/v1/traces/${body.traceId}`);
    expect(spans).toHaveLength(4);
    const byName = Object.fromEntries(spans.map((s) => [`${s.serviceName} ${s.name}`, s]));
    const root = byName['e2e-gateway POST /score'];
    const call = byName['e2e-gateway POST /rank'];
    const served = byName['e2e-model POST /rank'];
    const inference = byName['e2e-model predict ranker'];
    expect(root?.parentSpanId).toBe('');
    expect(call?.parentSpanId).toBe(root?.spanId);
    expect(served?.parentSpanId).toBe(call?.spanId);
    expect(served?.kind).toBe('Server');
    expect(inference?.parentSpanId).toBe(served?.spanId);
    expect(inference?.attributes['aiobs.prediction.id']).toBe(body.predictionId);

    const list = await collector.api<{
      traces: { traceId: string; services: string[]; spanCount: number }[];
    }>(`/api/v1/traces?service=e2e-model&limit=10&from=${Date.now() - 600_000}`);
    const t = list.traces.find((x) => x.traceId === body.traceId);
    expect(t?.spanCount).toBe(4);
    expect([...(t?.services ?? [])].sort()).toEqual(['e2e-gateway', 'e2e-model']);
  });
});
