import { expect, test } from 'vitest';
import { isolatedPoints } from './isolated-points.js';

test('a value with no value on either side is isolated; runs of two or more are not', () => {
  const rows = [
    { t: 0, a: 1, b: 5 },
    { t: 1, a: null, b: 6 },
    { t: 2, a: 2 },
    { t: 3, a: 3, b: null },
    { t: 4, a: null, b: 0 },
  ];
  expect([...isolatedPoints(rows, 'a')]).toEqual([0]);
  // Zero is a value; a missing key is not.
  expect([...isolatedPoints(rows, 'b')]).toEqual([4]);
  expect([...isolatedPoints(rows, 'c')]).toEqual([]);
  expect([...isolatedPoints([{ t: 0, a: 7 }], 'a')]).toEqual([0]);
  expect([...isolatedPoints([], 'a')]).toEqual([]);
});
