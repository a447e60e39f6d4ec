/**
 * Cluster mode (`CLICKHOUSE_CLUSTER`): turns the rendered migration statements of the
 * single-node schema into the usual ClickHouse cluster layout, so that the templates stay
 * written once.
 *
 * - Every table becomes `<name>_local` (its engine already rendered as Replicated*MergeTree
 *   with the `{shard}`/`{replica}` macros) plus `<name>`, a `Distributed` table over it,
 *   both `ON CLUSTER`. The application reads and writes `<name>` only: inserts are routed
 *   to a shard by the table's sharding key ({@link shardingKeyOf}); queries fan out.
 * - Materialized views read and write the local tables, so each shard derives the rows of
 *   the spans it stores (rollups merge their partial states when read through `Distributed`).
 * - `ALTER TABLE … ADD|DROP|MODIFY|RENAME COLUMN` applies to both tables (a `Distributed`
 *   table needs the columns to read them); other alterations (TTL, settings) to the local one.
 *
 * Statements of any other kind are refused, so a migration written in a new shape fails the
 * cluster-rendering test instead of creating a wrong cluster schema.
 */

/** Sharding keys chosen on purpose; every other table uses {@link shardingKeyOf}'s default. */
export const SHARDING_KEYS: Readonly<Record<string, string>> = {
  // A trace's spans on one shard: a trace by id reads one shard's rows, and the trace id ->
  // time range view (per shard) sees every span of the trace.
  otel_traces: 'cityHash64(TraceId)',
  otel_traces_trace_id_ts: 'cityHash64(TraceId)',
};

/** The suffix of the per-shard tables. */
export const LOCAL_SUFFIX = '_local';

/** State carried across the migration sequence: the tables created so far. */
export interface ClusterDdl {
  readonly db: string;
  readonly cluster: string;
  /** Names (without the suffix) of the tables that have a local and a Distributed table. */
  readonly tables: Set<string>;
}

/** Starts rendering a migration sequence for `cluster`. */
export function createClusterDdl(db: string, cluster: string): ClusterDdl {
  return { db, cluster, tables: new Set() };
}

const CREATE_TABLE = /^CREATE TABLE IF NOT EXISTS\s+(\w+)\.(\w+)\s+ON CLUSTER\s+\S+/i;
const CREATE_MV =
  /^CREATE MATERIALIZED VIEW IF NOT EXISTS\s+(\w+)\.(\w+)\s+ON CLUSTER\s+\S+\s+TO\s/i;
const ALTER_TABLE = /^ALTER TABLE\s+(\w+)\.(\w+)\s+ON CLUSTER\s+\S+\s+([\s\S]*)$/i;
const COLUMN_ALTER = /^\s*(ADD|DROP|MODIFY|RENAME|COMMENT) COLUMN\b/i;

/**
 * The sharding key of a table that has no entry in {@link SHARDING_KEYS}: for a
 * Replacing/Aggregating table, a hash of its sort key, so every version of a row lands
 * on one shard and merges there (FINAL and argMax by key stay correct); `rand()` else.
 */
export function shardingKeyOf(name: string, createStatement: string): string {
  const chosen = SHARDING_KEYS[name];
  if (chosen) return chosen;
  if (!/ENGINE\s*=\s*Replicated(Replacing|Aggregating)MergeTree/i.test(createStatement))
    return 'rand()';
  const order = /\bORDER BY\s+(\((?:[^()]|\([^()]*\))*\)|[^\n]+)/i
    .exec(createStatement)?.[1]
    ?.trim();
  if (!order) return 'rand()';
  const inner = order.startsWith('(') ? order.slice(1, -1) : order;
  return `cityHash64(${inner})`;
}

/**
 * Rewrites `db.<table>` references to the local tables (not views, not unknown names, not
 * inside string literals: attribute keys such as 'aiobs.model.version' look like names).
 */
function toLocal(sql: string, ddl: ClusterDdl): string {
  const name = new RegExp(`\\b${ddl.db}\\.(\\w+)\\b`, 'g');
  return sql
    .split(/('(?:[^'\\]|\\.)*')/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(name, (whole, table: string) =>
            ddl.tables.has(table) ? `${ddl.db}.${table}${LOCAL_SUFFIX}` : whole,
          ),
    )
    .join('');
}

/**
 * The cluster form of one migration's statements (as {@link renderMigration} gives them,
 * rendered with the cluster's `ON CLUSTER` clause and Replicated engines).
 *
 * @throws Error for a statement the cluster layout does not know how to place
 */
export function renderClusterStatements(statements: readonly string[], ddl: ClusterDdl): string[] {
  const out: string[] = [];
  const onCluster = `ON CLUSTER ${ddl.cluster}`;
  for (const s of statements) {
    const table = CREATE_TABLE.exec(s);
    if (table && table[1] === ddl.db) {
      const name = table[2]!;
      const local = toLocal(s, ddl).replace(
        `${ddl.db}.${name} `,
        `${ddl.db}.${name}${LOCAL_SUFFIX} `,
      );
      ddl.tables.add(name);
      out.push(local);
      out.push(
        `CREATE TABLE IF NOT EXISTS ${ddl.db}.${name} ${onCluster} AS ${ddl.db}.${name}${LOCAL_SUFFIX}\n` +
          `ENGINE = Distributed(${ddl.cluster}, ${ddl.db}, ${name}${LOCAL_SUFFIX}, ${shardingKeyOf(name, s)})`,
      );
      continue;
    }
    if (CREATE_MV.test(s)) {
      out.push(toLocal(s, ddl));
      continue;
    }
    const alter = ALTER_TABLE.exec(s);
    if (alter && ddl.tables.has(alter[2]!)) {
      const [, db, name, body] = alter as unknown as [string, string, string, string];
      out.push(`ALTER TABLE ${db}.${name}${LOCAL_SUFFIX} ${onCluster}\n${body}`);
      const clauses = body.split(/,\s*(?=(?:ADD|DROP|MODIFY|RENAME|COMMENT|MATERIALIZE|CLEAR)\b)/i);
      if (clauses.every((c) => COLUMN_ALTER.test(c)))
        out.push(`ALTER TABLE ${db}.${name} ${onCluster}\n${body}`);
      continue;
    }
    throw new Error(
      `cluster mode cannot place this migration statement (expected CREATE TABLE, CREATE MATERIALIZED VIEW … TO or ALTER TABLE of a known table in ${ddl.db}, with ON CLUSTER):\n${s.slice(0, 200)}`,
    );
  }
  return out;
}
