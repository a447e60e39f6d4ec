import { describe, expect, test } from 'vitest';
import { BadRequestError } from '../errors.js';
import { parseArm, parseFilter, parseGroupBy, parseMetrics, required } from './params.js';

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof BadRequestError) return e.options.field;
    throw e;
  }
  return undefined;
}

describe('model route parameters', () => {
  test('filters keep names with slashes; empty means absent; long names are refused', () => {
    expect(parseFilter({ model: 'meta/llama-3:70b', version: '', service: 'api', x: 'y' })).toEqual(
      {
        model: 'meta/llama-3:70b',
        service: 'api',
      },
    );
    expect(fieldOf(() => parseFilter({ variant: 'x'.repeat(257) }))).toBe('variant');
  });

  test('metrics: repeated or comma-separated, known names once each, defaults', () => {
    expect(parseMetrics(undefined)).toEqual(['requests', 'errorRate', 'latencyP95']);
    expect(parseMetrics(['latencyP99,requests', 'requests', 'cost'])).toEqual([
      'latencyP99',
      'requests',
      'cost',
    ]);
    expect(fieldOf(() => parseMetrics(['latencyP42']))).toBe('metric');
  });

  test('groupBy and arms', () => {
    expect(parseGroupBy('variant')).toBe('variant');
    expect(parseGroupBy(undefined)).toBeUndefined();
    expect(fieldOf(() => parseGroupBy('host'))).toBe('groupBy');
    expect(parseArm('version:2025-01:rc1', 'a')).toEqual({
      dimension: 'version',
      value: '2025-01:rc1',
    });
    expect(parseArm('variant:canary', 'b')).toEqual({ dimension: 'variant', value: 'canary' });
    expect(fieldOf(() => parseArm('model:x', 'a'))).toBe('a');
    expect(fieldOf(() => parseArm('version:', 'b'))).toBe('b');
    expect(fieldOf(() => parseArm(undefined, 'b'))).toBe('b');
    expect(fieldOf(() => required('', 'model'))).toBe('model');
  });
});
