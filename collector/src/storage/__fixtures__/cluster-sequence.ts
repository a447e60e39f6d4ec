import { createClusterDdl, renderClusterStatements } from '../cluster-ddl.js';
import { loadMigrations, type MigrationParams, renderMigration } from '../migrate.js';

/** Replicated engine arguments as migrate.ts renders them in cluster mode. */
export const REPLICA_PATH = "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'";

/** Migration parameters of cluster `c1`, database `aiobs`. */
export const CLUSTER_PARAMS: MigrationParams = {
  db: 'aiobs',
  on_cluster: 'ON CLUSTER c1',
  engine: `ReplicatedMergeTree(${REPLICA_PATH})`,
  replacing_engine: `ReplicatedReplacingMergeTree(${REPLICA_PATH})`,
  aggregating_engine: `ReplicatedAggregatingMergeTree(${REPLICA_PATH})`,
  ttl_days: '30',
  rollup_1m_ttl_days: '90',
  rollup_1h_ttl_days: '730',
};

/** The whole shipped migration sequence in cluster form. */
export function clusterSequence(): string[] {
  const ddl = createClusterDdl('aiobs', 'c1');
  return loadMigrations().flatMap((m) =>
    renderClusterStatements(renderMigration(m.sql, CLUSTER_PARAMS), ddl),
  );
}
