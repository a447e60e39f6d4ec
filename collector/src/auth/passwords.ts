import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { BadRequestError } from '../errors.js';

/**
 * Password hashing with scrypt (RFC 7914) from node:crypto: memory-hard, no native add-on.
 * Stored as a self-describing string `scrypt$N$r$p$salt$hash` (salt and hash base64url), so
 * the cost can be raised later and old hashes still verify with the cost they were made with.
 */

/** Cost of new hashes: N = 2^15, r = 8 (32 MiB per hash, about 50-100 ms on a server core). */
const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** Bounds on the parameters a stored hash may name: a corrupt row must not cost a minute. */
const MAX = { logN: 20, r: 32, p: 16 } as const;

/** Shortest and longest password accepted (NIST SP 800-63B: length over composition rules). */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

/**
 * Refuses a password that breaks the policy (at least {@link PASSWORD_MIN} and at most
 * {@link PASSWORD_MAX} characters) with a 400 naming `field`.
 */
export function checkPasswordPolicy(password: unknown, field = 'password'): string {
  if (typeof password !== 'string') throw new BadRequestError(`${field} must be a string`, field);
  const length = [...password].length;
  if (length < PASSWORD_MIN)
    throw new BadRequestError(`${field} must be at least ${PASSWORD_MIN} characters`, field);
  if (length > PASSWORD_MAX)
    throw new BadRequestError(`${field} must be at most ${PASSWORD_MAX} characters`, field);
  return password;
}

/** Hashes `password` with a fresh random salt, as `scrypt$N$r$p$salt$hash`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, HASH_BYTES, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), hash.toString('base64url')]
    .map(String)
    .join('$');
}

/**
 * Whether `password` matches `stored` (a {@link hashPassword} string), compared in constant
 * time. A malformed or unknown stored string never matches.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const hash = await derive(password, parsed.salt, parsed.hash.length, parsed.cost);
  return timingSafeEqual(hash, parsed.hash);
}

let dummy: Promise<string> | undefined;

/**
 * A hash of a random password, made once: sign-in verifies against it when the email is
 * unknown, so an unknown email costs as long as a wrong password (no timing oracle).
 */
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(18).toString('base64url'));
  return dummy;
}

interface Cost {
  N: number;
  r: number;
  p: number;
}

function parseHash(stored: string): { cost: Cost; salt: Buffer; hash: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((s) => (/^\d{1,8}$/.test(s) ? Number(s) : Number.NaN));
  const salt = Buffer.from(parts[4]!, 'base64url');
  const hash = Buffer.from(parts[5]!, 'base64url');
  const ok =
    N !== undefined &&
    r !== undefined &&
    p !== undefined &&
    N >= 2 &&
    (N & (N - 1)) === 0 &&
    N <= 2 ** MAX.logN &&
    r >= 1 &&
    r <= MAX.r &&
    p >= 1 &&
    p <= MAX.p &&
    salt.length >= 8 &&
    hash.length >= 16 &&
    hash.length <= 64;
  return ok ? { cost: { N, r, p }, salt, hash } : undefined;
}

function derive(password: string, salt: Buffer, length: number, cost: Cost): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; Node's default cap (32 MiB) is exactly that for N = 2^15.
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, length, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}
