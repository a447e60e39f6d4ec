#!/usr/bin/env node
// `npm run bench -- sdk [--runs 5] [--iterations 200000] [--case name,...]
//                      [--instructions [--calls 20000] [--predictable-gc]]`
//
// Cost per call of observeInference around an async "model call", each case measured in fresh
// processes (cases interleaved run by run so machine noise spreads evenly).
//
// Headline cases: the call shape of the independent harness of issue 14. The model call is
// async and returns a response object; the app reads the usage and the response model from it
// and hands them over: `setUsage({inputTokens, outputTokens})` + `setResponseModel(model)` on
// the aiobs side, the equivalent `setAttribute`s on the bare span. No features, no version.
//   bare            tracer.startActiveSpan on a bare BasicTracerProvider + BatchSpanProcessor +
//                   no-op exporter, AsyncLocalStorage context; 3 request attributes, 3 set later
//   aiobs-init      init({serviceName}) with no-op exporters (nothing else), same call through
//                   observeInference (span + the GenAI histograms)
//   aiobs-app       the app registered `bare`'s tracer provider and a MeterProvider (periodic
//                   reader, no-op exporter) before init({serviceName}); same call
//   bare+sdk-loaded `bare`, in a process that has also imported @aiobs/sdk (never called): what
//                   the SDK's module footprint alone costs (a bigger heap to mark in each
//                   full GC, which a small fixed heap, --predictable-gc, weighs most)
//
// Secondary cases: the project's earlier call shape (`async () => 1`, model version, A/B
// variant, 2 sampled features on every call, a prediction id on the bare span too):
//   none            the model call alone
//   bare-span       tracer.startActiveSpan with the same attributes (incl. a generated
//                   prediction id and token usage) on `bare`'s pipeline
//   bare-span+hist  bare-span plus the three GenAI histogram record() calls through
//                   sdk-metrics (duration, input tokens, output tokens)
//   sdk-init        init() with no-op exporters and feature sampling on every call
//   sdk-app         the app owns the pipeline (as aiobs-app); earlier call shape
//   sdk-app+producer  as sdk-app, with aiobsMetricProducer() added to the app's reader
//   sdk-no-otel     observeInference with no OpenTelemetry SDK registered at all
//
// Prints ns/call (median over runs) and ratios. With --instructions, instead counts the
// instructions per call under valgrind (callgrind), which does not depend on machine load:
// each case runs twice, with --calls N and 2N after the same warm-up, and the difference of
// the two totals divided by N is the cost of one call. Never asserts: see docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const HEADLINE = ['bare', 'aiobs-init', 'aiobs-app', 'bare+sdk-loaded'];
const SECONDARY = [
  'none',
  'bare-span',
  'bare-span+hist',
  'sdk-init',
  'sdk-app',
  'sdk-app+producer',
  'sdk-no-otel',
];
const CASES = [...HEADLINE, ...SECONDARY];

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

