#!/usr/bin/env node
// `npm run demo [-- --duration 10m --rate 20]`: an example inference service built on
// @aiobs/sdk, driven by simulated users, sending telemetry to the local collector.
import { init, SDK_VERSION } from '@aiobs/sdk';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { HelpRequested, parseArgs } from './args.js';
import { backfill } from './backfill.js';
import { backfilledRange, markBackfilled, needsBackfill, readMarker } from './backfill-marker.js';
import { collectorIsUp, findCollector } from './collector-target.js';
import { DEMO_FLEET, DEMO_SERVICE_HOST } from './gpu-fleet.js';
import { createGpuSim, startLiveGpus } from './gpu-sim.js';
import { startLoad } from './load.js';
import { startModelServer } from './model-server.js';
import { formatProgress } from './progress.js';
import { startInferenceService } from './service.js';
import { createAdminApi, ensureDemoBaseline, ensureDemoRules } from './setup.js';

const DEMO_VERSION = '1.4.2';
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof HelpRequested) {
      say(err.message);
      return 0;
    }
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const target = findCollector(process.env, process.cwd());
  const up = await collectorIsUp(target.endpoint);
  say(
    `aiobs demo (sdk ${SDK_VERSION}) → ${target.endpoint}: ` +
      (up
        ? 'collector is up'
        : 'collector NOT reachable (start it with `npx aiobs-collector`); telemetry will be dropped and counted'),
  );
  say(
    target.apiKey
      ? `ingest key from ${target.keySource === 'AIOBS_API_KEY' ? 'AIOBS_API_KEY' : `${target.dataDir}/credentials.json`}`
      : `no ingest key: set AIOBS_API_KEY or start the collector once so that ${target.dataDir}/credentials.json exists`,
  );
  const headers: Record<string, string> = target.apiKey
    ? { authorization: `Bearer ${target.apiKey}` }
    : {};
  const urls = {
    traces: `${target.endpoint}/v1/traces`,
    metrics: `${target.endpoint}/v1/metrics`,
    logs: `${target.endpoint}/v1/logs`,
  };
  const common = {
    'service.version': DEMO_VERSION,
    'deployment.environment.name': 'demo',
    'service.namespace': 'aiobs-demo',
  };
  // The service runs on the first simulated GPU node, so the Models page joins its
  // inferences to that node's GPUs.
  const serviceResource = {
    ...common,
    'service.name': 'aiobs-demo',
    'host.name': DEMO_SERVICE_HOST,
  };
  const webResource = { ...common, 'service.name': 'aiobs-demo-web' };

  // The Alerts and Drift pages need rules and a baseline, which only the admin may create.
  const admin =
    up && target.adminToken ? createAdminApi(target.endpoint, target.adminToken) : undefined;
  if (admin) {
    say('alert rules (admin token found; no notification channels):');
    await ensureDemoRules(admin, say);
  } else if (up) {
    say(
      `no admin token (AIOBS_ADMIN_TOKEN or ${target.dataDir}/credentials.json): ` +
        'the drift baseline and alert rules are not set up',
    );
  }
  const backfillNow = args.backfillHours > 0 && needsBackfill(args.backfill, target.dataDir);
  const backfillEnd = Date.now() - 60_000;
  const backfillStart = backfillEnd - args.backfillHours * 3_600_000;
  // Simulated GPU nodes (gpu-fleet.ts), labelled as such: the agent's metrics without a GPU.
  const gpus = createGpuSim({
    url: urls.metrics,
    headers,
    common,
    startMs: backfillNow && up ? backfillStart : Date.now(),
  });
  let baselineRange: { fromMs: number; toMs: number } | undefined;
  if (backfillNow) {
    if (!up) {
      say('back-fill skipped: the collector is not reachable (it runs on the next start)');
    } else {
      say(`back-filling ${args.backfillHours} h of history (first run; --no-backfill skips this)…`);
      const t0 = Date.now();
      const r = await backfill({
        hours: args.backfillHours,
        endMs: backfillEnd,
        urls,
        headers,
        serviceResource,
        webResource,
        gpus,
        onProgress: (f) =>
          process.stdout.isTTY && process.stdout.write(`\r  ${(f * 100).toFixed(0)}%`),
      });
      if (process.stdout.isTTY) process.stdout.write('\r');
      say(
        `  ${r.requests} past requests: ${r.spans} spans, ${r.logs} feedback logs, ${r.metricPoints} metric points` +
          ` in ${((Date.now() - t0) / 1000).toFixed(1)} s${r.failedExports ? `, ${r.failedExports} exports FAILED` : ''}`,
      );
      baselineRange = { fromMs: backfillStart, toMs: backfillEnd };
      if (r.failedExports === 0)
        markBackfilled(target.dataDir, { ...r, hours: args.backfillHours, ...baselineRange });
    }
  } else {
    const marker = readMarker(target.dataDir);
    baselineRange = backfilledRange(marker);
    if (args.backfill === 'auto' && args.backfillHours > 0)
      say(`history was back-filled on ${marker?.at ?? 'an earlier run'} (--backfill to add more)`);
  }
  if (admin) {
    say('drift baseline of the fraud model:');
    await ensureDemoBaseline(admin, baselineRange, say);
  }

  const aiobs = init({
    serviceName: 'aiobs-demo',
    serviceVersion: DEMO_VERSION,
    environment: 'demo',
    resourceAttributes: { 'service.namespace': 'aiobs-demo', 'host.name': DEMO_SERVICE_HOST },
    endpoint: target.endpoint,
    apiKey: target.apiKey,
    metricExportIntervalMillis: 10_000,
    scheduledDelayMillis: 1000,
    featureSampling: { rate: 1, maxPerSecond: 200 },
  });
  // The simulated web front end is a second service with its own provider and service name.
  const webProvider = new BasicTracerProvider({
    resource: resourceFromAttributes(webResource),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: urls.traces, headers }), {
        scheduledDelayMillis: 1000,
      }),
    ],
  });
  const models = await startModelServer();
  const service = await startInferenceService(models.url);
  const startedAt = Date.now();
  const drifted = () => Date.now() - startedAt >= args.driftAfterMs;
  const load = startLoad({
    serviceUrl: service.url,
    rate: args.rate,
    drifted,
    webTracer: webProvider.getTracer('aiobs-demo-web'),
  });
  const liveGpus = startLiveGpus(gpus, () => load.stats.sent, args.rate);
  say(
    `simulated GPUs: ${DEMO_FLEET.map((n) => `${n.hostName} (${n.gpus.length})`).join(', ')}, every 10 s`,
  );
  say(
    `serving on ${service.url}; ${args.rate} req/s for ${Math.round(args.durationMs / 1000)} s; ` +
      `input drift starts after ${Math.round(args.driftAfterMs / 1000)} s; Ctrl-C stops`,
  );

  const line = () => {
    const s = aiobs.stats();
    return formatProgress({
      elapsedMs: Date.now() - startedAt,
      totalMs: args.durationMs,
      sent: load.stats.sent,
      failed: load.stats.failed,
      feedback: load.stats.feedback,
      cacheLookups: service.stats.cacheLookups(),
      cacheHits: service.stats.cacheHits(),
      queueDepth: service.stats.queueDepth(),
      drifted: drifted(),
      spansExported: s.spans.exported,
      dropped:
        s.spans.droppedQueueFull +
        s.spans.droppedExportFailed +
        s.logs.droppedQueueFull +
        s.logs.droppedExportFailed +
        s.metricPoints.droppedExportFailed,
    });
  };
  const progress = setInterval(() => say(line()), 5000);

  let stopRequested: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    stopRequested = resolve;
  });
  const timer = setTimeout(() => stopRequested(), args.durationMs);
  const onSignal = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    say('\nstopping (again to quit at once)…');
    process.once('SIGINT', () => process.exit(130));
    stopRequested();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await stopped;
  clearTimeout(timer);
  clearInterval(progress);

  await load.stop();
  await liveGpus.stop();
  await aiobs.shutdown();
  await webProvider.shutdown();
  service.close();
  service.server.close();
  models.server.close();
  service.server.closeAllConnections();
  models.server.closeAllConnections();
  say(line());
  const s = aiobs.stats();
  say(
    `done: ${load.stats.sent} requests, ${s.spans.exported} spans, ${s.logs.exported} logs, ${s.metricPoints.exported} metric points exported` +
      (up ? `; open ${target.endpoint} to see them` : ''),
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`demo failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
