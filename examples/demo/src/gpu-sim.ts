import type { Attributes } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { createFleetState, DEMO_FLEET, type FleetState, sampleFleet } from './gpu-fleet.js';
import { nodeMetrics, nodeResource } from './gpu-metrics.js';

/** Where the simulated nodes send their metrics. */
export interface GpuSimOptions {
  /** OTLP/HTTP metrics URL. */
  url: string;
  headers: Record<string, string>;
  /** Resource attributes every node shares (namespace, environment, version). */
  common: Attributes;
  /** Start of the simulation (ms): cumulative series (energy) count from here. */
  startMs: number;
}

/** The simulated GPU fleet's sender: samples buffer until `flush` exports them. */
export interface GpuSim {
  /** Samples every node at `atMs` under `requestsPerSecond` of demo traffic. */
  sample(atMs: number, requestsPerSecond: number): void;
  /** Exports what was sampled, one request per node; counts points sent and failed exports. */
  flush(): Promise<{ points: number; failedExports: number }>;
  shutdown(): Promise<void>;
}

/**
 * Creates the simulated fleet (see gpu-fleet.ts) with its own OTLP exporter. The back-fill
 * samples it once a minute in the past; {@link startLiveGpus} every 10 s, as the agent does.
 */
export function createGpuSim(o: GpuSimOptions): GpuSim {
  const state: FleetState = createFleetState(o.startMs);
  const bootMs = o.startMs - 3 * 86_400_000;
  const exporter = new OTLPMetricExporter({
    url: o.url,
    headers: o.headers,
    timeoutMillis: 30_000,
  });
  const resources = new Map<string, Resource>(
    DEMO_FLEET.map((n) => [n.hostName, resourceFromAttributes(nodeResource(n.hostName, o.common))]),
  );
  const pending = new Map<string, ResourceMetrics['scopeMetrics'][number]['metrics']>();
  const scope = { name: '@aiobs/demo gpu-sim', version: String(o.common['service.version'] ?? '') };

  return {
    sample(atMs, requestsPerSecond) {
      for (const reading of sampleFleet(state, atMs, requestsPerSecond)) {
        const list = pending.get(reading.node.hostName) ?? [];
        list.push(...nodeMetrics(reading, { startMs: o.startMs, bootMs }));
        pending.set(reading.node.hostName, list);
      }
    },
    async flush() {
      let points = 0;
      let failedExports = 0;
      const batches = [...pending];
      pending.clear();
      for (const [host, metrics] of batches) {
        const n = metrics.reduce((a, m) => a + m.dataPoints.length, 0);
        const ok = await new Promise<boolean>((resolve) =>
          exporter.export(
            {
              resource: resources.get(host) as Resource,
              scopeMetrics: [{ scope, metrics }],
            },
            (r: ExportResult) => resolve(r.code === ExportResultCode.SUCCESS),
          ),
        );
        if (ok) points += n;
        else failedExports++;
      }
      return { points, failedExports };
    },
    shutdown: () => exporter.shutdown(),
  };
}

/**
 * Samples and sends the fleet every `intervalMs` while the demo runs, its load the requests
 * the demo sent since the previous sample (`firstRps` for the first, sent at once).
 */
export function startLiveGpus(
  sim: GpuSim,
  requestsSent: () => number,
  firstRps: number,
  intervalMs = 10_000,
): { stop(): Promise<void> } {
  let lastAt = Date.now();
  let lastSent = requestsSent();
  let running: Promise<unknown> = Promise.resolve();
  const tick = (rps: number) => {
    sim.sample(Date.now(), rps);
    // one export at a time: a slow collector delays the next, it does not pile them up
    running = running.then(() => sim.flush());
  };
  tick(firstRps);
  const timer = setInterval(() => {
    const now = Date.now();
    const sent = requestsSent();
    tick(((sent - lastSent) * 1000) / Math.max(1, now - lastAt));
    lastAt = now;
    lastSent = sent;
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
      await sim.shutdown();
    },
  };
}
