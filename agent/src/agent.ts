import { readFileSync } from 'node:fs';
import { arch } from 'node:os';
import { join } from 'node:path';
import type { AgentConfig } from './config/config.js';
import { DiskQueue } from './export/disk-queue.js';
import { Exporter } from './export/exporter.js';
import { closeIdleSockets } from './export/http-send.js';
import { MetricsEncoder } from './export/otlp-encode.js';
import { createGpuCollector, type GpuCollector, type GpuStatus } from './gpu/gpu-collector.js';
import {
  createHostCollector,
  DEFAULT_NET_EXCLUDE,
  type HostCollector,
} from './host/host-collector.js';
import type { Logger } from './logger.js';
import type { Collection } from './metrics/model.js';
import { ATTR_HOST_ARCH, ATTR_OS_TYPE, ATTR_SERVICE_VERSION } from './semconv.js';
import { AGENT_SCOPE, AGENT_VERSION } from './version.js';

/** A running agent. */
export interface Agent {
  /** Resolves when the first collection is scheduled; GPU discovery continues in the background. */
  start(): Promise<void>;
  /** Stops collecting, flushes the exporter (up to `flushMs`), stops nvidia-smi. */
  stop(flushMs?: number): Promise<AgentSummary>;
  readonly exporter: Exporter;
}

/** What the agent did, logged at shutdown. */
export interface AgentSummary {
  readonly collections: number;
  readonly skipped: number;
  readonly sent: number;
  readonly buffered: number;
  readonly replayed: number;
  readonly dropped: number;
  /** Requests still on disk for the next start. */
  readonly pending: number;
}

/** Resource attributes of every export. */
export function resourceAttributes(config: AgentConfig): Record<string, string> {
  return {
    [ATTR_OS_TYPE]: process.platform,
    [ATTR_HOST_ARCH]: arch(),
    [ATTR_SERVICE_VERSION]: AGENT_VERSION,
    ...config.resource,
  };
}

/** Boot time (Unix ms) from /proc/stat, for the start of kernel and driver counters. */
export function bootTimeMs(hostRoot: string): number {
  try {
    const m = /^btime (\d+)$/m.exec(readFileSync(join(hostRoot, 'proc', 'stat'), 'utf8'));
    if (m?.[1]) return Number(m[1]) * 1000;
  } catch {
    // not Linux
  }
  return Date.now() - process.uptime() * 1000;
}

/** Collectors for one host; shared by `run` and `snapshot`. */
export interface Collectors {
  readonly host: HostCollector;
  readonly gpu: GpuCollector | undefined;
}

/** Creates the host and (unless disabled) GPU collectors for a configuration. */
export function createCollectors(
  config: AgentConfig,
  logger: Logger,
  agentStartMs: number,
  commandTimeoutMs = 10_000,
): Collectors {
  const host = createHostCollector({
    hostRoot: config.hostRoot,
    netExclude: DEFAULT_NET_EXCLUDE,
    logger,
  });
  const gpu = config.gpu
    ? createGpuCollector({
        nvidiaSmi: config.nvidiaSmi,
        intervalMs: config.intervalMs,
        logger,
        pcie: config.gpuPcie,
        inventory: config.inventory,
        commandTimeoutMs,
        starts: { agentStartMs, bootMs: bootTimeMs(config.hostRoot) },
      })
    : undefined;
  return { host, gpu };
}

/** Takes one collection from both collectors. Never throws. */
export async function collectOnce(c: Collectors, timeMs: number): Promise<Collection> {
  const hostMetrics = await c.host.collect();
  const gpuMetrics = c.gpu?.collect(timeMs) ?? [];
  return { timeMs, metrics: [...hostMetrics, ...gpuMetrics] };
}

/** Most collections one request carries, whatever the export interval (4 MB at 1 s, 8 GPUs). */
export const MAX_COLLECTIONS_PER_REQUEST = 60;

/**
 * How many collections go out in one request: the export interval over the collection
 * interval, rounded down, between 1 and {@link MAX_COLLECTIONS_PER_REQUEST}.
 */
export function collectionsPerRequest(
  config: Pick<AgentConfig, 'intervalMs' | 'exportIntervalMs'>,
): number {
  const n = Math.floor(config.exportIntervalMs / config.intervalMs);
  return Math.max(1, Math.min(MAX_COLLECTIONS_PER_REQUEST, n));
}

