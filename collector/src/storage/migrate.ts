import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logger.js';
import { createClusterDdl, LOCAL_SUFFIX, renderClusterStatements } from './cluster-ddl.js';
import type { Engine } from './engine.js';

/**
 * Folders (relative to the collector's `src`/`dist` root) whose `NNNN_name.sql` templates
 * make up the one global migration sequence. A module that owns tables (`models/`, and
 * later `drift/`, `alerts/`, `projects/`) keeps its SQL beside its code and adds its folder
 * here; the numbers stay globally unique and ordered across folders.
 */
export const MIGRATION_FOLDERS = [
  'storage/migrations',
  'models/migrations',
  'drift/migrations',
  'alerts/migrations',
  'observability/migrations',
  'projects/migrations',
] as const;

const SRC_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Parameters substituted into the `{{name}}` placeholders of migration templates. */
export interface MigrationParams {
  db: string;
  on_cluster: string;
  engine: string;
  replacing_engine: string;
  aggregating_engine: string;
  /** Days kept of raw rows (spans, logs, metric points, typed inference rows). */
  ttl_days: string;
  /** Days kept of the per-minute rollups. */
  rollup_1m_ttl_days: string;
  /** Days kept of the hourly rollups. */
  rollup_1h_ttl_days: string;
}

/** A numbered SQL template: `NNNN_name.sql`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Folder it was read from (for error messages). */
  dir: string;
}

/**
 * Reads the migration templates of every folder, merged into one sequence in version
 * order. Throws when two files share a number (in one folder or across folders), since
 * applied versions are recorded by number and one of them would silently never run.
 */
export function loadMigrations(
  dirs: readonly string[] = MIGRATION_FOLDERS.map((f) => `${SRC_ROOT}${f}`),
): Migration[] {
  const all = dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
      .map((f) => ({
        version: Number(f.slice(0, 4)),
        name: f.slice(5, -4),
        sql: readFileSync(`${dir}/${f}`, 'utf8'),
        dir,
      })),
  );
  all.sort((a, b) => a.version - b.version);
  for (let i = 1; i < all.length; i++) {
    const [a, b] = [all[i - 1]!, all[i]!];
    if (a.version === b.version)
      throw new Error(
        `two migrations share number ${String(a.version).padStart(4, '0')}: ${a.dir}/${a.name} and ${b.dir}/${b.name}`,
      );
  }
  return all;
}

/** Fills a template's placeholders and splits it into statements. */
export function renderMigration(sql: string, params: MigrationParams): string[] {
  const filled = sql.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const v = (params as unknown as Record<string, string>)[name];
    if (v === undefined) throw new Error(`unknown migration placeholder {{${name}}}`);
    return v;
  });
  return filled
    .split(/;\s*$/m)
    .map((s) =>
      s
        .split('\n')
        .filter((l) => !l.trim().startsWith('--'))
        .join('\n')
        .trim(),
    )
    .filter((s) => s.length > 0);
}

/** Engine clauses for the configured deployment (single node or a cluster). */
function migrationParams(engine: Engine, opts: RetentionOptions): MigrationParams {
  const cluster = engine.cluster;
  const path = "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'";
  return {
    db: engine.database,
    on_cluster: cluster ? `ON CLUSTER ${cluster}` : '',
    engine: cluster ? `ReplicatedMergeTree(${path})` : 'MergeTree',
    replacing_engine: cluster ? `ReplicatedReplacingMergeTree(${path})` : 'ReplacingMergeTree',
    aggregating_engine: cluster
      ? `ReplicatedAggregatingMergeTree(${path})`
      : 'AggregatingMergeTree',
    ttl_days: String(retentionOf(opts, 'raw')),
    rollup_1m_ttl_days: String(retentionOf(opts, 'minute')),
    rollup_1h_ttl_days: String(retentionOf(opts, 'hour')),
  };
}

