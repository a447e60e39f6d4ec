#!/usr/bin/env node
// `npm run bench -- sdk [--runs 5] [--iterations 200000] [--case name]`
//
// Cost per call of observeInference around an async no-op "model call", each case measured in
// fresh processes (cases interleaved run by run so machine noise spreads evenly):
//   none            the model call alone
//   bare-span       tracer.startActiveSpan with the same attributes (incl. a generated
//                   prediction id and token usage) on a bare BasicTracerProvider +
//                   BatchSpanProcessor + no-op exporter, AsyncLocalStorage context
//   bare-span+hist  bare-span plus the three GenAI histogram record() calls through
//                   sdk-metrics (duration, input tokens, output tokens)
//   sdk-init        init() as the README says, exporters replaced by no-ops; everything the
//                   SDK records per call (span, metrics, sampled features)
//   sdk-app         the app owns the pipeline (bare-span's tracer provider + a MeterProvider);
//                   init() uses it, metrics go through the OTel metrics API
//   sdk-app+producer  as sdk-app, with aiobsMetricProducer() added to the app's reader
//   sdk-no-otel     observeInference with no OpenTelemetry SDK registered at all
// Prints ns/call (median over runs) and ratios. Never asserts: see docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const CASES = [
  'none',
  'bare-span',
  'bare-span+hist',
  'sdk-init',
  'sdk-app',
  'sdk-app+producer',
  'sdk-no-otel',
];

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

function parent() {
  const sdkDist = join(dirname(here), '..', 'sdk', 'dist', 'index.js');
  if (!existsSync(sdkDist)) {
    console.error('sdk/dist is missing: run `npx tsc -b` (or `npm run build`) first');
    process.exit(1);
  }
  const runs = Number(arg('runs', '5'));
  const iterations = Number(arg('iterations', '200000'));
  const only = arg('case', undefined);
  const cases = only ? only.split(',') : CASES;
  const results = Object.fromEntries(cases.map((c) => [c, []]));
  console.log(
    `node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ` +
      `${runs} fresh processes per case, ${iterations} calls each after warm-up\n`,
  );
  for (let r = 0; r < runs; r++) {
    for (const c of cases) {
      const out = spawnSync(
        process.execPath,
        [here, '--child', c, '--iterations', String(iterations)],
        {
          encoding: 'utf8',
        },
      );
      if (out.status !== 0) {
        console.error(`case ${c} failed:\n${out.stderr}`);
        process.exit(1);
      }
      results[c].push(JSON.parse(out.stdout.trim().split('\n').at(-1)).ns);
    }
    process.stderr.write(`run ${r + 1}/${runs} done\n`);
  }
  const median = (a) => {
    const s = [...a].sort((x, y) => x - y);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const med = Object.fromEntries(cases.map((c) => [c, median(results[c])]));
  const bare = med['bare-span'];
  const none = med.none;
  console.log(
    `\n${'case'.padEnd(18)}${'ns/call'.padStart(10)}${'min..max'.padStart(16)}${'× bare-span'.padStart(13)}${'× none'.padStart(9)}`,
  );
  for (const c of cases) {
    const lo = Math.min(...results[c]).toFixed(0);
    const hi = Math.max(...results[c]).toFixed(0);
    console.log(
      c.padEnd(18) +
        med[c].toFixed(0).padStart(10) +
        `${lo}..${hi}`.padStart(16) +
        (bare ? (med[c] / bare).toFixed(2) : '-').padStart(13) +
        (none ? (med[c] / none).toFixed(1) : '-').padStart(9),
    );
  }
  if (bare && med['sdk-init']) {
    const ratio = med['sdk-init'] / bare;
    console.log(`\nsdk-init / bare-span = ${ratio.toFixed(2)} (goal ≤ 1.30)`);
  }
}

// ---------------------------------------------------------------------------------------------

const ATTRS = () => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o-mini',
  'aiobs.model.version': 'v2',
  'aiobs.deployment.variant': 'treatment',
  'aiobs.prediction.id': randomUUID(),
  'aiobs.feature.prompt_chars': 812,
  'aiobs.feature.language': 'en',
});
const INFO = {
  model: 'gpt-4o-mini',
  provider: 'openai',
  version: 'v2',
  variant: 'treatment',
};
const FEATURES = { prompt_chars: 812, language: 'en' };

