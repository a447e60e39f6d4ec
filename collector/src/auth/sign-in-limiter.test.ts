import { describe, expect, test } from 'vitest';
import { RateLimitError } from '../errors.js';
import { SignInLimiter } from './sign-in-limiter.js';

/** The refusal `fn` throws (fails the test when it does not). */
function refusal(fn: () => void): RateLimitError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RateLimitError);
    return err as RateLimitError;
  }
  throw new Error('not refused');
}

describe('SignInLimiter', () => {
  test('five failures for one email, then 429 with Retry-After until a token comes back', () => {
    let now = 0;
    const limiter = new SignInLimiter({ addressRate: 0, addressBurst: 1, now: () => now });
    // Each attempt comes from a different address: the email's limit holds whatever the source.
    for (let i = 0; i < 5; i++) limiter.attempt(`10.0.0.${i}`, 'alice@example.com');
    const r = refusal(() => limiter.attempt('10.0.0.9', 'alice@example.com'));
    expect(r.status).toBe(429);
    expect(r.message).toBe('too many failed sign-ins for this email');
    expect(r.options.retryAfterSeconds).toBe(60);
    // Another email is not affected.
    limiter.attempt('10.0.0.9', 'bob@example.com');
    now += 60_000;
    limiter.attempt('10.0.0.9', 'alice@example.com');
    expect(() => limiter.attempt('10.0.0.9', 'alice@example.com')).toThrow(RateLimitError);
  });

  test('one address trying many emails runs out of its own burst', () => {
    const limiter = new SignInLimiter({ addressRate: 0.5, addressBurst: 3, now: () => 0 });
    for (let i = 0; i < 3; i++) limiter.attempt('192.0.2.1', `user${i}@example.com`);
    const r = refusal(() => limiter.attempt('192.0.2.1', 'another@example.com'));
    expect(r.message).toBe('too many failed sign-ins from this address');
    expect(r.options.retryAfterSeconds).toBe(2);
    limiter.attempt('192.0.2.2', 'another@example.com');
  });

  test('successful sign-ins do not count; refusals do not push the wait further out', () => {
    const limiter = new SignInLimiter({ addressRate: 1, addressBurst: 2, now: () => 0 });
    for (let i = 0; i < 20; i++) {
      limiter.attempt('192.0.2.1', 'alice@example.com');
      limiter.succeeded('192.0.2.1', 'alice@example.com');
    }
    for (let i = 0; i < 5; i++) limiter.attempt(`10.1.0.${i}`, 'carol@example.com');
    // A refusal for the email gave the address its token back.
    refusal(() => limiter.attempt('192.0.2.1', 'carol@example.com'));
    limiter.attempt('192.0.2.1', 'dave@example.com');
    limiter.attempt('192.0.2.1', 'erin@example.com');
    refusal(() => limiter.attempt('192.0.2.1', 'frank@example.com'));
  });
});
