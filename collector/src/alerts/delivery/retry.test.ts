import { describe, expect, it } from 'vitest';
import { classifyAttempt, DEFAULT_BACKOFF, parseRetryAfter, retryDelayMs } from './retry.js';

describe('classifyAttempt', () => {
  it.each([
    [{ status: 200, body: '' }, 'delivered'],
    [{ status: 204, body: '' }, 'delivered'],
    [{ status: 500, body: '' }, 'retry'],
    [{ status: 503, body: '' }, 'retry'],
    [{ status: 429, body: '' }, 'retry'],
    [{ status: 408, body: '' }, 'retry'],
    [{ error: 'ECONNREFUSED: x', body: '' }, 'retry'],
    [{ error: 'timed out after 10 ms', body: '' }, 'retry'],
    [{ status: 400, body: '' }, 'failed'],
    [{ status: 401, body: '' }, 'failed'],
    [{ status: 404, body: '' }, 'failed'],
    [{ status: 302, body: '' }, 'failed'],
    [{ refused: 'x resolves to 10.0.0.1 (private)', error: 'x', body: '' }, 'failed'],
  ])('%o → %s', (r, kind) => {
    expect(classifyAttempt(r).kind).toBe(kind);
  });

  it('carries Retry-After of a 429 or 503', () => {
    expect(classifyAttempt({ status: 429, retryAfter: '12', body: '' })).toEqual({
      kind: 'retry',
      reason: 'HTTP 429',
      retryAfterMs: 12_000,
    });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  it('draws uniformly below a ceiling that doubles up to the cap', () => {
    const top = () => 0.999_999;
    expect(retryDelayMs(1, DEFAULT_BACKOFF, undefined, top)).toBe(999);
    expect(retryDelayMs(2, DEFAULT_BACKOFF, undefined, top)).toBe(1_999);
    expect(retryDelayMs(4, DEFAULT_BACKOFF, undefined, top)).toBe(7_999);
    expect(retryDelayMs(40, DEFAULT_BACKOFF, undefined, top)).toBe(299_999);
    expect(retryDelayMs(3, DEFAULT_BACKOFF, undefined, () => 0)).toBe(0);
  });

  it('waits at least Retry-After, within the cap', () => {
    expect(retryDelayMs(1, DEFAULT_BACKOFF, 30_000, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(1, DEFAULT_BACKOFF, 3_600_000, () => 0.5)).toBe(300_000);
  });
});