const noopSpanExporter = {
  export: (_s, done) => done({ code: 0 }),
  shutdown: async () => {},
  forceFlush: async () => {},
};
const noopMetricExporter = {
  export: (_m, done) => done({ code: 0 }),
  shutdown: async () => {},
  forceFlush: async () => {},
};
const noopLogExporter = {
  export: (_l, done) => done({ code: 0 }),
  shutdown: async () => {},
  forceFlush: async () => {},
};

async function appPipeline(withProducer) {
  const { trace, context, metrics } = await import('@opentelemetry/api');
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  const { MeterProvider, PeriodicExportingMetricReader } = await import(
    '@opentelemetry/sdk-metrics'
  );
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(noopSpanExporter)] }),
  );
  let producers = [];
  if (withProducer) {
    const { aiobsMetricProducer } = await import('@aiobs/sdk');
    producers = [aiobsMetricProducer()];
  }
  const reader = new PeriodicExportingMetricReader({
    exporter: noopMetricExporter,
    exportIntervalMillis: 60_000,
    metricProducers: producers,
  });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  return { trace, metrics };
}

async function setup(name) {
  const model = async () => 1;
  switch (name) {
    case 'none':
      return () => model();
    case 'bare-span':
    case 'bare-span+hist': {
      const { trace, metrics, SpanKind } = await import('@opentelemetry/api');
      await appPipeline(false);
      const tracer = trace.getTracer('bench');
      let hist;
      if (name === 'bare-span+hist') {
        const meter = metrics.getMeter('bench');
        const dur = meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' });
        const tok = meter.createHistogram('gen_ai.client.token.usage', { unit: '{token}' });
        hist = (d) => {
          const base = {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'gpt-4o-mini',
            'aiobs.model.version': 'v2',
            'aiobs.deployment.variant': 'treatment',
          };
          dur.record(d, base);
          tok.record(12, { ...base, 'gen_ai.token.type': 'input' });
          tok.record(34, { ...base, 'gen_ai.token.type': 'output' });
        };
      }
      return () =>
        tracer.startActiveSpan(
          'chat gpt-4o-mini',
          { kind: SpanKind.CLIENT, attributes: ATTRS() },
          async (span) => {
            const t0 = performance.now();
            try {
              const r = await model();
              span.setAttribute('gen_ai.usage.input_tokens', 12);
              span.setAttribute('gen_ai.usage.output_tokens', 34);
              return r;
            } finally {
              span.end();
              if (hist) hist((performance.now() - t0) / 1000);
            }
          },
        );
    }
    case 'sdk-init':
    case 'sdk-app':
    case 'sdk-app+producer':
    case 'sdk-no-otel': {
      if (name === 'sdk-app') await appPipeline(false);
      if (name === 'sdk-app+producer') await appPipeline(true);
      const { init, observeInference } = await import('@aiobs/sdk');
      if (name !== 'sdk-no-otel') {
        init({
          traceExporter: noopSpanExporter,
          metricExporter: noopMetricExporter,
          logExporter: noopLogExporter,
          // every call records its features, so the figure includes them
          featureSampling: { rate: 1, maxPerSecond: Number.POSITIVE_INFINITY },
        });
      }
      const info = { ...INFO, features: FEATURES };
      return () =>
        observeInference(info, async (inf) => {
          const r = await model();
          inf.setUsage({ inputTokens: 12, outputTokens: 34 });
          return r;
        });
    }
    default:
      throw new Error(`unknown case ${name}`);
  }
}

async function child(name, iterations) {
  const call = await setup(name);
  const loop = async (n) => {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await call();
    return Number(process.hrtime.bigint() - t) / n;
  };
  await loop(Math.max(10_000, iterations / 4)); // warm-up: JIT, caches, first batches
  const rounds = [];
  for (let r = 0; r < 5; r++) rounds.push(await loop(Math.ceil(iterations / 5)));
  rounds.sort((a, b) => a - b);
  console.log(JSON.stringify({ case: name, ns: rounds[2] }));
  process.exit(0);
}

// Dispatch last: the constants above must be initialised before a child runs.
if (process.argv.includes('--child')) {
  await child(arg('child'), Number(arg('iterations', '200000')));
} else {
  parent();
}
