import { expect, test } from 'vitest';
import { traceSearchWindows } from './trace-windows.js';

const H = 3_600_000;
const T = Date.UTC(2026, 11, 3, 12, 0, 0);

test('a week: 1 h, 6 h and 24 h before its end, then the caller reads the week', () => {
  expect(traceSearchWindows(T - 168 * H, T)).toEqual([T - H, T - 6 * H, T - 24 * H]);
});

test('windows that reach the range start are left to the whole-range read', () => {
  expect(traceSearchWindows(T - 2 * H, T)).toEqual([T - H]);
  expect(traceSearchWindows(T - H, T)).toEqual([]);
  expect(traceSearchWindows(T - 30 * 60_000, T)).toEqual([]);
});

test('starts fall on whole seconds, at or before the exact window start', () => {
  const [first] = traceSearchWindows(T - 168 * H, T + 1_234);
  expect(first).toBe(T - H + 1_000);
  expect(first! % 1000).toBe(0);
});

test('a next page ends its windows at the previous page last start', () => {
  // The previous page ended at a trace that started 10 h before the range end.
  const afterNs = String(BigInt(T - 10 * H) * 1_000_000n + 500n);
  expect(traceSearchWindows(T - 168 * H, T, afterNs)).toEqual([T - 11 * H, T - 16 * H, T - 34 * H]);
});
