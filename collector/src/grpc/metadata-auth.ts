import { isIP } from 'node:net';
import type { Metadata } from '@grpc/grpc-js';
import { type Authenticator, credentialFrom, type Principal } from '../auth/authenticator.js';
import { clientAddress } from '../auth/client-address.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';

/**
 * Authenticates an OTLP/gRPC call as the HTTP receiver does a request: the credential from
 * `authorization: Bearer <key>` or `x-aiobs-api-key` metadata, failed attempts counted per
 * client address (the peer, or with `--trust-proxy` the right-most `x-forwarded-for`
 * entry an Envoy or nginx gRPC proxy appends), and the per-key ingest rate.
 *
 * @throws UnauthorizedError (UNAUTHENTICATED) for a missing or unknown credential
 * @throws RateLimitError, UnavailableError from the authenticator
 */
export async function authenticateCall(
  authenticator: Authenticator,
  metadata: Metadata,
  peer: string,
): Promise<Principal> {
  const headers = { get: (name: string) => firstString(metadata, name) };
  const token = credentialFrom(headers);
  if (!token)
    throw new UnauthorizedError(
      'missing credentials: send metadata authorization: Bearer <key> or x-aiobs-api-key',
    );
  const address = clientAddress(
    peerAddress(peer),
    headers.get('x-forwarded-for'),
    authenticator.trustProxy,
  );
  const principal = await authenticator.authenticate(token, { address, ingest: true });
  if (!principal) throw new UnauthorizedError('invalid credentials');
  if (principal.kind !== 'ingest' && principal.kind !== 'admin')
    throw new ForbiddenError('this credential cannot write telemetry: send a project ingest key');
  return principal;
}

function firstString(metadata: Metadata, name: string): string | null {
  const v = metadata.get(name)[0];
  return typeof v === 'string' ? v : null;
}

/**
 * The IP address in grpc-js's `call.getPeer()`, which is `address:port` with the address
 * unbracketed even for IPv6 (`::1:50123`); undefined when it holds none.
 *
 * @example
 * peerAddress('::ffff:127.0.0.1:50123') // '::ffff:127.0.0.1'
 */
export function peerAddress(peer: string): string | undefined {
  // The port goes first: `::1:8080` is also a valid IPv6 address on its own.
  const colon = peer.lastIndexOf(':');
  if (colon > 0 && /^\d{1,5}$/.test(peer.slice(colon + 1))) {
    const host = peer.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
    if (isIP(host)) return host;
  }
  return isIP(peer) ? peer : undefined;
}
