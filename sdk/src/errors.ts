import type { Exception } from '@opentelemetry/api';
import { ERROR_TYPE_OTHER } from './semconv.js';

/**
 * A low-cardinality `error.type` for a thrown value: the error's class name when it has a
 * specific one (`RateLimitError`, `AbortError`), its `code` for Node system errors
 * (`ECONNREFUSED`), otherwise `_OTHER`, per the `error.type` convention. Never throws.
 */
export function errorTypeOf(err: unknown): string {
  try {
    if (err === null || typeof err !== 'object') return ERROR_TYPE_OTHER;
    const e = err as { name?: unknown; code?: unknown; constructor?: { name?: unknown } };
    const ctor = typeof e.constructor?.name === 'string' ? e.constructor.name : '';
    if (ctor && ctor !== 'Error' && ctor !== 'Object') return ctor;
    if (typeof e.name === 'string' && e.name && e.name !== 'Error') return e.name;
    if (typeof e.code === 'string' && e.code) return e.code;
    return ctor === 'Error' ? 'Error' : ERROR_TYPE_OTHER;
  } catch {
    return ERROR_TYPE_OTHER;
  }
}

/** A message for the span status, for any thrown value. Never throws. */
export function errorMessageOf(err: unknown): string {
  try {
    if (err instanceof Error) return err.message;
    if (typeof err === 'string') return err;
    return String(err);
  } catch {
    return 'unknown error';
  }
}

/** What `span.recordException` accepts, for any thrown value (it takes only Error-likes and strings). */
export function asException(err: unknown): Exception {
  if (err instanceof Error || typeof err === 'string') return err;
  return { name: errorTypeOf(err), message: errorMessageOf(err) };
}
