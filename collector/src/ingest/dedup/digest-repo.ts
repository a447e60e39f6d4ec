import type { Engine } from '../../storage/engine.js';

/** One committed (request digest, table) pair. */
export interface DigestRecord {
  digest: string;
  table: string;
  /** Unix seconds it was recorded. */
  time: number;
}

type Store = Pick<Engine, 'client' | 'database'>;

/** Records committed (digest, table) pairs in aiobs_ingest_digests (one insert). */
export async function insertDigests(
  engine: Store,
  rows: readonly { digest: string; table: string }[],
): Promise<void> {
  await engine.client.insert({
    table: `${engine.database}.aiobs_ingest_digests`,
    values: rows.map((r) => ({ digest: r.digest, table_name: r.table })),
    format: 'JSONEachRow',
  });
}

/** The pairs recorded at or after `sinceSeconds` (Unix), oldest first. */
export async function findDigestsSince(
  engine: Store,
  sinceSeconds: number,
): Promise<DigestRecord[]> {
  const rs = await engine.client.query({
    query: `SELECT digest, table_name AS table, toUnixTimestamp(time) AS time
      FROM ${engine.database}.aiobs_ingest_digests
      WHERE time >= toDateTime({since:UInt32}) ORDER BY time`,
    query_params: { since: Math.max(0, Math.floor(sinceSeconds)) },
    format: 'JSONEachRow',
  });
  return (await rs.json<{ digest: string; table: string; time: number | string }>()).map((r) => ({
    digest: r.digest,
    table: r.table,
    time: Number(r.time),
  }));
}
