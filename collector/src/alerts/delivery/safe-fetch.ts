import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { blockedReason, isAllowedHost } from './address-policy.js';

/** An address a hostname resolved to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a hostname to all its addresses (the system resolver unless a test gives one). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** How {@link safePost} may reach a target. */
export interface SafeFetchOptions {
  /** Hostnames (or IP literals) that may resolve to private addresses (`AIOBS_WEBHOOK_ALLOW_HOSTS`). */
  allowHosts: readonly string[];
  /** Longest wait for the TCP connection. */
  connectTimeoutMs: number;
  /** Longest one attempt may take, redirects and the response body included. */
  timeoutMs: number;
  /** Bytes of the response body kept; the rest is not read (default 64 KiB). */
  maxBodyBytes?: number;
  /** Redirects followed, each checked like the first URL (default 3). */
  maxRedirects?: number;
  resolve?: Resolver;
  /** Aborts the attempt (the collector is stopping); it then reports `aborted`. */
  signal?: AbortSignal;
}

/** The outcome of one POST. `refused` is set when no connection was attempted. */
export interface PostResult {
  /** HTTP status of the final response; undefined when none came. */
  status?: number;
  /** Why the request failed before or without a response (network, timeout, refusal). */
  error?: string;
  /** Set when the target was refused before any connection (the address class, or the URL). */
  refused?: string;
  /** The final response's `Retry-After` header. */
  retryAfter?: string;
  /** The start of the response body, at most `maxBodyBytes`. */
  body: string;
  /** The address connected to last (for the attempt log). */
  address?: string;
}

const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/** Thrown inside {@link safePost} when a target is refused; turned into `refused`. */
class Refused extends Error {}

/**
 * Resolves the URL's host and checks every address it resolves to (one private answer among
 * public ones is enough to refuse: an attacker controls which one a later lookup returns).
 * Allow-listed hosts skip the check. Returns the address to connect to.
 */
export async function checkTarget(
  url: URL,
  allowHosts: readonly string[],
  resolve: Resolver = systemResolver,
): Promise<ResolvedAddress> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Refused(`scheme ${url.protocol} is not http or https`);
  if (url.username || url.password) throw new Refused('URLs with credentials are not allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host);
  const addresses: ResolvedAddress[] = literal
    ? [{ address: host, family: literal === 6 ? 6 : 4 }]
    : await resolve(host).catch((err: Error) => {
        throw new Refused(`cannot resolve ${host}: ${err.message}`);
      });
  if (addresses.length === 0) throw new Refused(`${host} resolves to no address`);
  if (!isAllowedHost(host, allowHosts))
    for (const a of addresses) {
      const reason = blockedReason(a.address);
      if (reason)
        throw new Refused(
          `${host} resolves to ${a.address} (${reason}); add the host to AIOBS_WEBHOOK_ALLOW_HOSTS to allow it`,
        );
    }
  return addresses[0]!;
}

/**
 * POSTs `body` to `url` without SSRF exposure: the host is resolved once, every address is
 * checked ({@link checkTarget}), and the socket connects to the checked address through a
 * `lookup` that answers with it, so a second DNS answer (DNS rebinding) is never used.
 * Redirects are followed up to `maxRedirects`, each target checked again, the method and
 * body kept (a webhook is a POST whatever the status). Never throws.
 *
 * @example
 * const r = await safePost('https://hooks.example.com/x', '{}', {}, { allowHosts: [], connectTimeoutMs: 5000, timeoutMs: 10000 });
 * if (r.refused) console.log('refused before connecting:', r.refused);
 */
export async function safePost(
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  opts: SafeFetchOptions,
): Promise<PostResult> {
  const deadline = Date.now() + opts.timeoutMs;
  const maxRedirects = opts.maxRedirects ?? 3;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { refused: 'not a valid URL', error: 'not a valid URL', body: '' };
  }
  for (let hop = 0; ; hop++) {
    let addr: ResolvedAddress;
    try {
      addr = await checkTarget(target, opts.allowHosts, opts.resolve);
    } catch (err) {
      if (err instanceof Refused) return { refused: err.message, error: err.message, body: '' };
      throw err;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) return { error: 'timed out', body: '' };
    if (opts.signal?.aborted) return { error: 'aborted', body: '' };
    const res = await postOnce(target, addr, body, headers, {
      connectTimeoutMs: Math.min(opts.connectTimeoutMs, remaining),
      timeoutMs: remaining,
      maxBodyBytes: opts.maxBodyBytes ?? 64 * 1024,
      signal: opts.signal,
    });
    const location = res.location;
    if (res.status === undefined || ![301, 302, 303, 307, 308].includes(res.status) || !location)
      return { ...res.result, address: addr.address };
    if (hop >= maxRedirects)
      return { ...res.result, error: `more than ${maxRedirects} redirects`, address: addr.address };
    try {
      target = new URL(location, target);
    } catch {
      return { ...res.result, error: `bad redirect location ${location}`, address: addr.address };
    }
  }
}

interface OnceResult {
  status?: number;
  location?: string;
  result: PostResult;
}

function postOnce(
  url: URL,
  addr: ResolvedAddress,
  body: string,
  headers: Readonly<Record<string, string>>,
  limits: {
    connectTimeoutMs: number;
    timeoutMs: number;
    maxBodyBytes: number;
    signal?: AbortSignal;
  },
): Promise<OnceResult> {
  return new Promise((done) => {
    let settled = false;
    const finish = (r: OnceResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(totalTimer);
      limits.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      done(r);
    };
    const onAbort = () => finish({ result: { error: 'aborted', body: '' } });
    // The connection goes to the address that was checked, never to a fresh DNS answer.
    const lookup: LookupFunction = (_host, options, cb) => {
      if ((options as { all?: boolean }).all)
        (cb as unknown as (e: null, a: ResolvedAddress[]) => void)(null, [addr]);
      else cb(null, addr.address, addr.family);
    };
    const mod = url.protocol === 'https:' ? https : http;
    const payload = Buffer.from(body);
    const req = mod.request({
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      agent: false,
      lookup,
      headers: {
        'user-agent': 'aiobs-webhook/1',
        'content-type': 'application/json',
        ...headers,
        'content-length': String(payload.length),
      },
    });
    const connectTimer = setTimeout(
      () =>
        finish({
          result: { error: `connect timed out after ${limits.connectTimeoutMs} ms`, body: '' },
        }),
      limits.connectTimeoutMs,
    );
    const totalTimer = setTimeout(
      () => finish({ result: { error: `timed out after ${limits.timeoutMs} ms`, body: '' } }),
      limits.timeoutMs,
    );
    limits.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('socket', (s) => {
      if (!s.connecting) clearTimeout(connectTimer);
      else s.once('connect', () => clearTimeout(connectTimer));
    });
    req.on('error', (err: NodeJS.ErrnoException) =>
      finish({
        result: { error: err.code ? `${err.code}: ${err.message}` : err.message, body: '' },
      }),
    );
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const status = res.statusCode ?? 0;
      const retryAfter = res.headers['retry-after'];
      const location = res.headers.location;
      const end = () =>
        finish({
          status,
          location,
          result: {
            status,
            retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
            body: Buffer.concat(chunks).toString('utf8'),
          },
        });
      res.on('data', (chunk: Buffer) => {
        const room = limits.maxBodyBytes - size;
        if (chunk.length >= room) {
          chunks.push(chunk.subarray(0, room));
          size += room;
          end(); // the rest is never read: a huge answer cannot fill memory
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', end);
      res.on('error', end);
    });
    req.end(payload);
  });
}
