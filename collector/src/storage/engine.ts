import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import type { Config } from '../config.js';
import { poolConnections } from './connection-pool.js';
import { InsertFiles, writeChunksSync } from './insert-files.js';

/**
 * The ClickHouse engine behind the collector: the embedded chDB engine (default) or a
 * server (`CLICKHOUSE_URL`). Queries go through `@clickhouse/client` either way, with the
 * same SQL; only the bulk insert path differs, because each engine has a faster input
 * than the client's row encoding.
 */
export interface Engine {
  readonly kind: 'embedded' | 'server';
  readonly client: ClickHouseClient;
  /** Database holding the tables. */
  readonly database: string;
  /** Cluster name in cluster mode. */
  readonly cluster: string | undefined;
  /**
   * Inserts one Native-format block; resolves once the engine has acknowledged it
   * (the rows are in a part on disk and visible to queries). `settings` apply to this
   * insert only (e.g. `insert_deduplication_token`).
   */
  insertNative(
    table: string,
    columns: readonly string[],
    block: readonly Buffer[],
    settings?: InsertSettings,
  ): Promise<void>;
  /**
   * True when `insertNative` has copied `block` by the time it returns (the embedded
   * engine writes it to a file first): the caller's buffers are then free to count as such.
   */
  readonly copiesInsertBlock?: boolean;
  close(): Promise<void>;
}

/** Query-level settings of one insert: names are identifiers, values numbers or strings. */
export type InsertSettings = Readonly<Record<string, string | number>>;

