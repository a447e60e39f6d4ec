import type { PostResult } from './safe-fetch.js';

/** What to do after an attempt. */
export type AttemptOutcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  | { kind: 'failed'; reason: string };

/**
 * Classifies an attempt: 2xx delivered; network errors, timeouts, 408, 429 and 5xx are
 * retried (with `Retry-After` when the receiver sent one); a refused target and every other
 * status (4xx, unfollowed 3xx) fail for good, since sending the same request again cannot
 * change the answer.
 */
export function classifyAttempt(r: PostResult, nowMs = Date.now()): AttemptOutcome {
  if (r.refused) return { kind: 'failed', reason: `refused: ${r.refused}` };
  if (r.status === undefined) return { kind: 'retry', reason: r.error ?? 'no response' };
  if (r.status >= 200 && r.status < 300) return { kind: 'delivered' };
  const reason = r.error ?? `HTTP ${r.status}`;
  if (r.status === 408 || r.status === 429 || r.status >= 500) {
    const retryAfterMs = parseRetryAfter(r.retryAfter, nowMs);
    return retryAfterMs === undefined
      ? { kind: 'retry', reason }
      : { kind: 'retry', reason, retryAfterMs };
  }
  return { kind: 'failed', reason };
}

/**
 * `Retry-After` in milliseconds from now (RFC 9110 §10.2.3: delay-seconds or an HTTP-date);
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Backoff settings: the first delay's ceiling and the largest ceiling. */
export interface Backoff {
  baseMs: number;
  capMs: number;
}

/** Defaults: retries after up to 1 s, 2 s, 4 s, … and never more than 5 minutes apart. */
export const DEFAULT_BACKOFF: Backoff = { baseMs: 1_000, capMs: 300_000 };

/**
 * Delay before retry number `attempt` (1 after the first failure): exponential backoff with
 * full jitter (a uniform draw in `[0, min(cap, base·2^(attempt-1))]`, AWS Architecture Blog
 * "Exponential Backoff And Jitter") so many failing deliveries do not retry in step. A
 * receiver's `Retry-After` wins when longer, up to the cap.
 */
export function retryDelayMs(
  attempt: number,
  backoff: Backoff = DEFAULT_BACKOFF,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(
    backoff.capMs,
    backoff.baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)),
  );
  const jittered = Math.floor(random() * ceiling);
  if (retryAfterMs === undefined) return jittered;
  return Math.min(Math.max(jittered, retryAfterMs), Math.max(backoff.capMs, 0));
}
