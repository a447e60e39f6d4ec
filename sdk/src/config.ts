import type { FeatureSamplingOptions } from './drift.js';

/** Environment as `process.env` gives it. */
export type Env = Record<string, string | undefined>;

/** Batching knobs of one signal's export queue. */
export interface BatchConfig {
  /** Most items waiting for export; past it new items are dropped and counted. */
  maxQueueSize: number;
  /** Most items per export request. */
  maxExportBatchSize: number;
  /** Longest an item waits before a (partial) batch is sent. */
  scheduledDelayMillis: number;
  /** How long one export may take before it counts as failed. */
  exportTimeoutMillis: number;
}

/** The settings `init()` derives from its options and the `OTEL_*` / `AIOBS_*` environment. */
export interface ResolvedConfig {
  /** `OTEL_SDK_DISABLED=true`: set nothing up, record nothing. */
  disabled: boolean;
  serviceName: string | undefined;
  serviceVersion: string | undefined;
  environment: string | undefined;
  /**
   * `K8S_NODE_NAME` (the Kubernetes downward API's `spec.nodeName`): reported as
   * `k8s.node.name` so the collector can join inferences to the GPUs of the node, which the
   * agent reports under the node's name (a pod's host.name is the pod's hostname).
   */
  k8sNodeName: string | undefined;
  /** Full OTLP/HTTP URLs per signal. */
  urls: { traces: string; metrics: string; logs: string };
  /** Request headers per signal (auth goes here). */
  headers: {
    traces: Record<string, string>;
    metrics: Record<string, string>;
    logs: Record<string, string>;
  };
  /** Timeout of one OTLP request (`OTEL_EXPORTER_OTLP_TIMEOUT`, default 10 s). */
  otlpTimeoutMillis: number;
  metricExportIntervalMillis: number;
  metricExportTimeoutMillis: number;
  /** Longest `shutdown()` / `forceFlush()` wait before giving up on what is queued. */
  shutdownTimeoutMillis: number;
  spans: BatchConfig;
  logs: BatchConfig;
  featureSampling: Required<FeatureSamplingOptions>;
  captureMessageContent: boolean;
}

/** The part of `InitOptions` that {@link resolveConfig} reads. */
export interface ConfigOptions {
  serviceName?: string;
  serviceVersion?: string;
  environment?: string;
  endpoint?: string;
  apiKey?: string;
  /** Extra OTLP request headers (on top of `OTEL_EXPORTER_OTLP_HEADERS`). */
  headers?: Record<string, string>;
  /** Timeout of one OTLP request (else `OTEL_EXPORTER_OTLP_TIMEOUT`, else 10 s). */
  exportTimeoutMillis?: number;
  /** Metric export interval (else `OTEL_METRIC_EXPORT_INTERVAL`, else 15 s). */
  metricExportIntervalMillis?: number;
  /** Most spans (and log records) waiting for export; more are dropped and counted. Default 2048. */
  maxQueueSize?: number;
  /** Most items per export request. Default 512. */
  maxExportBatchSize?: number;
  /** Longest a span waits before a partial batch is sent (else `OTEL_BSP_SCHEDULE_DELAY`, else 5 s). */
  scheduledDelayMillis?: number;
  /**
   * Longest `shutdown()` and `forceFlush()` wait for the collector (default 5 s). On shutdown,
   * what is still queued then is dropped and counted, so a collector outage cannot hold up
   * an app's exit.
   */
  shutdownTimeoutMillis?: number;
  /** Which inferences record their input features (else `AIOBS_FEATURE_*`, else all, ≤ 100/s). */
  featureSampling?: FeatureSamplingOptions;
  /** Record prompts and completions (else `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`). */
  captureMessageContent?: boolean;
}

/** OTLP/HTTP's default endpoint (OTLP exporter spec). */
export const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';
/**
 * Metric export interval. The spec's default is 60 s; 15 s keeps the dashboard's latency and
 * token charts close to live at a negligible cost (one request per interval).
 */
export const DEFAULT_METRIC_EXPORT_INTERVAL_MS = 15_000;

/**
 * Resolves options and environment into one config. Options win over the environment, signal
 * specific variables (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) over general ones, per the OTLP
 * exporter spec. Pure: reads nothing but its arguments.
 */