function median(a) {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function runChild(args, wrap) {
  const argv = [here, '--child', ...args];
  // Under valgrind, V8 runs single-threaded so that background compilation and GC threads
  // (which callgrind counts too) do their work at the same points in every run. With
  // --predictable-gc, also with V8's fixed heap-growing schedule: steadier counts, but a small
  // heap that weighs allocation (GC work) more than a default process does.
  const v8 = ['--single-threaded'];
  if (process.argv.includes('--predictable-gc')) v8.push('--predictable-gc-schedule');
  const out = wrap
    ? spawnSync(wrap[0], [...wrap.slice(1), process.execPath, ...v8, ...argv], {
        encoding: 'utf8',
      })
    : spawnSync(process.execPath, argv, { encoding: 'utf8' });
  if (out.status !== 0) {
    console.error(`child ${args.join(' ')} failed:\n${out.stderr}`);
    process.exit(1);
  }
  return { result: JSON.parse(out.stdout.trim().split('\n').at(-1)), stderr: out.stderr };
}

function printRatios(cases, med, unit) {
  const ref = (c) => (HEADLINE.includes(c) ? 'bare' : 'bare-span');
  console.log(`\n${'case'.padEnd(18)}${unit.padStart(12)}${'× ref'.padStart(9)}  ref`);
  for (const c of cases) {
    const r = med[ref(c)];
    console.log(
      c.padEnd(18) +
        med[c].toFixed(0).padStart(12) +
        (r ? (med[c] / r).toFixed(2) : '-').padStart(9) +
        `  ${ref(c)}`,
    );
  }
  for (const [c, r] of [
    ['aiobs-init', 'bare'],
    ['aiobs-app', 'bare'],
    ['sdk-init', 'bare-span'],
  ]) {
    if (med[c] && med[r])
      console.log(`${c} / ${r} = ${(med[c] / med[r]).toFixed(2)} (goal ≤ 1.30)`);
  }
}

/** Instructions per call under callgrind: (Ir(2N calls) - Ir(N calls)) / N, no load dependence. */
function instructions(cases, calls) {
  const med = {};
  for (const c of cases) {
    const ir = [];
    for (const n of [calls, 2 * calls]) {
      const file = join(os.tmpdir(), `aiobs-bench-callgrind-${process.pid}-${c}-${n}.out`);
      const { stderr } = runChild(
        [c, '--calls', String(n)],
        ['valgrind', '--tool=callgrind', `--callgrind-out-file=${file}`],
      );
      const m = /Collected\s*:\s*(\d+)/.exec(stderr);
      rmSync(file, { force: true });
      if (!m) {
        console.error(`no instruction count for ${c}:\n${stderr}`);
        process.exit(1);
      }
      ir.push(Number(m[1]));
    }
    med[c] = (ir[1] - ir[0]) / calls;
    process.stderr.write(`${c}: ${med[c].toFixed(0)} instructions/call\n`);
  }
  printRatios(cases, med, 'instr/call');
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
  if (process.argv.includes('--instructions')) {
    const calls = Number(arg('calls', '20000'));
    console.log(
      `node ${process.version}, valgrind --tool=callgrind, ${calls} vs ${2 * calls} calls per case after 20000 warm-up calls\n`,
    );
    instructions(cases, calls);
    return;
  }
  const results = Object.fromEntries(cases.map((c) => [c, []]));
  const cpuResults = Object.fromEntries(cases.map((c) => [c, []]));
  console.log(
    `node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ` +
      `load ${os.loadavg()[0].toFixed(1)}, ${runs} fresh processes per case, ${iterations} calls each after warm-up\n`,
  );
  for (let r = 0; r < runs; r++) {
    for (const c of cases) {
      const { result } = runChild([c, '--iterations', String(iterations)]);
      results[c].push(result.ns);
      cpuResults[c].push(result.cpuNs);
    }
    process.stderr.write(`run ${r + 1}/${runs} done\n`);
  }
  const med = Object.fromEntries(cases.map((c) => [c, median(results[c])]));
  console.log(`\n${'case'.padEnd(18)}${'ns/call'.padStart(10)}${'min..max'.padStart(16)}`);
  for (const c of cases) {
    const lo = Math.min(...results[c]).toFixed(0);
    const hi = Math.max(...results[c]).toFixed(0);
    console.log(c.padEnd(18) + med[c].toFixed(0).padStart(10) + `${lo}..${hi}`.padStart(16));
  }
  printRatios(cases, med, 'ns/call');
  const cpuMed = Object.fromEntries(cases.map((c) => [c, median(cpuResults[c])]));
  console.log('\nCPU time (user + system) of the process, per call:');
  printRatios(cases, cpuMed, 'cpu ns/call');
  console.log(`load at the end: ${os.loadavg()[0].toFixed(1)}`);
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

/** The response object the headline model call returns (an OpenAI-style chat completion). */
const RESPONSE = {
  id: 'chatcmpl-bench',
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 34, total_tokens: 46 },
};

async function setup(name) {
  const model = async () => 1;
  const chat = async () => RESPONSE;
  switch (name) {
    case 'bare':
    case 'bare+sdk-loaded': {
      const { trace, SpanKind } = await import('@opentelemetry/api');
      await appPipeline(false);
      if (name === 'bare+sdk-loaded') await import('@aiobs/sdk');
      const tracer = trace.getTracer('bench');
      return () =>
        tracer.startActiveSpan(
          'chat gpt-4o-mini',
          {
            kind: SpanKind.CLIENT,
            attributes: {
              'gen_ai.operation.name': 'chat',
              'gen_ai.provider.name': 'openai',
              'gen_ai.request.model': 'gpt-4o-mini',
            },
          },
          async (span) => {
            try {
              const r = await chat();
              span.setAttribute('gen_ai.usage.input_tokens', r.usage.prompt_tokens);
              span.setAttribute('gen_ai.usage.output_tokens', r.usage.completion_tokens);
              span.setAttribute('gen_ai.response.model', r.model);
              return r;
            } finally {
              span.end();
            }
          },
        );
    }
    case 'aiobs-init':
    case 'aiobs-app': {
      if (name === 'aiobs-app') await appPipeline(false);
      const { init, observeInference } = await import('@aiobs/sdk');
      init({
        serviceName: 'bench',
        traceExporter: noopSpanExporter,
        metricExporter: noopMetricExporter,
        logExporter: noopLogExporter,
      });
      return () =>
        observeInference({ model: 'gpt-4o-mini', provider: 'openai' }, async (inf) => {
          const r = await chat();
          inf.setUsage({
            inputTokens: r.usage.prompt_tokens,
            outputTokens: r.usage.completion_tokens,
          });
          inf.setResponseModel(r.model);
          return r;
        });
    }
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
  // Wall time and this process's CPU time (user + system): CPU time leaves out the time the
  // process waited for a core, so it moves less when other work shares the machine.
  const cpuNs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) * 1000;
  };
  let lastCpu = 0;
  const loop = async (n) => {
    const c = cpuNs();
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await call();
    const wall = Number(process.hrtime.bigint() - t) / n;
    lastCpu = (cpuNs() - c) / n;
    return wall;
  };
  const calls = arg('calls', undefined);
  if (calls !== undefined) {
    // instruction counting: a fixed warm-up, then exactly `calls` calls (no timing needed)
    await loop(20_000);
    await loop(Number(calls));
    console.log(JSON.stringify({ case: name, calls: Number(calls) }));
    process.exit(0);
  }
  await loop(Math.max(10_000, iterations / 4)); // warm-up: JIT, caches, first batches
  const rounds = [];
  const cpu = [];
  for (let r = 0; r < 5; r++) {
    rounds.push(await loop(Math.ceil(iterations / 5)));
    cpu.push(lastCpu);
  }
  console.log(JSON.stringify({ case: name, ns: median(rounds), cpuNs: median(cpu) }));
  process.exit(0);
}

// Dispatch last: the constants above must be initialised before a child runs.
if (process.argv.includes('--child')) {
  await child(arg('child'), Number(arg('iterations', '200000')));
} else {
  parent();
}
