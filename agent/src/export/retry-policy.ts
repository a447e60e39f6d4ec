/** What to do with a request after the collector answered (or did not). */
export type Verdict =
  | { readonly kind: 'ok' }
  /** Keep the data and try again later (outage, overload). */
  | { readonly kind: 'retry'; readonly delayMs: number }
  /** Keep the data, but an operator must act (wrong key): retry slowly. */
  | { readonly kind: 'hold'; readonly delayMs: number }
  /** Retrying cannot help (malformed, too large, wrong type): drop it. */
  | { readonly kind: 'drop' };

/** Backoff settings for {@link classify}. */
export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Cap on a server's Retry-After, so a bad header cannot park the agent for days. */
  readonly maxRetryAfterMs: number;
  /** Returns [0, 1); jitter is ±20% of the delay. */
  readonly random: () => number;
}

/** Defaults: 1 s doubling to 60 s; Retry-After honoured up to 10 minutes. */
export const DEFAULT_BACKOFF: BackoffPolicy = {
  initialMs: 1000,
  maxMs: 60_000,
  maxRetryAfterMs: 600_000,
  random: Math.random,
};

/**
 * Parses `Retry-After` (delta-seconds or an HTTP-date, RFC 9110 §10.2.3) into ms from now.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * Classifies an OTLP/HTTP answer (OTLP spec "Failures"): 2xx ok; 429, 502, 503, 504 and
 * transport failures retryable, honouring Retry-After; 401/403 held (the data is kept until
 * the key is fixed); 400, 413, 415 and other 4xx dropped. Other 5xx are retried too: the
 * collector may be restarting.
 *
 * @param attempt consecutive failures so far (0 for the first), for exponential backoff
 */
export function classify(
  status: number,
  retryAfter: string | undefined,
  attempt: number,
  nowMs: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): Verdict {
  if (status >= 200 && status < 300) return { kind: 'ok' };
  const backoff = () => {
    const base = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 20));
    return Math.round(base * (0.8 + 0.4 * policy.random()));
  };
  if (status === 401 || status === 403) return { kind: 'hold', delayMs: policy.maxMs };
  if (status === 0 || status === 429 || status >= 500) {
    const ra = parseRetryAfter(retryAfter, nowMs);
    const delayMs = ra === undefined ? backoff() : Math.min(ra, policy.maxRetryAfterMs);
    return { kind: 'retry', delayMs };
  }
  return { kind: 'drop' };
}
