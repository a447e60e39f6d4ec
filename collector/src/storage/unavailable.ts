import { UnavailableError } from '../errors.js';

/** Seconds a client should wait before retrying while storage is down. */
export const STORAGE_RETRY_AFTER_SECONDS = 5;

/** Socket-level failures: the store is down, restarting or unreachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

/**
 * ClickHouse exceptions that mean "not now" rather than "never": the server or the
 * cluster behind it is overloaded, read-only (a replica lost Keeper), or cut off.
 */
const TRANSIENT_ENGINE_CODES = new Set([
  '3', // UNEXPECTED_END_OF_FILE (connection to a shard cut mid-read)
  '202', // TOO_MANY_SIMULTANEOUS_QUERIES
  '209', // SOCKET_TIMEOUT
  '210', // NETWORK_ERROR
  '225', // NO_ZOOKEEPER
  '242', // TABLE_IS_READ_ONLY
  '252', // TOO_MANY_PARTS
  '279', // ALL_CONNECTION_TRIES_FAILED
  '319', // UNKNOWN_STATUS_OF_INSERT
  '394', // QUERY_WAS_CANCELLED (server shutting down)
  '425', // SYSTEM_ERROR
  '439', // CANNOT_SCHEDULE_TASK
  '999', // KEEPER_EXCEPTION
]);

/**
 * Recognizes an error of the store being unreachable, slow past the client's timeout, or
 * refusing work for a while, and turns it into a 503 with Retry-After that says so.
 * Undefined for anything else (a bad query stays the error it is).
 */
export function storageUnavailable(err: unknown): UnavailableError | undefined {
  if (!(err instanceof Error) || err instanceof UnavailableError) return undefined;
  const e = err as Error & { code?: unknown; type?: unknown; cause?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  let reason: string | undefined;
  if (code && NETWORK_CODES.has(code)) reason = `storage is unreachable (${code})`;
  else if (/^socket hang up$|^other side closed$/i.test(e.message))
    reason = 'the connection to storage was cut';
  // @clickhouse/client's request_timeout.
  else if (e.message === 'Timeout error.') reason = 'storage did not answer in time';
  else if (code && typeof e.type === 'string' && TRANSIENT_ENGINE_CODES.has(code))
    reason = `storage refused the request for now (${e.type})`;
  if (reason === undefined) {
    // fetch-style errors wrap the socket error.
    return e.cause !== undefined && e.cause !== err ? storageUnavailable(e.cause) : undefined;
  }
  return new UnavailableError(`${reason}; retry later`, STORAGE_RETRY_AFTER_SECONDS, err);
}
