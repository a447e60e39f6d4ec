import { randomInt } from 'node:crypto';

/**
 * A row version that grows with time and breaks ties at random: Unix ms × 2^20 plus 20
 * random bits, as a decimal string (UInt64 in the engine; past 2^53, so not a JS number).
 * Two writers in the same millisecond get different versions; a later write wins.
 */
export function rowVersion(nowMs: number): string {
  return (BigInt(Math.floor(nowMs)) * 1_048_576n + BigInt(randomInt(1_048_576))).toString();
}
