import { describe, expect, it } from 'vitest';
import { classify, DEFAULT_BACKOFF, parseRetryAfter } from './retry-policy.js';

const fixed = { ...DEFAULT_BACKOFF, random: () => 0.5 };
const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP-dates', () => {
    expect(parseRetryAfter('30', NOW)).toBe(30_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', NOW)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });
});

describe('classify', () => {
  it('follows the OTLP/HTTP failure rules', () => {
    expect(classify(200, undefined, 0, NOW, fixed)).toEqual({ kind: 'ok' });
    expect(classify(503, '3', 0, NOW, fixed)).toEqual({ kind: 'retry', delayMs: 3000 });
    expect(classify(429, undefined, 2, NOW, fixed)).toEqual({ kind: 'retry', delayMs: 4000 });
    expect(classify(0, undefined, 10, NOW, fixed)).toEqual({ kind: 'retry', delayMs: 60_000 });
    expect(classify(502, '999999', 0, NOW, fixed)).toEqual({ kind: 'retry', delayMs: 600_000 });
    expect(classify(401, undefined, 0, NOW, fixed)).toEqual({ kind: 'hold', delayMs: 60_000 });
    for (const s of [400, 404, 413, 415])
      expect(classify(s, undefined, 0, NOW, fixed)).toEqual({ kind: 'drop' });
  });

  it('jitters backoff by ±20%', () => {
    const lo = classify(503, undefined, 0, NOW, { ...DEFAULT_BACKOFF, random: () => 0 });
    const hi = classify(503, undefined, 0, NOW, { ...DEFAULT_BACKOFF, random: () => 0.999 });
    expect(lo).toEqual({ kind: 'retry', delayMs: 800 });
    expect(hi).toEqual({ kind: 'retry', delayMs: 1200 });
  });
});
