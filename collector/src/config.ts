import { resolve } from 'node:path';
import { z } from 'zod';

const PORT_OR_OFF = 'must be a port (0-65535) or off';

/**
 * Every setting of the collector, in one place: its flag, its environment variable, why it
 * exists and how it is validated. `main.ts` builds the CLI from this list; everything
 * else receives the frozen `Config` it produces.
 */
export const OPTIONS = [
  {
    key: 'port',
    flag: '--port <port>',
    env: 'AIOBS_PORT',
    help: 'port for OTLP/HTTP, the API and the dashboard (0 picks a free port)',
    schema: z.coerce.number().int().min(0).max(65535).default(4318),
  },
  {
    // OTel SDKs and the OpenTelemetry Collector export OTLP over gRPC to 4317 by default.
    key: 'grpcPort',
    flag: '--grpc-port <port>',
    env: 'AIOBS_GRPC_PORT',
    help: 'port for OTLP/gRPC (0 picks a free port, off disables it)',
    schema: z
      .union(
        [
          z.literal('off'),
          z.coerce
            .number({ error: PORT_OR_OFF })
            .int({ error: PORT_OR_OFF })
            .min(0, { error: PORT_OR_OFF })
            .max(65535, { error: PORT_OR_OFF }),
        ],
        { error: PORT_OR_OFF },
      )
      .default(4317),
  },
  {
    key: 'host',
    flag: '--host <address>',
    env: 'AIOBS_HOST',
    help: 'address to listen on',
    schema: z.string().min(1).default('0.0.0.0'),
  },
  {
    key: 'headersTimeoutSeconds',
    flag: '--headers-timeout <seconds>',
    env: 'AIOBS_HEADERS_TIMEOUT',
    help: 'longest a client may take to send request headers (cuts slow-loris clients; 408)',
    schema: z.coerce.number().int().min(1).max(300).default(10),
  },
  {
    key: 'requestTimeoutSeconds',
    flag: '--request-timeout <seconds>',
    env: 'AIOBS_REQUEST_TIMEOUT',
    help: 'longest a client may take to send a whole request, body included (408)',
    schema: z.coerce.number().int().min(1).max(3600).default(60),
  },
  {
    key: 'keepAliveTimeoutSeconds',
    flag: '--keep-alive-timeout <seconds>',
    env: 'AIOBS_KEEP_ALIVE_TIMEOUT',
    help: 'idle time before a keep-alive connection is closed (above a load balancer idle timeout)',
    schema: z.coerce.number().int().min(1).max(600).default(5),
  },
  {
    key: 'maxConnections',
    flag: '--max-connections <n>',
    env: 'AIOBS_MAX_CONNECTIONS',
    help: 'concurrent client connections; further ones are closed at once',
    schema: z.coerce.number().int().min(1).max(1_000_000).default(1024),
  },
  {
    key: 'corsOrigin',
    flag: '--cors-origin <origins>',
    env: 'AIOBS_CORS_ORIGIN',
    help: 'comma-separated origins (https://app.example.com) allowed to call /api/v1 and /v1 from a browser; none by default',
    schema: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((o) => o.trim())
          .filter((o) => o !== ''),
      )
      .pipe(
        z
          .array(
            z.string().refine(isOrigin, 'each origin must be scheme://host[:port], without a path'),
          )
          .min(1, 'list at least one origin'),
      )
      .optional(),
  },
  {
    key: 'tlsCert',
    flag: '--tls-cert <path>',
    env: 'AIOBS_TLS_CERT',
    help: 'PEM certificate (chain) to serve HTTPS directly; needs --tls-key',
    schema: z.string().min(1).optional(),
  },
  {
    key: 'tlsKey',
    flag: '--tls-key <path>',
    env: 'AIOBS_TLS_KEY',
    help: 'PEM private key of --tls-cert',
    schema: z.string().min(1).optional(),
  },
  {
    key: 'dataDir',
    flag: '--data-dir <path>',
    env: 'AIOBS_DATA_DIR',
    help: 'directory of the embedded ClickHouse engine and credentials.json',
    schema: z.string().min(1).default('./.aiobs-data'),
  },
  {
    key: 'clickhouseUrl',
    flag: '--clickhouse-url <url>',
    env: 'CLICKHOUSE_URL',
    help: 'use a ClickHouse server (http[s]://host:8123) instead of the embedded engine',
    schema: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  },
  {
    key: 'clickhouseUser',
    flag: '--clickhouse-user <user>',
    env: 'CLICKHOUSE_USER',
    help: 'ClickHouse server user',
    schema: z.string().default('default'),
  },
  {
    key: 'clickhousePassword',
    flag: '--clickhouse-password <password>',
    env: 'CLICKHOUSE_PASSWORD',
    help: 'ClickHouse server password',
    schema: z.string().default(''),
  },
  {
    key: 'clickhouseDatabase',
    flag: '--clickhouse-database <name>',
    env: 'CLICKHOUSE_DATABASE',
    help: 'database that holds the tables (created if missing)',
    schema: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier')
      .default('default'),
  },
  {
    key: 'clickhouseCluster',
    flag: '--clickhouse-cluster <name>',
    env: 'CLICKHOUSE_CLUSTER',
    help: 'create tables ON CLUSTER with replicated engines (server mode only)',
    schema: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'must be a plain identifier')
      .optional(),
  },
  {
    key: 'apiKey',
    flag: '--api-key <key>',
    env: 'AIOBS_API_KEY',
    help: "seed the default project's ingest key (generated on first start otherwise)",
    schema: z.string().min(8, 'must be at least 8 characters').optional(),
  },
  {
    key: 'adminToken',
    flag: '--admin-token <token>',
    env: 'AIOBS_ADMIN_TOKEN',
    help: 'seed the admin token for the query API (generated on first start otherwise)',
    schema: z.string().min(8, 'must be at least 8 characters').optional(),
  },
  {
    key: 'adminUser',
    flag: '--admin-user <email>',
    env: 'AIOBS_ADMIN_USER',
    help: 'email of the instance admin user created on first start (default admin@localhost)',
    schema: z
      .string()
      .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address')
      .max(254)
      .optional(),
  },
  {
    key: 'adminPassword',
    flag: '--admin-password <password>',
    env: 'AIOBS_ADMIN_PASSWORD',
    help: "seed the instance admin user's first password (generated on first start otherwise)",
    schema: z
      .string()
      .min(12, 'must be at least 12 characters')
      .max(256, 'must be at most 256 characters')
      .optional(),
  },
  {
    // Tests use a short one to see sessions expire.
    key: 'sessionTtl',
    flag: '--session-ttl <duration>',
    env: 'AIOBS_SESSION_TTL',
    help: 'how long a dashboard sign-in lasts (e.g. 30s, 15m, 12h, 7d)',
    schema: z
      .string()
      .regex(/^[1-9]\d{0,6}[smhd]$/, 'must be a duration like 30s, 15m, 12h or 7d')
      .default('12h'),
  },
  {
    key: 'authFailureRate',
    flag: '--auth-failure-rate <per-second>',
    env: 'AIOBS_AUTH_FAILURE_RATE',
    help: 'failed authentications per second one client address regains; past the burst it gets 429 (0: no limit)',
    schema: z.coerce.number().min(0).default(10),
  },
  {
    key: 'authFailureBurst',
    flag: '--auth-failure-burst <count>',
    env: 'AIOBS_AUTH_FAILURE_BURST',
    help: 'failed authentications one client address may make in a row before 429',
    schema: z.coerce.number().int().min(1).default(100),
  },
  {
    // The dashboard charts the collector's health from this table without a Prometheus.
    key: 'statsIntervalSeconds',
    flag: '--stats-interval <seconds>',
    env: 'AIOBS_STATS_INTERVAL',
    help: "seconds between rows of the collector's own figures in aiobs_collector_stats (0: none)",
    schema: z.coerce.number().min(0).max(3600).default(60),
  },
  {
    // Prometheus scrapes /metrics without credentials by convention, but this port also
    // serves OTLP to the outside: open it only where the port is private.
    key: 'metricsPublic',
    flag: '--metrics-public',
    env: 'AIOBS_METRICS_PUBLIC',
    help: 'serve /metrics without credentials (default: the admin token is required)',
    schema: z
      .union([z.boolean(), z.enum(['true', 'false', '1', '0', ''])])
      .transform((v) => v === true || v === 'true' || v === '1')
      .default(false),
  },
  {
    key: 'trustProxy',
    flag: '--trust-proxy',
    env: 'AIOBS_TRUST_PROXY',
    help: 'behind a reverse proxy: count failed authentications per right-most X-Forwarded-For address, not per socket',
    schema: z
      .union([z.boolean(), z.enum(['true', 'false', '1', '0', ''])])
      .transform((v) => v === true || v === 'true' || v === '1')
      .default(false),
  },
  {
    key: 'ingestRateLimit',
    flag: '--ingest-rate-limit <per-second>',
    env: 'AIOBS_INGEST_RATE_LIMIT',
    help: 'OTLP requests per second per ingest key; more get 429 + Retry-After (0: no limit)',
    schema: z.coerce.number().min(0).default(0),
  },
  {
    key: 'ingestRateBurst',
    flag: '--ingest-rate-burst <requests>',
    env: 'AIOBS_INGEST_RATE_BURST',
    help: "OTLP requests per ingest key allowed in a burst (default: one second's worth of --ingest-rate-limit)",
    schema: z.coerce.number().int().min(1).optional(),
  },
  {
    key: 'retentionDays',
    flag: '--retention-days <days>',
    env: 'AIOBS_RETENTION_DAYS',
    help: 'days of telemetry kept (table TTL)',
    schema: z.coerce.number().int().min(1).max(3650).default(30),
  },
  {
    key: 'rollupMinuteRetentionDays',
    flag: '--rollup-minute-retention-days <days>',
    env: 'AIOBS_ROLLUP_MINUTE_RETENTION_DAYS',
    help: 'days of per-minute model rollups kept (longer than raw spans: charts of past weeks stay cheap)',
    schema: z.coerce.number().int().min(1).max(3650).default(90),
  },
  {
    key: 'rollupHourRetentionDays',
    flag: '--rollup-hour-retention-days <days>',
    env: 'AIOBS_ROLLUP_HOUR_RETENTION_DAYS',
    help: 'days of hourly model rollups kept (long-term trends and year-over-year views)',
    schema: z.coerce.number().int().min(1).max(3650).default(730),
  },
  {
    key: 'pricesFile',
    flag: '--prices-file <path>',
    env: 'AIOBS_PRICES_FILE',
    help: 'JSON {"prices": [...]} of token prices overriding the built-in list at start (docs/models.md)',
    schema: z.string().min(1).optional(),
  },
  {
    key: 'driftIntervalSeconds',
    flag: '--drift-interval <seconds>',
    env: 'AIOBS_DRIFT_INTERVAL',
    help: "window and period of the stored drift results against each model's default baseline; 0 turns the job off (docs/drift.md)",
    schema: z.coerce.number().int().min(0).max(86_400).default(300),
  },
  {
    key: 'driftMinSamples',
    flag: '--drift-min-samples <n>',
    env: 'AIOBS_DRIFT_MIN_SAMPLES',
    help: 'fewest values on either side for a stored drift verdict (fewer: insufficient_data)',
    schema: z.coerce.number().int().min(1).max(1_000_000).default(100),
  },
  {
    key: 'maxBodyBytes',
    flag: '--max-body-bytes <bytes>',
    env: 'AIOBS_MAX_BODY_BYTES',
    help: 'largest OTLP request accepted, measured after decompression (413 above)',
    schema: z.coerce
      .number()
      .int()
      .min(1024)
      .default(32 * 1024 * 1024),
  },
  {
    key: 'maxAttributeBytes',
    flag: '--max-attribute-bytes <bytes>',
    env: 'AIOBS_MAX_ATTRIBUTE_BYTES',
    help: 'longest attribute key or value; records with a longer one are rejected',
    schema: z.coerce
      .number()
      .int()
      .min(16)
      .default(128 * 1024),
  },
  {
    // OpenTelemetry SDKs keep 128 attributes by default (AttributeCountLimit); the rest are
    // dropped and reported in partial_success, so no record is lost for its extras.
    key: 'maxAttributesPerRecord',
    flag: '--max-attributes-per-record <n>',
    env: 'AIOBS_MAX_ATTRIBUTES_PER_RECORD',
    help: 'attributes kept per record, resource, scope, event and link; extras are dropped',
    schema: z.coerce.number().int().min(1).max(65_535).default(128),
  },
  {
    // Resource and scope attributes are copied into every row: a small body can ask for
    // gigabytes of rows. Unset: 2 x --max-body-bytes (see ingest/ingestor.ts for why).
    key: 'maxDecodedBytes',
    flag: '--max-decoded-bytes <bytes>',
    env: 'AIOBS_MAX_DECODED_BYTES',
    help: 'most bytes of rows one OTLP request may write (413 above); default 2 x --max-body-bytes',
    schema: z.coerce.number().int().min(1024).optional(),
  },
  {
    key: 'batchMaxRows',
    flag: '--batch-max-rows <rows>',
    env: 'AIOBS_BATCH_MAX_ROWS',
    help: 'rows per table that trigger a flush (one insert groups many requests)',
    schema: z.coerce.number().int().min(1).default(100_000),
  },
  {
    key: 'batchMaxBytes',
    flag: '--batch-max-bytes <bytes>',
    env: 'AIOBS_BATCH_MAX_BYTES',
    help: 'encoded bytes per table that trigger a flush',
    schema: z.coerce
      .number()
      .int()
      .min(1024)
      .default(64 * 1024 * 1024),
  },
  {
    key: 'batchMaxDelayMs',
    flag: '--batch-max-delay-ms <ms>',
    env: 'AIOBS_BATCH_MAX_DELAY_MS',
    help: 'least time between two inserts into one table while a request or a read waits for the next one; rows wait at most this plus one insert',
    schema: z.coerce.number().int().min(0).max(60_000).default(100),
  },
  {
    key: 'batchSpoolDelayMs',
    flag: '--batch-spool-delay-ms <ms>',
    env: 'AIOBS_BATCH_SPOOL_DELAY_MS',
    help: 'with --ack-after spool: least time between two inserts into one table while nothing waits for them (fewer, larger inserts; a read makes the next one due after --batch-max-delay-ms)',
    schema: z.coerce.number().int().min(0).max(60_000).default(500),
  },
  {
    key: 'maxPendingBytes',
    flag: '--max-pending-bytes <bytes>',
    env: 'AIOBS_MAX_PENDING_BYTES',
    help: 'encoded bytes waiting for the engine above which requests get 503 + Retry-After',
    schema: z.coerce
      .number()
      .int()
      .min(1024)
      .default(64 * 1024 * 1024),
  },
  {
    // Unset: 80% of the container's memory limit, or no bound outside a container. Its
    // least value depends on --max-pending-bytes, so ingest/memory-bound.ts checks it.
    // The write path's budget applies either way.
    key: 'maxRssBytes',
    flag: '--max-rss-bytes <bytes>',
    env: 'AIOBS_MAX_RSS_BYTES',
    help:
      "the collector process's memory bound: the embedded engine is limited to its share, " +
      'and OTLP requests get 503 + Retry-After while RSS is near it; default 80% of a ' +
      "container's memory limit",
    schema: z.coerce.number().int().min(1).optional(),
  },
  {
    key: 'fsync',
    flag: '--fsync',
    env: 'AIOBS_FSYNC',
    help: 'fsync every insert, and the ingest spool and WAL files, before acknowledging (power-loss durability, slower)',
    schema: z
      .union([z.boolean(), z.enum(['true', 'false', '1', '0', ''])])
      .transform((v) => v === true || v === 'true' || v === '1')
      .default(false),
  },
  {
    // A client that got no answer (the collector crashed, or an insert failed after it
    // committed) resends; without this its rows may be stored twice. Off saves a spool
    // write per insert and a digest per request (docs/scaling.md, "Resent requests are stored once").
    key: 'ingestDedup',
    flag: '--ingest-dedup <on|off>',
    env: 'AIOBS_INGEST_DEDUP',
    help: 'store a resent OTLP request once (insert tokens, a spool, request digests)',
    schema: z
      .enum(['on', 'off'])
      .default('on')
      .transform((v) => v === 'on'),
  },
  {
    // Spool: the request is on disk (the page cache; fsynced with --fsync) and a restart
    // ingests it before it listens, so nothing answered is lost, but its rows become
    // queryable after their insert (docs/scaling.md, "When a request is answered").
    key: 'ackAfter',
    flag: '--ack-after <insert|spool>',
    env: 'AIOBS_ACK_AFTER',
    help:
      'answer an OTLP request once it is written to the ingest WAL (spool; the default on the ' +
      'embedded engine with --ingest-dedup on) or once its rows are inserted (insert; the default ' +
      'with --clickhouse-url or without the dedup); reads through this collector wait for answered rows',
    // Unset: resolved in loadConfig (spool only where one process answers every read).
    schema: z.enum(['insert', 'spool']).optional(),
    /** What the README's option table shows as the default (it depends on other options). */
    shownDefault: '`spool` (embedded), `insert` (server)',
  },
  {
    key: 'queryTimeoutSeconds',
    flag: '--query-timeout <seconds>',
    env: 'AIOBS_QUERY_TIMEOUT',
    help: 'longest an API query may run',
    schema: z.coerce.number().int().min(1).max(3600).default(30),
  },
  {
    // Results over the limit are an error (413), never a silently truncated answer.
    key: 'queryMaxRows',
    flag: '--query-max-rows <rows>',
    env: 'AIOBS_QUERY_MAX_ROWS',
    help: 'most rows an API query may return (413 above)',
    schema: z.coerce.number().int().min(1).default(100_000),
  },
  {
    key: 'queryMaxResultBytes',
    flag: '--query-max-result-bytes <bytes>',
    env: 'AIOBS_QUERY_MAX_RESULT_BYTES',
    help: 'most bytes an API query may return (413 above)',
    schema: z.coerce
      .number()
      .int()
      .min(1024)
      .default(64 * 1024 * 1024),
  },
  {
    // The engine shares the process (embedded) or the server with ingest: one query must
    // not take the memory the write path needs.
    key: 'queryMaxMemoryBytes',
    flag: '--query-max-memory-bytes <bytes>',
    env: 'AIOBS_QUERY_MAX_MEMORY_BYTES',
    help: 'most memory one API query may use (413 above)',
    schema: z.coerce
      .number()
      .int()
      .min(1024 * 1024)
      .default(1024 * 1024 * 1024),
  },
  {
    // Every rule evaluation is a query on the engine that ingest writes to; an operator
    // bounds how often one rule may run (tests use 1 s, the default rule interval is 30 s).
    key: 'alertEvalMinInterval',
    flag: '--alert-eval-min-interval <duration>',
    env: 'AIOBS_ALERT_EVAL_MIN_INTERVAL',
    help: 'shortest evaluation interval an alert rule may have (e.g. 1s, 10s, 1m)',
    schema: z
      .string()
      .regex(
        /^([1-9]\d*s|[1-9]\d*m|[1-9]\d*h)$/,
        'must be a duration of at least 1s, like 1s, 10s or 1m',
      )
      .default('1s'),
  },
  {
    key: 'logLevel',
    flag: '--log-level <level>',
    env: 'AIOBS_LOG_LEVEL',
    help: 'fatal, error, warn, info, debug or trace',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  },
  {
    key: 'dashboardDir',
    flag: '--dashboard-dir <path>',
    env: 'AIOBS_DASHBOARD_DIR',
    help: 'built dashboard to serve at / (default: the bundled one)',
    schema: z.string().optional(),
  },
  {
    // Alert bodies link to rules and traces; the collector cannot know the address people
    // reach it at behind a proxy.
    key: 'publicUrl',
    flag: '--public-url <url>',
    env: 'AIOBS_PUBLIC_URL',
    help: 'address of the dashboard as people reach it, for links in alert notifications',
    schema: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
  },
  {
    // Webhook targets on private, loopback or link-local addresses are refused (SSRF);
    // an internal receiver must be named here on purpose.
    key: 'webhookAllowHosts',
    flag: '--webhook-allow-hosts <hosts>',
    env: 'AIOBS_WEBHOOK_ALLOW_HOSTS',
    help: 'comma-separated webhook hosts allowed to resolve to private or loopback addresses',
    schema: z
      .string()
      .optional()
      .transform((s) =>
        s
          ?.split(',')
          .map((h) => h.trim())
          .filter((h) => h.length > 0),
      ),
  },
  {
    key: 'webhookTimeoutSeconds',
    flag: '--webhook-timeout <seconds>',
    env: 'AIOBS_WEBHOOK_TIMEOUT',
    help: 'longest one webhook attempt may take, connection and response included (then retried)',
    schema: z.coerce.number().int().min(1).max(300).default(10),
  },
] as const;

