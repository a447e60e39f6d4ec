import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateSecret, signPayload, webhookHeaders } from './sign.js';

describe('Standard Webhooks signing', () => {
  it('matches the specification example', () => {
    // The example of the spec and of every reference library.
    expect(
      signPayload(
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('is accepted by the standardwebhooks library, and a changed body is not', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const body = JSON.stringify({ version: '4', status: 'firing', alerts: [] });
    const headers = webhookHeaders(secret, 'msg_1', body);
    const wh = new Webhook(secret);
    expect(wh.verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => wh.verify(`${body} `, headers)).toThrow();
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
  });

  it('signs each attempt with its own timestamp and the same id', () => {
    const secret = generateSecret();
    const a = webhookHeaders(secret, 'msg_x', '{}', 1_700_000_000_000);
    const b = webhookHeaders(secret, 'msg_x', '{}', 1_700_000_060_000);
    expect(a['webhook-id']).toBe(b['webhook-id']);
    expect(a['webhook-timestamp']).toBe('1700000000');
    expect(b['webhook-timestamp']).toBe('1700000060');
    expect(a['webhook-signature']).not.toBe(b['webhook-signature']);
  });

  it('verifies with the reference library for any id, body and secret', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 24, maxLength: 64 }),
        fc.stringMatching(/^msg_[A-Za-z0-9_-]{1,40}$/),
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        (key, id, text) => {
          const secret = `whsec_${Buffer.from(key).toString('base64')}`;
          const body = JSON.stringify({ text });
          const headers = webhookHeaders(secret, id, body);
          expect(new Webhook(secret).verify(body, headers)).toEqual({ text });
        },
      ),
      { numRuns: 200 },
    );
  });
});
