import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logger.js';
import type { Engine } from './engine.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Parameters substituted into the `{{name}}` placeholders of migration templates. */
export interface MigrationParams {
  db: string;
  on_cluster: string;
  engine: string;
  replacing_engine: string;
  ttl_days: string;
}

/** A numbered SQL template: `NNNN_name.sql`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Reads the migration templates shipped with the collector, in version order. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.slice(0, 4)),
      name: f.slice(5, -4),
      sql: readFileSync(`${dir}/${f}`, 'utf8'),
    }));
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
export function migrationParams(engine: Engine, retentionDays: number): MigrationParams {
  const cluster = engine.cluster;
  const path = "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'";
  return {
    db: engine.database,
    on_cluster: cluster ? `ON CLUSTER ${cluster}` : '',
    engine: cluster ? `ReplicatedMergeTree(${path})` : 'MergeTree',
    replacing_engine: cluster ? `ReplicatedReplacingMergeTree(${path})` : 'ReplacingMergeTree',
    ttl_days: String(retentionDays),
  };
}

/**
 * Applies every migration not yet recorded in `aiobs_schema_migrations`. Statements are
 * idempotent (`IF NOT EXISTS`), so a run interrupted half-way is simply repeated.
 */
export async function migrate(engine: Engine, opts: TableOptions, log: Logger): Promise<void> {
  const params = migrationParams(engine, opts.retentionDays);
  const { client } = engine;
  await client.command({
    query: `CREATE DATABASE IF NOT EXISTS ${params.db} ${params.on_cluster}`,
  });
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${params.db}.aiobs_schema_migrations ${params.on_cluster} (
      version UInt32, name String, applied_at DateTime64(3) DEFAULT now64(3)
    ) ENGINE = ${params.replacing_engine} ORDER BY version`,
  });
  const rs = await client.query({
    query: `SELECT version FROM ${params.db}.aiobs_schema_migrations FINAL`,
    format: 'JSONEachRow',
  });
  const applied = new Set((await rs.json<{ version: number }>()).map((r) => Number(r.version)));
  for (const m of loadMigrations()) {
    if (applied.has(m.version)) continue;
    for (const statement of renderMigration(m.sql, params))
      await client.command({ query: statement });
    await client.insert({
      table: `${params.db}.aiobs_schema_migrations`,
      values: [{ version: m.version, name: m.name }],
      format: 'JSONEachRow',
    });
    log.info({ version: m.version, name: m.name }, 'migration applied');
  }
  await applyTableOptions(engine, opts, log);
}

/** TTL expression of each telemetry table, without its interval. */
const TTL_BASE: Record<string, string> = {
  otel_traces: 'toDateTime(Timestamp)',
  otel_traces_trace_id_ts: 'Start',
  otel_logs: 'TimestampTime',
  otel_metrics_gauge: 'toDateTime(TimeUnix)',
  otel_metrics_sum: 'toDateTime(TimeUnix)',
  otel_metrics_histogram: 'toDateTime(TimeUnix)',
  otel_metrics_exponential_histogram: 'toDateTime(TimeUnix)',
  otel_metrics_summary: 'toDateTime(TimeUnix)',
};

/** Settings of the telemetry tables that follow the configuration. */
export interface TableOptions {
  /** Days of data kept (the tables' TTL). */
  retentionDays: number;
  /**
   * fsync every insert (parts and their directory) before it is acknowledged, for
   * power-loss durability; without it, acknowledged data survives a crashed process but
   * may be lost with the machine's page cache.
   */
  fsync: boolean;
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
  const rs = await engine.client.query({
    query:
      'SELECT name, create_table_query FROM system.tables WHERE database = {db:String} AND name IN {names:Array(String)}',
    query_params: { db: engine.database, names: Object.keys(TTL_BASE) },
    format: 'JSONEachRow',
  });
  const onCluster = engine.cluster ? `ON CLUSTER ${engine.cluster}` : '';
  const fsync = opts.fsync ? 1 : 0;
  for (const t of await rs.json<{ name: string; create_table_query: string }>()) {
    const table = `${engine.database}.${t.name} ${onCluster}`;
    const days = /toIntervalDay\((\d+)\)/.exec(t.create_table_query)?.[1];
    if (days !== String(opts.retentionDays)) {
      await engine.client.command({
        query: `ALTER TABLE ${table} MODIFY TTL ${TTL_BASE[t.name]} + toIntervalDay(${opts.retentionDays})`,
      });
      log.info({ table: t.name, from: days, to: opts.retentionDays }, 'retention changed');
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
