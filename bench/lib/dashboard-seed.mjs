// What the dashboard benchmark stores beside the back-filled inferences, so that every page
// has something to chart: the agent's GPU metrics of the hosts the spans name, one
// multi-service trace on a GPU host (copies of back-filled requests share span ids, so their
// traces repeat spans), and a few alert rules.
import { randomBytes } from 'node:crypto';

const hex = (bytes) => randomBytes(bytes).toString('hex');
const nanos = (ms) => String(BigInt(Math.round(ms)) * 1_000_000n);

/** OTLP/JSON attributes from a plain object: integers as intValue, other numbers as doubleValue. */
function attrs(o) {
  return Object.entries(o).map(([key, v]) => ({
    key,
    value:
      typeof v === 'string'
        ? { stringValue: v }
        : typeof v === 'boolean'
          ? { boolValue: v }
          : Number.isInteger(v)
            ? { intValue: String(v) }
            : { doubleValue: v },
  }));
}

async function post(collector, path, body, auth = collector.apiKey) {
  const res = await fetch(`${collector.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${auth}` },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  return res.json().catch(() => ({}));
}

/** The sample times: every `fineS` seconds over the last hour, every `coarseS` before it. */
function sampleTimes(now, days, fineS, coarseS) {
  const times = [];
  const hourAgo = now - 3_600_000;
  for (let t = now - days * 86_400_000; t < hourAgo; t += coarseS * 1000) times.push(t);
  for (let t = hourAgo; t < now; t += fineS * 1000) times.push(t);
  return times;
}

/**
 * The agent's metrics of `hosts` hosts named `gpu-node-<i>` (the back-filled spans' hosts),
 * `gpusPerHost` GPUs each: utilization, memory, temperature, power, throttling, one process's
 * memory per GPU, and the host's CPU utilization; every `fineS` s over the last hour and
 * every `coarseS` s over the rest of `days`. Resolves with the number of data points sent.
 */
export async function seedGpuMetrics(
  collector,
  { hosts = 16, gpusPerHost = 2, days = 7, fineS = 10, coarseS = 300 } = {},
) {
  const times = sampleTimes(Date.now(), days, fineS, coarseS);
  let points = 0;
  // ~500 samples per series per request keeps each body a few MB.
  for (let h = 0; h < hosts; h++) {
    const host = `gpu-node-${h}`;
    for (let from = 0; from < times.length; from += 500) {
      const slab = times.slice(from, from + 500);
      const series = new Map();
      const add = (name, unit, kind, t, value, a) => {
        const s = series.get(name) ?? { unit, kind, dataPoints: [] };
        s.dataPoints.push({ timeUnixNano: nanos(t), asDouble: value, attributes: attrs(a) });
        series.set(name, s);
        points++;
      };
      for (const t of slab) {
        // A daily cycle with a per-GPU phase, so the heat map and the lines have shape.
        const day = Math.sin((2 * Math.PI * t) / 86_400_000);
        for (let g = 0; g < gpusPerHost; g++) {
          const id = {
            'hw.id': `GPU-${String(h).padStart(4, '0')}${String(g).padStart(4, '0')}-bench`,
            'hw.name': `GPU ${g}`,
            'hw.type': 'gpu',
            'hw.vendor': 'NVIDIA',
            'hw.model': 'NVIDIA H200',
          };
          const util = Math.min(1, Math.max(0, 0.55 + 0.35 * day + 0.05 * Math.sin(h + g)));
          add('hw.gpu.utilization', '1', 'gauge', t, util, { ...id, 'hw.gpu.task': 'general' });
          add('hw.gpu.memory.usage', 'By', 'sum', t, (40 + 60 * util) * 1e9, id);
          add('hw.temperature', 'Cel', 'gauge', t, 45 + 35 * util, id);
          add('hw.power', 'W', 'gauge', t, 150 + 500 * util, id);
          add('aiobs.gpu.throttle.active', '1', 'gauge', t, util > 0.88 ? 1 : 0, {
            ...id,
            'aiobs.gpu.throttle.reason': 'sw_thermal_slowdown',
          });
          add('aiobs.gpu.process.memory.usage', 'By', 'gauge', t, 30e9, {
            ...id,
            'process.pid': 4000 + g,
            'process.executable.name': 'vllm',
          });
        }
        add('system.cpu.utilization', '1', 'gauge', t, 0.2 + 0.1 * day, {});
      }
      const metrics = [...series].map(([name, s]) => ({
        name,
        unit: s.unit,
        ...(s.kind === 'gauge'
          ? { gauge: { dataPoints: s.dataPoints } }
          : {
              sum: { dataPoints: s.dataPoints, aggregationTemporality: 2, isMonotonic: false },
            }),
      }));
      await post(collector, '/v1/metrics', {
        resourceMetrics: [
          {
            resource: { attributes: attrs({ 'host.name': host, 'service.name': 'aiobs-agent' }) },
            scopeMetrics: [{ scope: { name: 'aiobs-agent' }, metrics }],
          },
        ],
      });
    }
  }
  return points;
}

