import { describe, expect, test } from 'vitest';
import { peerAddress } from './metadata-auth.js';

describe('peerAddress', () => {
  test('takes the address out of what grpc-js getPeer() returns', () => {
    expect(peerAddress('127.0.0.1:50123')).toBe('127.0.0.1');
    // grpc-js does not bracket IPv6 peers; the port is always last.
    expect(peerAddress('::1:50123')).toBe('::1');
    expect(peerAddress('::1:8080')).toBe('::1');
    expect(peerAddress('::ffff:10.0.0.7:443')).toBe('::ffff:10.0.0.7');
    expect(peerAddress('2001:db8::5:1:9')).toBe('2001:db8::5:1');
    expect(peerAddress('[2001:db8::1]:4317')).toBe('2001:db8::1');
  });

  test('unknown or non-IP peers give undefined (the authenticator counts them as "unknown")', () => {
    expect(peerAddress('unknown')).toBeUndefined();
    expect(peerAddress('')).toBeUndefined();
    expect(peerAddress('localhost:4317')).toBeUndefined();
    expect(peerAddress('/tmp/grpc.sock')).toBeUndefined();
  });
});
