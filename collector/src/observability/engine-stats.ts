import type { Engine } from '../storage/engine.js';

/** The engine's own figures the collector watches. */
export interface EngineStats {
  /** Active parts per table of the collector's database. */
  parts: { table: string; parts: number; rows: number; bytes: number }[];
  /** Merges running now. */
  merges: number;
  /** Memory the engine's own tracker counts (`MemoryTracking`): its share of RSS when embedded. */
  memoryBytes: number;
}

/** How long one reading of the system tables is reused (scrapes and the stats writer share it). */
const CACHE_MS = 15_000;

/**
 * Reads `system.parts`, `system.merges` and `system.metrics` directly (not through the SQL gate: these are
 * the collector's own reads), at most once per 15 s. A failed read gives empty figures
 * rather than failing a scrape: the request and ingest metrics matter most when the
 * engine is in trouble.
 */
export function createEngineStatsReader(
  engine: Pick<Engine, 'client' | 'database'>,
  cacheMs = CACHE_MS,
) {
  let cached: { at: number; value: Promise<EngineStats> } | undefined;
  return function readEngineStats(): Promise<EngineStats> {
    const now = performance.now();
    if (cached && now - cached.at < cacheMs) return cached.value;
    const value = read(engine);
    cached = { at: now, value };
    return value;
  };
}

async function read(engine: Pick<Engine, 'client' | 'database'>): Promise<EngineStats> {
  try {
    const parts = await engine.client.query({
      query:
        'SELECT table, toUInt32(count()) AS parts, toUInt64(sum(rows)) AS rows, toUInt64(sum(bytes_on_disk)) AS bytes ' +
        'FROM system.parts WHERE active AND database = {db: String} GROUP BY table ORDER BY table',
      query_params: { db: engine.database },
      format: 'JSONEachRow',
    });
    const rows = await parts.json<{ table: string; parts: number; rows: string; bytes: string }>();
    // Merges and memory in one read: the embedded engine runs one statement at a time, and
    // this one competes with ingest's inserts.
    const gauges = await engine.client.query({
      query:
        'SELECT (SELECT toUInt32(count()) FROM system.merges WHERE database = {db: String}) AS merges, ' +
        "(SELECT toInt64(value) FROM system.metrics WHERE metric = 'MemoryTracking') AS memory",
      query_params: { db: engine.database },
      format: 'JSONEachRow',
    });
    const [g] = await gauges.json<{ merges: number; memory: string | null }>();
    return {
      parts: rows.map((r) => ({
        table: r.table,
        parts: Number(r.parts),
        rows: Number(r.rows),
        bytes: Number(r.bytes),
      })),
      merges: Number(g?.merges ?? 0),
      memoryBytes: Number(g?.memory ?? 0),
    };
  } catch {
    return { parts: [], merges: 0, memoryBytes: 0 };
  }
}
