import type { Engine } from './engine.js';

/** Query parameters bound server-side (`{name:Type}` placeholders): never interpolated. */
export type Params = Record<string, unknown>;

/** Thin read helpers over the engine's client, for the repositories. */
export interface Db {
  /** Fully qualified name of a table in the configured database. */
  table(name: string): string;
  /** Runs a SELECT and returns its rows (ClickHouse JSON values). */
  rows<T>(sql: string, params?: Params): Promise<T[]>;
  /** Like `rows`, plus the number of rows the engine read (from the JSON statistics). */
  rowsWithStats<T>(sql: string, params?: Params): Promise<{ rows: T[]; rowsRead: number }>;
}

/** Creates the read helpers for an engine. */
export function createDb(engine: Engine): Db {
  const { client, database } = engine;
  return {
    table: (name) => `${database}.${name}`,
    async rows<T>(sql: string, params: Params = {}) {
      const rs = await client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
      return rs.json<T>();
    },
    async rowsWithStats<T>(sql: string, params: Params = {}) {
      const rs = await client.query({ query: sql, query_params: params, format: 'JSON' });
      const out = (await rs.json()) as unknown as {
        data: T[];
        statistics?: { rows_read?: number };
      };
      return { rows: out.data, rowsRead: Number(out.statistics?.rows_read ?? 0) };
    },
  };
}

/**
 * `attr.<key>=<value>` filters as conditions on a Map column, with keys and values bound as
 * parameters `ak<i>`/`av<i>` added to `params`.
 */
export function attributeConditions(
  column: string,
  attrs: readonly [string, string][],
  params: Params,
): string[] {
  return attrs.map(([k, v], i) => {
    params[`ak${i}`] = k;
    params[`av${i}`] = v;
    return `${column}[{ak${i}:String}] = {av${i}:String}`;
  });
}
