import { randomBytes } from 'node:crypto';
import type { RunningCollector } from '../helpers/collector.js';

// Seeds for the Traces, Infrastructure and Drift pages: multi-service traces with GenAI
// child spans on a GPU host, the agent's GPU metrics of that host, and feature values.

type AttrValue = { stringValue?: string; intValue?: string; doubleValue?: number };
type Attr = { key: string; value: AttrValue };
/** OTLP attributes from a plain object: integers as intValue, other numbers as doubleValue. */
export function attrs(o: Record<string, string | number>): Attr[] {
  return Object.entries(o).map(([key, v]) => ({
    key,
    value:
      typeof v === 'string'
        ? { stringValue: v }
        : Number.isInteger(v)
          ? { intValue: String(v) }
          : { doubleValue: v },
  }));
}

const nanos = (ms: number) => String(BigInt(Math.round(ms)) * 1_000_000n);
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** Posts an OTLP/JSON body to `path` (`/v1/traces`, `/v1/metrics`) with the ingest key. */
export async function postOtlp(c: RunningCollector, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${c.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${c.apiKey}` },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`seed ${path} failed: ${res.status} ${await res.text()}`);
}

/** The GPU host the chat service runs on. */
export const GPU_HOST = 'gpu-node-1';
/** Two GPUs with constant figures, so the pages' values can be checked exactly. */
export const GPUS = [
  {
    id: 'GPU-aaaa0000-0000-0000-0000-000000000000',
    name: 'GPU 0',
    util: 0.5,
    temp: 61,
    power: 300,
    mem: 40e9,
  },
  {
    id: 'GPU-bbbb1111-1111-1111-1111-111111111111',
    name: 'GPU 1',
    util: 0.8,
    temp: 72,
    power: 420,
    mem: 60e9,
  },
] as const;
/** The process holding GPU 0's memory. */
export const GPU_PROCESS = { pid: 4242, name: 'vllm', bytes: 30e9 } as const;

/** One seeded trace: gateway → chat-api inference → retriever, `durationMs` end to end. */
export interface SeededTrace {
  traceId: string;
  startMs: number;
  durationMs: number;
  version: string;
  tier: string;
  error: boolean;
}

/**
 * `n` traces, one a minute from `startMs`: `POST /chat` on gateway (root), its child
 * `chat acme/chat` on chat-api (a GenAI span on {@link GPU_HOST}, with `user.tier`), and the chat span's child
 * `retrieve` on retriever. Trace i lasts 100 + 50·i ms; the last one fails with a
 * RateLimitError exception event.
 */
export async function seedTraces(
  c: RunningCollector,
  startMs: number,
  n: number,
): Promise<SeededTrace[]> {
  const seeded: SeededTrace[] = [];
  const gateway: unknown[] = [];
  const chat: unknown[] = [];
  const retriever: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const traceId = hex(16);
    const t0 = startMs + i * 60_000;
    const durationMs = 100 + 50 * i;
    const error = i === n - 1;
    const version = i % 2 === 0 ? 'v1' : 'v2';
    const tier = i % 3 === 0 ? 'gold' : 'free';
    const root = hex(8);
    const llm = hex(8);
    seeded.push({ traceId, startMs: t0, durationMs, version, tier, error });
    gateway.push({
      traceId,
      spanId: root,
      name: 'POST /chat',
      kind: 2,
      startTimeUnixNano: nanos(t0),
      endTimeUnixNano: nanos(t0 + durationMs),
      attributes: attrs({ 'http.request.method': 'POST' }),
      status: { code: error ? 2 : 0 },
    });
    chat.push({
      traceId,
      spanId: llm,
      parentSpanId: root,
      name: 'chat acme/chat',
      kind: 3,
      startTimeUnixNano: nanos(t0 + 10),
      endTimeUnixNano: nanos(t0 + durationMs - 10),
      attributes: attrs({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'acme/chat',
        'aiobs.model.version': version,
        'gen_ai.usage.input_tokens': 120,
        'gen_ai.usage.output_tokens': 30,
        'user.tier': tier,
        ...(error ? { 'error.type': 'RateLimitError' } : {}),
      }),
      events: error
        ? [
            {
              timeUnixNano: nanos(t0 + durationMs - 20),
              name: 'exception',
              attributes: attrs({
                'exception.type': 'RateLimitError',
                'exception.message': 'rate limit exceeded (429)',
              }),
            },
          ]
        : [],
      status: error ? { code: 2, message: 'upstream 429' } : { code: 1 },
    });
    retriever.push({
      traceId,
      spanId: hex(8),
      parentSpanId: llm,
      name: 'retrieve',
      kind: 1,
      startTimeUnixNano: nanos(t0 + 15),
      endTimeUnixNano: nanos(t0 + 45),
      attributes: attrs({ 'db.system': 'qdrant' }),
      status: { code: 0 },
    });
  }
  const rs = (service: string, spans: unknown[], extra: Record<string, string> = {}) => ({
    resource: { attributes: attrs({ 'service.name': service, ...extra }) },
    scopeSpans: [{ scope: { name: 'dashboard-seed' }, spans }],
  });
  await postOtlp(c, '/v1/traces', {
    resourceSpans: [
      rs('gateway', gateway),
      rs('chat-api', chat, { 'host.name': GPU_HOST }),
      rs('retriever', retriever),
    ],
  });
  return seeded;
}

/**
 * The agent's GPU metrics of {@link GPU_HOST} every 10 s over `[fromMs, toMs)`: utilization,
 * temperature, power, memory, throttling and one process's memory on GPU 0, plus the host's
 * CPU utilization.
 */
export async function seedGpus(c: RunningCollector, fromMs: number, toMs: number): Promise<void> {
  type Point = { timeUnixNano: string; asDouble: number; attributes: Attr[] };
  const series = new Map<string, { unit: string; kind: 'gauge' | 'sum'; points: Point[] }>();
  const add = (name: string, unit: string, kind: 'gauge' | 'sum', p: Point) => {
    const s = series.get(name) ?? { unit, kind, points: [] };
    s.points.push(p);
    series.set(name, s);
  };
  for (let t = fromMs; t < toMs; t += 10_000) {
    const ts = nanos(t);
    for (const g of GPUS) {
      const id = {
        'hw.id': g.id,
        'hw.name': g.name,
        'hw.type': 'gpu',
        'hw.vendor': 'NVIDIA',
        'hw.model': 'NVIDIA H200',
      };
      add('hw.gpu.utilization', '1', 'gauge', {
        timeUnixNano: ts,
        asDouble: g.util,
        attributes: attrs({ ...id, 'hw.gpu.task': 'general' }),
      });
      add('hw.temperature', 'Cel', 'gauge', {
        timeUnixNano: ts,
        asDouble: g.temp,
        attributes: attrs(id),
      });
      add('hw.power', 'W', 'gauge', { timeUnixNano: ts, asDouble: g.power, attributes: attrs(id) });
      add('hw.gpu.memory.usage', 'By', 'sum', {
        timeUnixNano: ts,
        asDouble: g.mem,
        attributes: attrs(id),
      });
      add('aiobs.gpu.throttle.active', '1', 'gauge', {
        timeUnixNano: ts,
        asDouble: 0,
        attributes: attrs({ ...id, 'aiobs.gpu.throttle.reason': 'hw_slowdown' }),
      });
      if (g === GPUS[0])
        add('aiobs.gpu.process.memory.usage', 'By', 'gauge', {
          timeUnixNano: ts,
          asDouble: GPU_PROCESS.bytes,
          attributes: attrs({
            ...id,
            'process.pid': GPU_PROCESS.pid,
            'process.executable.name': GPU_PROCESS.name,
          }),
        });
    }
    add('system.cpu.utilization', '1', 'gauge', {
      timeUnixNano: ts,
      asDouble: 0.25,
      attributes: [],
    });
  }
  const metrics = [...series].map(([name, s]) => ({
    name,
    unit: s.unit,
    ...(s.kind === 'gauge'
      ? { gauge: { dataPoints: s.points } }
      : { sum: { dataPoints: s.points, aggregationTemporality: 2, isMonotonic: false } }),
  }));
  await postOtlp(c, '/v1/metrics', {
    resourceMetrics: [
      {
        resource: attrsResource({ 'host.name': GPU_HOST, 'service.name': 'aiobs-agent' }),
        scopeMetrics: [{ scope: { name: 'aiobs-agent' }, metrics }],
      },
    ],
  });
}

function attrsResource(o: Record<string, string>) {
  return { attributes: attrs(o) };
}

/**
 * Inference spans of `model` carrying feature values: `amount` (numeric, `amount(i)`) and
 * `country` (categorical), spread evenly over `[fromMs, toMs)`. With `label`, each also
 * predicts `label(i)` under the id {@link predictionId}, for {@link seedFeedback}.
 */
export async function seedFeatures(
  c: RunningCollector,
  model: string,
  version: string,
  fromMs: number,
  toMs: number,
  n: number,
  amount: (i: number) => number,
  country: (i: number) => string,
  label?: (i: number) => string,
): Promise<void> {
  const spans = Array.from({ length: n }, (_, i) => {
    const t = fromMs + ((toMs - fromMs) * i) / n;
    return {
      traceId: hex(16),
      spanId: hex(8),
      name: `predict ${model}`,
      kind: 3,
      startTimeUnixNano: nanos(t),
      endTimeUnixNano: nanos(t + 5),
      attributes: attrs({
        'gen_ai.operation.name': 'predict',
        'gen_ai.request.model': model,
        'aiobs.model.version': version,
        'aiobs.feature.amount': amount(i),
        'aiobs.feature.country': country(i),
        ...(label
          ? {
              'aiobs.prediction.id': predictionId(model, version, i),
              'aiobs.prediction.label': label(i),
            }
          : {}),
      }),
      status: { code: 1 },
    };
  });
  await postOtlp(c, '/v1/traces', {
    resourceSpans: [
      {
        resource: attrsResource({ 'service.name': 'scoring' }),
        scopeSpans: [{ scope: { name: 'dashboard-seed' }, spans }],
      },
    ],
  });
}

/** The prediction id of the `i`th span {@link seedFeatures} sent for `model` and `version`. */
export function predictionId(model: string, version: string, i: number): string {
  return `${model}-${version}-${i}`;
}

/**
 * `aiobs.feedback` log records (OTLP/JSON) for predictions `0..n-1` of `model` and `version`,
 * each with the true label `truth(i)`, recorded at `atMs`.
 */
export async function seedFeedback(
  c: RunningCollector,
  model: string,
  version: string,
  n: number,
  truth: (i: number) => string,
  atMs: number,
): Promise<void> {
  const logRecords = Array.from({ length: n }, (_, i) => ({
    timeUnixNano: nanos(atMs),
    eventName: 'aiobs.feedback',
    attributes: attrs({
      'aiobs.prediction.id': predictionId(model, version, i),
      'aiobs.feedback.label': truth(i),
    }),
  }));
  await postOtlp(c, '/v1/logs', {
    resourceLogs: [
      {
        resource: attrsResource({ 'service.name': 'labeller' }),
        scopeLogs: [{ scope: { name: 'dashboard-seed' }, logRecords }],
      },
    ],
  });
}
