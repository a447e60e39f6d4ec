import { describe, expect, test } from 'vitest';
import { requestDigest } from './digest.js';
import { DigestWindow } from './digest-window.js';

describe('DigestWindow', () => {
  test('knows a digest per table bit, and forgets it after the window', () => {
    const w = new DigestWindow(3600, 100);
    w.add('a', 0, 1000);
    w.add('a', 7, 1500);
    expect([w.has('a', 0), w.has('a', 7), w.has('a', 1), w.has('b', 0)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    w.add('b', 1, 2000);
    // 'a' was first seen at 1000: it goes at 4601, while 'b' stays.
    w.expire(4601);
    expect([w.has('a', 0), w.has('b', 1), w.size]).toEqual([false, true, 1]);
  });

  test('holds at most maxEntries, forgetting the oldest first', () => {
    const w = new DigestWindow(3600, 2);
    w.add('a', 0, 1);
    w.add('b', 0, 2);
    w.add('c', 0, 3);
    expect([w.has('a', 0), w.has('b', 0), w.has('c', 0), w.evicted]).toEqual([
      false,
      true,
      true,
      1,
    ]);
  });
});

describe('requestDigest', () => {
  test('128 bits of hex, different per project, signal and body', () => {
    const body = new Uint8Array([1, 2, 3]);
    const d = requestDigest('p', 'traces', body);
    expect(d).toMatch(/^[0-9a-f]{32}$/);
    expect(requestDigest('p', 'traces', new Uint8Array([1, 2, 3]))).toBe(d);
    expect(requestDigest('q', 'traces', body)).not.toBe(d);
    expect(requestDigest('p', 'logs', body)).not.toBe(d);
    expect(requestDigest('p', 'traces', new Uint8Array([1, 2, 4]))).not.toBe(d);
  });
});
