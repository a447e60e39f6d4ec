import { closeSync, openSync, readSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { LogLevel } from '../logger.js';
import { DEFAULT_SERVICE_NAME } from '../semconv.js';
import { readLocalCredentials, resolveDataDir } from './credentials.js';
import { parseBytes, parseDuration, parseKeyValueList } from './parse-units.js';

/** Command-line flags of `aiobs-agent run` (all optional; env and defaults fill in). */
export interface RunFlags {
  collector?: string;
  apiKey?: string;
  /** File holding the ingest key (keeps it off the command line, out of `ps` and history). */
  apiKeyFile?: string;
  interval?: string;
  exportInterval?: string;
  hostName?: string;
  dataDir?: string;
  stateDir?: string;
  bufferMaxBytes?: string;
  bufferMaxAge?: string;
  compression?: string;
  nvidiaSmi?: string;
  /** commander's `--no-gpu` sets this to false. */
  gpu?: boolean;
  /** commander's `--no-gpu-pcie` sets this to false. */
  gpuPcie?: boolean;
  hostRoot?: string;
  logLevel?: string;
}

/**
 * The agent's configuration, parsed once from flags, then `AIOBS_*` env, then the standard
 * `OTEL_*` env, then defaults. Each knob says why it exists.
 */
export const configSchema = z.object({
  /** Full OTLP metrics URL (`<collector>/v1/metrics`, or OTEL_EXPORTER_OTLP_METRICS_ENDPOINT as given). */
  metricsUrl: z.url({ protocol: /^https?$/ }),
  /** Ingest key sent as `Authorization: Bearer`; absent when headers carry auth themselves. */
  apiKey: z.string().min(1).optional(),
  /** Where the key came from, for the start-up log (never the key itself). */
  apiKeySource: z.enum(['flag', 'file', 'env', 'credentials.json', 'none']),
  /** Extra request headers from OTEL_EXPORTER_OTLP(_METRICS)_HEADERS. */
  headers: z.record(z.string(), z.string()),
  /** Collection and export interval: 10 s is the budgeted default; down to 100 ms for tests. */
  intervalMs: z.number().int().min(100).max(3_600_000),
  /**
   * How often the collections taken meanwhile are sent, each with its own time: per-request
   * work (HTTP, the resource and metric headers) is the largest fixed cost at a 1 s interval.
   * Default: two intervals from 1 s up to 5 s (data arrives up to one interval later), else
   * the interval. Rounded down to whole intervals, at most 60 collections per request.
   */
  exportIntervalMs: z.number().int().min(100).max(3_600_000),
  /** Per-request timeout (OTEL_EXPORTER_OTLP_TIMEOUT, default 10 s). */
  timeoutMs: z.number().int().min(100),
  /** gzip saves bandwidth to a remote collector; none is cheaper on loopback (OTel default). */
  compression: z.enum(['gzip', 'none']),
  /** `host.name` resource attribute: the OS hostname unless a fleet naming scheme differs. */
  hostName: z.string().min(1),
  /** Resource attributes of every export (service.name, host.name, OTEL_RESOURCE_ATTRIBUTES). */
  resource: z.record(z.string(), z.string()),
  /** The disk buffer lives in `<stateDir>/buffer`; systemd's StateDirectory in production. */
  stateDir: z.string().min(1),
  /** Upper bound of the disk buffer; oldest data goes first beyond it. */
  bufferMaxBytes: z.number().int().min(1024),
  /** Buffered data older than this is dropped: stale samples are worth less than disk. */
  bufferMaxAgeMs: z.number().int().min(1000),
  /** nvidia-smi to run: a name on PATH or an absolute path (containers, odd installs). */
  nvidiaSmi: z.string().min(1),
  /** GPU collection on/off: off on hosts where nvidia-smi must not be touched. */
  gpu: z.boolean(),
  /** PCIe throughput needs a third nvidia-smi process (dmon); it can be switched off. */
  gpuPcie: z.boolean(),
  /** Host filesystem root: `/host` in a container that mounts the host's `/` there. */
  hostRoot: z.string().min(1),
  /** One-time lspci inventory via systeminformation.graphics() (logs and snapshots only). */
  inventory: z.boolean(),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']),
});

/** The frozen, validated agent configuration. */
export type AgentConfig = Readonly<z.infer<typeof configSchema>>;

/** Thrown for configuration a user must fix; the CLI prints the message and exits 2. */
export class ConfigError extends Error {}

const DEFAULT_COLLECTOR = 'http://127.0.0.1:4318';
/**
 * From 1 s up to this collection interval, two collections go out per request unless told
 * otherwise. Sub-second intervals (tests, debugging) keep one request per collection.
 */
const DEFAULT_BATCH_BELOW_MS = 5000;

function defaultStateDir(env: NodeJS.ProcessEnv): string {
  if (process.getuid?.() === 0) return '/var/lib/aiobs-agent';
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'aiobs-agent');
}

