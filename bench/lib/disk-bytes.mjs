// Bytes on disk per table of a stopped engine's data directory (the collector's
// <data-dir>/clickhouse, or the ClickHouse fixture's --data-dir), read from system.parts
// with chDB in this process: the query API keeps system.parts from its callers, and the
// capacity arithmetic in docs/scaling.md needs bytes per span for every table.
import { Session } from 'chdb';

const PARTS_SQL = `SELECT database, table, sum(rows) AS rows, count() AS parts,
    sum(data_compressed_bytes) AS compressed, sum(data_uncompressed_bytes) AS uncompressed,
    sum(bytes_on_disk) AS on_disk
  FROM system.parts WHERE active AND database != 'system'
  GROUP BY database, table HAVING rows > 0 ORDER BY on_disk DESC`;

function readParts(session) {
  return session
    .query(PARTS_SQL, 'JSONEachRow')
    .toString()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const r = JSON.parse(l);
      return {
        table: r.table,
        database: r.database,
        rows: Number(r.rows),
        parts: Number(r.parts),
        compressed: Number(r.compressed),
        uncompressed: Number(r.uncompressed),
        onDisk: Number(r.on_disk),
      };
    });
}

/**
 * Per-table rows, parts and bytes (compressed column data, uncompressed, on disk with marks
 * and indexes) of the engine at `enginePath`; with `optimize`, also after `OPTIMIZE TABLE …
 * FINAL` of every table (one part per partition: the state background merges tend to).
 */
export function diskBytes(enginePath, { optimize = false } = {}) {
  const session = new Session(enginePath);
  try {
    const asLeft = readParts(session);
    let optimized;
    if (optimize) {
      for (const t of asLeft)
        session.query(`OPTIMIZE TABLE \`${t.database}\`.\`${t.table}\` FINAL`);
      optimized = readParts(session);
    }
    return { asLeft, optimized };
  } finally {
    session.close();
  }
}

/** Prints one table of `diskBytes` rows, bytes per row and per stored span (otel_traces). */
export function printDiskBytes(title, tables) {
  const spans = tables.find((t) => t.table === 'otel_traces')?.rows ?? 0;
  console.log(`  ${title}`);
  console.log(
    '    table                                    rows      parts   on disk    compressed  B/row  B/span (on disk)',
  );
  let total = 0;
  for (const t of tables) {
    total += t.onDisk;
    console.log(
      `    ${t.table.padEnd(38)} ${String(t.rows).padStart(10)} ${String(t.parts).padStart(6)} ${(t.onDisk / 2 ** 20).toFixed(1).padStart(8)} MiB ${(t.compressed / 2 ** 20).toFixed(1).padStart(8)} MiB ${(t.onDisk / t.rows).toFixed(1).padStart(7)} ${spans ? (t.onDisk / spans).toFixed(1).padStart(8) : '-'}`,
    );
  }
  if (spans)
    console.log(
      `    all tables: ${(total / 2 ** 20).toFixed(1)} MiB on disk for ${spans.toLocaleString('en-US')} spans = ${(total / spans).toFixed(1)} bytes per span`,
    );
  return spans ? total / spans : NaN;
}