export function resolveConfig(options: ConfigOptions, env: Env): ResolvedConfig {
  const timeout =
    positive(options.exportTimeoutMillis) ?? envInt(env.OTEL_EXPORTER_OTLP_TIMEOUT) ?? 10_000;
  const base =
    options.endpoint ?? nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT) ?? DEFAULT_OTLP_ENDPOINT;
  const url = (signal: 'traces' | 'metrics' | 'logs', envName: string) =>
    options.endpoint !== undefined
      ? joinUrl(options.endpoint, `v1/${signal}`)
      : (nonEmpty(env[envName]) ?? joinUrl(base, `v1/${signal}`));
  const common = parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS);
  const apiKey = options.apiKey ?? nonEmpty(env.AIOBS_API_KEY);
  const auth: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  const headers = (envName: string) => ({
    ...common,
    ...parseHeaders(env[envName]),
    ...auth,
    ...lowerKeys(options.headers ?? {}),
  });
  const batch = (prefix: 'BSP' | 'BLRP', delayDefault: number): BatchConfig => {
    const maxQueueSize =
      positive(options.maxQueueSize) ?? envInt(env[`OTEL_${prefix}_MAX_QUEUE_SIZE`]) ?? 2048;
    const batchSize =
      positive(options.maxExportBatchSize) ??
      envInt(env[`OTEL_${prefix}_MAX_EXPORT_BATCH_SIZE`]) ??
      512;
    return {
      maxQueueSize,
      maxExportBatchSize: Math.min(batchSize, maxQueueSize),
      scheduledDelayMillis:
        positive(options.scheduledDelayMillis) ??
        envInt(env[`OTEL_${prefix}_SCHEDULE_DELAY`]) ??
        delayDefault,
      exportTimeoutMillis:
        envInt(env[`OTEL_${prefix}_EXPORT_TIMEOUT`]) ?? Math.max(timeout, 30_000),
    };
  };
  const sampling = { ...envFeatureSampling(env), ...definedOnly(options.featureSampling ?? {}) };
  return {
    disabled: envBoolean(env.OTEL_SDK_DISABLED),
    serviceName: options.serviceName,
    serviceVersion: options.serviceVersion,
    environment: options.environment,
    k8sNodeName: nonEmpty(env.K8S_NODE_NAME),
    urls: {
      traces: url('traces', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'),
      metrics: url('metrics', 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'),
      logs: url('logs', 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT'),
    },
    headers: {
      traces: headers('OTEL_EXPORTER_OTLP_TRACES_HEADERS'),
      metrics: headers('OTEL_EXPORTER_OTLP_METRICS_HEADERS'),
      logs: headers('OTEL_EXPORTER_OTLP_LOGS_HEADERS'),
    },
    otlpTimeoutMillis: timeout,
    metricExportIntervalMillis:
      positive(options.metricExportIntervalMillis) ??
      envInt(env.OTEL_METRIC_EXPORT_INTERVAL) ??
      DEFAULT_METRIC_EXPORT_INTERVAL_MS,
    metricExportTimeoutMillis: envInt(env.OTEL_METRIC_EXPORT_TIMEOUT) ?? Math.max(timeout, 30_000),
    shutdownTimeoutMillis: positive(options.shutdownTimeoutMillis) ?? 5000,
    // Spec defaults: BSP flushes every 5 s, BLRP every 1 s.
    spans: batch('BSP', 5000),
    logs: batch('BLRP', 1000),
    featureSampling: { rate: sampling.rate ?? 1, maxPerSecond: sampling.maxPerSecond ?? 100 },
    captureMessageContent:
      options.captureMessageContent ??
      envBoolean(env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT),
  };
}

/** Feature sampling from `AIOBS_FEATURE_SAMPLE_RATE` and `AIOBS_FEATURE_MAX_PER_SECOND`. */
export function envFeatureSampling(env: Env): FeatureSamplingOptions {
  const out: FeatureSamplingOptions = {};
  const rate = envFloat(env.AIOBS_FEATURE_SAMPLE_RATE);
  if (rate !== undefined) out.rate = rate;
  const max = envFloat(env.AIOBS_FEATURE_MAX_PER_SECOND);
  if (max !== undefined) out.maxPerSecond = max;
  return out;
}

/** `true`/`1`/`yes` (any case) is true; anything else false, as the OTel env spec reads booleans. */
export function envBoolean(v: string | undefined): boolean {
  return v !== undefined && /^(true|1|yes)$/i.test(v.trim());
}

/** Parses `k1=v1,k2=v2` with percent-encoded values (the `OTEL_EXPORTER_OTLP_HEADERS` format). */
export function parseHeaders(v: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!v) return out;
  for (const part of v.split(',')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const key = part.slice(0, i).trim().toLowerCase();
    let value = part.slice(i + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // keep the raw value: a malformed escape must not cost the header
    }
    if (key) out[key] = value;
  }
  return out;
}

/** Joins a base URL and a path with exactly one slash. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== '' ? v.trim() : undefined;
}

function envInt(v: string | undefined): number | undefined {
  const n = envFloat(v);
  return n !== undefined && n > 0 ? Math.floor(n) : undefined;
}

function envFloat(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isNaN(n) ? undefined : n;
}

function positive(n: number | undefined): number | undefined {
  return n !== undefined && n > 0 ? n : undefined;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
