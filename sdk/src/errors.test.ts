import { describe, expect, it } from 'vitest';
import { asException, errorMessageOf, errorTypeOf } from './errors.js';

class RateLimitError extends Error {}

describe('errorTypeOf', () => {
  it('uses the class name of specific errors', () => {
    expect(errorTypeOf(new RateLimitError('slow down'))).toBe('RateLimitError');
    expect(errorTypeOf(new TypeError('x'))).toBe('TypeError');
  });

  it('uses name, then code, for plain Errors', () => {
    const abort = new Error('aborted');
    abort.name = 'AbortError';
    expect(errorTypeOf(abort)).toBe('AbortError');
    expect(errorTypeOf(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(
      'ECONNREFUSED',
    );
    expect(errorTypeOf(new Error('plain'))).toBe('Error');
  });

  it('says _OTHER for thrown non-objects and never throws on hostile values', () => {
    expect(errorTypeOf('oops')).toBe('_OTHER');
    expect(errorTypeOf(undefined)).toBe('_OTHER');
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    expect(errorTypeOf(hostile)).toBe('_OTHER');
    expect(typeof errorMessageOf(hostile)).toBe('string');
  });

  it('turns any thrown value into something recordException accepts', () => {
    expect(asException('s')).toBe('s');
    expect(asException(42)).toEqual({ name: '_OTHER', message: '42' });
  });
});
