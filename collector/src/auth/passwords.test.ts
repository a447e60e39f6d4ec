import { scryptSync } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { BadRequestError } from '../errors.js';
import {
  checkPasswordPolicy,
  dummyPasswordHash,
  hashPassword,
  PASSWORD_MAX,
  verifyPassword,
} from './passwords.js';

describe('hashPassword / verifyPassword', () => {
  test('a hash is self-describing scrypt with a fresh salt, and verifies only its password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct');
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse battery', b)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  test('the stored string is plain RFC 7914 scrypt, so its cost can change later', async () => {
    const [, N, r, p, salt, hash] = (await hashPassword('a long passphrase')).split('$');
    const expected = scryptSync('a long passphrase', Buffer.from(salt!, 'base64url'), 32, {
      N: Number(N),
      r: Number(r),
      p: Number(p),
      maxmem: 64 * 1024 * 1024,
    });
    expect(Buffer.from(hash!, 'base64url').equals(expected)).toBe(true);
    // A hash made with another cost still verifies with the cost it names.
    const cheap = scryptSync('older password', Buffer.from('0123456789abcdef'), 32, {
      N: 1024,
      r: 8,
      p: 1,
    });
    const stored = `scrypt$1024$8$1$${Buffer.from('0123456789abcdef').toString('base64url')}$${cheap.toString('base64url')}`;
    expect(await verifyPassword('older password', stored)).toBe(true);
    expect(await verifyPassword('other password', stored)).toBe(false);
  });

  test('a malformed or too costly stored string never matches (and costs nothing)', async () => {
    const good = await hashPassword('some password here');
    const [, , , , salt, hash] = good.split('$');
    for (const stored of [
      '',
      'plain-text-password',
      good.replace('scrypt$', 'bcrypt$'),
      `scrypt$1000$8$1$${salt}$${hash}`, // N not a power of two
      `scrypt$${2 ** 24}$8$1$${salt}$${hash}`, // N far past the bound
      `scrypt$32768$99$1$${salt}$${hash}`,
      `scrypt$32768$8$1$$${hash}`,
      `scrypt$32768$8$1$${salt}$`,
      `scrypt$32768$8$1$${salt}$${hash}$extra`,
    ])
      expect(await verifyPassword('some password here', stored), stored).toBe(false);
  });

  test('the dummy hash is made once and matches no password a caller sends', async () => {
    const d = await dummyPasswordHash();
    expect(await dummyPasswordHash()).toBe(d);
    expect(d.startsWith('scrypt$')).toBe(true);
    expect(await verifyPassword('', d)).toBe(false);
  });
});

describe('checkPasswordPolicy', () => {
  test('accepts 12 to 256 characters, counted as characters, not bytes', () => {
    expect(checkPasswordPolicy('twelve chars')).toBe('twelve chars');
    expect(checkPasswordPolicy('é'.repeat(12))).toBe('é'.repeat(12));
    expect(checkPasswordPolicy('x'.repeat(PASSWORD_MAX))).toHaveLength(PASSWORD_MAX);
  });

  test('refuses short, long and non-string passwords with a 400 naming the field', () => {
    const refusal = (value: unknown, field?: string) => {
      try {
        checkPasswordPolicy(value, field);
      } catch (err) {
        return err as BadRequestError;
      }
      throw new Error('accepted');
    };
    const short = refusal('eleven char');
    expect(short).toBeInstanceOf(BadRequestError);
    expect(short.status).toBe(400);
    expect(short.options.field).toBe('password');
    expect(short.message).toContain('at least 12');
    expect(refusal('x'.repeat(PASSWORD_MAX + 1), 'newPassword').options.field).toBe('newPassword');
    expect(refusal(123_456_789_012).message).toContain('must be a string');
    expect(refusal(undefined).options.field).toBe('password');
  });
});
