import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type Bucket, KeyedBuckets, refill, take } from './token-bucket.js';

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('token bucket maths', () => {
  test('refills at the rate, capped at the burst', () => {
    const limit = { ratePerSecond: 2, burst: 5 };
    const b: Bucket = { tokens: 0, at: 0 };
    expect(refill(b, limit, 250)).toBeCloseTo(0.5);
    expect(refill(b, limit, 1_000)).toBeCloseTo(2);
    expect(refill(b, limit, 60_000)).toBe(5);
  });

  test('take answers the wait until the next token and takes nothing when refused', () => {
    const limit = { ratePerSecond: 4, burst: 2 };
    const b: Bucket = { tokens: 2, at: 0 };
    expect(take(b, limit, 0)).toBe(0);
    expect(take(b, limit, 0)).toBe(0);
    expect(take(b, limit, 0)).toBe(250);
    expect(take(b, limit, 100)).toBe(150);
    expect(take(b, limit, 250)).toBe(0);
    expect(b.tokens).toBeCloseTo(0);
  });

  test('fractional rates: one token every 2 s at 0.5/s', () => {
    const limit = { ratePerSecond: 0.5, burst: 1 };
    const b: Bucket = { tokens: 1, at: 0 };
    expect(take(b, limit, 0)).toBe(0);
    expect(take(b, limit, 500)).toBe(1_500);
    expect(take(b, limit, 2_000)).toBe(0);
  });

  test('a clock that steps back neither adds tokens nor breaks the bucket', () => {
    const limit = { ratePerSecond: 1, burst: 3 };
    const b: Bucket = { tokens: 1, at: 10_000 };
    expect(refill(b, limit, 5_000)).toBe(1);
    expect(refill(b, limit, 11_000)).toBe(2);
  });

  test('property: over any schedule, tokens taken never exceed burst + rate × elapsed', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1000, noNaN: true }),
        fc.integer({ min: 1, max: 200 }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { maxLength: 300 }),
        (rate, burst, gaps) => {
          const limit = { ratePerSecond: rate, burst };
          const b: Bucket = { tokens: burst, at: 0 };
          let now = 0;
          let taken = 0;
          for (const gap of gaps) {
            now += gap;
            const wait = take(b, limit, now);
            if (wait === 0) taken++;
            else expect(wait).toBeGreaterThan(0);
            expect(b.tokens).toBeGreaterThanOrEqual(0);
            expect(b.tokens).toBeLessThanOrEqual(burst);
          }
          expect(taken).toBeLessThanOrEqual(burst + (rate * now) / 1000 + 1e-6);
        },
      ),
    );
  });
});

describe('KeyedBuckets', () => {
  test('keys have their own buckets; a refund gives back a token', () => {
    const c = clock();
    const buckets = new KeyedBuckets({ ratePerSecond: 1, burst: 2, maxKeys: 10 }, c.now);
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(1_000);
    expect(buckets.take('b')).toBe(0);
    buckets.refund('a');
    expect(buckets.take('a')).toBe(0);
    c.advance(1_000);
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(1_000);
  });

  test('the map never holds more than maxKeys buckets; the least recently used goes', () => {
    const c = clock();
    const buckets = new KeyedBuckets({ ratePerSecond: 0.001, burst: 1, maxKeys: 3 }, c.now);
    for (const k of ['a', 'b', 'c']) expect(buckets.take(k)).toBe(0);
    expect(buckets.take('a')).toBeGreaterThan(0); // 'a' is now the most recent
    for (let i = 0; i < 1_000; i++) buckets.take(`x${i}`);
    expect(buckets.size).toBe(3);
  });

  test('refuses limits that would never hand out a token', () => {
    expect(() => new KeyedBuckets({ ratePerSecond: 0, burst: 1, maxKeys: 1 })).toThrow(RangeError);
    expect(() => new KeyedBuckets({ ratePerSecond: 1, burst: 0, maxKeys: 1 })).toThrow(RangeError);
  });
});
