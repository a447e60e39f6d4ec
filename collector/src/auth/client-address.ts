import { isIP } from 'node:net';

/**
 * The key under which failed attempts are counted for a client address: an IPv4 address as
 * is, an IPv6 address by its /64 prefix (one host or one customer LAN gets a whole /64, so
 * counting single IPv6 addresses would let one client rotate through 2^64 of them).
 * IPv4-mapped IPv6 (`::ffff:192.0.2.1`, what a dual-stack listener reports) counts as IPv4.
 * Anything unparseable shares the key `unknown`.
 *
 * @example
 * addressKey('2001:db8:1:2:3:4:5:6') // '2001:db8:1:2::/64'
 */
export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const ip = plainIp(address);
  if (ip === undefined) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  return isIP(ip) === 4 ? ip : `${prefix64(ip)}::/64`;
}

/**
 * The address to count failed attempts against. By default the socket's peer: a client
 * can write any `X-Forwarded-For` it likes, so trusting it would let one client spread its
 * attempts over made-up addresses. Behind a reverse proxy (`--trust-proxy`) every request
 * comes from the proxy, and the client is the right-most `X-Forwarded-For` entry, the one
 * the proxy itself appended (entries further left were written by the client).
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | undefined | null,
  trustProxy: boolean,
): string {
  if (trustProxy && forwardedFor) {
    const last = forwardedFor.split(',').pop()?.trim();
    const ip = last ? plainIp(last) : undefined;
    if (ip !== undefined) return addressKey(ip);
  }
  return addressKey(socketAddress);
}

/** `address` without brackets, port or zone, if it is an IP address; else undefined. */
function plainIp(address: string): string | undefined {
  let a = address.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  return isIP(a) ? a.toLowerCase() : undefined;
}

/** The first four hextets of a valid IPv6 address, without leading zeros. */
function prefix64(ip: string): string {
  const [head = '', tail] = ip.split('::') as [string, string | undefined];
  const part = (s: string | undefined) => (s ? s.split(':') : []);
  // A trailing dotted quad stands for two hextets; only the first four matter here.
  const count = (parts: string[]) => parts.reduce((n, p) => n + (p.includes('.') ? 2 : 1), 0);
  const left = part(head);
  const right = part(tail);
  const zeros = tail === undefined ? 0 : 8 - count(left) - count(right);
  const hextets = [...left, ...Array<string>(Math.max(0, zeros)).fill('0'), ...right];
  return hextets
    .slice(0, 4)
    .map((h) => (h.includes('.') ? '0' : Number.parseInt(h, 16).toString(16)))
    .join(':');
}
