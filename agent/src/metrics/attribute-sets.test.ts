import { describe, expect, it } from 'vitest';
import { AttributeSets, NO_ATTRIBUTES } from './attribute-sets.js';

describe('AttributeSets', () => {
  it('hands out one frozen object per series, keys in the order they were added', () => {
    const sets = new AttributeSets();
    const gpu = sets.of([
      ['hw.id', 'GPU-a'],
      ['hw.type', 'gpu'],
    ]);
    const a = sets.with(gpu, 'hw.gpu.task', 'general');
    expect(sets.with(gpu, 'hw.gpu.task', 'general')).toBe(a);
    expect(a).toEqual({ 'hw.id': 'GPU-a', 'hw.type': 'gpu', 'hw.gpu.task': 'general' });
    expect(Object.keys(a)).toEqual(['hw.id', 'hw.type', 'hw.gpu.task']);
    expect(Object.isFrozen(a)).toBe(true);
    expect(sets.with(gpu, 'hw.gpu.task', 'encoder')).not.toBe(a);
  });

  it('tells values of different types apart and lets a later key replace an earlier one', () => {
    const sets = new AttributeSets();
    expect(sets.with(NO_ATTRIBUTES, 'pid', 1)).not.toBe(sets.with(NO_ATTRIBUTES, 'pid', '1'));
    expect(sets.with(NO_ATTRIBUTES, 'pid', 1)).toEqual({ pid: 1 });
    const x = sets.of([
      ['k', 'a'],
      ['k', 'b'],
    ]);
    expect(x).toEqual({ k: 'b' });
  });
});