/**
 * Creates the agent: every interval it collects host and GPU metrics; every export interval
 * (by default two intervals from 1 s up to 5 s, else the same) it encodes the collections taken
 * since the last request as one OTLP request, each keeping its own timestamp, and hands it to
 * the exporter (which buffers on disk when needed). Ticks are aligned to the interval; a tick
 * that would overlap a slow previous one is skipped.
 *
 * @example
 * const agent = await createAgent(loadConfig(flags), createLogger('info'));
 * await agent.start();
 * process.once('SIGTERM', () => agent.stop().then(() => process.exit(0)));
 */
export async function createAgent(config: AgentConfig, logger: Logger): Promise<Agent> {
  const startMs = Date.now();
  const queue = await DiskQueue.open(join(config.stateDir, 'buffer'), {
    maxBytes: config.bufferMaxBytes,
    maxAgeMs: config.bufferMaxAgeMs,
  });
  const headers: Record<string, string> = { ...config.headers };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
  const exporter = new Exporter({
    url: config.metricsUrl,
    headers,
    timeoutMs: config.timeoutMs,
    compression: config.compression,
    queue,
    logger,
  });
  const collectors = createCollectors(config, logger, startMs);
  const resource = resourceAttributes(config);
  // One encoder for the agent's life: its caches hold the bytes of series that repeat.
  const encoder = new MetricsEncoder();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let stopped = false;
  let collections = 0;
  let skipped = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const perRequest = collectionsPerRequest(config);
  // Collections taken since the last request (by default two from a 1 s up to a 5 s interval).
  let pending: Collection[] = [];

  async function sendPending(): Promise<void> {
    const batch = pending;
    pending = [];
    const first = batch[0];
    if (!first) return;
    const body = encoder.encode(resource, AGENT_SCOPE, batch);
    logger.debug('encoded', { collections: batch.length, bytes: body.length });
    await exporter.export(body, first.timeMs);
  }

  async function tick(timeMs: number): Promise<void> {
    if (running) {
      skipped++;
      logger.warn('previous collection still running; skipping this interval', { skipped });
      return;
    }
    running = true;
    try {
      const collection = await collectOnce(collectors, timeMs);
      collections++;
      pending.push(collection);
      logger.debug('collected', { seq: collections, metrics: collection.metrics.length, timeMs });
      if (pending.length >= perRequest) await sendPending();
    } catch (err) {
      logger.error('collection failed', { error: String(err) });
    } finally {
      running = false;
    }
  }

  function schedule(): void {
    if (stopped) return;
    const now = Date.now();
    const next = startMs + Math.ceil((now - startMs + 1) / config.intervalMs) * config.intervalMs;
    timer = setTimeout(() => {
      inFlight = tick(next);
      schedule();
    }, next - now);
  }

  return {
    exporter,
    async start() {
      logger.info('aiobs-agent starting', {
        version: AGENT_VERSION,
        collector: config.metricsUrl,
        apiKey: config.apiKeySource,
        intervalMs: config.intervalMs,
        exportIntervalMs: perRequest * config.intervalMs,
        hostName: config.hostName,
        buffer: queue.dir,
        buffered: queue.length,
      });
      if (
        config.apiKeySource === 'none' &&
        !headers.authorization &&
        !config.headers.Authorization
      ) {
        logger.warn(
          'no API key (--api-key, AIOBS_API_KEY or the local credentials.json): the collector will refuse the data',
        );
      }
      await collectors.host.prime();
      if (collectors.gpu) void collectors.gpu.start();
      // Data left from a previous run goes out first.
      exporter.replayBuffered();
      schedule();
    },
    async stop(flushMs = 10_000) {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
      // Collections still waiting for their batch go out (or to the buffer) before the flush.
      await sendPending().catch((err) =>
        logger.error('export at stop failed', { error: String(err) }),
      );
      const deadline = Date.now() + flushMs;
      await exporter.flush(deadline);
      exporter.stop();
      await collectors.gpu?.stop();
      closeIdleSockets();
      const s = exporter.stats;
      return {
        collections,
        skipped,
        sent: s.sent,
        buffered: s.buffered,
        replayed: s.replayed,
        dropped: s.dropped,
        pending: queue.length,
      };
    },
  };
}

/** GPU status for `snapshot`. */
export function gpuStatus(c: Collectors): GpuStatus | { state: 'disabled' } {
  return c.gpu?.status() ?? { state: 'disabled' };
}
