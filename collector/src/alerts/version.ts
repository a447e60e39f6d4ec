import { randomInt } from 'node:crypto';

/** The last version this process issued: versions from one process strictly increase. */
let last = 0n;

/**
 * A row version that grows with time and breaks ties at random: Unix ms × 2^20 plus 20
 * random bits, as a decimal string (UInt64 in the engine; past 2^53, so not a JS number).
 * Writers in different processes in the same millisecond get different versions, and a
 * later write wins; within one process each version is above the one before, so a lease
 * released in the millisecond it was renewed stays released.
 */
export function rowVersion(nowMs: number): string {
  let v = BigInt(Math.floor(nowMs)) * 1_048_576n + BigInt(randomInt(1_048_576));
  if (v <= last) v = last + 1n;
  last = v;
  return v.toString();
}