function duration(
  label: string,
  text: string | undefined,
  fallbackMs: number,
  bare: 'ms' | 's' = 's',
): number {
  if (text === undefined || text === '') return fallbackMs;
  const ms = parseDuration(text, bare);
  if (ms === undefined) {
    throw new ConfigError(
      `${label}: "${text}" is not a duration (e.g. 10s, 500ms, 1m, or seconds)`,
    );
  }
  return ms;
}

function bool(flag: boolean | undefined, envVal: string | undefined, dflt: boolean): boolean {
  if (flag !== undefined) return flag;
  if (envVal === undefined || envVal === '') return dflt;
  return !/^(0|false|no|off)$/i.test(envVal);
}

/** Longest key file read: an ingest key is tens of bytes; anything bigger is the wrong file. */
const MAX_KEY_FILE_BYTES = 4096;

/** Reads an ingest key from a file: the first line, without surrounding whitespace. */
export function readApiKeyFile(path: string, label = '--api-key-file'): string {
  let text: string;
  try {
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(MAX_KEY_FILE_BYTES + 1);
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n > MAX_KEY_FILE_BYTES)
        throw new ConfigError(`${label}: ${path} is larger than ${MAX_KEY_FILE_BYTES} bytes`);
      text = buf.subarray(0, n).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`${label}: cannot read ${path}: ${(err as Error).message}`);
  }
  const key = text.split(/\r?\n/, 1)[0]?.trim() ?? '';
  if (key === '') throw new ConfigError(`${label}: ${path} holds no key on its first line`);
  return key;
}

/**
 * Resolves the ingest key: `--api-key`, `--api-key-file`, then `AIOBS_API_KEY`,
 * `AIOBS_API_KEY_FILE`, then the local collector's credentials.
 */
export function resolveApiKey(
  flags: Pick<RunFlags, 'apiKey' | 'apiKeyFile' | 'dataDir'>,
  env: NodeJS.ProcessEnv,
): { apiKey: string | undefined; source: AgentConfig['apiKeySource'] } {
  if (flags.apiKey && flags.apiKeyFile)
    throw new ConfigError('pass either --api-key or --api-key-file, not both');
  if (flags.apiKey) return { apiKey: flags.apiKey, source: 'flag' };
  if (flags.apiKeyFile) return { apiKey: readApiKeyFile(flags.apiKeyFile), source: 'file' };
  // Trimmed: a key from a Kubernetes secret made with --from-file often ends in a newline,
  // which is not allowed in a header.
  const envKey = env.AIOBS_API_KEY?.trim();
  if (envKey) return { apiKey: envKey, source: 'env' };
  if (env.AIOBS_API_KEY_FILE)
    return {
      apiKey: readApiKeyFile(env.AIOBS_API_KEY_FILE, 'AIOBS_API_KEY_FILE'),
      source: 'file',
    };
  const local = readLocalCredentials(resolveDataDir(flags.dataDir, env));
  return local
    ? { apiKey: local.apiKey, source: 'credentials.json' }
    : { apiKey: undefined, source: 'none' };
}

/**
 * Resolves the configuration; throws {@link ConfigError} on invalid input.
 *
 * @example
 * const config = loadConfig({ collector: 'http://127.0.0.1:4318', interval: '10s' }, process.env);
 */
