import { describe, expect, test } from 'vitest';
import { LruMap } from './lru-map.js';
import { NegativeCache } from './negative-cache.js';

describe('LruMap', () => {
  test('holds at most maxSize entries and drops the least recently used', () => {
    const m = new LruMap<string, number>(3);
    m.set('a', 1);
    m.set('b', 2);
    m.set('c', 3);
    expect(m.get('a')).toBe(1); // a is now the most recent; b is the oldest
    m.set('d', 4);
    expect(m.has('b')).toBe(false);
    expect([m.get('a'), m.get('c'), m.get('d')]).toEqual([1, 3, 4]);
    expect(m.size).toBe(3);
  });

  test('setting an existing key replaces it without evicting another', () => {
    const m = new LruMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    m.set('a', 3);
    expect(m.size).toBe(2);
    expect([m.get('a'), m.get('b')]).toEqual([3, 2]);
  });
});

describe('NegativeCache', () => {
  test('remembers unknown hashes for the TTL, counted from the lookup start', () => {
    let now = 0;
    const cache = new NegativeCache({ ttlMs: 10_000, maxSize: 100 }, () => now);
    cache.add('h1', 0);
    now = 9_999;
    expect(cache.has('h1')).toBe(true);
    now = 10_000;
    expect(cache.has('h1')).toBe(false);
    expect(cache.size).toBe(0); // expired entries are dropped when seen
  });

  test('bounded by count: a flood keeps at most maxSize entries', () => {
    const cache = new NegativeCache({ ttlMs: 10_000, maxSize: 50 }, () => 0);
    for (let i = 0; i < 10_000; i++) cache.add(`h${i}`);
    expect(cache.size).toBe(50);
    expect(cache.has('h9999')).toBe(true);
    expect(cache.has('h0')).toBe(false);
  });

  test('delete forgets a hash that became valid', () => {
    const cache = new NegativeCache({ ttlMs: 10_000, maxSize: 5 }, () => 0);
    cache.add('h');
    cache.delete('h');
    expect(cache.has('h')).toBe(false);
  });
});
