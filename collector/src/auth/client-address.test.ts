import { describe, expect, test } from 'vitest';
import { addressKey, clientAddress } from './client-address.js';

describe('addressKey', () => {
  test('IPv4 as is; IPv4-mapped IPv6 as IPv4', () => {
    expect(addressKey('127.0.0.1')).toBe('127.0.0.1');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('::FFFF:192.0.2.7')).toBe('192.0.2.7');
  });

  test('IPv6 grouped by /64, however it is written', () => {
    const key = '2001:db8:0:1::/64';
    expect(addressKey('2001:db8:0:1::1')).toBe(key);
    expect(addressKey('2001:0db8:0000:0001:ffff:ffff:ffff:ffff')).toBe(key);
    expect(addressKey('2001:DB8:0:1:a:b:c:d')).toBe(key);
    expect(addressKey('[2001:db8:0:1::5]:443')).toBe(key);
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(addressKey('2001:db8:0:2::1')).not.toBe(key);
  });

  test('anything else shares one key', () => {
    for (const bad of [undefined, '', 'localhost', '1.2.3', '2001:db8::g', '1.2.3.4.5'])
      expect(addressKey(bad)).toBe('unknown');
  });
});

describe('clientAddress', () => {
  test('X-Forwarded-For is ignored unless the proxy is trusted', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.9', false)).toBe('127.0.0.1');
  });

  test('behind a trusted proxy the right-most entry counts, not what the client wrote', () => {
    expect(clientAddress('10.0.0.2', '198.51.100.1, 203.0.113.9', true)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.2', '203.0.113.9:5123', true)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.2', '2001:db8:5:6::9', true)).toBe('2001:db8:5:6::/64');
  });

  test('a missing or garbled header falls back to the socket', () => {
    expect(clientAddress('10.0.0.2', undefined, true)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.2', '203.0.113.9, junk', true)).toBe('10.0.0.2');
  });
});
