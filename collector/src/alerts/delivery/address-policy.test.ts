import { describe, expect, it } from 'vitest';
import { blockedReason, isAllowedHost } from './address-policy.js';

describe('blockedReason', () => {
  it.each([
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['169.254.1.1', 'linkLocal'],
    ['169.254.169.254', 'cloud metadata'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['ff02::1', 'multicast'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['64:ff9b::a00:1', 'rfc6052'],
    ['2002:a00:1::', '6to4'],
    ['not-an-ip', 'not an IP address'],
  ])('refuses %s (%s)', (addr, reason) => {
    expect(blockedReason(addr)).toBe(reason);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:8.8.8.8'])(
    'accepts the public address %s',
    (addr) => {
      expect(blockedReason(addr)).toBeUndefined();
    },
  );
});

describe('isAllowedHost', () => {
  it('compares hostnames exactly, without case or brackets', () => {
    expect(isAllowedHost('127.0.0.1', ['127.0.0.1'])).toBe(true);
    expect(isAllowedHost('[::1]', ['::1'])).toBe(true);
    expect(isAllowedHost('Hooks.Internal', ['hooks.internal'])).toBe(true);
    expect(isAllowedHost('evil.hooks.internal', ['hooks.internal'])).toBe(false);
    expect(isAllowedHost('127.0.0.2', ['127.0.0.1'])).toBe(false);
  });
});
