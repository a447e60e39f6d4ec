import type { Config } from '../config.js';
import { AppError, UnavailableError } from '../errors.js';
import type { Engine } from './engine.js';

/** Query parameters bound server-side (`{name:Type}` placeholders): never interpolated. */
export type Params = Record<string, unknown>;

/**
 * Limits every API query runs under (from `--query-timeout`, `--query-max-rows`,
 * `--query-max-result-bytes`, `--query-max-memory-bytes`).
 */
export interface QueryLimits {
  /** Longest a query may run, in seconds (`max_execution_time`). */
  readonly timeoutSeconds: number;
  /** Most rows a result may have (`max_result_rows`, overflow throws). */
  readonly maxRows: number;
  /** Most bytes a result may have (`max_result_bytes`, overflow throws). */
  readonly maxResultBytes: number;
  /** Most memory one query may use (`max_memory_usage`). */
  readonly maxMemoryBytes: number;
}

/** Limits used when none are given (the `Config` defaults). */
export const DEFAULT_QUERY_LIMITS: QueryLimits = Object.freeze({
  timeoutSeconds: 30,
  maxRows: 100_000,
  maxResultBytes: 64 * 1024 * 1024,
  maxMemoryBytes: 1024 * 1024 * 1024,
});

/** The limits the configuration sets. */
export function queryLimitsFromConfig(config: Config): QueryLimits {
  return {
    timeoutSeconds: config.queryTimeoutSeconds,
    maxRows: config.queryMaxRows,
    maxResultBytes: config.queryMaxResultBytes,
    maxMemoryBytes: config.queryMaxMemoryBytes,
  };
}

/**
 * The limits as the body of a statement's own `SETTINGS` clause. A clause, not the
 * client's `clickhouse_settings`: on the embedded engine those become session-wide `SET`s
 * that would stick to the one session the ingest path shares. `result_overflow_mode =
 * 'throw'` makes an over-limit result an error rather than a silently truncated one.
 */
export function limitSettings(limits: QueryLimits): string {
  return [
    `max_execution_time = ${Math.floor(limits.timeoutSeconds)}`,
    `max_memory_usage = ${Math.floor(limits.maxMemoryBytes)}`,
    `max_result_rows = ${Math.floor(limits.maxRows)}`,
    `max_result_bytes = ${Math.floor(limits.maxResultBytes)}`,
    `result_overflow_mode = 'throw'`,
  ].join(', ');
}

/** An error the engine raised (it carries a ClickHouse error code and type). */
export function isEngineError(err: unknown): err is Error & { code: string; type: string } {
  const e = err as { code?: unknown; type?: unknown };
  return err instanceof Error && typeof e.code === 'string' && typeof e.type === 'string';
}

/**
 * Turns the engine's limit errors into answers that say which limit was hit and how to
 * change it: 413 for results and memory, 400 for time, 503 when the whole engine (not
 * this query) is out of memory. Undefined for any other error.
 */
export function limitError(err: unknown, limits: QueryLimits): AppError | undefined {
  if (!isEngineError(err)) return undefined;
  switch (err.code) {
    case '396': // TOO_MANY_ROWS_OR_BYTES (max_result_rows / max_result_bytes)
    case '158': // TOO_MANY_ROWS
    case '307': // TOO_MANY_BYTES
      return resultTooLargeError(limits, err);
    case '159': // TIMEOUT_EXCEEDED
      return new AppError(
        400,
        'limit_exceeded',
        `the query ran longer than the limit of ${limits.timeoutSeconds} s (--query-timeout); narrow the time range`,
        { cause: err },
      );
    case '241': // MEMORY_LIMIT_EXCEEDED
      if (/\(total\)/i.test(err.message))
        return new UnavailableError('the engine is out of memory; retry shortly', 5, err);
      return new AppError(
        413,
        'limit_exceeded',
        `the query needs more memory than the limit of ${limits.maxMemoryBytes} bytes (--query-max-memory-bytes); narrow it`,
        { cause: err },
      );
    default:
      return undefined;
  }
}

/** 413 for a result over the row or byte limit. */
export function resultTooLargeError(limits: QueryLimits, cause?: unknown): AppError {
  return new AppError(
    413,
    'limit_exceeded',
    `the result is larger than the limit of ${limits.maxRows} rows or ${limits.maxResultBytes} bytes ` +
      '(--query-max-rows, --query-max-result-bytes); narrow the query or add a LIMIT',
    { cause },
  );
}

/** Thin read helpers over the engine's client, for the repositories. */
export interface Db {
  /** Fully qualified name of a table in the configured database. */
  table(name: string): string;
  /**
   * Runs a SELECT under the query limits and returns its rows (ClickHouse JSON values).
   * `sql` must not end with its own SETTINGS or FORMAT clause: the limits are appended.
   */
  rows<T>(sql: string, params?: Params): Promise<T[]>;
  /** Like `rows`, plus the number of rows the engine read (from the JSON statistics). */
  rowsWithStats<T>(sql: string, params?: Params): Promise<{ rows: T[]; rowsRead: number }>;
  /**
   * Runs a statement that answers no rows (`INSERT … SELECT`) under the time and memory
   * limits. Not the result limits: they would also cap the rows the SELECT feeds the insert.
   */
  command(sql: string, params?: Params): Promise<void>;
}

/** Creates the read helpers for an engine; every query runs under `limits`. */
export function createDb(engine: Engine, limits: QueryLimits = DEFAULT_QUERY_LIMITS): Db {
  const { client, database } = engine;
  const settings = `\nSETTINGS ${limitSettings(limits)}`;
  const workSettings =
    `\nSETTINGS max_execution_time = ${Math.floor(limits.timeoutSeconds)}, ` +
    `max_memory_usage = ${Math.floor(limits.maxMemoryBytes)}`;
  const run = async <R>(fn: () => Promise<R>): Promise<R> => {
    try {
      return await fn();
    } catch (err) {
      throw limitError(err, limits) ?? err;
    }
  };
  return {
    table: (name) => `${database}.${name}`,
    rows<T>(sql: string, params: Params = {}) {
      return run(async () => {
        const rs = await client.query({
          query: sql + settings,
          query_params: params,
          format: 'JSONEachRow',
        });
        return rs.json<T>();
      });
    },
    rowsWithStats<T>(sql: string, params: Params = {}) {
      return run(async () => {
        const rs = await client.query({
          query: sql + settings,
          query_params: params,
          format: 'JSON',
        });
        const out = (await rs.json()) as unknown as {
          data: T[];
          statistics?: { rows_read?: number };
        };
        return { rows: out.data, rowsRead: Number(out.statistics?.rows_read ?? 0) };
      });
    },
    command(sql: string, params: Params = {}) {
      return run(async () => {
        await client.command({ query: sql + workSettings, query_params: params });
      });
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
