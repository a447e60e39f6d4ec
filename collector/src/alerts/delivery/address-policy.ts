import ipaddr from 'ipaddr.js';

/** Cloud metadata endpoints, named in refusals so the reason is plain. */
const METADATA = new Set(['169.254.169.254', 'fd00:ec2::254']);

/**
 * Why a webhook may not connect to `address`, or undefined when it may (a public unicast
 * address). Only ipaddr.js's plain `unicast` class passes: private, loopback, link-local,
 * unique-local, carrier-grade NAT, unspecified, broadcast, multicast, reserved, and the
 * tunnelling and translation prefixes (6to4, Teredo, NAT64) that can reach an IPv4 address
 * indirectly are all refused. IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is judged as its IPv4
 * address.
 *
 * @example
 * blockedReason('10.0.0.1'); // 'private'
 * blockedReason('::ffff:127.0.0.1'); // 'loopback'
 * blockedReason('93.184.216.34'); // undefined
 */
export function blockedReason(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  let addr = ipaddr.parse(address);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress())
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  const normal = addr.toNormalizedString();
  if (METADATA.has(addr.toString()) || METADATA.has(normal)) return 'cloud metadata';
  const range = addr.range();
  return range === 'unicast' ? undefined : range;
}

/**
 * Whether a URL's host is on the allow-list (`AIOBS_WEBHOOK_ALLOW_HOSTS`): exact hostnames or
 * IP literals, compared without case and without IPv6 brackets.
 */
export function isAllowedHost(hostname: string, allow: readonly string[]): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return allow.some((a) => a.replace(/^\[|\]$/g, '').toLowerCase() === h);
}