/**
 * One trace `minutesAgo` minutes ago: `POST /chat` on gateway, its GenAI child on chat-api
 * (host `host`), and a retrieval under that. Resolves with the trace id.
 */
export async function seedTrace(collector, { host = 'gpu-node-0', minutesAgo = 10 } = {}) {
  const traceId = hex(16);
  const root = hex(8);
  const llm = hex(8);
  const t0 = Date.now() - minutesAgo * 60_000;
  const rs = (service, spans, extra = {}) => ({
    resource: { attributes: attrs({ 'service.name': service, ...extra }) },
    scopeSpans: [{ scope: { name: 'bench-dashboard' }, spans }],
  });
  await post(collector, '/v1/traces', {
    resourceSpans: [
      rs('gateway', [
        {
          traceId,
          spanId: root,
          name: 'POST /chat',
          kind: 2,
          startTimeUnixNano: nanos(t0),
          endTimeUnixNano: nanos(t0 + 1200),
          attributes: attrs({ 'http.request.method': 'POST' }),
          status: { code: 0 },
        },
      ]),
      rs(
        'chat-api',
        [
          {
            traceId,
            spanId: llm,
            parentSpanId: root,
            name: 'chat gpt-4o',
            kind: 3,
            startTimeUnixNano: nanos(t0 + 20),
            endTimeUnixNano: nanos(t0 + 1150),
            attributes: attrs({
              'gen_ai.operation.name': 'chat',
              'gen_ai.provider.name': 'openai',
              'gen_ai.request.model': 'gpt-4o',
              'aiobs.model.version': 'v8',
              'gen_ai.usage.input_tokens': 900,
              'gen_ai.usage.output_tokens': 240,
            }),
            status: { code: 1 },
          },
        ],
        { 'host.name': host },
      ),
      rs('retriever', [
        {
          traceId,
          spanId: hex(8),
          parentSpanId: llm,
          name: 'retrieve',
          kind: 1,
          startTimeUnixNano: nanos(t0 + 30),
          endTimeUnixNano: nanos(t0 + 90),
          attributes: attrs({ 'db.system': 'qdrant' }),
          status: { code: 0 },
        },
      ]),
    ],
  });
  return traceId;
}

/** A few threshold rules (with the admin token), so the Alerts page lists states and history. */
export async function seedAlertRules(collector) {
  const rules = [
    ['gpt-4o p95 latency', { kind: 'latency', quantile: 0.95, model: 'gpt-4o' }, 1000],
    [
      'claude-sonnet-4 p99 latency',
      { kind: 'latency', quantile: 0.99, model: 'claude-sonnet-4' },
      800,
    ],
    ['llama error rate', { kind: 'errorRate', model: 'llama-3.1-70b' }, 0.05],
  ];
  for (const [name, signal, threshold] of rules)
    await post(
      collector,
      '/api/v1/alert-rules',
      { name, signal, window: '5m', condition: { op: '>', threshold }, for: '1m' },
      collector.adminToken,
    );
  return rules.length;
}

/**
 * A default drift baseline of each model from its version `version` (the Drift page charts
 * scores and distributions only against a baseline). Resolves with the number created.
 */
export async function seedBaselines(collector, models, version = 'v7', log = console.log) {
  let created = 0;
  // A model without values of that version is left without a baseline, not the run.
  for (const model of models)
    await post(
      collector,
      '/api/v1/drift/baselines',
      { name: `${model} ${version}`, model, version, default: true },
      collector.adminToken,
    ).then(
      () => created++,
      (e) => log(`  no baseline for ${model}: ${e.message}`),
    );
  return created;
}