/**
 * Applies every migration not yet recorded in `aiobs_schema_migrations`. Statements are
 * idempotent (`IF NOT EXISTS`), so a run interrupted half-way is simply repeated.
 */
export async function migrate(engine: Engine, opts: TableOptions, log: Logger): Promise<void> {
  const params = migrationParams(engine, opts);
  const { client } = engine;
  // In cluster mode every statement is placed as local + Distributed tables (cluster-ddl.ts);
  // the state learns the tables of applied migrations too, for the views of later ones.
  const cluster = engine.cluster ? createClusterDdl(params.db, engine.cluster) : undefined;
  const place = (statements: string[]) =>
    cluster ? renderClusterStatements(statements, cluster) : statements;
  await client.command({
    query: `CREATE DATABASE IF NOT EXISTS ${params.db} ${params.on_cluster}`,
  });
  for (const query of place([
    `CREATE TABLE IF NOT EXISTS ${params.db}.aiobs_schema_migrations ${params.on_cluster} (
      version UInt32, name String, applied_at DateTime64(3) DEFAULT now64(3)
    ) ENGINE = ${params.replacing_engine} ORDER BY version`,
  ]))
    await client.command({ query });
  const rs = await client.query({
    query: `SELECT version FROM ${params.db}.aiobs_schema_migrations FINAL`,
    format: 'JSONEachRow',
  });
  const applied = new Set((await rs.json<{ version: number }>()).map((r) => Number(r.version)));
  for (const m of loadMigrations()) {
    const statements = place(renderMigration(m.sql, params));
    if (applied.has(m.version)) continue;
    for (const statement of statements) await client.command({ query: statement });
    await client.insert({
      table: `${params.db}.aiobs_schema_migrations`,
      values: [{ version: m.version, name: m.name }],
      format: 'JSONEachRow',
    });
    log.info({ version: m.version, name: m.name }, 'migration applied');
  }
  await applyTableOptions(engine, opts, log);
}

type RetentionLevel = 'raw' | 'minute' | 'hour';

/** TTL expression of each table with a retention, without its interval, and its level. */
const TTL_BASE: Record<string, { expr: string; level: RetentionLevel }> = {
  otel_traces: { expr: 'toDateTime(Timestamp)', level: 'raw' },
  otel_traces_trace_id_ts: { expr: 'Start', level: 'raw' },
  otel_logs: { expr: 'TimestampTime', level: 'raw' },
  otel_metrics_gauge: { expr: 'toDateTime(TimeUnix)', level: 'raw' },
  otel_metrics_sum: { expr: 'toDateTime(TimeUnix)', level: 'raw' },
  otel_metrics_histogram: { expr: 'toDateTime(TimeUnix)', level: 'raw' },
  otel_metrics_exponential_histogram: { expr: 'toDateTime(TimeUnix)', level: 'raw' },
  otel_metrics_summary: { expr: 'toDateTime(TimeUnix)', level: 'raw' },
  aiobs_inferences: { expr: 'toDateTime(time)', level: 'raw' },
  aiobs_inference_1m: { expr: 'ts', level: 'minute' },
  aiobs_inference_1h: { expr: 'ts', level: 'hour' },
  aiobs_model_seen: { expr: 'toDateTime(last_seen)', level: 'hour' },
  aiobs_host_metrics_1m: { expr: 'ts', level: 'minute' },
  aiobs_model_hosts_1h: { expr: 'ts', level: 'hour' },
  aiobs_feature_values: { expr: 'toDateTime(time)', level: 'raw' },
  aiobs_feedback: { expr: 'toDateTime(time)', level: 'raw' },
  aiobs_labelled_predictions: { expr: 'toDateTime(time)', level: 'raw' },
  aiobs_alert_history: { expr: 'toDateTime(intDiv(time_ms, 1000))', level: 'raw' },
  aiobs_drift_results: { expr: 'toDateTime(window_start)', level: 'raw' },
  aiobs_alert_notifications: { expr: 'toDateTime(created_at)', level: 'raw' },
  aiobs_alert_outbox: { expr: 'toDateTime(created_at)', level: 'raw' },
  aiobs_alert_attempts: { expr: 'toDateTime(at)', level: 'raw' },
  aiobs_collector_stats: { expr: 'ts', level: 'minute' },
};