function settingsClause(settings: InsertSettings | undefined): string {
  if (!settings) return '';
  const items = Object.entries(settings).map(([name, v]) => {
    if (!/^[a-z_][a-z0-9_]*$/i.test(name)) throw new Error(`bad setting name ${name}`);
    const value =
      typeof v === 'number' ? String(v) : `'${v.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
    return `${name} = ${value}`;
  });
  return items.length > 0 ? `SETTINGS ${items.join(', ')} ` : '';
}

/** How the engine is opened beyond the configuration. */
export interface EngineOptions {
  /**
   * The embedded engine's memory limit in bytes (its `max_server_memory_usage`, the share
   * of the collector's memory bound it gets); a server manages its own memory.
   */
  readonly memoryLimitBytes?: number;
}

/** Opens the engine the configuration asks for. */
export async function openEngine(config: Config, options: EngineOptions = {}): Promise<Engine> {
  if (config.clickhouseUrl) return openServer(config);
  return openEmbedded(config, options);
}

/**
 * Connections the embedded engine's client spreads its statements over (inserts of the
 * ingest path have their own). More than the cores: a short dashboard call should not wait
 * for a long drift job or compare query to end; the engine's threads share the cores.
 */
const READ_CONNECTIONS = 4;

/**
 * Settings of every ingest insert into the embedded engine. An acknowledgement waits for
 * the insert of a batch, and at the ingest benchmark's load the collector left a third of a
 * core idle while one insert per table ran its materialized views one after another: run
 * them side by side (docs/benchmarks.md, "Ingest", session 20: +12% and +19% spans/s at 32
 * clients x 500 spans in two alternated pairs, each insert 10-13% shorter).
 */
const EMBEDDED_INSERT_SETTINGS: InsertSettings = { parallel_view_processing: 1 };

function columnList(columns: readonly string[]): string {
  return columns.map((c) => `\`${c}\``).join(', ');
}

async function openEmbedded(config: Config, options: EngineOptions): Promise<Engine> {
  // chdb is loaded lazily: server deployments never pay for the native library.
  const { createChdbConnection } = await import('chdb/connection');
  const { Session } = await import('chdb');
  const enginePath = join(config.dataDir, 'clickhouse');
  const spoolDir = join(config.dataDir, 'spool');
  mkdirSync(enginePath, { recursive: true });
  // The process's first session starts the engine with its arguments; the others join it.
  // Past the limit an allocation fails its insert (answered 503) or query, not the process.
  const limit = options.memoryLimitBytes;
  const starter =
    limit === undefined
      ? undefined
      : new Session(enginePath, {
          connectionArgs: [`--max_server_memory_usage=${Math.floor(limit)}`],
        });
  // Opening takes the engine's lock on the directory (a second collector on it fails here),
  // so the spool below is ours to clear.
  const connection = poolConnections(
    Array.from({ length: READ_CONNECTIONS }, () => createChdbConnection({ path: enginePath })),
  );
  // The insert files hold a copy of a batch only while it is inserted (the ingest dedup
  // keeps its own); whatever an earlier process left here is of no use.
  rmSync(spoolDir, { recursive: true, force: true });
  mkdirSync(spoolDir, { recursive: true });
  const client = createClient({ connection } as Parameters<typeof createClient>[0]);
  // Each table's inserts get a native connection of their own to the same engine. One
  // connection runs one statement at a time, so on the shared one an acknowledgement would
  // wait behind every dashboard query, alert evaluation and drift job, and a batch's span
  // insert and its feature-row insert behind each other; connections to one engine run in
  // parallel. The batchers keep at most one insert per table in flight: one each is enough.
  const inserters = new Map<string, InstanceType<typeof Session>>();
  const inserter = (table: string) => {
    let session = inserters.get(table);
    if (!session) {
      session = new Session(enginePath);
      inserters.set(table, session);
    }
    return session;
  };
  const files = new InsertFiles(spoolDir);
  return {
    kind: 'embedded',
    copiesInsertBlock: true,
    client,
    database: config.clickhouseDatabase,
    cluster: undefined,
    async insertNative(table, columns, block, settings) {
      // chDB reads a Native file with its parallel parser faster than any inline insert
      // path it offers (measured in docs/benchmarks.md), so each batch goes through a
      // spool file, written on this thread like the dedup's (see `writeHeaderFile`).
      const path = files.take(table);
      writeChunksSync(path, block);
      try {
        await inserter(table).queryAsync(
          `INSERT INTO ${config.clickhouseDatabase}.${table} (${columnList(columns)}) ` +
            settingsClause({ ...EMBEDDED_INSERT_SETTINGS, ...settings }) +
            `SELECT * FROM file('${path.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}', 'Native')`,
        );
      } finally {
        files.release(table, path);
      }
    },
    async close() {
      await client.close();
      for (const session of inserters.values()) session.close();
      starter?.close();
      // close() releases the session only once nothing native still uses it: a query that
      // timed out or was aborted keeps computing on a libuv thread after its promise
      // rejected. Exiting before that work ends tears the engine down under it (the process
      // died by a signal after logging "stopped").
      const { drainPending } = await import('chdb');
      await drainPending();
    },
  };
}

async function openServer(config: Config): Promise<Engine> {
  const client = createClient({
    url: config.clickhouseUrl,
    username: config.clickhouseUser,
    password: config.clickhousePassword,
    request_timeout: Math.max(30_000, config.queryTimeoutSeconds * 1000 + 5_000),
    compression: { request: false, response: true },
    // The client would print every failed request to stderr as multi-line text; the
    // collector logs the errors it acts on itself, as JSON lines.
    log: { level: ClickHouseLogLevel.OFF },
    // Inserts into Distributed tables are queued on the receiving node and sent to the
    // shards later by default; an acknowledged write must already be on its shard.
    ...(config.clickhouseCluster
      ? { clickhouse_settings: { distributed_foreground_insert: 1 } }
      : {}),
  });
  return {
    kind: 'server',
    client,
    database: config.clickhouseDatabase,
    cluster: config.clickhouseCluster,
    async insertNative(table, columns, block, settings) {
      // The HTTP interface takes the Native block as the request body of
      // `INSERT ... FORMAT Native`; the server acknowledges once the part is written.
      const res = await client.exec({
        query: `INSERT INTO ${config.clickhouseDatabase}.${table} (${columnList(columns)}) FORMAT Native`,
        values: Readable.from(block),
        ...(settings ? { clickhouse_settings: settings } : {}),
      });
      res.stream.resume();
      await new Promise<void>((ok, fail) => {
        res.stream.once('end', ok);
        res.stream.once('error', fail);
      });
    },
    async close() {
      await client.close();
    },
  };
}
