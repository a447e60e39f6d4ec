import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../errors.js';
import type { Principal } from './principal.js';
import {
  csrfMatches,
  parseSessionTtl,
  SessionStore,
  type SessionStoreOptions,
} from './session-store.js';
import { createMemorySessionBackend, type SessionBackend } from './sessions-repo.js';

const admin: Principal = { kind: 'admin', projectId: 'default' };
const alice: Principal = { kind: 'user', projectId: 'default', userId: 'u-alice' };
const bob: Principal = { kind: 'user', projectId: 'default', userId: 'u-bob' };

/** A store over a memory backend that counts lookups; the clock moves when a test says so. */
function harness(options: SessionStoreOptions = {}, backend = createMemorySessionBackend()) {
  let lookups = 0;
  const clock = { now: 1_000_000 };
  const counting: SessionBackend = {
    ...backend,
    find: (h) => {
      lookups++;
      return backend.find(h);
    },
  };
  const store = new SessionStore(counting, { now: () => clock.now, ...options });
  return { store, clock, backend, lookups: () => lookups };
}

describe('SessionStore', () => {
  it('finds a session by its id until it expires, then refuses it', async () => {
    const { store, clock } = harness({ ttlMs: 60_000 });
    const { id, session } = await store.create(admin);
    expect(id).toMatch(/^[\w-]{43}$/);
    expect(await store.get(id)).toEqual(session);
    // Another id: the last character changed (an id ending in A 1 time in 64 stayed itself).
    expect(await store.get(`${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
    expect(await store.get(undefined)).toBeUndefined();
    clock.now += 59_999;
    expect(await store.get(id)).toEqual(session);
    clock.now += 1;
    expect(await store.get(id)).toBeUndefined();
    expect(store.maxAgeSeconds).toBe(60);
  });

  it('stores only the hash of the id, with the principal, user and CSRF token', async () => {
    const backend = createMemorySessionBackend();
    const { store } = harness({}, backend);
    const { id, session } = await store.create(alice);
    expect(session.userId).toBe('u-alice');
    expect(await backend.find(id)).toBeUndefined();
    const { createHash } = await import('node:crypto');
    const stored = await backend.find(createHash('sha256').update(id).digest('hex'));
    expect(stored).toMatchObject({ userId: 'u-alice', principal: alice, revoked: false });
    expect(stored?.csrfToken).toBe(session.csrfToken);
  });

  it('a session made on another collector is found from the shared backend', async () => {
    const shared = createMemorySessionBackend();
    const a = harness({}, shared);
    const b = harness({}, shared);
    const { id, session } = await a.store.create(alice);
    expect(await b.store.get(id)).toEqual(session);
  });

  it('delete revokes at once here and within the cache TTL on another collector', async () => {
    const shared = createMemorySessionBackend();
    const a = harness({ cacheTtlMs: 10_000 }, shared);
    const b = harness({ cacheTtlMs: 10_000 }, shared);
    const { id } = await a.store.create(admin);
    expect(await b.store.get(id)).toBeDefined();
    await a.store.delete(id);
    expect(await a.store.get(id)).toBeUndefined();
    // b still holds its copy for less than the cache TTL, then reads the revocation.
    b.clock.now += 9_999;
    expect(await b.store.get(id)).toBeDefined();
    b.clock.now += 1;
    expect(await b.store.get(id)).toBeUndefined();
  });

  it('revokeUser ends every session of that user and no other', async () => {
    const shared = createMemorySessionBackend();
    const a = harness({}, shared);
    const b = harness({}, shared);
    const s1 = await a.store.create(alice);
    const s2 = await a.store.create(alice);
    const s3 = await a.store.create(bob);
    for (const s of [s1, s2, s3]) expect(await b.store.get(s.id)).toBeDefined();
    await a.store.revokeUser('u-alice');
    expect(await a.store.get(s1.id)).toBeUndefined();
    expect(await a.store.get(s2.id)).toBeUndefined();
    expect(await a.store.get(s3.id)).toBeDefined();
    b.clock.now += 10_000;
    expect(await b.store.get(s1.id)).toBeUndefined();
    expect(await b.store.get(s3.id)).toBeDefined();
    // A session started after the revocation works.
    const s4 = await a.store.create(alice);
    expect(await b.store.get(s4.id)).toBeDefined();
  });

  it('a token sign-in ends with its token, within the cache TTL (or at once on invalidate)', async () => {
    const live = new Set(['k-read']);
    const shared = createMemorySessionBackend();
    const keyLive = async (id: string) => live.has(id);
    const a = harness({ keyLive }, shared);
    const b = harness({ keyLive }, shared);
    const byToken = await a.store.create({ kind: 'read', projectId: 'p', keyId: 'k-read' });
    const byPassword = await a.store.create(alice);
    expect(await b.store.get(byToken.id)).toBeDefined();
    live.delete('k-read');
    expect(await b.store.get(byToken.id)).toBeDefined();
    b.clock.now += 10_000;
    expect(await b.store.get(byToken.id)).toBeUndefined();
    expect(await b.store.get(byPassword.id)).toBeDefined();
    expect(await a.store.get(byToken.id)).toBeDefined();
    a.store.invalidate();
    expect(await a.store.get(byToken.id)).toBeUndefined();
    expect(await a.store.get(byPassword.id)).toBeDefined();
  });

  it('reads the backend at most once per cache TTL, and never for a malformed id', async () => {
    const h = harness({ cacheTtlMs: 10_000 });
    const { id } = await h.store.create(admin);
    const other = harness({ cacheTtlMs: 10_000 }, h.backend);
    await Promise.all([other.store.get(id), other.store.get(id), other.store.get(id)]);
    expect(other.lookups()).toBe(1);
    other.clock.now += 10_000;
    await other.store.get(id);
    expect(other.lookups()).toBe(2);
    // Unknown well-formed ids are remembered for the cache TTL; malformed ones never looked up.
    const made = 'A'.repeat(43);
    await other.store.get(made);
    await other.store.get(made);
    await other.store.get('short');
    await other.store.get(`${'A'.repeat(43)}!`);
    expect(other.lookups()).toBe(3);
  });

  it('answers 503, not "signed out", when storage fails or lookups pile up', async () => {
    const failing = createMemorySessionBackend();
    failing.find = () => Promise.reject(new Error('engine down'));
    const { store } = harness({}, failing);
    await expect(store.get('B'.repeat(43))).rejects.toBeInstanceOf(UnavailableError);
    let release: () => void = () => {};
    const held = createMemorySessionBackend();
    held.find = () =>
      new Promise((resolve) => {
        release = () => resolve(undefined);
      });
    const busy = harness({ maxLookups: 1 }, held).store;
    const first = busy.get('C'.repeat(43));
    await expect(busy.get('D'.repeat(43))).rejects.toBeInstanceOf(UnavailableError);
    release();
    expect(await first).toBeUndefined();
  });

  it('gives each session its own CSRF token and compares it exactly', async () => {
    const { store } = harness();
    const a = (await store.create(admin)).session;
    const b = (await store.create(admin)).session;
    expect(a.csrfToken).not.toBe(b.csrfToken);
    expect(csrfMatches(a, a.csrfToken)).toBe(true);
    expect(csrfMatches(a, b.csrfToken)).toBe(false);
    expect(csrfMatches(a, a.csrfToken.slice(1))).toBe(false);
    expect(csrfMatches(a, undefined)).toBe(false);
    expect(csrfMatches(a, '')).toBe(false);
  });
});

describe('parseSessionTtl', () => {
  it('reads seconds, minutes, hours and days', () => {
    expect(parseSessionTtl('30s')).toBe(30_000);
    expect(parseSessionTtl('15m')).toBe(900_000);
    expect(parseSessionTtl('12h')).toBe(43_200_000);
    expect(parseSessionTtl('7d')).toBe(604_800_000);
  });

  it('refuses anything else', () => {
    for (const bad of ['', '0s', '12', '1.5h', '-1h', '1w', 'h'])
      expect(() => parseSessionTtl(bad), bad).toThrow(RangeError);
  });
});
