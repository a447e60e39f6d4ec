import { createHash, randomBytes } from 'node:crypto';
import type { KeyKind } from '../storage/types.js';

export type { KeyKind } from '../storage/types.js';

/** Keys are stored only as SHA-256 hex digests (they are random, so no salt is needed). */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new random credential, prefixed by kind so a leaked key says what it is. */
export function generateKey(kind: KeyKind): string {
  return `${kind === 'ingest' ? 'aiobs_ik_' : 'aiobs_at_'}${randomBytes(24).toString('base64url')}`;
}
