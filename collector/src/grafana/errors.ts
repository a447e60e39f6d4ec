import { HTTPException } from 'hono/http-exception';
import { AppError } from '../errors.js';
import {
  ClickHouseHttpError,
  httpStatusOf,
  toClickHouseHttpError,
} from '../storage/clickhouse-http/index.js';

/**
 * Errors of the Grafana-compatible endpoint in ClickHouse's terms: clients (the Grafana
 * plugin's Go driver, `@clickhouse/client`) read the exception code and text, so an API
 * error becomes the ClickHouse exception that means the same. Pure.
 */

/** The exception to answer, its HTTP status and, for 429/503, when to retry. */
export interface ClickHouseFailure {
  error: ClickHouseHttpError;
  status: number;
  retryAfterSeconds?: number;
}

/**
 * The query text the engine echoes in some messages ("in scope SELECT …") carries the
 * settings the gate appended (the project filter, the limits): not the caller's text.
 */
export function withoutGateSettings(message: string): string {
  return message.replace(/\s*SETTINGS additional_table_filters = \{[\s\S]*?readonly = 1/g, '');
}

/** The engine error an API error wraps, if it wraps one (it carries a code and a type). */
function engineCause(err: AppError): ClickHouseHttpError | undefined {
  const cause = err.options.cause ?? err.cause;
  if (!(cause instanceof Error)) return undefined;
  const { code, type } = cause as { code?: unknown; type?: unknown };
  if (typeof code === 'string' && /^\d+$/.test(code) && typeof type === 'string')
    return new ClickHouseHttpError(Number(code), withoutGateSettings(err.message), type);
  const ch = toClickHouseHttpError(cause);
  return ch.code === 1001
    ? undefined
    : new ClickHouseHttpError(ch.code, withoutGateSettings(ch.message), ch.type);
}

function fromAppError(err: AppError): ClickHouseFailure {
  const retryAfterSeconds = err.options.retryAfterSeconds;
  const own = (
    code: number | ConstructorParameters<typeof ClickHouseHttpError>[0],
    type?: string,
  ) => {
    const error = new ClickHouseHttpError(code, err.message, type);
    return { error, status: httpStatusOf(error.code) };
  };
  const cause = engineCause(err);
  if (cause && err.status !== 413) return { error: cause, status: httpStatusOf(cause.code) };
  switch (err.status) {
    case 401:
      return own('REQUIRED_PASSWORD');
    case 403:
      return own('ACCESS_DENIED');
    case 404:
      return own('UNKNOWN_DATABASE');
    case 413:
      return { ...own(396, 'TOO_MANY_ROWS_OR_BYTES'), status: 413 };
    case 429:
      return { ...own('TOO_MANY_SIMULTANEOUS_QUERIES'), status: 429, retryAfterSeconds };
    case 503:
      return { ...own('TOO_MANY_SIMULTANEOUS_QUERIES'), status: 503, retryAfterSeconds };
    default:
      if (err.code === 'limit_exceeded') return own('TIMEOUT_EXCEEDED');
      return err.status < 500 ? own('BAD_ARGUMENTS') : own(1001, 'STD_EXCEPTION');
  }
}

/** What to answer for `err`, thrown anywhere while serving a ClickHouse HTTP request. */
export function clickHouseFailure(err: unknown): ClickHouseFailure {
  if (err instanceof ClickHouseHttpError) return { error: err, status: httpStatusOf(err.code) };
  if (err instanceof AppError) return fromAppError(err);
  if (err instanceof HTTPException && err.status === 413)
    return {
      error: new ClickHouseHttpError('QUERY_IS_TOO_LARGE', err.message || 'request body too large'),
      status: 413,
    };
  const error = toClickHouseHttpError(err);
  return { error, status: httpStatusOf(error.code) };
}
