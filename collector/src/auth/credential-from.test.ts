import { describe, expect, it } from 'vitest';
import { credentialFrom } from './authenticator.js';

const headers = (h: Record<string, string>) => new Headers(h);
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('credentialFrom', () => {
  it('reads a Bearer token', () => {
    expect(credentialFrom(headers({ authorization: 'Bearer aiobs_rk_abc ' }))).toBe('aiobs_rk_abc');
  });

  it('reads the password of HTTP Basic auth, whatever the user name', () => {
    expect(credentialFrom(headers({ authorization: basic('grafana', 'aiobs_rk_abc') }))).toBe(
      'aiobs_rk_abc',
    );
    expect(credentialFrom(headers({ authorization: basic('', 'tok:with:colons') }))).toBe(
      'tok:with:colons',
    );
  });

  it('has no credential for Basic auth without a password', () => {
    expect(credentialFrom(headers({ authorization: basic('only-user', '') }))).toBeUndefined();
  });

  it('falls back to x-aiobs-api-key', () => {
    expect(credentialFrom(headers({ 'x-aiobs-api-key': 'k1' }))).toBe('k1');
  });
});
