import { describe, expect, test } from 'vitest';
import { sparklinePath } from './sparkline-path.js';

describe('sparklinePath', () => {
  test('spreads values over the width, 0 at the bottom and the highest at the top', () => {
    // 100 × 20 box, 1 px clear: x from 1 to 99, y from 19 (0) to 1 (the max).
    expect(sparklinePath([0, 5, 10], 100, 20)).toBe('M1 19L50 10L99 1');
  });

  test('a gap breaks the line; a value alone between gaps is a dot', () => {
    // 62 px wide, 1 px clear: a value every 10 px from x = 1.
    expect(sparklinePath([2, 4, null, 4, null, 0, 2], 62, 10, 1)).toBe(
      'M1 5L11 1M31 1h0M51 9L61 5',
    );
  });

  test('all zero: a flat line on the bottom; nothing to draw: empty', () => {
    expect(sparklinePath([0, 0], 10, 10)).toBe('M1 9L9 9');
    expect(sparklinePath([], 10, 10)).toBe('');
    expect(sparklinePath([null, null], 10, 10)).toBe('');
  });

  test('one value is a dot in the middle', () => {
    expect(sparklinePath([3], 10, 10)).toBe('M5 1h0');
  });

  test('negative values move the bottom below them', () => {
    expect(sparklinePath([-1, 1], 10, 10)).toBe('M1 9L9 1');
  });
});
