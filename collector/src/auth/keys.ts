import { createHash, randomBytes } from 'node:crypto';
import type { KeyKind } from '../storage/types.js';

export type { KeyKind } from '../storage/types.js';

/** Keys are stored only as SHA-256 hex digests (they are random, so no salt is needed). */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

const PREFIXES: Record<KeyKind, string> = {
  ingest: 'aiobs_ik_',
  admin: 'aiobs_at_',
  read: 'aiobs_rk_',
  personal: 'aiobs_pt_',
};

/** A new random credential, prefixed by kind so a leaked key says what it is. */
export function generateKey(kind: KeyKind): string {
  return `${PREFIXES[kind]}${randomBytes(24).toString('base64url')}`;
}

/** A key's public id: listed, revoked and audited by it (never by the key or its hash). */
export function generateKeyId(): string {
  return randomBytes(8).toString('hex');
}

/** The part of a key that lists show, enough to tell keys apart and nothing to use. */
export function keyPrefix(key: string): string {
  return key.slice(0, 12);
}
