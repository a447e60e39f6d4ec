import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The one error type handlers throw. `app.onError` turns it into
 * `{"error": {"code", "message", "field"?}}` with its status (OTLP routes answer with a
 * `google.rpc.Status` instead, as the OTLP/HTTP spec requires).
 */
export class AppError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly options: { field?: string; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(status, { message, cause: options.cause });
  }
}

/** 400: input that will never succeed as sent. */
export class BadRequestError extends AppError {
  constructor(message: string, field?: string, cause?: unknown) {
    super(400, 'bad_request', message, { field, cause });
  }
}

/** 401: no credentials or wrong ones. */
export class UnauthorizedError extends AppError {
  constructor(message = 'missing or invalid credentials') {
    super(401, 'unauthorized', message);
  }
}

/** 403: valid credentials, action not allowed. */
export class ForbiddenError extends AppError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}

/** 404: unknown id or route. */
export class NotFoundError extends AppError {
  constructor(message: string) {
    super(404, 'not_found', message);
  }
}

/** 413: body over the size limit. */
export class PayloadTooLargeError extends AppError {
  constructor(limit: number) {
    super(413, 'payload_too_large', `request body exceeds the limit of ${limit} bytes`);
  }
}

/** 415: a content type this route does not speak. */
export class UnsupportedMediaTypeError extends AppError {
  constructor(got: string, supported: string[]) {
    super(
      415,
      'unsupported_media_type',
      `unsupported content type "${got}"; use ${supported.join(' or ')}`,
    );
  }
}

/** 503: the write path or storage is saturated or down; retry after the given seconds. */
export class UnavailableError extends AppError {
  constructor(message: string, retryAfterSeconds: number, cause?: unknown) {
    super(503, 'unavailable', message, { retryAfterSeconds, cause });
  }
}

/**
 * 503: the collector sheds new work to protect itself (the write path's budget or the
 * memory bound is reached). Expected under overload and counted by the self-metrics, so
 * it is not logged as a server error once per refused request.
 */
export class OverloadError extends UnavailableError {}

/** 429: a rate limit (failed credentials per client address, or a key's ingest rate). */
export class RateLimitError extends AppError {
  constructor(message: string, retryAfterSeconds: number) {
    super(429, 'rate_limited', message, { retryAfterSeconds });
  }
}
