import { createHash } from 'node:crypto';

/**
 * The 128-bit digest (32 hex characters) of one OTLP request as received: its project,
 * signal and (decompressed) body. An exporter that resends a request it got no answer for
 * sends the same bytes, so the resend has the same digest. SHA-256, cut to 128 bits: no
 * client can make another request's digest on purpose, and the project is part of it, so a
 * collision could never cross projects anyway.
 *
 * @example
 * requestDigest('default', 'traces', body); // 'a3c1…' (32 hex)
 */
export function requestDigest(project: string, signal: string, body: Uint8Array): string {
  return createHash('sha256')
    .update(project)
    .update('\0')
    .update(signal)
    .update('\0')
    .update(body)
    .digest('hex')
    .slice(0, 32);
}
