import { expect, test } from 'vitest';
import { StorageBreaker } from './storage-breaker.js';

test('a failure refuses for a backoff that doubles up to the cap; a success clears it', () => {
  let now = 0;
  const b = new StorageBreaker(1000, 4000, () => now);
  expect(b.retryAfterSeconds()).toBe(0);
  b.failed();
  expect(b.retryAfterSeconds()).toBe(1);
  now = 1000; // the window passed: the next insert is the probe
  expect(b.retryAfterSeconds()).toBe(0);
  b.failed();
  expect(b.retryAfterSeconds()).toBe(2);
  b.failed();
  b.failed();
  expect(b.retryAfterSeconds()).toBe(4); // capped
  b.succeeded();
  expect(b.retryAfterSeconds()).toBe(0);
  b.failed();
  expect(b.retryAfterSeconds()).toBe(1); // back to the shortest after a success
  expect(b.failures).toBe(5);
});