export function loadConfig(flags: RunFlags, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const collector = flags.collector ?? env.AIOBS_COLLECTOR_URL;
  let metricsUrl: string;
  if (collector !== undefined) metricsUrl = `${collector.replace(/\/+$/, '')}/v1/metrics`;
  else if (env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT)
    metricsUrl = env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT;
  else
    metricsUrl = `${(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? DEFAULT_COLLECTOR).replace(/\/+$/, '')}/v1/metrics`;

  const { apiKey, source: apiKeySource } = resolveApiKey(flags, env);
  const headers = {
    ...parseKeyValueList(env.OTEL_EXPORTER_OTLP_HEADERS),
    ...parseKeyValueList(env.OTEL_EXPORTER_OTLP_METRICS_HEADERS),
  };

  const intervalMs =
    flags.interval !== undefined || env.AIOBS_AGENT_INTERVAL
      ? duration('--interval', flags.interval ?? env.AIOBS_AGENT_INTERVAL, 10_000)
      : duration('OTEL_METRIC_EXPORT_INTERVAL', env.OTEL_METRIC_EXPORT_INTERVAL, 10_000, 'ms');
  const exportText = flags.exportInterval ?? env.AIOBS_AGENT_EXPORT_INTERVAL;
  const exportIntervalMs = duration(
    '--export-interval',
    exportText,
    intervalMs >= 1000 && intervalMs < DEFAULT_BATCH_BELOW_MS ? 2 * intervalMs : intervalMs,
  );
  if (exportIntervalMs < intervalMs) {
    throw new ConfigError(
      `--export-interval: "${exportText}" is shorter than the collection interval (${intervalMs} ms)`,
    );
  }
  const timeoutMs = duration(
    'OTEL_EXPORTER_OTLP_TIMEOUT',
    env.OTEL_EXPORTER_OTLP_METRICS_TIMEOUT ?? env.OTEL_EXPORTER_OTLP_TIMEOUT,
    10_000,
    'ms',
  );
  const compression = (
    flags.compression ??
    env.OTEL_EXPORTER_OTLP_METRICS_COMPRESSION ??
    env.OTEL_EXPORTER_OTLP_COMPRESSION ??
    'none'
  ).toLowerCase();

  const hostName = flags.hostName ?? env.AIOBS_HOST_NAME ?? hostname();
  const resource: Record<string, string> = {
    ...parseKeyValueList(env.OTEL_RESOURCE_ATTRIBUTES),
    'host.name': hostName,
    'service.name': env.OTEL_SERVICE_NAME || DEFAULT_SERVICE_NAME,
  };

  const bytesText = flags.bufferMaxBytes ?? env.AIOBS_AGENT_BUFFER_MAX_BYTES;
  const bufferMaxBytes = bytesText === undefined ? 256 * 1024 * 1024 : parseBytes(bytesText);
  if (bufferMaxBytes === undefined) {
    throw new ConfigError(`--buffer-max-bytes: "${bytesText}" is not a size (e.g. 256MiB)`);
  }

  const raw = {
    metricsUrl,
    apiKey,
    apiKeySource,
    headers,
    intervalMs,
    exportIntervalMs,
    timeoutMs,
    compression,
    hostName,
    resource,
    stateDir: flags.stateDir ?? env.AIOBS_AGENT_STATE_DIR ?? defaultStateDir(env),
    bufferMaxBytes,
    bufferMaxAgeMs: duration(
      '--buffer-max-age',
      flags.bufferMaxAge ?? env.AIOBS_AGENT_BUFFER_MAX_AGE,
      86_400_000,
    ),
    nvidiaSmi: flags.nvidiaSmi ?? env.AIOBS_NVIDIA_SMI ?? 'nvidia-smi',
    gpu: bool(flags.gpu === false ? false : undefined, env.AIOBS_AGENT_GPU, true),
    gpuPcie: bool(flags.gpuPcie === false ? false : undefined, env.AIOBS_AGENT_GPU_PCIE, true),
    hostRoot: flags.hostRoot ?? env.AIOBS_HOST_ROOT ?? '/',
    inventory: bool(undefined, env.AIOBS_AGENT_INVENTORY, true),
    logLevel: (flags.logLevel ?? env.AIOBS_LOG_LEVEL ?? 'info') as LogLevel,
  };
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid configuration: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return Object.freeze(parsed.data);
}