/** Default days kept of the per-minute rollups (when the configuration names none). */
export const DEFAULT_ROLLUP_MINUTE_DAYS = 90;
/** Default days kept of the hourly rollups. */
export const DEFAULT_ROLLUP_HOUR_DAYS = 730;

/** Settings of the telemetry tables that follow the configuration. */
export interface TableOptions {
  /** Days of raw data kept (the TTL of spans, logs, metric points and inference rows). */
  retentionDays: number;
  /** Days of per-minute rollups kept (default {@link DEFAULT_ROLLUP_MINUTE_DAYS}). */
  rollupMinuteDays?: number;
  /** Days of hourly rollups kept (default {@link DEFAULT_ROLLUP_HOUR_DAYS}). */
  rollupHourDays?: number;
  /**
   * fsync every insert (parts and their directory) before it is acknowledged, for
   * power-loss durability; without it, acknowledged data survives a crashed process but
   * may be lost with the machine's page cache.
   */
  fsync: boolean;
}

/** The retention part of {@link TableOptions}. */
type RetentionOptions = Pick<TableOptions, 'retentionDays' | 'rollupMinuteDays' | 'rollupHourDays'>;

/** Days kept at one retention level (the one place the rollup defaults apply). */
function retentionOf(opts: RetentionOptions, level: RetentionLevel): number {
  if (level === 'minute') return opts.rollupMinuteDays ?? DEFAULT_ROLLUP_MINUTE_DAYS;
  if (level === 'hour') return opts.rollupHourDays ?? DEFAULT_ROLLUP_HOUR_DAYS;
  return opts.retentionDays;
}

/**
 * Brings each table's TTL and fsync settings in line with the configuration, altering only
 * the tables whose current definition differs (a restart with unchanged settings alters
 * nothing).
 */
export async function applyTableOptions(
  engine: Engine,
  opts: TableOptions,
  log: Logger,
): Promise<void> {
  const suffix = engine.cluster ? LOCAL_SUFFIX : '';
  const rs = await engine.client.query({
    query:
      'SELECT name, create_table_query FROM system.tables WHERE database = {db:String} AND name IN {names:Array(String)}',
    // In cluster mode the TTL and settings live on the local tables.
    query_params: { db: engine.database, names: Object.keys(TTL_BASE).map((n) => n + suffix) },
    format: 'JSONEachRow',
  });
  const onCluster = engine.cluster ? `ON CLUSTER ${engine.cluster}` : '';
  const fsync = opts.fsync ? 1 : 0;
  for (const t of await rs.json<{ name: string; create_table_query: string }>()) {
    const table = `${engine.database}.${t.name} ${onCluster}`;
    const ttl = TTL_BASE[t.name.slice(0, t.name.length - suffix.length)]!;
    const want = retentionOf(opts, ttl.level);
    const days = /toIntervalDay\((\d+)\)/.exec(t.create_table_query)?.[1];
    if (days !== String(want)) {
      await engine.client.command({
        query: `ALTER TABLE ${table} MODIFY TTL ${ttl.expr} + toIntervalDay(${want})`,
      });
      log.info({ table: t.name, from: days, to: want }, 'retention changed');
    }
    const current = /fsync_after_insert = (\d)/.exec(t.create_table_query)?.[1] ?? '0';
    if (current !== String(fsync)) {
      await engine.client.command({
        query: `ALTER TABLE ${table} MODIFY SETTING fsync_after_insert = ${fsync}, fsync_part_directory = ${fsync}`,
      });
      log.info({ table: t.name, fsync: opts.fsync }, 'insert fsync changed');
    }
  }
}