/** Whether `value` is a bare web origin (`scheme://host[:port]`), as browsers send it. */
function isOrigin(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === value;
  } catch {
    return false;
  }
}

type Options = typeof OPTIONS;
type OptionKey = Options[number]['key'];
type OutputOf<K extends OptionKey> = z.output<Extract<Options[number], { key: K }>['schema']>;

/** The validated, frozen configuration. */
export type Config = Readonly<
  { [K in Exclude<OptionKey, 'ackAfter'>]: OutputOf<K> } & {
    /** Resolved by {@link loadConfig} when unset. */
    ackAfter: NonNullable<OutputOf<'ackAfter'>>;
  }
>;

/** A configuration value that failed validation: names the flag and variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Merges flags over environment variables over defaults and validates the result.
 *
 * @param flags values given on the command line, keyed by option key
 * @param env the environment (usually `process.env`)
 * @throws ConfigError naming every invalid setting
 */
export function loadConfig(
  flags: Partial<Record<OptionKey, unknown>>,
  env: NodeJS.ProcessEnv,
): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const o of OPTIONS) {
    const raw = flags[o.key] ?? (env[o.env] === '' ? undefined : env[o.env]);
    const parsed = (o.schema as z.ZodType).safeParse(raw);
    if (parsed.success) out[o.key] = parsed.data;
    else {
      const name = o.flag.split(' ')[0];
      problems.push(`${name} (${o.env}): ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    }
  }
  if (problems.length > 0)
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  out.dataDir = resolve(out.dataDir as string);
  if (out.clickhouseCluster && !out.clickhouseUrl)
    throw new ConfigError('invalid configuration:\n  --clickhouse-cluster needs --clickhouse-url');
  // Spool answers before the insert and holds this process's reads until it lands; other
  // collectors on a shared server cannot know of it, so there a client reading from another
  // one right after its answer would miss its rows: the server path answers after the insert.
  out.ackAfter ??= out.ingestDedup && !out.clickhouseUrl ? 'spool' : 'insert';
  if (out.ackAfter === 'spool' && !out.ingestDedup)
    throw new ConfigError(
      'invalid configuration:\n  --ack-after spool needs --ingest-dedup on (the spool is what keeps answered rows)',
    );
  if (Boolean(out.tlsCert) !== Boolean(out.tlsKey))
    throw new ConfigError('invalid configuration:\n  --tls-cert and --tls-key go together');
  // Node refuses a headers timeout longer than the whole-request timeout.
  if ((out.headersTimeoutSeconds as number) > (out.requestTimeoutSeconds as number))
    throw new ConfigError(
      'invalid configuration:\n  --headers-timeout must not exceed --request-timeout',
    );
  return Object.freeze(out) as Config;
}
